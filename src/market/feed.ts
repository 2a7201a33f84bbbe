/**
 * The MarketFeed port: everything downstream reads the market through this interface, whatever
 * the source (live Binance, a recorded replay, the synthetic market).
 */
import type {
  Candle,
  CandleColumns,
  CandleUpdate,
  Clock,
  EpochMs,
  Liquidation,
  ManualClock,
  MarketSymbol,
  SymbolRules,
  Ticker24h,
  Timeframe,
} from '../domain/index.js';

/**
 * Which candles to return. Times are candle OPEN times in Unix ms, both ends inclusive.
 * - `limit` alone: the last `limit` closed candles.
 * - `from` / `to`: every closed candle whose open time is in [from, to].
 * - `from` + `limit`: the first `limit` from `from`; `to` + `limit`: the last `limit` up to `to`.
 * - nothing: the last DEFAULT_CANDLE_LIMIT closed candles.
 * Only closed candles are ever returned (openTime + timeframe <= clock.now()).
 */
export interface CandleQuery {
  from?: number;
  to?: number;
  limit?: number;
}

export const DEFAULT_CANDLE_LIMIT = 500;

export interface MarkPrice {
  symbol: MarketSymbol;
  markPrice: number;
  time: EpochMs;
}

/**
 * A stream of events. Pull with `for await` (or `next()`); on a simulated feed in 'pull' pace an
 * empty queue steps the market forward, so a backtest runs exactly as fast as it consumes.
 * Live sources push into the queue. `drain()` takes what is queued without waiting (the fast
 * synchronous path: `while (feed.step()) for (const u of sub.drain()) ...`).
 */
export interface Subscription<T> extends AsyncIterableIterator<T> {
  /** Everything queued right now, without waiting; empties the queue. */
  drain(): T[];
  /** Stop receiving; a pending `next()` resolves as done. Idempotent. */
  close(): void;
  readonly closed: boolean;
  /** Events thrown away because the consumer fell more than the queue bound behind (live only). */
  readonly dropped: number;
}

export type FeedKind = 'binance' | 'replay' | 'synthetic';

export interface MarketFeed {
  readonly kind: FeedKind;
  /** The time this feed lives in: the wall clock live, the simulated clock in replay/synthetic. */
  readonly clock: Clock;
  /** The tradable universe (perpetual, USDT-margined, TRADING) with each symbol's exchange rules. */
  universe(): Promise<readonly SymbolRules[]>;
  /** Closed candles, ascending by open time. Unknown symbol: DomainError NOT_FOUND. */
  candles(symbol: MarketSymbol, timeframe: Timeframe, query?: CandleQuery): Promise<Candle[]>;
  /** The same candles as columns (what indicators consume). */
  candleColumns(symbol: MarketSymbol, timeframe: Timeframe, query?: CandleQuery): Promise<CandleColumns>;
  /** 24h rolling tickers for the universe. */
  tickers(): Promise<Ticker24h[]>;
  markPrice(symbol: MarketSymbol): Promise<MarkPrice>;
  /**
   * Live candle updates: still-forming ones (closed: false) and each candle once closed, in order.
   * Binance forms candles every 250 ms; a simulated feed forms a coarser candle once per base
   * candle (at the base timeframe itself every update is a closed candle).
   */
  watchCandles(symbols: readonly MarketSymbol[], timeframe: Timeframe): Subscription<CandleUpdate>;
  /** Forced liquidations; no symbols (or an empty list) = the whole market. */
  watchLiquidations(symbols?: readonly MarketSymbol[]): Subscription<Liquidation>;
  watchMarkPrices(symbols: readonly MarketSymbol[]): Subscription<MarkPrice>;
  /** Ends every subscription and releases sockets and timers. */
  close(): Promise<void>;
}

/**
 * How a simulated feed moves through time.
 * - 'pull': as fast as the consumer pulls (backtests): an empty subscription steps the market.
 * - 'manual': only `advanceTo` / `step` move it (the exchange simulator, tests).
 * - { speed }: wall-clock paced, `speed` x real time (1 = real time, 60 = a minute per second).
 */
export type Pace = 'pull' | 'manual' | { speed: number; tickMs?: number };

/**
 * Base candles as rows of columns instead of objects, for loops that replay millions of them
 * (backtests): each base candle of the watched symbols the feed publishes is copied, as it is
 * published, into the next row of `candles`, with the symbol's index in the watched list in
 * `symbolIndex`. Nothing is allocated per candle, and the loop reads one contiguous batch.
 */
export interface CandleRowWatch {
  /**
   * How many candles were published since the previous drain: rows [0, n) of `symbolIndex` and
   * `candles`, in publication order, valid until the feed publishes again.
   */
  drain(): number;
  readonly symbolIndex: Int32Array;
  readonly candles: CandleColumns;
  /** Stop queueing. Idempotent. */
  close(): void;
}

/** A replay or synthetic feed: a market that can be stepped on its own clock. */
export interface SimulatedFeed extends MarketFeed {
  readonly kind: 'replay' | 'synthetic';
  /** Market time; the feed has published every event up to and including clock.now(). */
  readonly clock: ManualClock;
  /** The finest recorded/generated timeframe of a symbol (live updates come at this cadence). */
  baseTimeframe(symbol: MarketSymbol): Timeframe;
  /** Time of the next event after clock.now(), or undefined when the recording is over. */
  nextEventTime(): EpochMs | undefined;
  /** Publish the events of the next event time; false when nothing is left. */
  step(): boolean;
  /** Publish every event up to and including `time` in time order, then set the clock to it. */
  advanceTo(time: number): void;
  /** Open time of the last candle the market holds (replay: end of the recording). */
  readonly endTime: EpochMs | undefined;
  /**
   * Every base candle of `symbols` as a row as it is published (see CandleRowWatch). The
   * symbols' base timeframe is what is published: no aggregation (use watchCandles for that).
   */
  watchCandleRows(symbols: readonly MarketSymbol[]): CandleRowWatch;
}
