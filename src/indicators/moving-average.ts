/**
 * SMA and EMA with TA-Lib's arithmetic, operation for operation (TA_SMA's running total, TA_EMA's
 * SMA seed and `(x - prev) * k + prev`), so the results are bit-identical to TA-Lib's C.
 */
import {
  checkPeriod,
  foldCount,
  isMissing,
  type NumericSeries,
  nextSlot,
  outputFor,
  ringSlot,
  type StreamingIndicator,
  toFloat64,
} from './series.js';

/*
 * Shape shared by the kernels here: an outer loop over clean runs (a gap starts a new warm-up),
 * and the steady-state loop in its own small function. That split is for V8: with the steady loop
 * inside a labelled outer loop, TurboFan took ~17 calls of 1M values (10x slower each) to settle.
 */

/**
 * The warm-up total of warmUp, kept here so that no call allocates (no other code runs between the
 * write and the read).
 */
const scratch = new Float64Array(1);

/**
 * Sums `count` values from `start` into scratch[0] and returns the index after them; on a gap at i
 * returns -(i + 1); a series that ends first returns its length. Writes no output: the caller
 * fills the warm-up with NaN (one `fill` per run).
 */
function warmUp(x: Float64Array, start: number, count: number): number {
  const end = Math.min(x.length, start + count);
  let total = 0;
  for (let i = start; i < end; i++) {
    const v = x[i]!;
    if (v - v !== 0) return -(i + 1);
    total += v;
  }
  scratch[0] = total;
  return end;
}

/** TA_SMA's loop from `from` until the end or a gap; returns where it stopped. */
function smaSteady(x: Float64Array, out: Float64Array, from: number, total: number, period: number): number {
  const n = x.length;
  let trailing = from - period + 1;
  let i = from;
  for (; i < n; i++) {
    const v = x[i]!;
    if (v - v !== 0) break;
    // TA-Lib keeps the total before removing the oldest value; same order, same rounding.
    total += v;
    const withNewest = total;
    total -= x[trailing++]!;
    out[i] = withNewest / period;
  }
  return i;
}

/**
 * Simple moving average; NaN for the first `period - 1` values of every clean run. `out`: see
 * outputFor in series.ts.
 */
export function sma(values: NumericSeries, period: number, out?: Float64Array): Float64Array {
  checkPeriod('sma', 'period', period, 1);
  const x = toFloat64(values);
  const n = x.length;
  const o = outputFor('sma', n, out, x);
  let i = 0;
  while (i < n) {
    const reached = warmUp(x, i, period - 1);
    if (reached < 0) {
      o.fill(Number.NaN, i, -reached); // up to and including the gap
      i = -reached;
      continue;
    }
    o.fill(Number.NaN, i, reached);
    if (reached - i < period - 1) break;
    i = smaSteady(x, o, reached, scratch[0]!, period);
    if (i < n) o[i++] = Number.NaN;
  }
  return o;
}

/** The EMA recursion from `from` until the end or a gap; returns where it stopped. */
function emaSteady(x: Float64Array, out: Float64Array, from: number, prev: number, k: number): number {
  const n = x.length;
  let i = from;
  for (; i < n; i++) {
    const v = x[i]!;
    if (v - v !== 0) break;
    prev = (v - prev) * k + prev;
    out[i] = prev;
  }
  return i;
}

/**
 * Exponential moving average, k = 2 / (period + 1), seeded with the SMA of the first `period`
 * values (TA-Lib's default, non-Metastock mode): the first value is at index `period - 1`.
 * `out`: see outputFor in series.ts.
 */
export function ema(values: NumericSeries, period: number, out?: Float64Array): Float64Array {
  checkPeriod('ema', 'period', period, 1);
  const x = toFloat64(values);
  const n = x.length;
  const o = outputFor('ema', n, out, x);
  const k = 2 / (period + 1);
  let i = 0;
  while (i < n) {
    const reached = warmUp(x, i, period);
    if (reached < 0) {
      o.fill(Number.NaN, i, -reached);
      i = -reached;
      continue;
    }
    if (reached - i < period) {
      o.fill(Number.NaN, i, reached);
      break;
    }
    o.fill(Number.NaN, i, reached - 1);
    const seed = scratch[0]! / period;
    o[reached - 1] = seed;
    i = emaSteady(x, o, reached, seed, k);
    if (i < n) o[i++] = Number.NaN;
  }
  return o;
}

/** The screener's trend ribbon. */
export function ema9(values: NumericSeries): Float64Array {
  return ema(values, 9);
}

export function ema21(values: NumericSeries): Float64Array {
  return ema(values, 21);
}

