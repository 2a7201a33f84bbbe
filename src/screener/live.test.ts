/**
 * The warm screener against a fresh scanUniverse on the same feed at the same time: the JSON of
 * the reports (every outcome's direction, score, penalties, metrics, reasons; the exclusions)
 * must be equal, scan after scan, while the clock advances, symbols join and leave, go stale, and
 * gaps outrun the tail fetch. Both fetch more candles than the feeds hold here, so a fresh scan
 * also sees every candle since the start (past the fetch window the two part by design: live.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryFeed, createSyntheticFeed, type SimulatedFeed } from '../market/index.js';
import { walkSymbol } from './fixtures-market.js';
import { createLiveScreener, type LiveScanOptions, type LiveScreener } from './live.js';
import { type ScanReport, scanUniverse } from './scan.js';

const MINUTE = 60_000;
const ALL = 20_000;

const open: { feed: SimulatedFeed; live?: LiveScreener }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.live?.close();
    await o.feed.close();
  }
});

const json = (r: ScanReport) => JSON.parse(JSON.stringify(r)) as unknown;

/** One warm scan and one fresh scan at the feed's current time; their reports must be equal. */
async function both(feed: SimulatedFeed, live: LiveScreener, options: LiveScanOptions = {}) {
  const warm = await live.scan(options);
  const fresh = await scanUniverse(feed, { ...options, candles: ALL, workers: 0 });
  expect(json(warm)).toEqual(json(fresh));
  return warm;
}

function synthetic(symbols = 8) {
  const feed = createSyntheticFeed({ seed: 5, symbols, pace: 'manual', historyDays: 35 });
  const live = createLiveScreener(feed, { candles: ALL, tailCandles: 6 });
  open.push({ feed, live });
  return { feed, live };
}

