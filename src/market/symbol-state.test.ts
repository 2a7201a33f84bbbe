import { describe, expect, it } from 'vitest';
import { type Candle, candleAt, marketSymbol, toColumns } from '../domain/index.js';
import { RowQueue } from './row-queue.js';
import { CandleSeries } from './series.js';
import { newSymbolState, publishCandle, refresh } from './symbol-state.js';

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

describe('publishCandle', () => {
  it('hands a row watch every candle and the next close while the series outgrows its columns', () => {
    // 60 rows in columns of 64: the appends below move the series into larger columns twice
    // while the state still holds the first ones (read again only when the cursor reaches the
    // length they had).
    const series = new CandleSeries('XUSDT', '1m', toColumns(minutes(60)));
    const s = newSymbolState(marketSymbol('XUSDT'), series);
    refresh(s);
    const queue = new RowQueue();
    s.rowWatches.push({ queue, index: 3 });
    const first = series.raw;
    const published: Candle[] = [];
    const play = (n: number) => {
      for (let k = 0; k < n; k++) {
        expect(s.nextClose).toBe(series.raw.openTime[s.cursor]! + M);
        publishCandle(s);
      }
      for (let k = 0; k < queue.count; k++) {
        expect(queue.symbolIndex[k]).toBe(3);
        published.push(candleAt(queue.candles, k));
      }
      queue.count = 0;
    };
    play(50);
    series.append(toColumns(minutes(40, 60)));
    expect(series.raw).not.toBe(first);
    play(5);
    series.append(toColumns(minutes(100, 100)));
    play(145);
    expect(s.nextClose).toBe(Number.POSITIVE_INFINITY);
    expect(published).toEqual(minutes(200));
    series.append(toColumns(minutes(1, 200)));
    refresh(s);
    expect(s.nextClose).toBe(T0 + 201 * M);
  });
});
