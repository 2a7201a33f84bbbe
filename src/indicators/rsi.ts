/**
 * RSI, Wilder's smoothing with TA-Lib's seeding: the average gain and loss of the first `period`
 * changes are plain means, later ones `(avg * (period - 1) + change) / period`; the first value is
 * at index `period`. RSI = 100 * avgGain / (avgGain + avgLoss).
 *
 * One deliberate difference from TA-Lib: when avgGain + avgLoss is exactly 0 (a flat market since
 * the run began) the RSI is undefined and we say NaN; TA-Lib writes 0, which reads as "oversold".
 * TA-Lib also writes 0 when the sum is below 1e-14; we test for exact zero, which keeps the RSI of a
 * sub-cent coin equal to the RSI of the same chart scaled up.
 */
import { checkPeriod, isMissing, type NumericSeries, type StreamingIndicator, toFloat64 } from './series.js';

function rsiOf(avgGain: number, avgLoss: number): number {
  const total = avgGain + avgLoss;
  return total === 0 ? Number.NaN : 100 * (avgGain / total);
}

/** Wilder smoothing from `from` until the end or a gap; returns where it stopped. */
function rsiSteady(
  x: Float64Array,
  out: Float64Array,
  from: number,
  period: number,
  seed: Float64Array,
): number {
  const n = x.length;
  const keep = period - 1;
  let gain = seed[0]!;
  let loss = seed[1]!;
  let prevValue = x[from - 1]!;
  let i = from;
  for (; i < n; i++) {
    const v = x[i]!;
    if (v - v !== 0) break;
    const change = v - prevValue;
    prevValue = v;
    // TA-Lib adds the change to one side only; adding an exact 0 to the other side gives the
    // same bits without a branch the CPU cannot predict.
    loss = (loss * keep - Math.min(change, 0)) / period;
    gain = (gain * keep + Math.max(change, 0)) / period;
    const total = gain + loss;
    out[i] = total === 0 ? Number.NaN : 100 * (gain / total);
  }
  return i;
}

/**
 * The first value and `period` changes from `start`: the seed averages go into `seed` and the index
 * reached is returned; -(gap index + 1) after a gap. Warm-up outputs are NaN except the last.
 */
function rsiWarmUp(
  x: Float64Array,
  out: Float64Array,
  start: number,
  period: number,
  seed: Float64Array,
): number {
  const end = Math.min(x.length, start + period + 1);
  let gain = 0;
  let loss = 0;
  let prevValue = 0;
  for (let i = start; i < end; i++) {
    const v = x[i]!;
    out[i] = Number.NaN;
    if (isMissing(v)) return -(i + 1);
    if (i > start) {
      const change = v - prevValue;
      if (change < 0) loss -= change;
      else gain += change;
    }
    prevValue = v;
  }
  if (end - start < period + 1) return end;
  gain /= period;
  loss /= period;
  seed[0] = gain;
  seed[1] = loss;
  out[end - 1] = rsiOf(gain, loss);
  return end;
}

export function rsi(close: NumericSeries, period = 14): Float64Array {
  checkPeriod('rsi', 'period', period, 2);
  const x = toFloat64(close);
  const n = x.length;
  const out = new Float64Array(n);
  const seed = new Float64Array(2);
  // Same shape as moving-average.ts: clean runs outside, the steady loop in its own function.
  let i = 0;
  while (i < n) {
    const reached = rsiWarmUp(x, out, i, period, seed);
    if (reached < 0) {
      i = -reached;
      continue;
    }
    if (reached - i < period + 1) break;
    i = rsiSteady(x, out, reached, period, seed);
    if (i < n) out[i++] = Number.NaN;
  }
  return out;
}

export function createRsiState(period = 14): StreamingIndicator {
  checkPeriod('createRsiState', 'period', period, 2);
  const keep = period - 1;
  let count = 0;
  let prevValue = 0;
  let gain = 0;
  let loss = 0;
  const reset = (): void => {
    count = 0;
    prevValue = 0;
    gain = 0;
    loss = 0;
  };
  // Returns [gain, loss] after `value` without storing them; shared by update and peek so the two
  // can never disagree.
  const next = (value: number): [number, number] => {
    const change = value - prevValue;
    let g = gain;
    let l = loss;
    if (count > period) {
      l *= keep;
      g *= keep;
    }
    if (change < 0) l -= change;
    else g += change;
    if (count >= period) {
      l /= period;
      g /= period;
    }
    return [g, l];
  };
  return {
    update(value) {
      if (isMissing(value)) {
        reset();
        return Number.NaN;
      }
      if (count === 0) {
        prevValue = value;
        count = 1;
        return Number.NaN;
      }
      [gain, loss] = next(value);
      prevValue = value;
      count++;
      return count > period ? rsiOf(gain, loss) : Number.NaN;
    },
    peek(value) {
      if (isMissing(value) || count < period) return Number.NaN;
      const [g, l] = next(value);
      return rsiOf(g, l);
    },
    reset,
  };
}
