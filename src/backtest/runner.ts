/**
 * One pass over the market: the clock steps from event time to event time across every symbol
 * (the feed publishes each base candle when it closes, never earlier); each base candle moves the
 * simulator (the plain fast path, or ./intrabar.ts when something works on the symbol); candles
 * of the screener's timeframes reach the strategy only once closed (built from the base candles
 * with the market's own aggregator, primed with the bucket in progress as the feed's watches
 * are: the same candles as watching each timeframe, without three more streams of updates);
 * at each primary close the strategy scans the symbols that closed and its signals go to the
 * executor, in order; then resting entries that expired are cancelled and the equity is marked
 * at every symbol's last close. Memory per step is constant: nothing is kept per candle.
 * The base candles of a step arrive as one batch of columns (./base-rows.ts) and are aggregated
 * from numbers: a candle object is built only where one is needed (a closed candle for the
 * strategy, the intrabar driver), about a third as many as there are base candles.
 */
import { performance } from 'node:perf_hooks';
import {
  type Candle,
  type CandleColumns,
  candleAt,
  type MarketSymbol,
  type Timeframe,
  timeframeMs,
} from '../domain/index.js';
import type { Simulator } from '../exchange/index.js';
import { bucketOpen, CandleBuckets, type SimulatedFeed } from '../market/index.js';
import type { TimeframeRole } from '../screener/index.js';
import { watchBaseRows } from './base-rows.js';
import type { SplitEquity } from './equity.js';
import { driveCandle, drivePlainCandle } from './intrabar.js';
import type { LedgerTrade, TradeLedger } from './ledger.js';
import type { BacktestSignal, ExecutionOutcome, Executor } from './seam.js';

/** What decides the trades of a pass: the live pipeline, or a baseline. */
export interface PassStrategy {
  /** Closed candles of a role's timeframe from before the start, oldest first. */
  warmUp(symbol: string, role: TimeframeRole, candles: readonly Candle[]): void;
  /**
   * A closed candle of a role's timeframe. The object is the runner's and is reused for the next
   * closed candle: copy what you keep (a pass closes a few hundred thousand candles; an object
   * each was a tenth of what it allocated).
   */
  onClosed(symbol: string, role: TimeframeRole, candle: Candle): void;
  /** The primary candle of `symbols` closed at `at`: signals to execute, in order (or none). */
  scan(at: number, symbols: readonly string[]): Promise<BacktestSignal[] | null> | BacktestSignal[] | null;
  executed(signal: BacktestSignal, outcome: ExecutionOutcome): void;
}

export interface PassOptions {
  feed: SimulatedFeed;
  symbols: readonly MarketSymbol[];
  baseTimeframe: Timeframe;
  timeframes: Record<TimeframeRole, Timeframe>;
  /** Events after this time are not played. */
  to: number;
  warmupCandles: number;
  strategy: PassStrategy;
  sim: Simulator;
  executor: Executor;
  ledger: TradeLedger;
  equity: SplitEquity;
  /** Every base candle's close, after the simulator saw it (baselines that follow the market). */
  onCandle?: ((symbolIndex: number, close: number) => void) | undefined;
  /** After each step, before the equity mark. */
  onStep?: ((time: number) => void) | undefined;
  /** Called about every 1000 steps: share of the period done, candles so far. */
  onProgress?: ((done: number, candles: number) => void) | undefined;
}

export interface PassResult {
  candles: number;
  steps: number;
  seconds: number;
  /** CPU of the whole process over the same span: every thread, V8's compiler and collector too. */
  cpuSeconds: number;
  ambiguousCandles: number;
  trades: LedgerTrade[];
}

const ROLES: readonly TimeframeRole[] = ['primary', 'confirm', 'trend'];

