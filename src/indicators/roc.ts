/**
 * Rate of change in percent, TA-Lib's ROC: ((x[i] / x[i - period]) - 1) * 100, first value at index
 * `period`. Where x[i - period] is 0 the change is undefined: NaN (TA-Lib writes 0).
 */
import {
  checkPeriod,
  foldCount,
  isMissing,
  type NumericSeries,
  ringSlot,
  type StreamingIndicator,
  toFloat64,
} from './series.js';

function changePct(value: number, base: number): number {
  return base === 0 ? Number.NaN : (value / base - 1) * 100;
}

export function roc(values: NumericSeries, period: number): Float64Array {
  checkPeriod('roc', 'period', period, 1);
  const x = toFloat64(values);
  const n = x.length;
  const out = new Float64Array(n);
  let start = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]!;
    if (isMissing(v)) {
      out[i] = Number.NaN;
      start = i + 1;
      continue;
    }
    out[i] = i - start >= period ? changePct(v, x[i - period]!) : Number.NaN;
  }
  return out;
}

/** ROC slots (state in an array, see moving-average.ts): count, then the last `period` values. */
const ROC_COUNT = 0;
const ROC_WINDOW = 1;
export const rocSlots = (period: number): number => ROC_WINDOW + period;

export function rocReset(s: Float64Array, o: number): void {
  s[o + ROC_COUNT] = 0;
}

/** One ROC update with a finite value; slot count % period holds the value `period` steps back (see foldCount). */
export function rocStep(s: Float64Array, o: number, period: number, value: number): number {
  const count = s[o + ROC_COUNT]!;
  const at = o + ROC_WINDOW + ringSlot(count, period);
  const result = count >= period ? changePct(value, s[at]!) : Number.NaN;
  s[at] = value;
  s[o + ROC_COUNT] = foldCount(count + 1, period);
  return result;
}

export function createRocState(period: number): StreamingIndicator {
  checkPeriod('createRocState', 'period', period, 1);
  const s = new Float64Array(rocSlots(period));
  return {
    update(value) {
      if (isMissing(value)) {
        rocReset(s, 0);
        return Number.NaN;
      }
      return rocStep(s, 0, period, value);
    },
    peek(value) {
      const count = s[ROC_COUNT]!;
      if (isMissing(value) || count < period) return Number.NaN;
      return changePct(value, s[ROC_WINDOW + ringSlot(count, period)]!);
    },
    reset() {
      rocReset(s, 0);
    },
  };
}
