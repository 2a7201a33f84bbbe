/**
 * The MarketFeed contract: the same assertions against all three sources. Replay plays a folder
 * written from a synthetic market (candles as CSV, liquidations as a recorded-style CSV); Binance
 * runs against the local fake Binance on 127.0.0.1.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CandleUpdate,
  createManualClock,
  isDomainError,
  marketSymbol,
  timeframeMs,
} from '../domain/index.js';
import { createBinanceFeed } from './binance/binance-feed.js';
import { formatCandleCsv } from './csv.js';
import type { MarketFeed } from './feed.js';
import { createReplayFeed } from './replay/replay-feed.js';
import { createSyntheticFeed } from './synthetic/synthetic-feed.js';
import { startFakeBinance } from './testing/fake-binance.js';
import { aggregateCandles, columnsToCandles } from './timeframes.js';

interface Source {
  feed: MarketFeed;
  close(): Promise<void>;
}

const DAY = 86_400_000;

async function syntheticSource(): Promise<Source> {
  const feed = createSyntheticFeed({ seed: 77, symbols: 3, historyDays: 3, pace: 'pull' });
  return { feed, close: () => feed.close() };
}

/** A recorded-market folder written from a synthetic market, then replayed. */
async function replaySource(): Promise<Source> {
  const market = createSyntheticFeed({ seed: 78, symbols: 3, historyDays: 2, pace: 'manual' });
  const liquidations = market.watchLiquidations();
  const start = market.clock.now();
  market.advanceTo(start + 2 * DAY);
  const dir = mkdtempSync(join(tmpdir(), 'contract-replay-'));
  mkdirSync(join(dir, '5m'));
  mkdirSync(join(dir, 'streams'));
  for (const r of await market.universe()) {
    const cols = await market.candleColumns(r.symbol, '5m', { from: 0 });
    writeFileSync(join(dir, '5m', `${r.symbol}.csv.gz`), gzipSync(formatCandleCsv(cols)));
  }
  const rows = liquidations
    .drain()
    .map(
      (l) =>
        `${new Date(l.time).toISOString().replace('Z', '000')},${l.symbol},${l.side},${l.price},${l.qty},${l.price * l.qty}`,
    );
  writeFileSync(
    join(dir, 'streams', 'liquidations.csv'),
    `timestamp,symbol,side,avg_price,filled_qty,usd_value\n${rows.join('\n')}\n`,
  );
  const feed = await createReplayFeed({ dir, pace: 'pull', start: start + DAY });
  return { feed, close: () => feed.close() };
}

async function binanceSource(): Promise<Source> {
  const clock = createManualClock(Date.UTC(2026, 0, 10, 12, 3, 20));
  const fake = await startFakeBinance({ now: () => clock.now() });
  const feed = await createBinanceFeed({ baseUrl: fake.url, clock, sleep: async (ms) => clock.advance(ms) });
  return {
    feed,
    close: async () => {
      await feed.close();
      await fake.close();
    },
  };
}

async function next<T>(sub: AsyncIterator<T>): Promise<T> {
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('no event within 10 s')), 10_000),
  );
  const r = await Promise.race([sub.next(), timeout]);
  if (r.done) throw new Error('subscription ended early');
  return r.value;
}

