/**
 * Hurst exponent by rescaled-range (R/S) analysis over a rolling window of prices.
 *
 * For the window's `window - 1` log returns, and each chunk size n = 8, 16, 32, ... up to the
 * number of returns: cut the returns into floor(N / n) chunks aligned to the newest return (the
 * oldest remainder is left out); per chunk, R = range of the cumulative deviations from the chunk
 * mean (starting at 0), S = population standard deviation; average R/S over the chunks. H is the
 * least-squares slope of log(R/S) against log(n). ~0.5: random walk; above: trending (persistent);
 * below: mean-reverting. Classic R/S is biased upwards on short chunks (an i.i.d. walk reads about
 * 0.55-0.6 with a 100-candle window), so compare H across symbols and times, not with 0.5 exactly.
 *
 * Undefined cases are NaN, never a division by zero: a chunk whose returns do not vary (S = 0, or
 * S below 1e-9 of the mean absolute return, i.e. rounding noise) is left out; a chunk size with no
 * usable chunk is left out; fewer than two sizes left (a flat or perfectly geometric series) is NaN.
 * Prices must be positive and finite; any other value restarts the run like a NaN (see index.ts).
 *
 * Cost: O(window · log window) per output, batch or streaming: R/S needs every chunk's mean, so it
 * has no O(1) update. The streaming state keeps the last `window - 1` returns.
 */
import { checkPeriod, type NumericSeries, type StreamingIndicator, toFloat64 } from './series.js';

/** Two chunk sizes of at least 8 returns are needed: 16 returns, 17 prices. */
export const MIN_HURST_WINDOW = 17;
const MIN_CHUNK = 8;
/** Below this fraction of the mean absolute return, a chunk's deviation is rounding noise. */
const FLAT_CHUNK_RATIO = 1e-9;

function validPrice(x: number): boolean {
  return x - x === 0 && x > 0;
}

/** R/S Hurst exponent of returns r[from, to); NaN when fewer than two chunk sizes are usable. */
function rescaledRangeHurst(r: Float64Array, from: number, to: number): number {
  const count = to - from;
  let levels = 0;
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumXY = 0;
  for (let size = MIN_CHUNK; size <= count; size *= 2) {
    const chunks = Math.floor(count / size);
    let sumRs = 0;
    let usable = 0;
    for (let c = 0; c < chunks; c++) {
      const end = to - c * size;
      const begin = end - size;
      let mean = 0;
      let meanAbs = 0;
      for (let j = begin; j < end; j++) {
        const v = r[j]!;
        mean += v;
        meanAbs += Math.abs(v);
      }
      mean /= size;
      meanAbs /= size;
      let cumulative = 0;
      let highest = 0;
      let lowest = 0;
      let squares = 0;
      for (let j = begin; j < end; j++) {
        const d = r[j]! - mean;
        cumulative += d;
        if (cumulative > highest) highest = cumulative;
        else if (cumulative < lowest) lowest = cumulative;
        squares += d * d;
      }
      const deviation = Math.sqrt(squares / size);
      if (deviation <= meanAbs * FLAT_CHUNK_RATIO) continue;
      sumRs += (highest - lowest) / deviation;
      usable++;
    }
    if (usable === 0) continue;
    const lx = Math.log(size);
    const ly = Math.log(sumRs / usable);
    levels++;
    sumX += lx;
    sumY += ly;
    sumXX += lx * lx;
    sumXY += lx * ly;
  }
  if (levels < 2) return Number.NaN;
  return (levels * sumXY - sumX * sumY) / (levels * sumXX - sumX * sumX);
}

/** Rolling Hurst exponent of the `window` prices ending at each index; NaN before and where undefined. */
export function hurst(values: NumericSeries, window: number): Float64Array {
  checkPeriod('hurst', 'window', window, MIN_HURST_WINDOW);
  const x = toFloat64(values);
  const n = x.length;
  const out = new Float64Array(n);
  const returns = new Float64Array(n);
  let runLength = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (!validPrice(v)) {
      runLength = 0;
      out[i] = Number.NaN;
      continue;
    }
    runLength++;
    if (runLength >= 2) returns[i] = Math.log(v / x[i - 1]!);
    out[i] = runLength >= window ? rescaledRangeHurst(returns, i - window + 2, i + 1) : Number.NaN;
  }
  return out;
}

export function createHurstState(window: number): StreamingIndicator {
  checkPeriod('createHurstState', 'window', window, MIN_HURST_WINDOW);
  const size = window - 1;
  // Each return is written twice, at its slot and `size` later, so the last `size` returns are
  // always one contiguous run of this array, read in place (no copy, no modulo per element).
  const ring = new Float64Array(2 * size);
  const scratch = new Float64Array(size);
  let count = 0;
  let prev = 0;
  const reset = (): void => {
    count = 0;
  };
  return {
    update(value) {
      if (!validPrice(value)) {
        reset();
        return Number.NaN;
      }
      if (count === 0) {
        prev = value;
        count = 1;
        return Number.NaN;
      }
      const r = Math.log(value / prev);
      const slot = (count - 1) % size;
      ring[slot] = r;
      ring[slot + size] = r;
      prev = value;
      count++;
      // The window: the `size` returns ending with this one, oldest first.
      return count >= window ? rescaledRangeHurst(ring, slot + 1, slot + 1 + size) : Number.NaN;
    },
    peek(value) {
      if (!validPrice(value) || count === 0 || count + 1 < window) return Number.NaN;
      // The `size - 1` returns before it, then the one `value` would add.
      const from = count % size;
      scratch.set(ring.subarray(from, from + size - 1));
      scratch[size - 1] = Math.log(value / prev);
      return rescaledRangeHurst(scratch, 0, size);
    },
    reset,
  };
}
