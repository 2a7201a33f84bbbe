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
 * Cost: O(window · log window) per batch output: R/S needs every chunk's mean, so it has no O(1)
 * update. The streaming state keeps the last `window - 1` returns and the R/S of the chunks that
 * ended with each of them, and computes one new chunk per size per update (see createHurstState).
 */
import { checkPeriod, type NumericSeries, type StreamingIndicator, toFloat64 } from './series.js';

/** Two chunk sizes of at least 8 returns are needed: 16 returns, 17 prices. */
export const MIN_HURST_WINDOW = 17;
const MIN_CHUNK = 8;
/** Below this fraction of the mean absolute return, a chunk's deviation is rounding noise. */
const FLAT_CHUNK_RATIO = 1e-9;
/**
 * log(chunk size) of each level (8, 16, 32, ...), worked out once: a fit took one Math.log per
 * level per output for the same few numbers (the same values: Math.log is deterministic).
 */
const LOG_CHUNK = Float64Array.from({ length: 48 }, (_, level) => Math.log(MIN_CHUNK * 2 ** level));

function validPrice(x: number): boolean {
  return x - x === 0 && x > 0;
}

/**
 * R/S of one chunk of returns r[begin, end): the range of its cumulative deviations over their
 * standard deviation; NaN when its returns do not vary (see above: such a chunk is left out).
 */
function chunkRs(r: Float64Array, begin: number, end: number): number {
  const size = end - begin;
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
  if (deviation <= meanAbs * FLAT_CHUNK_RATIO) return Number.NaN;
  return (highest - lowest) / deviation;
}

/**
 * The least-squares slope of log(mean R/S) against log(chunk size), fed one chunk size at a time
 * (ascending), each with its chunks' R/S newest first: one accumulator per thread.
 */
const fit = { levels: 0, sumX: 0, sumY: 0, sumXX: 0, sumXY: 0, sumRs: 0, usable: 0 };

function fitStart(): void {
  fit.levels = 0;
  fit.sumX = 0;
  fit.sumY = 0;
  fit.sumXX = 0;
  fit.sumXY = 0;
}

/** One chunk's R/S (NaN: left out) into the current size's mean. */
function fitChunk(rs: number): void {
  if (Number.isNaN(rs)) return;
  fit.sumRs += rs;
  fit.usable++;
}

/** Closes the current chunk size (of `lx`, its log): its point enters the fit unless no chunk was usable. */
function fitSize(lx: number): void {
  if (fit.usable > 0) {
    const ly = Math.log(fit.sumRs / fit.usable);
    fit.levels++;
    fit.sumX += lx;
    fit.sumY += ly;
    fit.sumXX += lx * lx;
    fit.sumXY += lx * ly;
  }
  fit.sumRs = 0;
  fit.usable = 0;
}

function fitSlope(): number {
  const { levels, sumX, sumY, sumXX, sumXY } = fit;
  if (levels < 2) return Number.NaN;
  return (levels * sumXY - sumX * sumY) / (levels * sumXX - sumX * sumX);
}

/** R/S Hurst exponent of returns r[from, to); NaN when fewer than two chunk sizes are usable. */
function rescaledRangeHurst(r: Float64Array, from: number, to: number): number {
  const count = to - from;
  fitStart();
  for (let size = MIN_CHUNK, level = 0; size <= count; size *= 2, level++) {
    const chunks = Math.floor(count / size);
    for (let c = 0; c < chunks; c++) fitChunk(chunkRs(r, to - (c + 1) * size, to - c * size));
    fitSize(LOG_CHUNK[level]!);
  }
  return fitSlope();
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

/**
 * The streaming state. A chunk's R/S depends on its returns alone, and the chunks are aligned to
 * the newest return: the chunk of size n that ends k·n returns back is the one that ended with the
 * newest return k·n updates ago. So each update computes one chunk per size (the one ending with
 * the new return) and reads the others from a ring of past chunk results: about a third of the
 * arithmetic of the whole window, and the same values bit for bit (the same chunks, summed in the
 * same order).
 */
export function createHurstState(window: number): StreamingIndicator {
  checkPeriod('createHurstState', 'window', window, MIN_HURST_WINDOW);
  const size = window - 1;
  // Each return is written twice, at its slot and `size` later, so the last `size` returns are
  // always one contiguous run of this array, read in place (no copy, no modulo per element).
  const ring = new Float64Array(2 * size);
  const scratch = new Float64Array(size);
  const chunkSizes: number[] = [];
  for (let n = MIN_CHUNK; n <= size; n *= 2) chunkSizes.push(n);
  // Level L's R/S of the chunk that ends with the return in slot k, at L * size + k.
  const chunkRing = new Float64Array(chunkSizes.length * size);
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
      // `count` returns so far in this run (one fewer than the prices).
      const returns = count;
      count++;
      // The chunk of each size that ends with this return, once the run holds that many returns.
      const end = slot + 1 + size;
      for (let level = 0; level < chunkSizes.length; level++) {
        const n = chunkSizes[level]!;
        if (returns < n) break;
        chunkRing[level * size + slot] = chunkRs(ring, end - n, end);
      }
      if (count < window) return Number.NaN;
      // The window's chunks, newest first: each was computed when its last return was the newest.
      fitStart();
      for (let level = 0; level < chunkSizes.length; level++) {
        const n = chunkSizes[level]!;
        const chunks = Math.floor(size / n);
        const base = level * size;
        for (let c = 0, k = slot; c < chunks; c++) {
          fitChunk(chunkRing[base + k]!);
          k -= n;
          if (k < 0) k += size;
        }
        fitSize(LOG_CHUNK[level]!);
      }
      return fitSlope();
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
