import { describe, expect, it } from 'vitest';
import { type EpochMs, type Liquidation, type MarketSymbol, marketSymbol } from '../domain/index.js';
import { createWhaleDetector, detectWhaleEvents } from './detector.js';
import { toWhaleEventRecord } from './record.js';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const XYZ = marketSymbol('XYZUSDT');

function liq(symbol: MarketSymbol, side: 'BUY' | 'SELL', usd: number, atMs: number, price = 10): Liquidation {
  return { symbol, side, price, qty: usd / price, time: (T0 + atMs) as EpochMs };
}

/** A short squeeze: `count` short liquidations of `usd` each, `everyMs` apart. */
function cascade(
  side: 'BUY' | 'SELL',
  count: number,
  usd: number,
  everyMs: number,
  startMs = 0,
): Liquidation[] {
  return Array.from({ length: count }, (_, i) =>
    liq(XYZ, side, usd, startMs + i * everyMs, 10 + (side === 'BUY' ? i : -i) * 0.01),
  );
}

const baseline = (perMinute: number) => (symbol: string) => (symbol === 'XYZUSDT' ? perMinute : undefined);

describe('whale detector on a hand-made cascade', () => {
  it('calls a cluster of short liquidations a PUMP, with the evidence', () => {
    // 15 x $100k of shorts in 42 s against $1M/min of normal volume: 30% of 5 minutes' volume.
    const events = detectWhaleEvents(cascade('BUY', 15, 100_000, 3_000), { baseline: baseline(1_000_000) });
    expect(events.length).toBeGreaterThanOrEqual(1);
    const first = events[0]!;
    expect(first).toMatchObject({ symbol: 'XYZUSDT', direction: 'PUMP', time: T0 + 6_000 });
    // Third liquidation: $300k = 6% of normal volume (size full), 100% one-sided, 3 of 12 events.
    expect(first.evidence.parts).toEqual({ size: 45, dominance: 20, cluster: 5, acceleration: 15 });
    expect(first.confidence).toBe(85);
    expect(first.evidence).toMatchObject({
      shortsLiquidatedUsd5m: 300_000,
      longsLiquidatedUsd5m: 0,
      count: 3,
      dominance: 1,
      baselineUsdPerMinute: 1_000_000,
      largestUsd: 100_000,
      firstTime: T0,
      lastTime: T0 + 6_000,
    });
    expect(first.evidence.intensity).toBeCloseTo(0.06, 12);
    expect(first.reasons).toEqual([
      '$300k of shorts liquidated in 5m (3 orders, 100% one-sided)',
      '6% of normal traded volume ($1M/min)',
      '$300k in the last 60s, largest single $100k',
      'forced buying: short squeeze up',
    ]);
    // It escalates once the cluster is complete, and not on every liquidation in between.
    const last = events.at(-1)!;
    expect(last.confidence).toBe(100);
    expect(events.length).toBe(2);
  });

  it('calls a cluster of long liquidations a DUMP', () => {
    const events = detectWhaleEvents(cascade('SELL', 10, 50_000, 5_000), { baseline: baseline(500_000) });
    expect(events[0]).toMatchObject({ direction: 'DUMP' });
    expect(events[0]!.reasons.at(-1)).toBe('forced selling: long flush down');
  });

  it('judges size against the symbol’s normal volume', () => {
    // The same $300k is noise for a symbol trading $100M a minute (0.06% < 0.2%).
    expect(detectWhaleEvents(cascade('BUY', 3, 100_000, 1_000), { baseline: baseline(100_000_000) })).toEqual(
      [],
    );
  });

  it('needs a cluster, not one big order', () => {
    expect(detectWhaleEvents([liq(XYZ, 'BUY', 5_000_000, 0), liq(XYZ, 'BUY', 1_000, 1_000)])).toEqual([]);
  });

  it('needs one side to dominate', () => {
    const mixed = [...cascade('BUY', 6, 100_000, 2_000), ...cascade('SELL', 6, 90_000, 2_000, 1_000)].sort(
      (a, b) => a.time - b.time,
    );
    expect(detectWhaleEvents(mixed, { baseline: baseline(1_000_000) })).toEqual([]);
  });

  it('forgets liquidations older than the 5-minute window', () => {
    // One $30k short liquidation every 2 minutes never makes a 3-event cluster inside 5 minutes.
    const slow = Array.from({ length: 10 }, (_, i) => liq(XYZ, 'BUY', 30_000, i * 160_000));
    expect(detectWhaleEvents(slow)).toEqual([]);
  });

  it('caps confidence without a volume baseline', () => {
    const events = detectWhaleEvents(cascade('BUY', 20, 500_000, 1_000));
    expect(events.length).toBeGreaterThan(0);
    expect(Math.max(...events.map((e) => e.confidence))).toBe(70);
    expect(events[0]!.evidence.intensity).toBeNull();
    expect(events[0]!.reasons[1]).toBe('no volume baseline for XYZUSDT: confidence capped at 70');
  });

  it('keeps symbols apart', () => {
    const other = marketSymbol('ABCUSDT');
    // Two liquidations on each of two symbols: four together would be a cluster, two each are not.
    const pairs = cascade('BUY', 2, 40_000, 1_000).flatMap((l) => [l, { ...l, symbol: other }]);
    expect(detectWhaleEvents(pairs)).toEqual([]);
    const triples = cascade('BUY', 3, 40_000, 1_000).flatMap((l) => [
      l,
      { ...l, symbol: other, side: 'SELL' as const },
    ]);
    expect(detectWhaleEvents(triples).map((e) => `${e.symbol} ${e.direction}`)).toEqual([
      'XYZUSDT PUMP',
      'ABCUSDT DUMP',
    ]);
  });

  it('books a slightly out-of-order liquidation and drops a stale one', () => {
    const d = createWhaleDetector();
    d.onLiquidation(liq(XYZ, 'BUY', 20_000, 10_000));
    d.onLiquidation(liq(XYZ, 'BUY', 20_000, 9_999)); // 1 ms earlier: counted
    expect(d.onLiquidation(liq(XYZ, 'BUY', 20_000, -400_000))).toEqual([]); // older than the window
    const [event] = d.onLiquidation(liq(XYZ, 'BUY', 20_000, 10_500));
    expect(event?.evidence.count).toBe(3);
    expect(event?.evidence.firstTime).toBe(T0 + 9_999);
  });

  it('ignores garbage liquidations', () => {
    const d = createWhaleDetector();
    for (const bad of [
      { ...liq(XYZ, 'BUY', 1, 0), price: Number.NaN },
      { ...liq(XYZ, 'BUY', 1, 0), qty: 0 },
      { ...liq(XYZ, 'BUY', 1, 0), time: Number.NaN as EpochMs },
    ]) {
      expect(d.onLiquidation(bad)).toEqual([]);
    }
  });

  it('serves the newest event per symbol to the screener, while fresh', () => {
    const d = createWhaleDetector({ baseline: baseline(1_000_000) });
    for (const l of cascade('BUY', 5, 100_000, 1_000)) d.onLiquidation(l);
    expect(d.latest('XYZUSDT', T0 + 60_000)).toMatchObject({ direction: 'PUMP' });
    expect(d.latest('XYZUSDT', T0 + 10 * 60_000)).toBeUndefined();
    expect(d.latest('ABCUSDT', T0)).toBeUndefined();
  });

  it('gives the same events whether fed at once or one by one (replay = live)', () => {
    const stream = [...cascade('BUY', 8, 60_000, 4_000), ...cascade('SELL', 12, 80_000, 2_000, 400_000)];
    const all = detectWhaleEvents(stream, { baseline: baseline(2_000_000) });
    const d = createWhaleDetector({ baseline: baseline(2_000_000) });
    expect(stream.flatMap((l) => d.onLiquidation(l))).toEqual(all);
    expect(all.map((e) => e.direction)).toEqual(expect.arrayContaining(['PUMP', 'DUMP']));
  });

  it('maps an event to the whale_events row', () => {
    const [event] = detectWhaleEvents(cascade('SELL', 3, 10_000.005, 1_000), {
      config: { minNotionalUsd: 20_000 },
    });
    expect(toWhaleEventRecord(event!)).toEqual({
      symbol: 'XYZUSDT',
      direction: 'DUMP',
      confidence: event!.confidence,
      window: '5m',
      longLiquidatedNotional: '30000.02',
      shortLiquidatedNotional: '0.00',
      evidence: { ...event!.evidence, reasons: event!.reasons },
      eventTime: T0 + 2_000,
    });
  });

  it('rejects a nonsensical configuration', () => {
    expect(() => createWhaleDetector({ config: { shortWindowMs: 0 } })).toThrow(RangeError);
    expect(() => createWhaleDetector({ config: { minNotionalUsd: -1 } })).toThrow(RangeError);
    expect(() => createWhaleDetector({ config: { weights: { size: Number.NaN } } })).toThrow(RangeError);
  });
});
