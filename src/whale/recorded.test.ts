/**
 * The whale detector on a recorded stream (../shared/data/market/streams: 7 minutes of Binance
 * forceOrder events, 2025-10-22 09:36-09:43 UTC, mostly longs liquidated across the market) and on
 * the synthetic market's cascades.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MARKET_DATA_MISSING, marketDataDir } from '../../test/support/market-data.js';
import { type Liquidation, marketSymbol, timeframeMs } from '../domain/index.js';
import { createReplayFeed, createSyntheticFeed, parseLiquidationCsv } from '../market/index.js';
import { baselineFromTickers, detectWhaleEvents, quoteVolumePerMinute } from './index.js';

const dir = marketDataDir();
const STREAM = 'streams/binance_um_liquidations_2025-10-22T0936-0943Z.csv';

describe.skipIf(!dir)(
  `whale detector on the recorded liquidation stream${dir ? '' : ` (${MARKET_DATA_MISSING})`}`,
  () => {
    it('sees the long flush as DUMP pressure, and only where it is large for the symbol', async () => {
      const file = join(dir!, STREAM);
      const { events } = parseLiquidationCsv(readFileSync(file, 'utf8'), { file });
      const at = events[0]!.time;
      // Normal traded volume from the recorded 5m candles of the day before.
      const withCandles = ['BTCUSDT', 'ETHUSDT', 'XRPUSDT', 'BNBUSDT'];
      const feed = await createReplayFeed({
        dir: dir!,
        symbols: withCandles,
        baseTimeframe: '5m',
        start: at,
        pace: 'manual',
      });
      const perMinute = new Map<string, number>();
      for (const s of withCandles) {
        const candles = await feed.candleColumns(marketSymbol(s), '5m', { limit: 288 });
        perMinute.set(s, quoteVolumePerMinute(candles, timeframeMs('5m'), at)!);
      }
      await feed.close();
      expect(perMinute.get('ETHUSDT')).toBeGreaterThan(5_000_000);

      const found = detectWhaleEvents(events, { baseline: (s) => perMinute.get(s) });
      const summary = [...new Set(found.map((e) => `${e.symbol} ${e.direction}`))];
      // 413 of the 474 rows are longs liquidated: every event is a DUMP.
      expect(summary).toEqual(['FETUSDT DUMP', 'SNXUSDT DUMP', 'KDAUSDT DUMP', 'XRPUSDT DUMP']);
      // ETH lost $144k of longs: without a baseline that looks like a cluster ...
      expect(detectWhaleEvents(events).some((e) => e.symbol === 'ETHUSDT')).toBe(true);
      // ... against $16M of ETH traded a minute it is noise (0.2% of 5 minutes' volume); XRP's $47k is not.
      const xrp = found.find((e) => e.symbol === 'XRPUSDT')!;
      expect(xrp.evidence.intensity).toBeGreaterThan(0.005);
      expect(xrp.confidence).toBeGreaterThan(60);
      // Symbols without a baseline are capped.
      expect(
        Math.max(...found.filter((e) => e.evidence.intensity === null).map((e) => e.confidence)),
      ).toBeLessThanOrEqual(70);
      expect(found.every((e) => e.time >= at && e.evidence.dominance >= 0.7)).toBe(true);
    });
  },
);

describe('whale detector on the synthetic market', () => {
  it('turns its liquidation cascades into events that point the way the price broke', async () => {
    const start = Date.UTC(2026, 0, 5);
    const feed = createSyntheticFeed({ seed: 11, symbols: 8, start, pace: 'manual', historyDays: 1 });
    try {
      const sub = feed.watchLiquidations();
      const liquidations: Liquidation[] = [];
      const baseline = baselineFromTickers(await feed.tickers());
      for (let h = 1; h <= 72; h++) {
        feed.advanceTo(start + h * 3_600_000);
        liquidations.push(...sub.drain());
      }
      sub.close();
      const events = detectWhaleEvents(liquidations, { baseline });
      expect(liquidations.length).toBeGreaterThan(0);
      expect(events.length).toBeGreaterThan(0);
      let agree = 0;
      for (const e of events) {
        const [candle] = await feed.candles(marketSymbol(e.symbol), '5m', {
          from: Math.floor(e.time / 300_000) * 300_000,
          limit: 1,
        });
        const move = candle!.close - candle!.open;
        if ((e.direction === 'PUMP') === move > 0) agree++;
      }
      // Cascades go with the move that caused them: nearly every event matches its candle.
      expect(agree / events.length).toBeGreaterThanOrEqual(0.8);
    } finally {
      await feed.close();
    }
  });
});
