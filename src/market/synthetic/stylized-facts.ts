/**
 * The stylized facts of price series that a believable market must show, measured the same way
 * on real and synthetic candles: fat tails (excess kurtosis of log returns), volatility clustering
 * (autocorrelation of |returns| at lags 1..k), no linear predictability (autocorrelation of
 * returns near zero) and volume rising with large moves (Spearman correlation of volume, |r|).
 */

export interface StylizedFacts {
  /** Returns measured. */
  n: number;
  /** Excess kurtosis of log returns (0 for a normal distribution). */
  excessKurtosis: number;
  /** Autocorrelation of |r| at lags 1..maxLag (index 0 = lag 1). */
  absReturnAcf: number[];
  /** Autocorrelation of r at lags 1..maxLag. */
  returnAcf: number[];
  /** Spearman rank correlation between a candle's volume and its |r|. */
  volumeAbsReturnCorr: number;
}

export function logReturns(close: ArrayLike<number>): Float64Array {
  const n = Math.max(0, close.length - 1);
  const r = new Float64Array(n);
  for (let i = 0; i < n; i++) r[i] = Math.log(close[i + 1]! / close[i]!);
  return r;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return x.length === 0 ? Number.NaN : s / x.length;
}

export function excessKurtosis(x: ArrayLike<number>): number {
  const m = mean(x);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= x.length;
  m4 /= x.length;
  return m2 === 0 ? Number.NaN : m4 / (m2 * m2) - 3;
}

/** Sample autocorrelation at lags 1..maxLag (biased estimator, as statistics packages define it). */
export function autocorrelation(x: ArrayLike<number>, maxLag: number): number[] {
  const n = x.length;
  const m = mean(x);
  let c0 = 0;
  for (let i = 0; i < n; i++) c0 += (x[i]! - m) ** 2;
  const out: number[] = [];
  for (let lag = 1; lag <= maxLag; lag++) {
    let c = 0;
    for (let i = 0; i + lag < n; i++) c += (x[i]! - m) * (x[i + lag]! - m);
    out.push(c0 === 0 ? Number.NaN : c / c0);
  }
  return out;
}

function ranks(x: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(x.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]!] === x[idx[i]!]) j++;
    const avg = (i + j) / 2;
    for (let k = i; k <= j; k++) r[idx[k]!] = avg;
    i = j + 1;
  }
  return r;
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return pearson(ranks(x), ranks(y));
}

/** Facts of one candle series (close and volume columns of equal length). */
export function stylizedFacts(
  close: ArrayLike<number>,
  volume: ArrayLike<number>,
  maxLag = 10,
): StylizedFacts {
  const r = logReturns(close);
  const abs = r.map(Math.abs);
  // volume[i + 1] is the volume of the candle whose return is r[i].
  const vol = Float64Array.from({ length: r.length }, (_, i) => volume[i + 1]!);
  return {
    n: r.length,
    excessKurtosis: excessKurtosis(r),
    absReturnAcf: autocorrelation(abs, maxLag),
    returnAcf: autocorrelation(r, maxLag),
    volumeAbsReturnCorr: spearman(vol, abs),
  };
}

export function median(values: readonly number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median of each fact across several series (robust to one odd symbol). */
export function medianFacts(all: readonly StylizedFacts[]): StylizedFacts {
  const lags = all[0]?.absReturnAcf.length ?? 0;
  return {
    n: all.reduce((s, f) => s + f.n, 0),
    excessKurtosis: median(all.map((f) => f.excessKurtosis)),
    absReturnAcf: Array.from({ length: lags }, (_, k) => median(all.map((f) => f.absReturnAcf[k]!))),
    returnAcf: Array.from({ length: lags }, (_, k) => median(all.map((f) => f.returnAcf[k]!))),
    volumeAbsReturnCorr: median(all.map((f) => f.volumeAbsReturnCorr)),
  };
}
