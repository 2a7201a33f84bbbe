import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Candle, createManualClock, isDomainError, marketSymbol } from '../domain/index.js';
import { CANDLE_CSV_HEADER } from './csv.js';
import { createMarketFeed } from './from-config.js';
import { createMemoryFeed } from './memory-feed.js';
import { createReplayFeed } from './replay/replay-feed.js';

const T0 = Date.UTC(2026, 0, 5);
const X = marketSymbol('XUSDT');
const c = (k: number, close: number): Candle => ({
  openTime: T0 + k * 60_000,
  open: close,
  high: close + 1,
  low: close - 1,
  close,
  volume: 2,
});

describe('memory feed', () => {
  it('plays hand-made candles on a clock the caller owns and steps', async () => {
    const clock = createManualClock(T0);
    const feed = createMemoryFeed({
      symbols: [{ symbol: X, timeframe: '1m', candles: [c(0, 10), c(1, 11), c(2, 12)] }],
      clock,
      pace: 'manual',
    });
    const sub = feed.watchMarkPrices([X]);
    clock.set(T0 + 2 * 60_000); // the owner moves its clock, then lets the feed catch up
    feed.advanceTo(clock.now());
    expect(sub.drain().map((m) => m.markPrice)).toEqual([10, 11]);
    expect((await feed.candles(X, '1m')).map((k) => k.close)).toEqual([10, 11]);
    expect(feed.step()).toBe(true);
    expect(feed.step()).toBe(false); // the single symbol's recording is over
  });

  it('publishes base candles as rows of columns, in the order watchCandles publishes them', async () => {
    const Y = marketSymbol('YUSDT');
    const symbols = [
      { symbol: X, timeframe: '1m' as const, candles: [c(0, 10), c(1, 11), c(2, 12), c(3, 13)] },
      { symbol: Y, timeframe: '1m' as const, candles: [c(1, 21), c(3, 23)] },
    ];
    const feed = createMemoryFeed({ symbols, pace: 'manual' });
    const objects = feed.watchCandles([X, Y], '1m');
    const rows = feed.watchCandleRows([Y, X]);
    const seen: { symbol: string; close: number }[][] = [];
    while (feed.step()) {
      const n = rows.drain();
      const step: { symbol: string; close: number }[] = [];
      for (let k = 0; k < n; k++) {
        const i = rows.symbolIndex[k]!;
        step.push({ symbol: [Y, X][i]!, close: rows.candles.close[k]! });
      }
      seen.push(step);
      expect(step).toEqual(objects.drain().map((u) => ({ symbol: u.symbol, close: u.candle.close })));
    }
    expect(seen.map((step) => step.map((s) => s.close))).toEqual([[10], [11, 21], [12], [13, 23]]);
    rows.close();
    expect(rows.drain()).toBe(0);
  });

  it('plays on after one recording ends and starts another later, rows and watches alike', async () => {
    // Z ends after its second candle, W starts at the third: the row watch and the candle watch
    // see the same candles, each once, and the clock stops at the last candle's close.
    const Z = marketSymbol('ZUSDT');
    const W = marketSymbol('WUSDT');
    const symbols = [
      { symbol: X, timeframe: '1m' as const, candles: [c(0, 10), c(1, 11), c(2, 12), c(3, 13), c(4, 14)] },
      { symbol: Z, timeframe: '1m' as const, candles: [c(0, 30), c(1, 31)] },
      { symbol: W, timeframe: '1m' as const, candles: [c(2, 42), c(3, 43)] },
    ];
    const feed = createMemoryFeed({ symbols, pace: 'manual', start: T0 });
    const names = [X, Z, W];
    const objects = feed.watchCandles(names, '1m');
    const rows = feed.watchCandleRows(names);
    const seen: string[][] = [];
    const times: number[] = [];
    for (let t = feed.nextEventTime(); t !== undefined; t = feed.nextEventTime()) {
      feed.step();
      times.push(feed.clock.now() - T0);
      const n = rows.drain();
      const step: string[] = [];
      for (let k = 0; k < n; k++) step.push(`${names[rows.symbolIndex[k]!]}:${rows.candles.close[k]}`);
      seen.push(step);
      expect(step).toEqual(objects.drain().map((u) => `${u.symbol}:${u.candle.close}`));
    }
    expect(seen).toEqual([
      ['XUSDT:10', 'ZUSDT:30'],
      ['XUSDT:11', 'ZUSDT:31'],
      ['XUSDT:12', 'WUSDT:42'],
      ['XUSDT:13', 'WUSDT:43'],
      ['XUSDT:14'],
    ]);
    expect(times).toEqual([1, 2, 3, 4, 5].map((k) => k * 60_000));
    expect(feed.step()).toBe(false);
    rows.close();
  });

  it('refuses a bad hand-made candle with symbol and time', () => {
    expect(() =>
      createMemoryFeed({
        symbols: [{ symbol: X, timeframe: '1m', candles: [c(0, 10), { ...c(1, 11), low: Number.NaN }] }],
      }),
    ).toThrow('memory: XUSDT 1m candle at 2026-01-05T00:01:00.000Z (line 2): low is not a number');
  });
});

describe('empty recordings', () => {
  it('excludes a header-only file and refuses a folder with nothing usable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'empty-'));
    mkdirSync(join(dir, '5m'));
    writeFileSync(join(dir, '5m', 'XUSDT.csv'), `${CANDLE_CSV_HEADER}\n`);
    await expect(createReplayFeed({ dir })).rejects.toSatisfy((e) => isDomainError(e, 'NOT_FOUND'));
    writeFileSync(join(dir, '5m', 'YUSDT.csv'), `${CANDLE_CSV_HEADER}\n${T0},1,1,1,1,0\n`);
    const feed = await createReplayFeed({ dir });
    expect(feed.report.excluded).toEqual([
      { symbol: 'XUSDT', reason: `${join(dir, '5m', 'XUSDT.csv')} holds no usable candles` },
    ]);
    expect((await feed.universe()).map((r) => r.symbol)).toEqual(['YUSDT']);
  });
});

describe('createMarketFeed (the MARKET setting)', () => {
  const config = {
    MARKET: 'synthetic',
    SYNTHETIC_SEED: 4,
    SYNTHETIC_SYMBOLS: 2,
    MARKET_SPEED: 1,
    BINANCE_BASE_URL: 'https://fapi.binance.com',
  };

  it('builds the synthetic market at the wall clock’s minute, and replay:DIR from a folder', async () => {
    const wallClock = createManualClock(Date.UTC(2026, 2, 1, 10, 30, 15));
    const synthetic = await createMarketFeed(
      { ...config, MARKET: 'synthetic:9' },
      { wallClock, pace: 'manual' },
    );
    expect([synthetic.kind, synthetic.clock.now()]).toEqual(['synthetic', Date.UTC(2026, 2, 1, 10, 30)]);
    expect(await synthetic.universe()).toHaveLength(2);
    await synthetic.close();
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    mkdirSync(join(dir, '1m'));
    writeFileSync(join(dir, '1m', 'XUSDT.csv'), `${CANDLE_CSV_HEADER}\n${T0},1,1,1,1,0\n`);
    const replay = await createMarketFeed({ ...config, MARKET: `replay:${dir}` }, { pace: 'manual' });
    expect(replay.kind).toBe('replay');
  });

  it('refuses a malformed seed', async () => {
    await expect(createMarketFeed({ ...config, MARKET: 'synthetic:abc' })).rejects.toSatisfy((e) =>
      isDomainError(e, 'CONFIG_INVALID'),
    );
  });
});
