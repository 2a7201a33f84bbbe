/**
 * Rate of change in percent, TA-Lib's ROC: ((x[i] / x[i - period]) - 1) * 100, first value at index
 * `period`. Where x[i - period] is 0 the change is undefined: NaN (TA-Lib writes 0).
 */
import { checkPeriod, isMissing, type NumericSeries, type StreamingIndicator, toFloat64 } from './series.js';

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

export function createRocState(period: number): StreamingIndicator {
  checkPeriod('createRocState', 'period', period, 1);
  // The last `period` values; slot count % period holds the one `period` steps back.
  const window = new Float64Array(period);
  let count = 0;
  return {
    update(value) {
      if (isMissing(value)) {
        count = 0;
        return Number.NaN;
      }
      const pos = count % period;
      const result = count >= period ? changePct(value, window[pos]!) : Number.NaN;
      window[pos] = value;
      count++;
      return result;
    },
    peek(value) {
      if (isMissing(value) || count < period) return Number.NaN;
      return changePct(value, window[count % period]!);
    },
    reset() {
      count = 0;
    },
  };
}
