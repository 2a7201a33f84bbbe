/**
 * The yardstick the indicator issue sets: "a plain Float64Array loop with TA-Lib's seeding" for
 * EMA, RSI, ATR and Bollinger. The issue quotes its speed on another day's machine (about 2, 7, 5
 * and 5 ms for 1M candles); timing the same loops here, in the same run as our kernels, turns that
 * into a ratio that does not depend on how fast today's VM is.
 *
 * Plain means: one pass, no gap handling, no input checks, NaN warm-up, TA-Lib's seeding and
 * smoothing; Bollinger with TA-Lib's running sums (mean of squares minus square of mean), which our
 * kernel deliberately does not use (it cancels at high prices). Not product code: the product's
 * kernels are in src/indicators.
 */

export function plainEma(x: Float64Array, period: number, out: Float64Array): Float64Array {
  const n = x.length;
  let total = 0;
  for (let i = 0; i < period - 1; i++) {
    total += x[i]!;
    out[i] = Number.NaN;
  }
  let prev = (total + x[period - 1]!) / period;
  out[period - 1] = prev;
  const k = 2 / (period + 1);
  for (let i = period; i < n; i++) {
    prev = (x[i]! - prev) * k + prev;
    out[i] = prev;
  }
  return out;
}

export function plainRsi(x: Float64Array, period: number, out: Float64Array): Float64Array {
  const n = x.length;
  let gain = 0;
  let loss = 0;
  out[0] = Number.NaN;
  for (let i = 1; i <= period; i++) {
    const change = x[i]! - x[i - 1]!;
    if (change > 0) gain += change;
    else loss -= change;
    out[i] = Number.NaN;
  }
  gain /= period;
  loss /= period;
  out[period] = (100 * gain) / (gain + loss);
  for (let i = period + 1; i < n; i++) {
    const change = x[i]! - x[i - 1]!;
    let up = 0;
    let down = 0;
    if (change > 0) up = change;
    else down = -change;
    gain = (gain * (period - 1) + up) / period;
    loss = (loss * (period - 1) + down) / period;
    out[i] = (100 * gain) / (gain + loss);
  }
  return out;
}

function trueRange(high: number, low: number, prevClose: number): number {
  let tr = high - low;
  const up = Math.abs(high - prevClose);
  const down = Math.abs(low - prevClose);
  if (up > tr) tr = up;
  if (down > tr) tr = down;
  return tr;
}

export function plainAtr(
  h: Float64Array,
  l: Float64Array,
  c: Float64Array,
  period: number,
  out: Float64Array,
): Float64Array {
  const n = c.length;
  let total = 0;
  out[0] = Number.NaN;
  for (let i = 1; i <= period; i++) {
    total += trueRange(h[i]!, l[i]!, c[i - 1]!);
    out[i] = Number.NaN;
  }
  let prev = total / period;
  out[period] = prev;
  for (let i = period + 1; i < n; i++) {
    prev = (prev * (period - 1) + trueRange(h[i]!, l[i]!, c[i - 1]!)) / period;
    out[i] = prev;
  }
  return out;
}

export function plainBollinger(
  x: Float64Array,
  period: number,
  width: number,
  upper: Float64Array,
  middle: Float64Array,
  lower: Float64Array,
): Float64Array {
  const n = x.length;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < period - 1; i++) {
    const v = x[i]!;
    sum += v;
    squares += v * v;
    upper[i] = middle[i] = lower[i] = Number.NaN;
  }
  for (let i = period - 1; i < n; i++) {
    const v = x[i]!;
    sum += v;
    squares += v * v;
    const mean = sum / period;
    const variance = squares / period - mean * mean;
    const offset = variance > 0 ? Math.sqrt(variance) * width : 0;
    middle[i] = mean;
    upper[i] = mean + offset;
    lower[i] = mean - offset;
    const old = x[i - period + 1]!;
    sum -= old;
    squares -= old * old;
  }
  return upper;
}
