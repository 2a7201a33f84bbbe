import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Candle, toColumns } from '../domain/index.js';
import { CandleSeries, ROW_FIELDS } from './series.js';
import { createSubscription } from './subscription.js';
import { aggregateCandles, columnsToCandles, sliceColumns } from './timeframes.js';

const M = 60_000;
const T0 = Date.UTC(2026, 0, 5);
const minutes = (n: number, from = 0): Candle[] =>
  Array.from({ length: n }, (_, i) => {
    const k = from + i;
    return {
      openTime: T0 + k * M,
      open: 100 + k,
      high: 101 + k,
      low: 99 + k,
      close: 100.5 + k,
      volume: k + 1,
    };
  });

describe('CandleSeries.query', () => {
  const series = new CandleSeries('BTCUSDT', '1m', toColumns(minutes(120)));
  const times = (tf: '1m' | '5m' | '1h', now: number, q = {}) =>
    [...series.query(tf, now, q).openTime].map((t) => (t - T0) / M);

  it('returns only candles closed by now', () => {
    expect(times('1m', T0 + 10 * M, { limit: 3 })).toEqual([7, 8, 9]);
    expect(times('1m', T0 + 10 * M - 1, { limit: 3 })).toEqual([6, 7, 8]);
    expect(times('5m', T0 + 14 * M + 59_999, { limit: 5 })).toEqual([0, 5]);
    expect(times('1h', T0 + 59 * M)).toEqual([]);
    expect(times('1h', T0 + 60 * M)).toEqual([0]);
  });

  it('follows CandleQuery: from/to inclusive, limit from the end or from `from`', () => {
    const now = T0 + 120 * M;
    expect(times('5m', now, { from: T0 + 7 * M, to: T0 + 25 * M })).toEqual([10, 15, 20, 25]);
    expect(times('5m', now, { from: T0 + 10 * M, limit: 2 })).toEqual([10, 15]);
    expect(times('5m', now, { to: T0 + 30 * M, limit: 2 })).toEqual([25, 30]);
    expect(times('5m', now, { limit: 2 })).toEqual([110, 115]);
    expect(times('5m', now).length).toBe(24);
  });

  it('leaves out buckets with missing base candles (exact or absent)', () => {
    const holey = new CandleSeries('X', '1m', toColumns([...minutes(12), ...minutes(10, 13)]));
    const q = holey.query('5m', T0 + 60 * M);
    expect([...q.openTime].map((t) => (t - T0) / M)).toEqual([0, 5, 15]);
    expect(holey.gaps()).toEqual([{ from: T0 + 12 * M, to: T0 + 13 * M, missing: 1 }]);
  });

  it('extends cached aggregations as the base grows, equal to aggregating everything at once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 8 }), (chunks) => {
        const all = minutes(chunks.reduce((a, b) => a + b, 0));
        const grown = new CandleSeries('X', '1m');
        let at = 0;
        for (const n of chunks) {
          grown.append(toColumns(all.slice(at, at + n)));
          at += n;
          grown.query('15m', T0 + at * M); // builds and then extends the cache
        }
        const batch = aggregateCandles(toColumns(all), '1m', '15m');
        const whole = columnsToCandles(batch.candles).filter((_, i) => batch.complete[i] === 1);
        expect(columnsToCandles(grown.query('15m', T0 + at * M, { from: 0 }))).toEqual(whole);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a timeframe finer than the base', () => {
    const fiveMinute = new CandleSeries('X', '5m', sliceColumns(toColumns(minutes(0)), 0, 0));
    expect(() => fiveMinute.query('1m', T0)).toThrow(/held at 5m; 1m candles cannot be built/);
  });
});

describe('subscription queue', () => {
  it('delivers pushed events in order to next(), drain() and for-await', async () => {
    const { subscription, sink } = createSubscription<number>();
    const pending = subscription.next();
    sink.push(1);
    expect(await pending).toEqual({ value: 1, done: false });
    sink.push(2);
    sink.push(3);
    expect(subscription.drain()).toEqual([2, 3]);
    sink.push(4);
    sink.end();
    const seen: number[] = [];
    for await (const v of subscription) seen.push(v);
    expect(seen).toEqual([4]);
  });

  it('drops the oldest beyond its bound and counts them', () => {
    const { subscription, sink } = createSubscription<number>({ maxQueue: 3 });
    for (let i = 0; i < 10; i++) sink.push(i);
    expect(subscription.drain()).toEqual([7, 8, 9]);
    expect(subscription.dropped).toBe(7);
  });

  it('pulls from the producer when empty and ends when it is exhausted', async () => {
    let produced = 0;
    const { subscription, sink } = createSubscription<number>({
      pull: () => {
        if (produced === 5) return false;
        produced++;
        if (produced % 2 === 0) sink.push(produced);
        return true;
      },
    });
    const seen: number[] = [];
    for await (const v of subscription) seen.push(v);
    expect(seen).toEqual([2, 4]);
  });

  it('close() resolves a waiting next() as done and calls onClose once', async () => {
    let closes = 0;
    const { subscription, sink } = createSubscription<number>({ onClose: () => closes++ });
    const pending = subscription.next();
    subscription.close();
    subscription.close();
    expect(await pending).toEqual({ value: undefined, done: true });
    sink.push(1);
    expect(subscription.drain()).toEqual([]);
    expect(closes).toBe(1);
  });
});

describe('CandleSeries.rowMajor', () => {
  const rowAt = (series: CandleSeries, i: number): Candle => {
    const rows = series.rowMajor(i);
    const o = (i - series.rowMajorFrom) * ROW_FIELDS;
    const [openTime, open, high, low, close, volume] = rows.subarray(o, o + ROW_FIELDS);
    return { openTime: openTime!, open: open!, high: high!, low: low!, close: close!, volume: volume! };
  };

  it('interleaves the rows from the first one asked for, and follows the series as it grows', () => {
    const series = new CandleSeries('BTCUSDT', '1m', toColumns(minutes(100)));
    series.rowMajor(90);
    expect(series.rowMajorFrom).toBe(90);
    for (let i = 90; i < 100; i++) expect(rowAt(series, i)).toEqual(series.candleAt(i));
    series.append(toColumns(minutes(300, 100)));
    for (let i = 95; i < 400; i++) expect(rowAt(series, i)).toEqual(series.candleAt(i));
    // An earlier row than the copy holds: copied again from there.
    expect(rowAt(series, 10)).toEqual(series.candleAt(10));
    expect(series.rowMajorFrom).toBe(10);
    expect(rowAt(series, 399)).toEqual(series.candleAt(399));
  });
});