describe('createLiveScreener', () => {
  it('equals a fresh scan after every step of an advancing clock, feeding held symbols only their new candles', async () => {
    const { feed, live } = synthetic();
    const first = await both(feed, live);
    expect(first.results.filter((r) => r.direction !== 'SKIPPED').length).toBe(8);
    expect(live.lastScan).toMatchObject({ loaded: 8, updated: 0, removed: 0 });
    // 5 min (no 15m candle closes), 15 min, 1 h (a 1h candle), 45 min, 4 h 15 (a 4h candle, 17 x 15m:
    // past the tail of 6, so a reload).
    const steps = [5, 10, 15, 60, 45, 15, 255, 15];
    const stats = [];
    for (const minutes of steps) {
      feed.advanceTo(feed.clock.now() + minutes * MINUTE);
      await both(feed, live);
      stats.push(live.lastScan);
    }
    expect(stats[0]).toMatchObject({ loaded: 0, updated: 0, candles: 0, requests: 0 });
    expect(stats[2]).toMatchObject({ loaded: 0, updated: 8, candles: 8, removed: 0 });
    expect(stats[3]).toMatchObject({ loaded: 0, updated: 8, candles: 8 * 5 });
    expect(stats[6]).toMatchObject({ loaded: 8, reloaded: 8, removed: 8 });
    // 7:00: a 15m and a 1h candle each.
    expect(stats[7]).toMatchObject({ loaded: 0, updated: 8, candles: 16 });
    expect(live.size).toBe(8);
  }, 60_000);

  it('loads a symbol joining the selection, drops one leaving it, and loads it afresh when it returns', async () => {
    const { feed, live } = synthetic(6);
    const names = (await feed.universe()).map((r) => r.symbol as string);
    const [a, b, c, d] = names as [string, string, string, string];
    await both(feed, live, { symbols: [a, b, c, 'NOPEUSDT'] });
    expect(live.size).toBe(3);
    feed.advanceTo(feed.clock.now() + 15 * MINUTE);
    const second = await both(feed, live, { symbols: [a, b, d] });
    expect(second.results.map((r) => r.symbol).sort()).toEqual([a, b, d].sort());
    expect(live.lastScan).toMatchObject({ loaded: 1, removed: 1, updated: 2 });
    feed.advanceTo(feed.clock.now() + 30 * MINUTE);
    await both(feed, live, { symbols: [a, b, c, d] });
    expect(live.lastScan).toMatchObject({ loaded: 1, removed: 0, updated: 3 });
    feed.advanceTo(feed.clock.now() + 15 * MINUTE);
    // The whole universe, with whales: selection by volume and the whale filter as scanUniverse.
    await both(feed, live, { top: 4, whales: { [a]: { direction: 'DUMP', confidence: 92 } } });
    expect(live.size).toBe(4);
  }, 60_000);

  it('reloads a symbol whose gap is longer than the tail, and updates one whose gap fits it', async () => {
    const feed = createSyntheticFeed({ seed: 9, symbols: 4, pace: 'manual', historyDays: 35 });
    const live = createLiveScreener(feed, { candles: ALL, tailCandles: 4 });
    open.push({ feed, live });
    await both(feed, live);
    // 3 new 15m candles: under the tail of 4.
    feed.advanceTo(feed.clock.now() + 45 * MINUTE);
    await both(feed, live);
    expect(live.lastScan).toMatchObject({ reloaded: 0, updated: 4, candles: 4 * 3 });
    // 4: a full tail, there may be more: reloaded.
    feed.advanceTo(feed.clock.now() + 60 * MINUTE);
    await both(feed, live);
    expect(live.lastScan).toMatchObject({ reloaded: 4, loaded: 4, candles: 0 });
    // A long one: 3 days.
    feed.advanceTo(feed.clock.now() + 3 * 1440 * MINUTE);
    await both(feed, live);
    expect(live.lastScan).toMatchObject({ reloaded: 4, loaded: 4 });
  }, 60_000);

  it('reports stale, short and halted symbols as scanUniverse does, and drops a symbol that goes stale', async () => {
    const Q = 15 * MINUTE;
    const start = Date.UTC(2026, 0, 15, 12);
    // The candles after `start` are published as the clock reaches them.
    const feed = createMemoryFeed({
      symbols: [
        walkSymbol('AAAUSDT', 3500, start + 100 * Q, 1),
        walkSymbol('NEWUSDT', 130, start + 100 * Q, 3),
        walkSymbol('OLDUSDT', 3400, start - 2 * 96 * Q, 4),
        walkSymbol('ENDSUSDT', 3300, start + 2 * Q, 6),
        walkSymbol('HALTUSDT', 3400, start + 100 * Q, 5, 'BREAK'),
      ],
      start,
      pace: 'manual',
    });
    const live = createLiveScreener(feed, { candles: ALL });
    open.push({ feed, live });
    const reasons = (r: ScanReport) =>
      Object.fromEntries(r.results.map((o) => [o.symbol, o.direction === 'SKIPPED' ? o.reasons[0] : 'ok']));
    expect(reasons(await both(feed, live))).toEqual({
      AAAUSDT: 'ok',
      ENDSUSDT: 'ok',
      NEWUSDT: '29 valid 15m candles, 60 needed',
      OLDUSDT: 'stale: last 15m candle closed 2026-01-13T12:15:00.000Z',
    });
    expect(live.size).toBe(3);
    for (let i = 0; i < 8; i++) {
      feed.advanceTo(feed.clock.now() + 5 * Q);
      await both(feed, live);
    }
    const last = await both(feed, live, { symbols: ['AAAUSDT', 'NEWUSDT', 'ENDSUSDT', 'HALTUSDT'] });
    expect(reasons(last)).toEqual({
      AAAUSDT: 'ok',
      ENDSUSDT: 'stale: last 15m candle closed 2026-01-15T12:45:00.000Z',
      HALTUSDT: 'status BREAK: not tradable',
      NEWUSDT: 'ok',
    });
    expect(live.size).toBe(2);
  }, 60_000);

  it('runs overlapping scans one after the other', async () => {
    const { feed, live } = synthetic(3);
    // Cold: run together, both would load every symbol.
    const [u, v] = await Promise.all([live.scan(), live.scan()]);
    expect(json(u)).toEqual(json(v));
    expect(live.lastScan).toMatchObject({ loaded: 0, updated: 0 });
    feed.advanceTo(feed.clock.now() + 15 * MINUTE);
    const [x, y] = await Promise.all([live.scan(), live.scan()]);
    expect(json(x)).toEqual(json(y));
    expect(live.lastScan).toMatchObject({ loaded: 0, updated: 0, candles: 0 });
    expect(json(x)).toEqual(json(await scanUniverse(feed, { candles: ALL })));
  }, 60_000);
});
