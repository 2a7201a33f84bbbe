/**
 * The base candles a pass plays, as batches of columns (see CandleRowWatch): straight from the
 * feed when every symbol is held at the pass's base timeframe (replay, synthetic: nothing
 * allocated per candle), else the closed candles of the feed's aggregating watch, copied into
 * columns (a memory market held at a finer timeframe than the one the backtest plays).
 */
import type { CandleColumns, MarketSymbol, Timeframe } from '../domain/index.js';
import { type CandleRowWatch, emptyColumns, type SimulatedFeed } from '../market/index.js';

export function watchBaseRows(
  feed: SimulatedFeed,
  symbols: readonly MarketSymbol[],
  baseTimeframe: Timeframe,
): CandleRowWatch {
  if (symbols.every((s) => feed.baseTimeframe(s) === baseTimeframe)) return feed.watchCandleRows(symbols);
  const index = new Map<string, number>(symbols.map((s, i) => [s as string, i]));
  const updates = feed.watchCandles(symbols, baseTimeframe);
  let candles: CandleColumns = emptyColumns(64);
  let symbolIndex = new Int32Array(64);
  return {
    drain() {
      const list = updates.drain().filter((u) => u.closed);
      const n = list.length;
      if (n > symbolIndex.length) {
        candles = emptyColumns(n * 2);
        symbolIndex = new Int32Array(n * 2);
      }
      for (let k = 0; k < n; k++) {
        const { symbol, candle } = list[k]!;
        symbolIndex[k] = index.get(symbol)!;
        candles.openTime[k] = candle.openTime;
        candles.open[k] = candle.open;
        candles.high[k] = candle.high;
        candles.low[k] = candle.low;
        candles.close[k] = candle.close;
        candles.volume[k] = candle.volume;
      }
      return n;
    },
    get symbolIndex() {
      return symbolIndex;
    },
    get candles() {
      return candles;
    },
    close: () => updates.close(),
  };
}
