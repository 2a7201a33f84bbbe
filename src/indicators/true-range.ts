/**
 * True range and ATR with TA-Lib's arithmetic. TR needs the previous close, so TR[0] is NaN (TA-Lib's
 * TRANGE starts at index 1). ATR (Wilder): the first value, at index `period`, is the mean of
 * TR[1..period]; then `(atr * (period - 1) + tr) / period`. A candle with any non-finite field
 * restarts the run (see index.ts).
 */
import {
  checkPeriod,
  isMissing,
  type NumericSeries,
  outputFor,
  type StreamingCandleIndicator,
  toCandleColumns,
} from './series.js';

/**
 * TA-Lib's TRANGE for one candle: max(high - low, |prevClose - high|, |prevClose - low|). (Math.max
 * picks the same value as TA-Lib's chain of ifs for finite inputs, without the branches.)
 */
export function trueRangeOf(high: number, low: number, prevClose: number): number {
  return Math.max(high - low, Math.abs(prevClose - high), Math.abs(prevClose - low));
}

function candleMissing(high: number, low: number, close: number): boolean {
  return isMissing(high) || isMissing(low) || isMissing(close);
}

/** True range per candle; NaN at the first candle of every clean run. `out`: see outputFor in series.ts. */
export function trueRange(
  high: NumericSeries,
  low: NumericSeries,
  close: NumericSeries,
  out?: Float64Array,
): Float64Array {
  const [h, l, c] = toCandleColumns('trueRange', high, low, close);
  const n = c.length;
  const o = outputFor('trueRange', n, out, h, l, c);
  // NaN before the first candle of a run: Math.max then gives NaN, the undefined first range.
  let prevClose = Number.NaN;
  for (let i = 0; i < n; i++) {
    const hi = h[i]!;
    const lo = l[i]!;
    const cl = c[i]!;
    if (hi - hi + (lo - lo) + (cl - cl) !== 0) {
      o[i] = Number.NaN;
      prevClose = Number.NaN;
      continue;
    }
    o[i] = trueRangeOf(hi, lo, prevClose);
    prevClose = cl;
  }
  return o;
}

/**
 * The ATR seed of atrWarmUp; module state so that no call allocates (no other code runs between the
 * write and the read).
 */
const seed = new Float64Array(1);

/**
 * The first candle and `period` true ranges from `start`: returns the index reached with the seed
 * (their mean) in `seed[0]` and at `out[end - 1]`, or -(gap index + 1) after a gap. The caller
 * fills the rest of the warm-up with NaN.
 */
function atrWarmUp(
  h: Float64Array,
  l: Float64Array,
  c: Float64Array,
  out: Float64Array,
  start: number,
  period: number,
): number {
  const end = Math.min(c.length, start + period + 1);
  let total = 0;
  for (let i = start; i < end; i++) {
    const hi = h[i]!;
    const lo = l[i]!;
    const cl = c[i]!;
    // As in atrSteady: one test for all three (candleMissing, written out: V8 did not inline it).
    if (hi - hi + (lo - lo) + (cl - cl) !== 0) return -(i + 1);
    if (i > start) total += trueRangeOf(hi, lo, c[i - 1]!);
  }
  if (end - start < period + 1) return end;
  seed[0] = total / period;
  out[end - 1] = seed[0];
  return end;
}

/** Wilder smoothing from `from` until the end or a gap; returns where it stopped. */
function atrSteady(
  h: Float64Array,
  l: Float64Array,
  c: Float64Array,
  out: Float64Array,
  from: number,
  period: number,
  prev: number,
): number {
  const n = c.length;
  const keep = period - 1;
  let prevClose = c[from - 1]!;
  let i = from;
  for (; i < n; i++) {
    const hi = h[i]!;
    const lo = l[i]!;
    const cl = c[i]!;
    // One test for all three: the sum is NaN as soon as one of them is not finite.
    if (hi - hi + (lo - lo) + (cl - cl) !== 0) break;
    // TA-Lib's chain of ifs, not trueRangeOf's Math.max: all three are finite here and none is -0,
    // so the same value, and V8's NaN- and -0-aware Math.max cost this loop up to 1.5x.
    let tr = hi - lo;
    const up = Math.abs(prevClose - hi);
    const down = Math.abs(prevClose - lo);
    if (up > tr) tr = up;
    if (down > tr) tr = down;
    prevClose = cl;
    prev = (prev * keep + tr) / period;
    out[i] = prev;
  }
  return i;
}