export async function runPass(options: PassOptions): Promise<PassResult> {
  const { feed, symbols, strategy, sim, executor, ledger, equity, to } = options;
  const clock = feed.clock;
  const index = new Map<string, number>(symbols.map((s, i) => [s as string, i]));
  const lastClose = new Float64Array(symbols.length).fill(Number.NaN);
  const markOf = (symbol: string) => lastClose[index.get(symbol)!]!;

  // The coarser timeframes (one aggregator per distinct timeframe), and which roles each feeds.
  const coarse: { tf: Timeframe; roles: TimeframeRole[] }[] = [];
  const baseRoles: TimeframeRole[] = [];
  for (const role of ROLES) {
    const tf = options.timeframes[role];
    if (tf === options.baseTimeframe) baseRoles.push(role);
    else {
      const entry = coarse.find((c) => c.tf === tf);
      if (entry) entry.roles.push(role);
      else coarse.push({ tf, roles: [role] });
    }
  }
  const baseMs = timeframeMs(options.baseTimeframe);
  const volumeDecimals: (number | undefined)[] = [];
  const primers: Candle[][] = [];

  // Warm-up: the history the feed shows before the start, as a live scan would read it.
  for (const symbol of symbols) {
    for (const role of ROLES) {
      const candles = await feed.candles(symbol, options.timeframes[role], { limit: options.warmupCandles });
      strategy.warmUp(symbol, role, candles);
    }
    const oldest = Math.min(
      clock.now() - baseMs,
      ...coarse.map((c) => bucketOpen(clock.now() - baseMs, c.tf)),
    );
    const recent = await feed.candles(symbol, options.baseTimeframe, {
      from: oldest,
      to: clock.now() - baseMs,
    });
    volumeDecimals.push(decimalsOf(recent.map((c) => c.volume)));
    primers.push(recent);
    const last = recent[recent.length - 1];
    if (last) {
      lastClose[index.get(symbol)!] = last.close;
      sim.onJump(symbol, last.close, clock.now());
    }
  }

  const buckets = new CandleBuckets(
    options.baseTimeframe,
    coarse.map((c) => c.tf),
    volumeDecimals,
  );
  primers.forEach((recent, i) => {
    coarse.forEach((c, t) => {
      // Primed with the bucket in progress (its closed part was history, already warmed up).
      const bucket = bucketOpen(clock.now() - baseMs, c.tf);
      for (const k of recent) {
        if (k.openTime >= bucket) buckets.addTo(i, t, k.openTime, k.open, k.high, k.low, k.close, k.volume);
      }
    });
  });
  primers.length = 0;

  const rows = watchBaseRows(feed, symbols, options.baseTimeframe);
  const names = symbols.map((s) => s as string);
  const primaryIsBase = baseRoles.includes('primary');
  const deps = { sim, executor, ledger };
  // One base candle of the batch, everything but the intrabar driver (async, rare): kept out of
  // the async loop so its numbers stay unboxed (an async function's locals live in its context,
  // every double stored there a new heap number), and one price update object is reused for
  // the simulator's fast path (it reads the fields and keeps nothing). Made of doubles (each field
  // is written before it is read): V8 fixes a field's layout by its first value, and zeros were
  // widened at the first candle.
  const update = {
    last: Number.NaN,
    high: Number.NaN,
    low: Number.NaN,
    volume: Number.NaN,
    time: Number.NaN,
  };
  // The closed candle handed to the strategy, reused (see PassStrategy.onClosed).
  const closedCandle: Candle = { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  let closedNow: string[] = [];
  const played = (i: number, cols: CandleColumns, k: number, now: number, plain: boolean): void => {
    const openTime = cols.openTime[k]!;
    const open = cols.open[k]!;
    const high = cols.high[k]!;
    const low = cols.low[k]!;
    const close = cols.close[k]!;
    const volume = cols.volume[k]!;
    const symbol = names[i]!;
    lastClose[i] = close;
    if (plain) {
      update.last = close;
      update.high = high;
      update.low = low;
      update.volume = volume;
      update.time = now;
      sim.onPrice(symbol, update);
    }
    options.onCandle?.(i, close);
    if (baseRoles.length > 0) {
      for (let b = 0; b < baseRoles.length; b++) {
        const c = closedCandle;
        c.openTime = openTime;
        c.open = open;
        c.high = high;
        c.low = low;
        c.close = close;
        c.volume = volume;
        strategy.onClosed(symbol, baseRoles[b]!, c);
      }
    }
    if (primaryIsBase) closedNow.push(symbol);
    const closed = buckets.add(i, openTime, open, high, low, close, volume);
    if (closed === 0) return;
    for (let a = 0; a < coarse.length; a++) {
      if ((closed & (1 << a)) === 0) continue;
      const roles = coarse[a]!.roles;
      for (let b = 0; b < roles.length; b++) {
        // Written again per role: a strategy may have changed the object it was handed.
        strategy.onClosed(symbol, roles[b]!, buckets.candle(i, a, closedCandle));
        if (roles[b] === 'primary') closedNow.push(symbol);
      }
    }
  };
  /**
   * Rows [from, n) of the batch played in order while nothing works on their symbol (no call
   * into the async loop per candle); answers the first row that needs the intrabar driver, or n.
   */
  const playPlain = (from: number, n: number, now: number): number => {
    const symbolIndex = rows.symbolIndex;
    const cols = rows.candles;
    for (let k = from; k < n; k++) {
      const i = symbolIndex[k]!;
      if (executor.levels(names[i]!) !== undefined) return k;
      played(i, cols, k, now, true);
    }
    return n;
  };
  const start = clock.now();
  const span = Math.max(1, to - start);
  let candles = 0;
  let steps = 0;
  let ambiguousCandles = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  try {
    for (;;) {
      const next = feed.nextEventTime();
      if (next === undefined || next > to) break;
      feed.step();
      steps++;
      const now = clock.now();
      // The candles that closed at `now`, as one batch of columns: an object is built only for
      // what needs one (the intrabar driver, a closed candle for the strategy).
      const n = rows.drain();
      const symbolIndex = rows.symbolIndex;
      candles += n;
      // The plain candles in a synchronous loop; this one only for those of a working symbol.
      for (let k = playPlain(0, n, now); k < n; k = playPlain(k + 1, n, now)) {
        const symbol = names[symbolIndex[k]!]!;
        const candle = candleAt(rows.candles, k);
        lastClose[symbolIndex[k]!] = candle.close;
        // Most candles of an open position only move it: no async call for those.
        const plain = drivePlainCandle(deps, symbol, candle, now);
        if (plain === false) {
          // Added on every drive: an increment reached only by an ambiguous candle (a handful a
          // pass) had no type feedback, and V8 threw the optimised loop away at the first one.
          ambiguousCandles += (await driveCandle(deps, symbol, candle, now)) ? 1 : 0;
        } else if (plain !== null) await plain;
        played(symbolIndex[k]!, rows.candles, k, now, false);
      }
      if (closedNow.length > 0) {
        // Awaited only when the strategy answers later: most scans end in no candidate, and an
        // await even of a plain value is a trip through the microtask queue.
        const scanned = strategy.scan(now, closedNow);
        const signals = scanned instanceof Promise ? await scanned : scanned;
        closedNow = [];
        if (signals) {
          for (const signal of signals) strategy.executed(signal, await executor.execute(signal));
        }
      }
      if (executor.nextDeadline() <= now) await executor.onTime(now);
      options.onStep?.(now);
      equity.mark(now, ledger.equity(markOf), ledger.openPositions.size > 0);
      if (options.onProgress && (steps & 1023) === 0) options.onProgress((now - start) / span, candles);
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    await executor.closeAll();
    const end = clock.now();
    equity.mark(end, ledger.equity(markOf), false);
    options.onProgress?.(1, candles);
    return { candles, steps, seconds, cpuSeconds, ambiguousCandles, trades: ledger.take() };
  } finally {
    rows.close();
  }
}

/** Decimal places of the recorded volumes (exact aggregated sums), undefined when over 8. */
function decimalsOf(values: readonly number[]): number | undefined {
  let most = 0;
  for (const v of values) {
    const text = String(v);
    if (text.includes('e')) return undefined;
    const dot = text.indexOf('.');
    const places = dot < 0 ? 0 : text.length - dot - 1;
    if (places > 8) return undefined;
    if (places > most) most = places;
  }
  return most;
}
