/**
 * Rolling population standard deviation and Bollinger Bands.
 *
 * The definitions are TA-Lib's (STDDEV with nbDev 1; BBANDS with an SMA middle band and population
 * deviation), but not its arithmetic for the variance: TA-Lib takes mean(x^2) - mean(x)^2 from
 * running sums that are never re-based, which cancels catastrophically at high prices (on real
 * BTCUSDT 5m candles its 20-period deviation is off by up to 3e-7 relative, and the error grows with
 * series length). We keep running sums of (x - c) and (x - c)^2 with c a recent value of the window,
 * and every `period` values recompute them afresh over the window (c := the newest value), so
 * rounding never accumulates for long and nothing large cancels: within ~1e-13 relative of a
 * two-pass deviation on 1M BTC-priced candles, at O(1) amortized cost.
 * A window whose values are all equal has a deviation of exactly 0; rounding never makes it
 * negative. TA-Lib also returns 0 for any variance below 1e-14 (a one-tick move on a 1e-4 coin); we
 * do not. The middle band is TA-Lib's SMA, bit for bit.
 */
import { checkPeriod, isMissing, type NumericSeries, type StreamingIndicator, toFloat64 } from './series.js';

export interface BollingerBands {
  upper: Float64Array;
  middle: Float64Array;
  lower: Float64Array;
}

export interface BollingerPoint {
  readonly upper: number;
  readonly middle: number;
  readonly lower: number;
}

const NO_BANDS: BollingerPoint = Object.freeze({ upper: Number.NaN, middle: Number.NaN, lower: Number.NaN });

/** Where rollingDeviation writes Bollinger Bands instead of the bare deviation. */
interface BandOutputs {
  middle: Float64Array;
  lower: Float64Array;
  width: number;
}

/**
 * One pass over `x`. Without `bands`: the rolling deviation into `first`. With `bands`: the upper
 * band into `first`, TA-Lib's SMA into `bands.middle`, the lower band into `bands.lower`. NaN
 * during warm-up and after a non-finite value, as every kernel here.
 */
function rollingDeviation(x: Float64Array, period: number, first: Float64Array, bands?: BandOutputs): void {
  const n = x.length;
  const middle = bands?.middle;
  const lower = bands?.lower;
  const width = bands?.width ?? 1;
  // The variance is our own arithmetic (not TA-Lib's), so it may multiply where a divide is slower.
  const inversePeriod = 1 / period;
  let i = 0;
  run: while (i < n) {
    const start = i;
    let total = 0;
    // How many values in a row, ending here, are equal: `period` of them make a flat window.
    let flat = 0;
    for (; i < start + period - 1; i++) {
      if (i >= n) break run;
      const v = x[i]!;
      first[i] = Number.NaN;
      if (middle && lower) middle[i] = lower[i] = Number.NaN;
      if (isMissing(v)) {
        i++;
        continue run;
      }
      flat = i > start && v === x[i - 1]! ? flat + 1 : 1;
      total += v;
    }
    let shift = 0;
    let s1 = 0;
    let s2 = 0;
    // Counts down to the next re-base, every `period` values (cheaper than count % period).
    let untilRebase = 1;
    for (; i < n; i++) {
      const v = x[i]!;
      if (v - v !== 0) {
        first[i] = Number.NaN;
        if (middle && lower) middle[i] = lower[i] = Number.NaN;
        i++;
        continue run;
      }
      flat = i > start && v === x[i - 1]! ? flat + 1 : 1;
      if (--untilRebase === 0) {
        // Re-base: fresh sums over the window, centred on its newest value.
        untilRebase = period;
        shift = v;
        s1 = 0;
        s2 = 0;
        for (let j = i - period + 1; j <= i; j++) {
          const d = x[j]! - shift;
          s1 += d;
          s2 += d * d;
        }
      } else {
        const d = v - shift;
        const e = x[i - period]! - shift;
        s1 += d - e;
        s2 += d * d - e * e;
      }
      const mean = s1 * inversePeriod;
      const variance = s2 * inversePeriod - mean * mean;
      const deviation = flat >= period || variance <= 0 ? 0 : Math.sqrt(variance);
      if (middle && lower) {
        total += v;
        const withNewest = total;
        total -= x[i - period + 1]!;
        const mid = withNewest / period;
        const offset = deviation * width;
        middle[i] = mid;
        first[i] = mid + offset;
        lower[i] = mid - offset;
      } else {
        first[i] = deviation;
      }
    }
  }
}

