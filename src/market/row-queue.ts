/**
 * The queue behind a CandleRowWatch (see ./feed.ts): the published base candles copied into
 * growable columns while their rows are still in cache, refilled from row 0 after each drain.
 * They come from the series' interleaved rows (one cache line or two per candle).
 */
import type { CandleColumns } from '../domain/index.js';
import { emptyColumns } from './timeframes.js';

export class RowQueue {
  symbolIndex = new Int32Array(64);
  candles: CandleColumns = emptyColumns(64);
  count = 0;

  /** The candle at `offset` of interleaved rows (see CandleSeries.rowMajor), as row `count`. */
  push(index: number, rows: Float64Array, offset: number): void {
    const k = this.count;
    if (k === this.symbolIndex.length) this.grow(k * 2);
    const to = this.candles;
    this.symbolIndex[k] = index;
    to.openTime[k] = rows[offset]!;
    to.open[k] = rows[offset + 1]!;
    to.high[k] = rows[offset + 2]!;
    to.low[k] = rows[offset + 3]!;
    to.close[k] = rows[offset + 4]!;
    to.volume[k] = rows[offset + 5]!;
    this.count = k + 1;
  }

  private grow(size: number): void {
    const symbolIndex = new Int32Array(size);
    symbolIndex.set(this.symbolIndex);
    const candles = emptyColumns(size);
    for (const key of ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const)
      candles[key].set(this.candles[key]);
    this.symbolIndex = symbolIndex;
    this.candles = candles;
  }
}