export function ema200(values: NumericSeries): Float64Array {
  return ema(values, 200);
}

/** Average volume over `period` candles (an SMA; zero volume is a valid value). */
export function volumeAverage(volume: NumericSeries, period = 20): Float64Array {
  return sma(volume, period);
}

/*
 * State-in-array steps. A streaming state's numbers live in slots of a Float64Array, at an offset,
 * and one step function per indicator advances them. The createXState objects below wrap exactly
 * these steps (so the streaming-equals-batch tests cover them); a caller that keeps many states per
 * symbol (the screener: 500 symbols x 9 states) can pack them into one array instead: numbers in
 * closure variables are boxed heap numbers, one pointer hop each, and across a universe every hop
 * is a cache miss. The steps take finite values only: gaps (isMissing) are the wrapper's job.
 */

/** SMA slots: count, running total, then the last `period` values. */
const SMA_COUNT = 0;
const SMA_TOTAL = 1;
const SMA_WINDOW = 2;
export const smaSlots = (period: number): number => SMA_WINDOW + period;

/** Clears SMA slots at `o` (a new warm-up). */
export function smaReset(s: Float64Array, o: number): void {
  s[o + SMA_COUNT] = 0;
  s[o + SMA_TOTAL] = 0;
}

/** One SMA update with a finite value: TA_SMA's running total, as createSmaState's update. */
export function smaStep(s: Float64Array, o: number, period: number, value: number): number {
  const count = s[o + SMA_COUNT]!;
  const pos = ringSlot(count, period);
  s[o + SMA_WINDOW + pos] = value;
  const total = s[o + SMA_TOTAL]! + value;
  s[o + SMA_COUNT] = foldCount(count + 1, period);
  if (count < period - 1) {
    s[o + SMA_TOTAL] = total;
    return Number.NaN;
  }
  // The oldest value of the window that ends here (the newest itself when period is 1).
  s[o + SMA_TOTAL] = total - s[o + SMA_WINDOW + nextSlot(pos, period)]!;
  return total / period;
}

export function createSmaState(period: number): StreamingIndicator {
  checkPeriod('createSmaState', 'period', period, 1);
  const s = new Float64Array(smaSlots(period));
  const reset = (): void => smaReset(s, 0);
  return {
    update(value) {
      if (isMissing(value)) {
        reset();
        return Number.NaN;
      }
      return smaStep(s, 0, period, value);
    },
    peek(value) {
      if (isMissing(value) || s[SMA_COUNT]! < period - 1) return Number.NaN;
      return (s[SMA_TOTAL]! + value) / period;
    },
    reset,
  };
}

/** EMA slots: count, seed total, previous EMA. */
const EMA_COUNT = 0;
const EMA_TOTAL = 1;
const EMA_PREV = 2;
export const EMA_SLOTS = 3;

/** EMA's smoothing factor, as every EMA here computes it. */
export const emaFactor = (period: number): number => 2 / (period + 1);

export function emaReset(s: Float64Array, o: number): void {
  s[o + EMA_COUNT] = 0;
  s[o + EMA_TOTAL] = 0;
  s[o + EMA_PREV] = Number.NaN;
}

/** One EMA update with a finite value (k = emaFactor(period)): TA_EMA's SMA seed, then `(x - prev) * k + prev`. */
export function emaStep(s: Float64Array, o: number, period: number, k: number, value: number): number {
  const count = s[o + EMA_COUNT]!;
  if (count >= period) {
    const prev = s[o + EMA_PREV]!;
    const next = (value - prev) * k + prev;
    s[o + EMA_PREV] = next;
    return next;
  }
  const total = s[o + EMA_TOTAL]! + value;
  s[o + EMA_TOTAL] = total;
  s[o + EMA_COUNT] = count + 1;
  if (count + 1 < period) return Number.NaN;
  const seed = total / period;
  s[o + EMA_PREV] = seed;
  return seed;
}

export function createEmaState(period: number): StreamingIndicator {
  checkPeriod('createEmaState', 'period', period, 1);
  const k = emaFactor(period);
  const s = new Float64Array(EMA_SLOTS);
  const reset = (): void => emaReset(s, 0);
  reset();
  return {
    update(value) {
      if (isMissing(value)) {
        reset();
        return Number.NaN;
      }
      return emaStep(s, 0, period, k, value);
    },
    peek(value) {
      if (isMissing(value)) return Number.NaN;
      const count = s[EMA_COUNT]!;
      if (count >= period) return (value - s[EMA_PREV]!) * k + s[EMA_PREV]!;
      return count === period - 1 ? (s[EMA_TOTAL]! + value) / period : Number.NaN;
    },
    reset,
  };
}
