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
 * Under this |mean| / deviation a chunk cannot be flat, so its mean absolute return need not be
 * summed. The mean absolute return is at most |mean| + deviation (the triangle inequality, then the
 * mean absolute deviation is at most the standard deviation), both computed to a relative error of
 * about size · 2^-53; so with |mean| < 1e8 · deviation, FLAT_CHUNK_RATIO times it is under a
 * tenth of the deviation, and the test `deviation <= meanAbs · FLAT_CHUNK_RATIO` is false whatever
 * meanAbs adds up to. Returns of real prices never come near (|mean| is a fraction of a percent,
 * the deviation rarely under 1e-6 of it): the sum is skipped on every chunk that moves.
 */
const SURELY_MOVING = 1e8;

/**
 * R/S of one chunk of returns r[begin, end): the range of its cumulative deviations over their
 * standard deviation; NaN when its returns do not vary (see above: such a chunk is left out).
 */
function chunkRs(r: Float64Array, begin: number, end: number): number {
  let sum = 0;
  for (let j = begin; j < end; j++) sum += r[j]!;
  return chunkRsOfSum(r, begin, end, sum);
}

/**
 * chunkRs given the chunk's sum, added in order from r[begin] on (from 0: the same number chunkRs
 * adds up). The streaming state knows most of it: a chunk of 2n returns starts with the chunk of
 * n that ended n returns ago, whose sum it kept (see createHurstState).
 */
function chunkRsOfSum(r: Float64Array, begin: number, end: number, sum: number): number {
  const size = end - begin;
  const mean = sum / size;
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
  // `!(<)`: a NaN deviation takes the full test too (see SURELY_MOVING).
  if (!(Math.abs(mean) < deviation * SURELY_MOVING) && deviation <= meanAbs(r, begin, end) * FLAT_CHUNK_RATIO)
    return Number.NaN;
  return (highest - lowest) / deviation;
}

/** The mean absolute return of r[begin, end) (what the flat-chunk test compares with). */
function meanAbs(r: Float64Array, begin: number, end: number): number {
  let total = 0;
  for (let j = begin; j < end; j++) total += Math.abs(r[j]!);
  return total / (end - begin);
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
 * same order). The sum of a new chunk of 2n returns starts from the kept sum of the chunk of n that
 * ended n returns ago (its first half, added in the same order from 0), so only its newest n
 * returns are added.
 */
export function createHurstState(window: number): StreamingIndicator {
  checkPeriod('createHurstState', 'window', window, MIN_HURST_WINDOW);
  return new HurstState(window);
}

/** A class, its numbers in fields (no closure context to reach through on each update). */
class HurstState implements StreamingIndicator {
  private readonly size: number;
  /**
   * Each return is written twice, at its slot and `size` later, so the last `size` returns are
   * always one contiguous run of this array, read in place (no copy, no modulo per element).
   */
  private readonly ring: Float64Array;
  private readonly scratch: Float64Array;
  /** Chunk sizes MIN_CHUNK · 2^level that fit in the window's returns. */
  private readonly levels: number;
  /** Level L's R/S of the chunk that ends with the return in slot k, at L * size + k. */
  private readonly chunkRing: Float64Array;
  /** The sums of those chunks' returns, in the same layout (the next level's first halves). */
  private readonly sumRing: Float64Array;
  private count = 0;
  private prev = 0;

  constructor(private readonly window: number) {
    const size = window - 1;
    this.size = size;
    this.ring = new Float64Array(2 * size);
    this.scratch = new Float64Array(size);
    let levels = 0;
    for (let n = MIN_CHUNK; n <= size; n *= 2) levels++;
    this.levels = levels;
    this.chunkRing = new Float64Array(levels * size);
    this.sumRing = new Float64Array(levels * size);
  }

  reset(): void {
    this.count = 0;
  }

  update(value: number): number {
    if (!validPrice(value)) {
      this.count = 0;
      return Number.NaN;
    }
    const count = this.count;
    if (count === 0) {
      this.prev = value;
      this.count = 1;
      return Number.NaN;
    }
    const { ring, size, chunkRing, sumRing } = this;
    const r = Math.log(value / this.prev);
    const slot = (count - 1) % size;
    ring[slot] = r;
    ring[slot + size] = r;
    this.prev = value;
    // `count` returns so far in this run (one fewer than the prices).
    const returns = count;
    this.count = count + 1;
    // The chunk of each size that ends with this return, once the run holds that many returns.
    const end = slot + 1 + size;
    for (let level = 0, n = MIN_CHUNK; level < this.levels && returns >= n; level++, n *= 2) {
      // The first half's sum (level > 0): the previous level's chunk that ended n / 2 returns ago,
      // there since the run holds n returns.
      const half = n >> 1;
      let sum = 0;
      let from = end - n;
      if (level > 0) {
        let k = slot - half;
        if (k < 0) k += size;
        sum = sumRing[(level - 1) * size + k]!;
        from = end - half;
      }
      for (let j = from; j < end; j++) sum += ring[j]!;
      sumRing[level * size + slot] = sum;
      chunkRing[level * size + slot] = chunkRsOfSum(ring, end - n, end, sum);
    }
    if (count + 1 < this.window) return Number.NaN;
    return this.fitRing(slot);
  }

  /**
   * The fit over the window's chunks, newest first (each computed when its last return was the
   * newest): fitChunk, fitSize and fitSlope's arithmetic in the same order, in local variables.
   */
  private fitRing(slot: number): number {
    const { size, chunkRing } = this;
    let points = 0;
    let sumX = 0;
    let sumY = 0;
    let sumXX = 0;
    let sumXY = 0;
    for (let level = 0, n = MIN_CHUNK; level < this.levels; level++, n *= 2) {
      const chunks = Math.floor(size / n);
      const base = level * size;
      let sumRs = 0;
      let usable = 0;
      for (let c = 0, k = slot; c < chunks; c++) {
        const rs = chunkRing[base + k]!;
        if (!Number.isNaN(rs)) {
          sumRs += rs;
          usable++;
        }
        k -= n;
        if (k < 0) k += size;
      }
      if (usable > 0) {
        const lx = LOG_CHUNK[level]!;
        const ly = Math.log(sumRs / usable);
        points++;
        sumX += lx;
        sumY += ly;
        sumXX += lx * lx;
        sumXY += lx * ly;
      }
    }
    if (points < 2) return Number.NaN;
    return (points * sumXY - sumX * sumY) / (points * sumXX - sumX * sumX);
  }

  peek(value: number): number {
    const { count, size } = this;
    if (!validPrice(value) || count === 0 || count + 1 < this.window) return Number.NaN;
    // The `size - 1` returns before it, then the one `value` would add.
    const from = count % size;
    const scratch = this.scratch;
    scratch.set(this.ring.subarray(from, from + size - 1));
    scratch[size - 1] = Math.log(value / this.prev);
    return rescaledRangeHurst(scratch, 0, size);
  }
}
