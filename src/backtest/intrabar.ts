/**
 * Driving one candle through the simulator when something is working on its symbol.
 *
 * The simulator's own candle path is open, then low before high when the candle closed up (high
 * before low when it closed down), then close. Two cases need more than that:
 * - Both an open position's stop and its target lie inside the candle's range (and the open is
 *   between them): either could have been hit first, and the candle cannot say which. The
 *   backtest assumes the stop: the path visits the stop's side first. Counted and reported.
 * - A LIMIT entry rests: the path is split at its price, so the protective orders are placed the
 *   moment it fills and the rest of the candle can trigger them, as the live engine would. If the
 *   rest of the candle could reach both of them, the stop's side again comes first.
 * Everything else takes the plain candle path (sim.onCandle). Between segments the executor's
 * reactions (placing protection) run to completion before the price moves on.
 */
import type { Candle } from '../domain/index.js';
import type { Simulator } from '../exchange/index.js';
import type { TradeLedger } from './ledger.js';
import type { Executor, WorkingLevels } from './seam.js';

export interface IntrabarDeps {
  sim: Simulator;
  executor: Executor;
  ledger: TradeLedger;
}

/** Could the candle have reached both the stop and the target (with the open between them)? */
export function reachesBoth(levels: WorkingLevels, open: number, high: number, low: number): boolean {
  const { stop, target } = levels;
  if (stop === null || target === null) return false;
  // The lower and the higher level (a long's stop is below its target, a short's above): one set
  // of comparisons for both directions. Written per direction, the short's were first reached
  // in the pass after V8 had optimised drivePlainCandle without them, which threw that code away
  // ('Insufficient type feedback for compare operation', --trace-deopt).
  const long = levels.direction === 'LONG';
  const lower = long ? stop : target;
  const higher = long ? target : stop;
  return low <= lower && high >= higher && open > lower && open < higher;
}

/**
 * The common case done synchronously: a position whose stop and target this candle cannot both
 * reach, no entry resting, takes the plain candle path. Returns false when driveCandle is needed
 * instead (nothing was done); otherwise the executor's reactions still to wait for (or null).
 * The same steps as driveCandle's plain branch, without an async call per candle.
 */
export function drivePlainCandle(
  deps: IntrabarDeps,
  symbol: string,
  candle: Candle,
  time: number,
): Promise<void> | null | false {
  const levels = deps.executor.levels(symbol);
  if (levels === undefined || levels.pendingEntry !== null) return false;
  if (reachesBoth(levels, candle.open, candle.high, candle.low)) return false;
  deps.sim.onCandle(symbol, candle, time);
  return deps.executor.settle();
}

/**
 * Drive `candle` for `symbol` at `time` (the candle's close on the backtest clock). Returns true
 * when the conservative rule decided the order of the stop and the target.
 */
export async function driveCandle(
  deps: IntrabarDeps,
  symbol: string,
  candle: Candle,
  time: number,
): Promise<boolean> {
  const { sim, executor, ledger } = deps;
  const levels = executor.levels(symbol);
  const { open, high, low, close } = candle;
  const up = close >= open;
  if (!levels || levels.pendingEntry === null) {
    const ambiguous = levels !== undefined && reachesBoth(levels, open, high, low);
    // The plain path already visits the stop's side first: long on an up candle (low first),
    // short on a down candle (high first).
    if (!ambiguous || (levels.direction === 'LONG') === up) {
      if (ambiguous) ledger.flagAmbiguous(symbol, true);
      sim.onCandle(symbol, candle, time);
      await executor.settle();
      if (ambiguous) ledger.flagAmbiguous(symbol, false);
      return ambiguous;
    }
    ledger.flagAmbiguous(symbol, true);
    const path = levels.direction === 'LONG' ? [low, high, close] : [high, low, close];
    await walk(deps, symbol, candle, time, path);
    ledger.flagAmbiguous(symbol, false);
    return true;
  }
  const ambiguous = await walk(deps, symbol, candle, time, up ? [low, high, close] : [high, low, close]);
  ledger.flagAmbiguous(symbol, false);
  return ambiguous;
}

/** Open (a jump from the previous price), then each point in turn, split at a resting entry. */
async function walk(
  deps: IntrabarDeps,
  symbol: string,
  candle: Candle,
  time: number,
  path: number[],
): Promise<boolean> {
  const { sim, executor, ledger } = deps;
  const volume = candle.volume;
  let ambiguous = false;
  sim.onJump(symbol, candle.open, time);
  await executor.settle();
  let queue = path;
  let i = 0;
  let cur = candle.open;
  while (i < queue.length) {
    const pending = executor.levels(symbol)?.pendingEntry ?? null;
    let next = queue[i]!;
    const splits = pending !== null && (cur < pending ? pending < next : cur > pending && pending > next);
    if (splits) next = pending;
    else i++;
    if (next !== cur) {
      sim.onPrice(symbol, {
        last: next,
        high: Math.max(next, cur),
        low: Math.min(next, cur),
        volume,
        time,
      });
      await executor.settle();
      cur = next;
    }
    const now = executor.levels(symbol);
    if (pending !== null && now && now.pendingEntry === null && !ambiguous) {
      // The entry filled in this candle and is now protected: what is left of the candle may
      // still reach both levels; if so the stop's side comes first.
      const rest = queue.slice(i);
      let lo = cur;
      let hi = cur;
      for (const p of rest) {
        if (p < lo) lo = p;
        if (p > hi) hi = p;
      }
      if (reachesBoth(now, cur, hi, lo)) {
        ambiguous = true;
        ledger.flagAmbiguous(symbol, true);
        const last = rest[rest.length - 1] ?? cur;
        queue = now.direction === 'LONG' ? [lo, hi, last] : [hi, lo, last];
        i = 0;
      }
    }
  }
  return ambiguous;
}
