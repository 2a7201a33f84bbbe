/**
 * SMA and EMA with TA-Lib's arithmetic, operation for operation (TA_SMA's running total, TA_EMA's
 * SMA seed and `(x - prev) * k + prev`), so the results are bit-identical to TA-Lib's C.
 */
import {
  checkPeriod,
  isMissing,
  type NumericSeries,
  outputFor,
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

export function createSmaState(period: number): StreamingIndicator {
  checkPeriod('createSmaState', 'period', period, 1);
  const window = new Float64Array(period);
  let count = 0;
  let total = 0;
  const reset = (): void => {
    count = 0;
    total = 0;
  };
  return {
    update(value) {
      if (isMissing(value)) {
        reset();
        return Number.NaN;
      }
      const pos = count % period;
      window[pos] = value;
      total += value;
      const warm = count >= period - 1;
      count++;
      if (!warm) return Number.NaN;
      const withNewest = total;
      // The oldest value of the window that ends here (the newest itself when period is 1).
      total -= window[(pos + 1) % period]!;
      return withNewest / period;
    },
    peek(value) {
      if (isMissing(value) || count < period - 1) return Number.NaN;
      return (total + value) / period;
    },
    reset,
  };
}

export function createEmaState(period: number): StreamingIndicator {
  checkPeriod('createEmaState', 'period', period, 1);
  const k = 2 / (period + 1);
  let count = 0;
  let total = 0;
  let prev = Number.NaN;
  const reset = (): void => {
    count = 0;
    total = 0;
    prev = Number.NaN;
  };
  return {
    update(value) {
      if (isMissing(value)) {
        reset();
        return Number.NaN;
      }
      if (count >= period) {
        prev = (value - prev) * k + prev;
        return prev;
      }
      total += value;
      count++;
      if (count < period) return Number.NaN;
      prev = total / period;
      return prev;
    },
    peek(value) {
      if (isMissing(value)) return Number.NaN;
      if (count >= period) return (value - prev) * k + prev;
      return count === period - 1 ? (total + value) / period : Number.NaN;
    },
    reset,
  };
}
