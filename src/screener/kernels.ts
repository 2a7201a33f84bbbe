/**
 * EMA for the batch screen without the full output arrays. The filters read an EMA's last value
 * (higher timeframes) or its last few (the primary view), yet `ema()` writes one per candle: 500
 * symbols x 6 EMAs x 500 candles of output to allocate, write and collect per scan.
 *
 * Same arithmetic as indicators' ema (TA-Lib's SMA seed, then `(x - prev) * k + prev`, operation
 * for operation), so the values are bit-identical. Only for clean series: the screener passes a
 * timeframe's valid suffix (validSuffixStart), where every close is finite and positive.
 */

/** ema(x, period)[i] for i in [x.length - tail, x.length), into `out` (NaN where not ready). */
export function emaTail(x: Float64Array, period: number, out: Float64Array): Float64Array {
  const n = x.length;
  const tail = out.length;
  const from = n - tail;
  out.fill(Number.NaN);
  if (n < period) return out;
  let total = 0;
  for (let i = 0; i < period; i++) total += x[i] as number;
  let prev = total / period;
  if (period - 1 >= from) out[period - 1 - from] = prev;
  const k = 2 / (period + 1);
  for (let i = period; i < n; i++) {
    prev = ((x[i] as number) - prev) * k + prev;
    if (i >= from) out[i - from] = prev;
  }
  return out;
}

/** The last value of ema(x, period) (NaN with fewer than `period` values). */
export function emaLast(x: Float64Array, period: number): number {
  const n = x.length;
  if (n < period) return Number.NaN;
  let total = 0;
  for (let i = 0; i < period; i++) total += x[i] as number;
  let prev = total / period;
  const k = 2 / (period + 1);
  for (let i = period; i < n; i++) prev = ((x[i] as number) - prev) * k + prev;
  return prev;
}

/** roc(x, period) into `out` (same length as x): TA-Lib's ((x[i] / x[i - period]) - 1) * 100. */
export function rocInto(x: Float64Array, period: number, out: Float64Array): Float64Array {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    if (i < period) {
      out[i] = Number.NaN;
      continue;
    }
    const base = x[i - period] as number;
    out[i] = base === 0 ? Number.NaN : ((x[i] as number) / base - 1) * 100;
  }
  return out;
}

/**
 * Reusable output buffers for one thread's batch screens: a Float64Array costs a native
 * allocation (~1 µs) and garbage; a scan of 500 symbols made ~7,000 of them. A screen reads its
 * buffers only until it returns (results keep numbers, never views), so the next screen may
 * overwrite them.
 */
export function createScratch(slots: number): (slot: number, length: number) => Float64Array {
  const buffers: Float64Array[] = [];
  for (let i = 0; i < slots; i++) buffers.push(new Float64Array(0));
  return (slot, length) => {
    let b = buffers[slot] as Float64Array;
    if (b.length !== length) {
      b = new Float64Array(length);
      buffers[slot] = b;
    }
    return b;
  };
}
