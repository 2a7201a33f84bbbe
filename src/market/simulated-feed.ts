/**
 * The engine behind the replay and synthetic feeds: a market held in memory (base candles per
 * symbol, a liquidation tape) played on a ManualClock. Events happen at base-candle close times
 * (openTime + base timeframe) and at liquidation times; stepping publishes them in time order.
 * History queries answer "as of clock.now()": no candle that closes later is ever visible.
 */
import {
  type CandleColumns,
  type CandleUpdate,
  type Clock,
  createManualClock,
  DomainError,
  type EpochMs,
  ErrorCode,
  type Liquidation,
  type ManualClock,
  type SymbolRules,
  systemClock,
  type Ticker24h,
} from '../domain/index.js';
import type { CandleQuery, CandleRowWatch, MarkPrice, Pace, SimulatedFeed, Subscription } from './feed.js';
import type { LiquidationTape } from './liquidation-tape.js';
import { RowQueue } from './row-queue.js';
import type { CandleSeries } from './series.js';
import { createSubscription, type SubscriptionSink } from './subscription.js';
import {
  newSymbolState,
  publishCandle,
  recount,
  refresh,
  type SymbolState,
  syncRows,
  watchOf,
} from './symbol-state.js';
import { canAggregate, columnsToCandles } from './timeframes.js';

/** What a replay recording or the synthetic generator hands to the engine. */
export interface SimulatedSource {
  readonly kind: 'replay' | 'synthetic';
  readonly rules: readonly SymbolRules[];
  /** Base series per symbol, one for each rule. */
  readonly series: ReadonlyMap<string, CandleSeries>;
  readonly liquidations: LiquidationTape;
  /** Make every base candle and liquidation before `time` exist (the synthetic market generates). */
  ensureUntil(time: number): void;
  /** Open time of the last base candle the source will ever hold; undefined = unbounded. */
  readonly endTime: number | undefined;
  /** Default start when the caller gives none. */
  readonly defaultStart: number;
}

export interface SimulatedFeedOptions {
  /** Default 'pull'. */
  pace?: Pace | undefined;
  /** The market clock; created at `start` when absent. Its time must not be before `start`. */
  clock?: ManualClock | undefined;
  /** Market time at which the feed begins; history before it is visible, events after it are live. */
  start?: number | undefined;
  /** Wall clock for { speed } pace (tests inject one). */
  wallClock?: Clock | undefined;
  /** Subscription queue bound under { speed } pace (older events dropped and counted). */
  maxQueue?: number | undefined;
}

export function notFound(symbol: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `symbol ${symbol} is not in this market's universe`, {
    details: { symbol },
  });
}