describe.each([
  ['synthetic', syntheticSource],
  ['replay', replaySource],
  ['binance', binanceSource],
] as const)('MarketFeed contract: %s', (_name, open) => {
  let source: Source;
  let feed: MarketFeed;
  beforeAll(async () => {
    source = await open();
    feed = source.feed;
  });
  afterAll(() => source.close());

  it('lists a universe of trading USDT perpetuals with coherent exchange rules', async () => {
    const rules = await feed.universe();
    expect(rules.length).toBeGreaterThanOrEqual(3);
    for (const r of rules) {
      expect(r.symbol).toMatch(/^[A-Z0-9]{2,30}USDT$/);
      expect([r.status, r.quoteAsset]).toEqual(['TRADING', 'USDT']);
      expect(r.tickSize.gt(0) && r.stepSize.gt(0) && r.minNotional.gt(0)).toBe(true);
      expect(r.minQty.gt(0) && r.minQty.lte(r.maxQty) && r.marketMaxQty.lte(r.maxQty)).toBe(true);
      expect(Number.isInteger(r.maxLeverage) && r.maxLeverage >= 1).toBe(true);
    }
  });

  it('returns closed, aligned, ascending, sane candles; columns equal candles', async () => {
    const symbol = (await feed.universe())[0]!.symbol;
    const now = feed.clock.now();
    const candles = await feed.candles(symbol, '5m', { limit: 100 });
    expect(candles).toHaveLength(100);
    candles.forEach((c, i) => {
      expect(c.openTime % 300_000).toBe(0);
      expect(c.openTime + 300_000).toBeLessThanOrEqual(now);
      if (i > 0) expect(c.openTime).toBeGreaterThan(candles[i - 1]!.openTime);
      expect(c.low > 0 && c.low <= Math.min(c.open, c.close) && c.high >= Math.max(c.open, c.close)).toBe(
        true,
      );
      expect(Number.isFinite(c.volume) && c.volume >= 0).toBe(true);
    });
    expect(columnsToCandles(await feed.candleColumns(symbol, '5m', { limit: 100 }))).toEqual(candles);
  });

  it('serves coarser timeframes that are exact aggregations of finer ones, and honours from/to', async () => {
    const symbol = (await feed.universe())[1]!.symbol;
    const hours = await feed.candleColumns(symbol, '1h', { limit: 6 });
    expect(hours.openTime.length).toBe(6);
    const from = hours.openTime[0]!;
    const to = hours.openTime[5]! + timeframeMs('1h') - 300_000;
    const fives = await feed.candleColumns(symbol, '5m', { from, to });
    expect(fives.openTime[0]).toBe(from);
    expect(fives.openTime.at(-1)).toBe(to);
    const agg = aggregateCandles(fives, '5m', '1h');
    expect(agg.candles.openTime).toEqual(hours.openTime);
    expect(agg.candles.high).toEqual(hours.high);
    expect(agg.candles.low).toEqual(hours.low);
    expect(agg.candles.close).toEqual(hours.close);
    agg.candles.volume.forEach((v, i) => {
      expect(v).toBeCloseTo(hours.volume[i]!, 6);
    });
  });

  it('gives tickers and mark prices, and NOT_FOUND for a symbol outside the universe', async () => {
    const rules = await feed.universe();
    const tickers = await feed.tickers();
    expect(tickers.length).toBeGreaterThan(0);
    for (const t of tickers) {
      expect(rules.some((r) => r.symbol === t.symbol)).toBe(true);
      expect(t.lastPrice > 0 && t.quoteVolume >= 0 && Number.isFinite(t.changePct)).toBe(true);
    }
    const mark = await feed.markPrice(rules[0]!.symbol);
    expect(mark.symbol).toBe(rules[0]!.symbol);
    expect(mark.markPrice).toBeGreaterThan(0);
    await expect(feed.candles(marketSymbol('NOSUCHUSDT'), '5m', { limit: 5 })).rejects.toSatisfy((e) =>
      isDomainError(e, 'NOT_FOUND'),
    );
  });

  it('streams candle updates after the history: forming ones flagged, closed ones once and ascending', async () => {
    const symbol = (await feed.universe())[0]!.symbol;
    const lastHistory = (await feed.candles(symbol, '5m', { limit: 1 }))[0]!.openTime;
    const sub = feed.watchCandles([symbol], '5m');
    const updates: CandleUpdate[] = [];
    while (updates.filter((u) => u.closed).length < 2) updates.push(await next(sub));
    const closedTimes = updates.filter((u) => u.closed).map((u) => u.candle.openTime);
    expect(closedTimes[1]).toBeGreaterThan(closedTimes[0]!);
    const done = new Set<number>();
    for (const u of updates) {
      expect([u.symbol, u.timeframe]).toEqual([symbol, '5m']);
      expect(u.candle.openTime % 300_000).toBe(0);
      expect(u.candle.openTime).toBeGreaterThan(lastHistory);
      // Nothing more about a candle once it closed: no late forming update, no second close.
      expect(done.has(u.candle.openTime)).toBe(false);
      if (u.closed) done.add(u.candle.openTime);
    }
    sub.close();
  });

  it('streams liquidations with a side, a positive price and quantity, and a time', async () => {
    const sub = feed.watchLiquidations();
    const liq = await next(sub);
    expect(liq.symbol).toMatch(/^[A-Z0-9]+$/);
    expect(['BUY', 'SELL']).toContain(liq.side);
    expect(liq.price > 0 && liq.qty > 0 && Number.isFinite(liq.time)).toBe(true);
    sub.close();
  });

  it('ends every subscription when closed', async () => {
    const symbol = (await feed.universe())[0]!.symbol;
    const sub = feed.watchMarkPrices([symbol]);
    await feed.close();
    // Whatever was queued may still come out; then it is done.
    sub.drain();
    expect(await sub.next()).toEqual({ value: undefined, done: true });
  });
});
