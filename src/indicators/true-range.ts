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

export function trueRange(high: NumericSeries, low: NumericSeries, close: NumericSeries): Float64Array {
  const [h, l, c] = toCandleColumns('trueRange', high, low, close);
  const n = c.length;
  const out = new Float64Array(n);
  let havePrev = false;
  for (let i = 0; i < n; i++) {
    if (candleMissing(h[i]!, l[i]!, c[i]!)) {
      out[i] = Number.NaN;
      havePrev = false;
      continue;
    }
    out[i] = havePrev ? trueRangeOf(h[i]!, l[i]!, c[i - 1]!) : Number.NaN;
    havePrev = true;
  }
  return out;
}

/**
 * The first candle and `period` true ranges from `start`: returns the index reached with the seed
 * (their mean) in `seed[0]`, or -(gap index + 1) after a gap. Warm-up outputs are NaN but the last.
 */
function atrWarmUp(
  h: Float64Array,
  l: Float64Array,
  c: Float64Array,
  out: Float64Array,
  start: number,
  period: number,
  seed: Float64Array,
): number {
  const end = Math.min(c.length, start + period + 1);
  let total = 0;
  for (let i = start; i < end; i++) {
    out[i] = Number.NaN;
    if (candleMissing(h[i]!, l[i]!, c[i]!)) return -(i + 1);
    if (i > start) total += trueRangeOf(h[i]!, l[i]!, c[i - 1]!);
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
  let i = from;
  for (; i < n; i++) {
    const hi = h[i]!;
    const lo = l[i]!;
    const cl = c[i]!;
    // One test for all three: the sum is NaN as soon as one of them is not finite.
    if (hi - hi + (lo - lo) + (cl - cl) !== 0) break;
    const pc = c[i - 1]!;
    const tr = Math.max(hi - lo, Math.abs(pc - hi), Math.abs(pc - lo));
    prev = (prev * keep + tr) / period;
    out[i] = prev;
  }
  return i;
}

export function atr(
  high: NumericSeries,
  low: NumericSeries,
  close: NumericSeries,
  period = 14,
): Float64Array {
  checkPeriod('atr', 'period', period, 1);
  const [h, l, c] = toCandleColumns('atr', high, low, close);
  const n = c.length;
  const out = new Float64Array(n);
  const seed = new Float64Array(1);
  let i = 0;
  while (i < n) {
    const reached = atrWarmUp(h, l, c, out, i, period, seed);
    if (reached < 0) {
      i = -reached;
      continue;
    }
    if (reached - i < period + 1) break;
    i = atrSteady(h, l, c, out, reached, period, seed[0]!);
    if (i < n) out[i++] = Number.NaN;
  }
  return out;
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

export function createAtrState(period = 14): StreamingCandleIndicator {
  checkPeriod('createAtrState', 'period', period, 1);
  const keep = period - 1;
  let count = 0;
  let prevClose = 0;
  let total = 0;
  let prev = Number.NaN;
  const reset = (): void => {
    count = 0;
    prevClose = 0;
    total = 0;
    prev = Number.NaN;
  };
  return {
    update(high, low, close) {
      if (candleMissing(high, low, close)) {
        reset();
        return Number.NaN;
      }
      if (count === 0) {
        prevClose = close;
        count = 1;
        return Number.NaN;
      }
      const tr = trueRangeOf(high, low, prevClose);
      prevClose = close;
      count++;
      if (count > period + 1) {
        prev = (prev * keep + tr) / period;
        return prev;
      }
      total += tr;
      if (count <= period) return Number.NaN;
      prev = total / period;
      return prev;
    },
    peek(high, low, close) {
      if (candleMissing(high, low, close) || count < period) return Number.NaN;
      const tr = trueRangeOf(high, low, prevClose);
      return count > period ? (prev * keep + tr) / period : (total + tr) / period;
    },
    reset,
  };
}