/** Wilder's ATR with TA-Lib's seeding. `out`: see outputFor in series.ts. */
export function atr(
  high: NumericSeries,
  low: NumericSeries,
  close: NumericSeries,
  period = 14,
  out?: Float64Array,
): Float64Array {
  checkPeriod('atr', 'period', period, 1);
  const [h, l, c] = toCandleColumns('atr', high, low, close);
  const n = c.length;
  const o = outputFor('atr', n, out, h, l, c);
  let i = 0;
  while (i < n) {
    const reached = atrWarmUp(h, l, c, o, i, period);
    if (reached < 0) {
      o.fill(Number.NaN, i, -reached);
      i = -reached;
      continue;
    }
    if (reached - i < period + 1) {
      o.fill(Number.NaN, i, reached);
      break;
    }
    o.fill(Number.NaN, i, reached - 1);
    i = atrSteady(h, l, c, o, reached, period, seed[0]!);
    if (i < n) o[i++] = Number.NaN;
  }
  return o;
}

export function createTrueRangeState(): StreamingCandleIndicator {
  let prevClose = Number.NaN;
  return {
    update(high, low, close) {
      if (candleMissing(high, low, close)) {
        prevClose = Number.NaN;
        return Number.NaN;
      }
      // NaN prevClose (no previous candle) makes the result NaN by itself.
      const tr = isMissing(prevClose) ? Number.NaN : trueRangeOf(high, low, prevClose);
      prevClose = close;
      return tr;
    },
    peek(high, low, close) {
      if (candleMissing(high, low, close) || isMissing(prevClose)) return Number.NaN;
      return trueRangeOf(high, low, prevClose);
    },
    reset() {
      prevClose = Number.NaN;
    },
  };
}

/** ATR slots (state in an array, see moving-average.ts): count, previous close, seed total, previous ATR. */
const ATR_COUNT = 0;
const ATR_PREV_CLOSE = 1;
const ATR_TOTAL = 2;
const ATR_PREV = 3;
export const ATR_SLOTS = 4;

export function atrReset(s: Float64Array, o: number): void {
  s[o + ATR_COUNT] = 0;
  s[o + ATR_PREV_CLOSE] = 0;
  s[o + ATR_TOTAL] = 0;
  s[o + ATR_PREV] = Number.NaN;
}

/** One ATR update with a finite candle. */
export function atrStep(
  s: Float64Array,
  o: number,
  period: number,
  high: number,
  low: number,
  close: number,
): number {
  const count = s[o + ATR_COUNT]!;
  if (count === 0) {
    s[o + ATR_PREV_CLOSE] = close;
    s[o + ATR_COUNT] = 1;
    return Number.NaN;
  }
  const tr = trueRangeOf(high, low, s[o + ATR_PREV_CLOSE]!);
  s[o + ATR_PREV_CLOSE] = close;
  s[o + ATR_COUNT] = count + 1;
  if (count + 1 > period + 1) {
    const next = (s[o + ATR_PREV]! * (period - 1) + tr) / period;
    s[o + ATR_PREV] = next;
    return next;
  }
  const total = s[o + ATR_TOTAL]! + tr;
  s[o + ATR_TOTAL] = total;
  if (count + 1 <= period) return Number.NaN;
  const seed = total / period;
  s[o + ATR_PREV] = seed;
  return seed;
}

export function createAtrState(period = 14): StreamingCandleIndicator {
  checkPeriod('createAtrState', 'period', period, 1);
  const s = new Float64Array(ATR_SLOTS);
  const reset = (): void => atrReset(s, 0);
  reset();
  return {
    update(high, low, close) {
      if (candleMissing(high, low, close)) {
        reset();
        return Number.NaN;
      }
      return atrStep(s, 0, period, high, low, close);
    },
    peek(high, low, close) {
      const count = s[ATR_COUNT]!;
      if (candleMissing(high, low, close) || count < period) return Number.NaN;
      const tr = trueRangeOf(high, low, s[ATR_PREV_CLOSE]!);
      return count > period ? (s[ATR_PREV]! * (period - 1) + tr) / period : (s[ATR_TOTAL]! + tr) / period;
    },
    reset,
  };
}