/** Population standard deviation over `period` values (TA-Lib STDDEV with nbDev = 1). */
export function stddev(values: NumericSeries, period: number): Float64Array {
  checkPeriod('stddev', 'period', period, 1);
  const x = toFloat64(values);
  const out = new Float64Array(x.length);
  rollingDeviation(x, period, out);
  return out;
}

function checkStdDev(indicator: string, stdDev: number): void {
  if (!Number.isFinite(stdDev) || stdDev < 0) {
    throw new RangeError(`${indicator}: stdDev must be a finite number >= 0, got ${stdDev}`);
  }
}

/** Bollinger Bands: SMA(period) ± stdDev × population deviation (TA-Lib BBANDS, MA type SMA). */
export function bollinger(close: NumericSeries, period = 20, stdDev = 2): BollingerBands {
  checkPeriod('bollinger', 'period', period, 1);
  checkStdDev('bollinger', stdDev);
  const x = toFloat64(close);
  const n = x.length;
  const upper = new Float64Array(n);
  const middle = new Float64Array(n);
  const lower = new Float64Array(n);
  rollingDeviation(x, period, upper, { middle, lower, width: stdDev });
  return { upper, middle, lower };
}

interface DeviationState {
  /** Returns [deviation, sma] after `value`, committing the state only when `commit` is true. */
  step(value: number, commit: boolean): [number, number];
  reset(): void;
}

/** The streaming twin of rollingDeviation: same sums, same order, so the same bits. */
function createDeviationState(period: number): DeviationState {
  const inversePeriod = 1 / period;
  const window = new Float64Array(period);
  let count = 0;
  let total = 0;
  let shift = 0;
  let s1 = 0;
  let s2 = 0;
  let flat = 0;
  let last = Number.NaN;
  const none: [number, number] = [Number.NaN, Number.NaN];
  return {
    step(value, commit) {
      const pos = count % period;
      const newCount = count + 1;
      const newFlat = count > 0 && value === last ? flat + 1 : 1;
      const newTotal = total + value;
      if (newCount < period) {
        if (commit) {
          window[pos] = value;
          count = newCount;
          total = newTotal;
          flat = newFlat;
          last = value;
        }
        return none;
      }
      const leaving = window[pos]!;
      let sh = shift;
      let a = s1;
      let b = s2;
      if (newCount % period === 0) {
        sh = value;
        a = 0;
        b = 0;
        // Oldest to newest, the newest being `value` (not yet in the buffer when peeking).
        for (let j = 1; j <= period; j++) {
          const d = (j === period ? value : window[(pos + j) % period]!) - sh;
          a += d;
          b += d * d;
        }
      } else {
        const d = value - sh;
        const e = leaving - sh;
        a += d - e;
        b += d * d - e * e;
      }
      const mean = a * inversePeriod;
      const variance = b * inversePeriod - mean * mean;
      const deviation = newFlat >= period || variance <= 0 ? 0 : Math.sqrt(variance);
      // The window's oldest value: the slot after `pos`, or `value` itself when period is 1.
      const oldest = period === 1 ? value : window[(pos + 1) % period]!;
      const sma = newTotal / period;
      if (commit) {
        window[pos] = value;
        count = newCount;
        total = newTotal - oldest;
        shift = sh;
        s1 = a;
        s2 = b;
        flat = newFlat;
        last = value;
      }
      return [deviation, sma];
    },
    reset() {
      count = 0;
      total = 0;
      shift = 0;
      s1 = 0;
      s2 = 0;
      flat = 0;
      last = Number.NaN;
    },
  };
}

export function createStddevState(period: number): StreamingIndicator {
  checkPeriod('createStddevState', 'period', period, 1);
  const state = createDeviationState(period);
  return {
    update(value) {
      if (isMissing(value)) {
        state.reset();
        return Number.NaN;
      }
      return state.step(value, true)[0];
    },
    peek(value) {
      return isMissing(value) ? Number.NaN : state.step(value, false)[0];
    },
    reset: state.reset,
  };
}

export function createBollingerState(period = 20, stdDev = 2): StreamingIndicator<BollingerPoint> {
  checkPeriod('createBollingerState', 'period', period, 1);
  checkStdDev('createBollingerState', stdDev);
  const state = createDeviationState(period);
  const toPoint = ([deviation, middle]: [number, number]): BollingerPoint => {
    if (isMissing(middle)) return NO_BANDS;
    const width = deviation * stdDev;
    return { upper: middle + width, middle, lower: middle - width };
  };
  return {
    update(value) {
      if (isMissing(value)) {
        state.reset();
        return NO_BANDS;
      }
      return toPoint(state.step(value, true));
    },
    peek(value) {
      return isMissing(value) ? NO_BANDS : toPoint(state.step(value, false));
    },
    reset: state.reset,
  };
}