export function createSimulatedFeed(
  source: SimulatedSource,
  options: SimulatedFeedOptions = {},
): SimulatedFeed {
  const pace: Pace = options.pace ?? 'pull';
  const start = options.start ?? source.defaultStart;
  const clock = options.clock ?? createManualClock(start);
  if (clock.now() < start) clock.set(start);
  const maxQueue = typeof pace === 'object' ? (options.maxQueue ?? 100_000) : undefined;
  const states = new Map<string, SymbolState>();
  /** Whether the source's series can grow (a generated market): a recording's never do. */
  const grows = source.kind === 'synthetic';
  let maxBaseMs = 0;
  for (const rule of source.rules) {
    const series = source.series.get(rule.symbol);
    if (!series) throw new Error(`simulated source has no series for ${rule.symbol}`);
    const state = newSymbolState(rule.symbol, series, grows);
    maxBaseMs = Math.max(maxBaseMs, state.baseMs);
    states.set(rule.symbol, state);
  }
  const all = [...states.values()];
  source.ensureUntil(clock.now() + 2 * maxBaseMs);
  for (const s of all) {
    s.cursor = s.series.closedBaseCount(clock.now());
    refresh(s);
  }
  const tape = source.liquidations;
  let liqCursor = tape.firstAfter(clock.now());
  const liqSinks = new Map<SubscriptionSink<Liquidation>, ReadonlySet<string> | undefined>();
  let exhausted = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /**
   * The earliest next close over the symbols, NaN when unknown. Publishing works it out as it
   * goes, so a step scans the symbols once rather than once per question (the clock asks for
   * the next event time, the step again, the publishing before and after). Kept while symbols
   * have run dry (a recording that ends before the others: its last weeks would otherwise scan
   * every symbol four times a step); `dry` lists them, and the value is dropped when one of
   * their series holds a next candle again (a generated market grew). A Float64Array: a double
   * in a closure's variable is boxed, a heap number per store.
   */
  const nextClose = new Float64Array([Number.NaN]);
  /**
   * The states without a next candle at the last look, [0, dryCount) (reused, no array a step).
   * As long as `all` from the start: noteDry writes one past dryCount, never past the end.
   */
  const dry: SymbolState[] = [...all];
  let dryCount = 0;

  const stateOf = (symbol: string): SymbolState => {
    const s = states.get(symbol);
    if (!s) throw notFound(symbol);
    return s;
  };

  /**
   * Lists `s` in `dry` when it has no next candle. Every state is written and counted alike, dry
   * or not: a branch first taken when a recording ends mid-pass (ADA's ends weeks before BTC's)
   * was code V8 had no type feedback for, and reaching it threw away the optimised code of every
   * function it was inlined into, the backtest's pass loop among them, to be compiled again.
   */
  function noteDry(s: SymbolState): void {
    dry[dryCount] = s;
    dryCount += s.nextClose === Number.POSITIVE_INFINITY ? 1 : 0;
  }

  /** Whether a series that had run dry holds a next candle now (a generated market grew). */
  function dryGrew(): boolean {
    for (let k = 0; k < dryCount; k++) {
      const s = dry[k]!;
      if (s.cursor < s.series.length) return true;
    }
    return false;
  }

  function nextCandleTime(): number {
    const known = nextClose[0]!;
    if (!Number.isNaN(known) && (dryCount === 0 || !grows || !dryGrew())) return known;
    let min = Number.POSITIVE_INFINITY;
    dryCount = 0;
    for (let k = 0; k < all.length; k++) {
      const s = all[k]!;
      // A generated series may have grown since it ran dry.
      if (s.nextClose === Number.POSITIVE_INFINITY) refresh(s);
      noteDry(s);
      if (s.nextClose < min) min = s.nextClose;
    }
    nextClose[0] = min;
    return min;
  }

  function nextEventTime(): EpochMs | undefined {
    if (closed) return undefined;
    source.ensureUntil(clock.now() + 2 * maxBaseMs);
    const liq = tape.at(liqCursor)?.time ?? Number.POSITIVE_INFINITY;
    const t = Math.min(nextCandleTime(), liq);
    return Number.isFinite(t) ? (t as EpochMs) : undefined;
  }

  function publishLiquidation(event: Liquidation): void {
    for (const [sink, filter] of liqSinks) if (!filter || filter.has(event.symbol)) sink.push(event);
  }

  /** Publish every event at or before `time`, in time order (liquidations first on a tie). */
  function publishUpTo(time: number): void {
    source.ensureUntil(time + 2 * maxBaseMs);
    for (;;) {
      const candleTime = nextCandleTime();
      const bound = Math.min(candleTime, time);
      for (let e = tape.at(liqCursor); e && e.time <= bound; e = tape.at(++liqCursor)) publishLiquidation(e);
      if (candleTime > time) break;
      // Publish, and note the next close on the way (see nextCandleTime).
      let min = Number.POSITIVE_INFINITY;
      dryCount = 0;
      for (let k = 0; k < all.length; k++) {
        const s = all[k]!;
        if (s.nextClose === candleTime) publishCandle(s);
        noteDry(s);
        if (s.nextClose < min) min = s.nextClose;
      }
      nextClose[0] = min;
    }
  }

  function endAll(): void {
    for (const s of all) {
      for (const w of s.candleWatches.values()) for (const sink of w.sinks) sink.end();
      for (const sink of s.markSinks) sink.end();
    }
    for (const sink of liqSinks.keys()) sink.end();
  }

  function checkExhausted(): void {
    if (!exhausted && source.endTime !== undefined && nextEventTime() === undefined) {
      exhausted = true;
      endAll();
    }
  }

  function step(): boolean {
    const t = nextEventTime();
    if (t === undefined) {
      checkExhausted();
      return false;
    }
    publishUpTo(t);
    if (t > clock.now()) clock.set(t);
    return true;
  }

  function advanceTo(time: number): void {
    if (closed) return;
    if (time < clock.now()) {
      throw new RangeError(`the market cannot go back in time (${time} < ${clock.now()})`);
    }
    publishUpTo(time);
    clock.set(time);
    checkExhausted();
  }

  function subscribe<T>(
    register: (sink: SubscriptionSink<T>) => void,
    unregister: (sink: SubscriptionSink<T>) => void,
  ): Subscription<T> {
    const { subscription, sink } = createSubscription<T>({
      maxQueue,
      pull: pace === 'pull' ? step : undefined,
      onClose: () => unregister(sink),
    });
    register(sink);
    if (exhausted || closed) sink.end();
    return subscription;
  }

  if (typeof pace === 'object') {
    if (!(pace.speed > 0)) throw new RangeError(`speed must be positive (got ${pace.speed})`);
    const wall = options.wallClock ?? systemClock;
    const wallStart = wall.now();
    const marketStart = clock.now();
    const tickMs = pace.tickMs ?? 50;
    const tick = () => {
      timer = undefined;
      if (closed) return;
      const target = Math.floor(marketStart + (wall.now() - wallStart) * pace.speed);
      if (target > clock.now()) advanceTo(target);
      if (!exhausted) timer = setTimeout(tick, tickMs);
    };
    timer = setTimeout(tick, tickMs);
  }

  const feed: SimulatedFeed = {
    kind: source.kind,
    clock,
    get endTime() {
      return source.endTime as EpochMs | undefined;
    },
    baseTimeframe: (symbol) => stateOf(symbol).series.baseTimeframe,
    nextEventTime,
    step,
    advanceTo,
    async universe() {
      return source.rules;
    },
    async candleColumns(symbol, timeframe, query?: CandleQuery): Promise<CandleColumns> {
      const s = stateOf(symbol);
      source.ensureUntil(clock.now());
      return s.series.query(timeframe, clock.now(), query);
    },
    async candles(symbol, timeframe, query) {
      return columnsToCandles(await feed.candleColumns(symbol, timeframe, query));
    },
    async tickers() {
      const now = clock.now();
      source.ensureUntil(now);
      const out: Ticker24h[] = [];
      for (const s of all) {
        const ticker = s.series.ticker24h(now);
        if (ticker) out.push(ticker);
      }
      return out;
    },
    async markPrice(symbol) {
      const s = stateOf(symbol);
      const now = clock.now();
      source.ensureUntil(now);
      const k = s.series.closedBaseCount(now);
      if (k === 0) {
        throw new DomainError(
          ErrorCode.NOT_FOUND,
          `${symbol} has no price yet at ${new Date(now).toISOString()}`,
          {
            details: { symbol, time: now },
          },
        );
      }
      const cols = s.series.raw;
      return {
        symbol: s.symbol,
        markPrice: cols.close[k - 1]!,
        time: (cols.openTime[k - 1]! + s.baseMs) as EpochMs,
      };
    },
    watchCandles(symbols, timeframe) {
      const targets = symbols.map(stateOf);
      for (const s of targets) {
        if (!canAggregate(s.series.baseTimeframe, timeframe)) {
          throw new DomainError(
            ErrorCode.VALIDATION_FAILED,
            `${s.symbol} is held at ${s.series.baseTimeframe}; ${timeframe} updates cannot be built from it`,
            { details: { symbol: s.symbol, timeframe } },
          );
        }
      }
      return subscribe<CandleUpdate>(
        (sink) => {
          for (const s of targets) watchOf(s, timeframe).sinks.add(sink);
        },
        (sink) => {
          for (const s of targets) {
            const w = s.candleWatches.get(timeframe);
            w?.sinks.delete(sink);
            if (w && w.sinks.size === 0) s.candleWatches.delete(timeframe);
            recount(s);
          }
        },
      );
    },
    watchCandleRows(symbols): CandleRowWatch {
      const targets = symbols.map(stateOf);
      const queue = new RowQueue();
      targets.forEach((s, index) => {
        s.rowWatches.push({ queue, index });
        // The interleaved rows now (a copy of the rest of the series), not in the first step.
        syncRows(s, s.cursor);
      });
      let stopped = false;
      return {
        drain() {
          const n = queue.count;
          queue.count = 0;
          return n;
        },
        get symbolIndex() {
          return queue.symbolIndex;
        },
        get candles() {
          return queue.candles;
        },
        close() {
          if (stopped) return;
          stopped = true;
          queue.count = 0;
          for (const s of targets) s.rowWatches = s.rowWatches.filter((w) => w.queue !== queue);
        },
      };
    },
    watchLiquidations(symbols) {
      const filter = symbols && symbols.length > 0 ? new Set<string>(symbols) : undefined;
      return subscribe<Liquidation>(
        (sink) => liqSinks.set(sink, filter),
        (sink) => liqSinks.delete(sink),
      );
    },
    watchMarkPrices(symbols) {
      const targets = symbols.map(stateOf);
      return subscribe<MarkPrice>(
        (sink) => {
          for (const s of targets) {
            s.markSinks.add(sink);
            recount(s);
          }
        },
        (sink) => {
          for (const s of targets) {
            s.markSinks.delete(sink);
            recount(s);
          }
        },
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      endAll();
    },
  };

  return feed;
}
