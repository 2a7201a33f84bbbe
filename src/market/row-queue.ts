/**
 * The queue behind a CandleRowWatch (see ./feed.ts): the published base candles copied from
 * their series' columns into growable columns, refilled from row 0 after each drain.
 */
import type { CandleColumns } from '../domain/index.js';
import { emptyColumns } from './timeframes.js';

export class RowQueue {
  symbolIndex = new Int32Array(64);
  candles: CandleColumns = emptyColumns(64);
  count = 0;

  /** Row `i` of `from` (a symbol's series), as row `count`. */
  push(index: number, from: CandleColumns, i: number): void {
    const k = this.count;
    if (k === this.symbolIndex.length) this.grow(k * 2);
    const to = this.candles;
    this.symbolIndex[k] = index;
    to.openTime[k] = from.openTime[i]!;
    to.open[k] = from.open[i]!;
    to.high[k] = from.high[i]!;
    to.low[k] = from.low[i]!;
    to.close[k] = from.close[i]!;
    to.volume[k] = from.volume[i]!;
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
