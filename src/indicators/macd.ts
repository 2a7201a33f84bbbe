/**
 * MACD with TA-Lib's seeding quirks (TA_MACD / TA_INT_MACD):
 * - both EMAs produce their first value at index `slow - 1`; the fast EMA is therefore seeded with
 *   the SMA of values [slow - fast, slow - 1], not of the first `fast` values;
 * - the signal line is an EMA of the MACD line seeded with the SMA of its first `signal` values;
 * - all three outputs start together at index `slow + signal - 2` (33 for 12/26/9), NaN before.
 * TA-Lib silently swaps fast and slow when fast > slow; we throw a RangeError instead. With a
 * signal period of 1, TA-Lib 0.6.0 returns shifted garbage (a denormal first MACD, the line lagged
 * by one); ours gives signal = MACD line and histogram 0, as the definition says.
 */
import { checkPeriod, isMissing, type NumericSeries, type StreamingIndicator, toFloat64 } from './series.js';

export interface Macd {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

export interface MacdPoint {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
}

const NO_MACD: MacdPoint = Object.freeze({ macd: Number.NaN, signal: Number.NaN, histogram: Number.NaN });

function checkMacdPeriods(indicator: string, fast: number, slow: number, signal: number): void {
  checkPeriod(indicator, 'fast', fast, 1);
  checkPeriod(indicator, 'slow', slow, 2);
  checkPeriod(indicator, 'signal', signal, 1);
  if (fast >= slow) throw new RangeError(`${indicator}: fast (${fast}) must be shorter than slow (${slow})`);
}

export function macd(close: NumericSeries, fast = 12, slow = 26, signal = 9): Macd {
  checkMacdPeriods('macd', fast, slow, signal);
  const x = toFloat64(close);
  const n = x.length;
  const line = new Float64Array(n);
  const sig = new Float64Array(n);
  const hist = new Float64Array(n);
  const kSlow = 2 / (slow + 1);
  const kFast = 2 / (fast + 1);
  const kSignal = 2 / (signal + 1);
  const firstLine = slow - 1;
  const firstOut = slow + signal - 2;
  let i = 0;
  run: while (i < n) {
    const start = i;
    let slowTotal = 0;
    let fastTotal = 0;
    let slowEma = 0;
    let fastEma = 0;
    let signalTotal = 0;
    let signalEma = 0;
    for (; i < n; i++) {
      const v = x[i]!;
      if (isMissing(v)) {
        line[i] = sig[i] = hist[i] = Number.NaN;
        i++;
        continue run;
      }
      const at = i - start;
      if (at < firstLine) {
        slowTotal += v;
        if (at >= slow - fast) fastTotal += v;
        line[i] = sig[i] = hist[i] = Number.NaN;
        continue;
      }
      if (at === firstLine) {
        slowTotal += v;
        fastTotal += v;
        slowEma = slowTotal / slow;
        fastEma = fastTotal / fast;
      } else {
        slowEma = (v - slowEma) * kSlow + slowEma;
        fastEma = (v - fastEma) * kFast + fastEma;
      }
      const m = fastEma - slowEma;
      if (at < firstOut) {
        signalTotal += m;
        line[i] = sig[i] = hist[i] = Number.NaN;
        continue;
      }
      if (at === firstOut) {
        signalTotal += m;
        signalEma = signalTotal / signal;
      } else {
        signalEma = (m - signalEma) * kSignal + signalEma;
      }
      line[i] = m;
      sig[i] = signalEma;
      hist[i] = m - signalEma;
    }
  }
  return { macd: line, signal: sig, histogram: hist };
}

export function createMacdState(fast = 12, slow = 26, signal = 9): StreamingIndicator<MacdPoint> {
  checkMacdPeriods('createMacdState', fast, slow, signal);
  const kSlow = 2 / (slow + 1);
  const kFast = 2 / (fast + 1);
  const kSignal = 2 / (signal + 1);
  const firstLine = slow - 1;
  const firstOut = slow + signal - 2;
  let count = 0;
  let slowTotal = 0;
  let fastTotal = 0;
  let slowEma = 0;
  let fastEma = 0;
  let signalTotal = 0;
  let signalEma = 0;
  const reset = (): void => {
    count = slowTotal = fastTotal = slowEma = fastEma = signalTotal = signalEma = 0;
  };
  // The point after `value` at position `at` of the run; commits only when `commit` is true.
  const step = (value: number, commit: boolean): MacdPoint => {
    const at = count;
    if (at < firstLine) {
      if (commit) {
        slowTotal += value;
        if (at >= slow - fast) fastTotal += value;
        count++;
      }
      return NO_MACD;
    }
    let se: number;
    let fe: number;
    if (at === firstLine) {
      se = (slowTotal + value) / slow;
      fe = (fastTotal + value) / fast;
    } else {
      se = (value - slowEma) * kSlow + slowEma;
      fe = (value - fastEma) * kFast + fastEma;
    }
    const m = fe - se;
    let st = signalTotal;
    let sg = signalEma;
    let point = NO_MACD;
    if (at < firstOut) {
      st += m;
    } else {
      sg = at === firstOut ? (st + m) / signal : (m - sg) * kSignal + sg;
      point = { macd: m, signal: sg, histogram: m - sg };
    }
    if (commit) {
      slowEma = se;
      fastEma = fe;
      signalTotal = st;
      signalEma = sg;
      count++;
    }
    return point;
  };
  return {
    update(value) {
      if (isMissing(value)) {
        reset();
        return NO_MACD;
      }
      return step(value, true);
    },
    peek(value) {
      return isMissing(value) ? NO_MACD : step(value, false);
    },
    reset,
  };
}
