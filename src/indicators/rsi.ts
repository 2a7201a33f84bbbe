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
import {
  checkPeriod,
  isMissing,
  type NumericSeries,
  outputFor,
  type StreamingIndicator,
  toFloat64,
} from './series.js';

function rsiOf(avgGain: number, avgLoss: number): number {
  const total = avgGain + avgLoss;
  return total === 0 ? Number.NaN : 100 * (avgGain / total);
}

/**
 * The seed averages of rsiWarmUp; module state so that no call allocates (no other code runs between
 * the write and the read).
 */
const seed = new Float64Array(2);

/** Wilder smoothing from `from` until the end or a gap; returns where it stopped. */
function rsiSteady(x: Float64Array, out: Float64Array, from: number, period: number): number {
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
    // TA-Lib adds the change to one side only. Here each side gets its part of the change and the
    // other side an exact +0, which leaves the same bits without a branch the CPU cannot predict:
    // (|c| + c) / 2 is c or 0 exactly, (|c| - c) / 2 is -c or 0 (doubling is exact below 8.9e307).
    // Not Math.max(change, 0): V8 compiles that to a slow NaN- and -0-aware sequence (RSI 3x slower).
    const size = Math.abs(change);
    gain = (gain * keep + (size + change) * 0.5) / period;
    loss = (loss * keep + (size - change) * 0.5) / period;
    const total = gain + loss;
    out[i] = total === 0 ? Number.NaN : 100 * (gain / total);
  }
  return i;
}

/**
 * The first value and `period` changes from `start`: the seed averages go into `seed` and the index
 * reached is returned; -(gap index + 1) after a gap. Writes only the first output (the caller fills
 * the warm-up with NaN).
 */
function rsiWarmUp(x: Float64Array, out: Float64Array, start: number, period: number): number {
  const end = Math.min(x.length, start + period + 1);
  let gain = 0;
  let loss = 0;
  let prevValue = x[start]!;
  for (let i = start; i < end; i++) {
    const v = x[i]!;
    if (v - v !== 0) return -(i + 1);
    const change = v - prevValue; // 0 for the first value
    if (change < 0) loss -= change;
    else gain += change;
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

/** RSI over `close`, NaN during each clean run's warm-up. `out`: see outputFor in series.ts. */
export function rsi(close: NumericSeries, period = 14, out?: Float64Array): Float64Array {
  checkPeriod('rsi', 'period', period, 2);
  const x = toFloat64(close);
  const n = x.length;
  const o = outputFor('rsi', n, out, x);
  // Same shape as moving-average.ts: clean runs outside, the steady loop in its own function.
  let i = 0;
  while (i < n) {
    const reached = rsiWarmUp(x, o, i, period);
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
    i = rsiSteady(x, o, reached, period);
    if (i < n) o[i++] = Number.NaN;
  }
  return o;
}

/** RSI slots (state in an array, see moving-average.ts): count, previous value, average gain and loss. */
const RSI_COUNT = 0;
const RSI_PREV = 1;
const RSI_GAIN = 2;
const RSI_LOSS = 3;
export const RSI_SLOTS = 4;

export function rsiReset(s: Float64Array, o: number): void {
  s[o + RSI_COUNT] = 0;
  s[o + RSI_PREV] = 0;
  s[o + RSI_GAIN] = 0;
  s[o + RSI_LOSS] = 0;
}

/**
 * Average gain (or loss, with `down`) after `value`, from the slots, without storing it: shared by
 * the step and peek so the two can never disagree.
 */
function smoothed(s: Float64Array, o: number, period: number, value: number, down: boolean): number {
  const count = s[o + RSI_COUNT]!;
  const change = value - s[o + RSI_PREV]!;
  let avg = s[o + (down ? RSI_LOSS : RSI_GAIN)]!;
  if (count > period) avg *= period - 1;
  if (down) {
    if (change < 0) avg -= change;
  } else if (!(change < 0)) avg += change;
  if (count >= period) avg /= period;
  return avg;
}

/** One RSI update with a finite value. */
export function rsiStep(s: Float64Array, o: number, period: number, value: number): number {
  const count = s[o + RSI_COUNT]!;
  if (count === 0) {
    s[o + RSI_PREV] = value;
    s[o + RSI_COUNT] = 1;
    return Number.NaN;
  }
  const gain = smoothed(s, o, period, value, false);
  const loss = smoothed(s, o, period, value, true);
  s[o + RSI_GAIN] = gain;
  s[o + RSI_LOSS] = loss;
  s[o + RSI_PREV] = value;
  s[o + RSI_COUNT] = count + 1;
  return count + 1 > period ? rsiOf(gain, loss) : Number.NaN;
}

export function createRsiState(period = 14): StreamingIndicator {
  checkPeriod('createRsiState', 'period', period, 2);
  const s = new Float64Array(RSI_SLOTS);
  const reset = (): void => rsiReset(s, 0);
  return {
    update(value) {
      if (isMissing(value)) {
        reset();
        return Number.NaN;
      }
      return rsiStep(s, 0, period, value);
    },
    peek(value) {
      if (isMissing(value) || s[RSI_COUNT]! < period) return Number.NaN;
      return rsiOf(smoothed(s, 0, period, value, false), smoothed(s, 0, period, value, true));
    },
    reset,
  };
}
