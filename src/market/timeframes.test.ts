import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MARKET_DATA_MISSING, marketDataDir } from '../../test/support/market-data.js';
import { type Candle, isDomainError, toColumns } from '../domain/index.js';
import { parseCandleCsv } from './csv.js';
import { decimalPlaces } from './rules-file.js';
import {
  aggregateCandles,
  bucketOpen,
  CandleBuckets,
  columnsToCandles,
  createCandleAggregator,
  findGaps,
} from './timeframes.js';

const M = 60_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0); // a Monday, 00:00 UTC

function candle(
  openTime: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): Candle {
  return { openTime, open, high, low, close, volume };
}

describe('aggregateCandles', () => {
  it('builds 5m candles from 1m with first open, max high, min low, last close, summed volume', () => {
    const base = [
      candle(T0, 10, 12, 9, 11, 1),
      candle(T0 + M, 11, 15, 10, 14, 2),
      candle(T0 + 2 * M, 14, 14, 8, 9, 3),
      candle(T0 + 3 * M, 9, 10, 9, 10, 4),
      candle(T0 + 4 * M, 10, 11, 10, 10.5, 5),
      candle(T0 + 5 * M, 10.5, 10.6, 10.4, 10.6, 6),
    ];
    const agg = aggregateCandles(toColumns(base), '1m', '5m');
    expect(columnsToCandles(agg.candles)).toEqual([
      candle(T0, 10, 15, 8, 10.5, 15),
      candle(T0 + 5 * M, 10.5, 10.6, 10.4, 10.6, 6),
    ]);
    expect([...agg.complete]).toEqual([1, 0]);
    expect(agg.lastClosed).toBe(false); // the 10:05 bucket has 1 of 5 minutes
    expect(agg.gaps).toEqual([]);
  });

  it('puts buckets on UTC boundaries: 4h at 00/04/08 UTC, 1d at midnight UTC', () => {
    expect(bucketOpen(Date.UTC(2026, 0, 5, 7, 59), '4h')).toBe(Date.UTC(2026, 0, 5, 4));
    expect(bucketOpen(Date.UTC(2026, 0, 5, 23, 59), '1d')).toBe(Date.UTC(2026, 0, 5));
    expect(bucketOpen(Date.UTC(2026, 0, 5, 10, 44), '15m')).toBe(Date.UTC(2026, 0, 5, 10, 30));
    const hours = Array.from({ length: 9 }, (_, i) =>
      candle(Date.UTC(2026, 0, 5, 22) + i * 3_600_000, 1, 2, 0.5, 1, 1),
    );
    const agg = aggregateCandles(toColumns(hours), '1h', '4h');
    expect([...agg.candles.openTime].map((t) => new Date(t).toISOString())).toEqual([
      '2026-01-05T20:00:00.000Z',
      '2026-01-06T00:00:00.000Z',
      '2026-01-06T04:00:00.000Z',
    ]);
    expect([...agg.complete]).toEqual([0, 1, 0]); // 22-23 only; 00-03 whole; 04-06 only
  });

  it('reports gaps and flags the buckets they touch instead of filling them', () => {
    const times = [0, 1, 2, 5, 6, 7, 8, 9].map((k) => T0 + k * M);
    const agg = aggregateCandles(toColumns(times.map((t) => candle(t, 1, 1, 1, 1, 1))), '1m', '5m');
    expect(agg.gaps).toEqual([{ from: T0 + 3 * M, to: T0 + 5 * M, missing: 2 }]);
    expect([...agg.complete]).toEqual([0, 1]);
    expect(agg.candles.volume[0]).toBe(3);
    expect(findGaps(agg.candles.openTime, '5m')).toEqual([]);
  });

  it('refuses misaligned, duplicated and out-of-order base candles with the time in the message', () => {
    const bad = [
      [candle(T0, 1, 1, 1, 1, 1), candle(T0, 1, 1, 1, 1, 1)],
      [candle(T0 + M, 1, 1, 1, 1, 1), candle(T0, 1, 1, 1, 1, 1)],
      [candle(T0 + 1000, 1, 1, 1, 1, 1)],
    ];
    for (const rows of bad) {
      try {
        aggregateCandles(toColumns(rows), '1m', '5m');
        expect.unreachable();
      } catch (err) {
        expect(isDomainError(err, 'BAD_DATA')).toBe(true);
        expect((err as Error).message).toMatch(/2026-01-05T00:0/);
      }
    }
  });

  it('refuses a target that is not a whole multiple of the base', () => {
    expect(() => aggregateCandles(toColumns([]), '5m', '3m')).toThrow(/cannot be built/);
    expect(() => aggregateCandles(toColumns([]), '1h', '15m')).toThrow(/cannot be built/);
  });

  it('sums volumes exactly on the step grid when told the decimals (0.1 + 0.2 = 0.3)', () => {
    const rows = [candle(T0, 1, 1, 1, 1, 0.1), candle(T0 + M, 1, 1, 1, 1, 0.2)];
    expect(aggregateCandles(toColumns(rows), '1m', '5m').candles.volume[0]).toBe(0.30000000000000004);
    expect(aggregateCandles(toColumns(rows), '1m', '5m', { volumeDecimals: 1 }).candles.volume[0]).toBe(0.3);
  });

  it('streams the same candles as the batch: each closed update equals its batch row', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ skip: fc.boolean(), r: fc.double({ min: -0.02, max: 0.02, noNaN: true }) }), {
          minLength: 1,
          maxLength: 200,
        }),
        (steps) => {
          let price = 100;
          const rows: Candle[] = [];
          steps.forEach((s, k) => {
            const next = price * (1 + s.r);
            if (!s.skip || k === 0) {
              rows.push(
                candle(
                  T0 + k * M,
                  price,
                  Math.max(price, next) + 0.5,
                  Math.min(price, next) - 0.5,
                  next,
                  k + 1,
                ),
              );
            }
            price = next;
          });
          const batch = aggregateCandles(toColumns(rows), '1m', '15m');
          const stream = createCandleAggregator('1m', '15m');
          const closed = rows.map((r) => stream.push(r)).filter((u) => u.closed);
          const complete = columnsToCandles(batch.candles).filter((_, i) => batch.complete[i] === 1);
          // A complete bucket that is not the last is always closed by time; the last one too
          // when it is whole. Streaming closes exactly the whole buckets.
          expect(closed.map((u) => u.candle)).toEqual(complete);
          // The allocation-free form (numbers in, the candle built on demand) closes the same.
          const numbers = createCandleAggregator('1m', '15m');
          const added: Candle[] = [];
          for (const r of rows)
            if (numbers.add(r.openTime, r.open, r.high, r.low, r.close, r.volume))
              added.push(numbers.candle());
          expect(added).toEqual(complete);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('CandleBuckets', () => {
  it('closes, per series and target, exactly the whole buckets of the batch aggregation', () => {
    const targets = ['15m', '1h', '4h'] as const;
    let whole4h = 0;
    fc.assert(
      fc.property(
        fc.array(
          // A missing candle now and then: most 4h buckets whole, some not.
          fc.array(
            fc.record({
              skip: fc.integer({ min: 0, max: 99 }).map((x) => x === 0),
              r: fc.double({ min: -0.02, max: 0.02, noNaN: true }),
            }),
            { minLength: 60, maxLength: 400, size: 'max' },
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.array(fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }), {
          minLength: 4,
          maxLength: 4,
        }),
        (perSeries, decimals) => {
          // Series k: 5m candles, some skipped (gaps), volumes with three decimals.
          const series = perSeries.map((steps, k) => {
            let price = 100 + k;
            const rows: Candle[] = [];
            steps.forEach((s, i) => {
              const next = price * (1 + s.r);
              if (!s.skip || i === 0) {
                const high = Math.max(price, next) + 0.5;
                const low = Math.min(price, next) - 0.5;
                rows.push(candle(T0 + 10 * M + i * 5 * M, price, high, low, next, (i * 37 + k) / 1000 + 0.1));
              }
              price = next;
            });
            return rows;
          });
          const buckets = new CandleBuckets('5m', targets, decimals.slice(0, series.length));
          const closed = series.map(() => targets.map((): Candle[] => []));
          // Interleaved by time across the series, as a backtest's steps hand them over.
          const events = series
            .flatMap((rows, k) => rows.map((c) => ({ k, c })))
            .sort((a, b) => a.c.openTime - b.c.openTime || a.k - b.k);
          for (const { k, c } of events) {
            const bits = buckets.add(k, c.openTime, c.open, c.high, c.low, c.close, c.volume);
            targets.forEach((_, t) => {
              if (bits & (1 << t)) closed[k]![t]!.push(buckets.candle(k, t));
            });
          }
          series.forEach((rows, k) => {
            targets.forEach((target, t) => {
              const batch = aggregateCandles(toColumns(rows), '5m', target, { volumeDecimals: decimals[k] });
              const whole = columnsToCandles(batch.candles).filter((_, i) => batch.complete[i] === 1);
              expect(closed[k]![t]).toEqual(whole);
              if (target === '4h') whole4h += whole.length;
            });
          });
        },
      ),
      { numRuns: 150 },
    );
    // The cases reached whole 4h buckets (48 base candles in a row), not only partial ones.
    expect(whole4h).toBeGreaterThan(10);
  });

  it('refuses a target that is not a whole multiple of the base', () => {
    expect(() => new CandleBuckets('5m', ['15m', '3m'], [undefined])).toThrow(/cannot be built/);
  });
});

const dataDir = marketDataDir();
if (!dataDir) console.warn(MARKET_DATA_MISSING);

describe.skipIf(!dataDir)('aggregation against Binance’s own coarser candles (../shared/data/market)', () => {
  const load = (tf: string, symbol: string) => {
    const file = join(dataDir!, tf, `${symbol}.csv.gz`);
    return parseCandleCsv(gunzipSync(readFileSync(file)), { file, symbol, timeframe: tf as '1m' }).columns;
  };

  it('1m -> 5m and 1m -> 1h reproduce the recorded 5m and 1h candles bit for bit', () => {
    for (const [symbol, target] of [
      ['BCHUSDT', '5m'],
      ['BCHUSDT', '1h'],
      ['XMRUSDT', '1h'],
      ['1000PEPEUSDT', '1h'],
    ] as const) {
      const base = load('1m', symbol);
      const recorded = load(target, symbol);
      const agg = aggregateCandles(base, '1m', target, { volumeDecimals: decimalPlaces([base.volume], 8) });
      const byTime = new Map(columnsToCandles(recorded).map((c) => [c.openTime, c]));
      let compared = 0;
      columnsToCandles(agg.candles).forEach((c, i) => {
        const want = byTime.get(c.openTime);
        if (!want || agg.complete[i] !== 1) return;
        expect(c, `${symbol} ${target} ${new Date(c.openTime).toISOString()}`).toEqual(want);
        compared++;
      });
      expect(compared).toBeGreaterThan(700);
    }
  });
});
