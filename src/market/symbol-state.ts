/**
 * One symbol of a simulated feed as it plays: where its series stands (the cursor, the next close),
 * who watches it (row watches, candle watches with their aggregators, mark sinks), and publishing
 * its next base candle to them. The feed (./simulated-feed.ts) steps the clock over these states.
 * Module functions on a plain state, not closures: a step touches every symbol's state.
 */
import type { CandleUpdate, EpochMs, MarketSymbol, Timeframe } from '../domain/index.js';
import { timeframeMs } from '../domain/index.js';
import type { MarkPrice } from './feed.js';
import type { RowQueue } from './row-queue.js';
import { type CandleSeries, ROW_FIELDS } from './series.js';
import type { SubscriptionSink } from './subscription.js';
import { bucketOpen, createCandleAggregator } from './timeframes.js';

export interface CandleWatch {
  timeframe: Timeframe;
  aggregator: ReturnType<typeof createCandleAggregator> | undefined;
  sinks: Set<SubscriptionSink<CandleUpdate>>;
}

export interface SymbolState {
  symbol: MarketSymbol;
  series: CandleSeries;
  /** Whether the series can grow after the feed began (a generated market; never a recording). */
  grows: boolean;
  baseMs: number;
  /** Index of the next base candle not yet published. */
  cursor: number;
  /** Close time of that candle; +Infinity when it does not exist (yet). */
  nextClose: number;
  candleWatches: Map<Timeframe, CandleWatch>;
  markSinks: Set<SubscriptionSink<MarkPrice>>;
  /** Row watches of this symbol, with the symbol's index in each. */
  rowWatches: { queue: RowQueue; index: number }[];
  /**
   * What publishing a candle reads, on the state itself (a step touches every symbol's state,
   * mostly from cold cache: each object less to reach is a cache miss less): candle watches plus
   * mark sinks, and for row watches the series' interleaved rows [rowsFrom, rowsEnd).
   */
  watchers: number;
  rows: Float64Array;
  rowsFrom: number;
  rowsEnd: number;
}

/** The next close of a state without a next candle. */
const NO_CLOSE = Number.POSITIVE_INFINITY;

/** A symbol's state before the feed has placed its cursor. */
export function newSymbolState(symbol: MarketSymbol, series: CandleSeries, grows: boolean): SymbolState {
  return {
    symbol,
    series,
    grows,
    baseMs: timeframeMs(series.baseTimeframe),
    cursor: 0,
    nextClose: Number.POSITIVE_INFINITY,
    candleWatches: new Map(),
    markSinks: new Set(),
    rowWatches: [],
    watchers: 0,
    rows: new Float64Array(0),
    rowsFrom: 0,
    rowsEnd: 0,
  };
}

/** The state's next close from its cursor (after the cursor moved, or a generated series grew). */
export function refresh(s: SymbolState): void {
  s.nextClose =
    s.cursor < s.series.length ? s.series.raw.openTime[s.cursor]! + s.baseMs : Number.POSITIVE_INFINITY;
}

/** Publishes the symbol's next base candle to its row watches, candle watches and mark sinks. */
export function publishCandle(s: SymbolState): void {
  const i = s.cursor++;
  if (s.rowWatches.length > 0) {
    // Row watches read the series' interleaved rows, the next close too (the same stream). The
    // rows run to the series' end when copied: only a generated series has more since. `grows`
    // first: a recording's last candle then takes no path of its own (see noteDry in
    // ./simulated-feed.ts), and its next close is NO_CLOSE, a module constant.
    if (s.grows && s.cursor >= s.rowsEnd) syncRows(s, i);
    const rows = s.rows;
    const at = (i - s.rowsFrom) * ROW_FIELDS;
    for (let w = 0; w < s.rowWatches.length; w++) {
      const watch = s.rowWatches[w]!;
      watch.queue.push(watch.index, rows, at);
    }
    s.nextClose = s.cursor < s.rowsEnd ? rows[at + ROW_FIELDS]! + s.baseMs : NO_CLOSE;
  } else refresh(s);
  if (s.watchers === 0) return;
  const candle = s.series.candleAt(i);
  for (const watch of s.candleWatches.values()) {
    const update: CandleUpdate = watch.aggregator
      ? { symbol: s.symbol, timeframe: watch.timeframe, ...watch.aggregator.push(candle) }
      : { symbol: s.symbol, timeframe: watch.timeframe, candle, closed: true };
    for (const sink of watch.sinks) sink.push(update);
  }
  if (s.markSinks.size > 0) {
    const mark: MarkPrice = {
      symbol: s.symbol,
      markPrice: candle.close,
      time: (candle.openTime + s.baseMs) as EpochMs,
    };
    for (const sink of s.markSinks) sink.push(mark);
  }
}

/** The state's copy of the series' interleaved rows, from row `from` to the series' end. */
export function syncRows(s: SymbolState, from: number): void {
  s.rows = s.series.rowMajor(from);
  s.rowsFrom = s.series.rowMajorFrom;
  s.rowsEnd = s.series.length;
}

/** After a candle watch or a mark sink came or went. */
export function recount(s: SymbolState): void {
  s.watchers = s.candleWatches.size + s.markSinks.size;
}

/** The shared per-(symbol, timeframe) aggregator, primed with the bucket's already-closed part. */
export function watchOf(s: SymbolState, timeframe: Timeframe): CandleWatch {
  let w = s.candleWatches.get(timeframe);
  if (w) return w;
  let aggregator: CandleWatch['aggregator'];
  if (timeframe !== s.series.baseTimeframe) {
    aggregator = createCandleAggregator(s.series.baseTimeframe, timeframe, {
      volumeDecimals: s.series.volumeDecimals,
    });
    if (s.cursor > 0) {
      const times = s.series.raw.openTime;
      const bucket = bucketOpen(times[s.cursor - 1]!, timeframe);
      let i = s.cursor;
      while (i > 0 && times[i - 1]! >= bucket) i--;
      for (; i < s.cursor; i++) aggregator.push(s.series.candleAt(i));
    }
  }
  w = { timeframe, aggregator, sinks: new Set() };
  s.candleWatches.set(timeframe, w);
  recount(s);
  return w;
}
