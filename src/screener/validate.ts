/**
 * Candle sanity shared by the batch and incremental paths: what counts as a usable row, how many
 * candles are missing, when a higher timeframe is too old to speak for the present.
 */
import type { CandleColumns, Timeframe } from '../domain/index.js';
import { candleColumns, timeframeMs } from '../domain/index.js';

/**
 * Finite, positive prices, low <= open/close <= high, volume >= 0, and time after `prevTime`.
 * Anything else is bad data: indicators restart after it.
 */
export function isValidCandle(
  openTime: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
  prevTime: number,
): boolean {
  return (
    Number.isFinite(open + high + low + close + volume + openTime) &&
    low > 0 &&
    low <= open &&
    open <= high &&
    low <= close &&
    close <= high &&
    volume >= 0 &&
    openTime > prevTime
  );
}

/** Index where the valid suffix starts: just after the newest invalid row (same test as isValidCandle). */
export function validSuffixStart(c: CandleColumns): number {
  const { openTime, open, high, low, close, volume } = c;
  for (let i = close.length - 1; i >= 0; i--) {
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const cl = close[i]!;
    const v = volume[i]!;
    const t = openTime[i]!;
    // Comparisons with NaN are false, so NaN fails here; Infinity fails the explicit bounds.
    const ok =
      l > 0 &&
      l <= o &&
      o <= h &&
      l <= cl &&
      cl <= h &&
      h < Number.POSITIVE_INFINITY &&
      v >= 0 &&
      v < Number.POSITIVE_INFINITY &&
      t < Number.POSITIVE_INFINITY &&
      (i === 0 ? t > Number.NEGATIVE_INFINITY : !(t <= openTime[i - 1]!));
    if (!ok) return i + 1;
  }
  return 0;
}

export function suffix(c: CandleColumns, start: number): CandleColumns {
  if (start === 0) return c;
  return candleColumns(
    c.openTime.subarray(start),
    c.open.subarray(start),
    c.high.subarray(start),
    c.low.subarray(start),
    c.close.subarray(start),
    c.volume.subarray(start),
  );
}

/** Missing candles between consecutive open times at [first, n) (the recent window). */
export function countGaps(openTime: Float64Array, tfMs: number, n = openTime.length, first = 0): number {
  let gaps = 0;
  for (let i = first + 1; i < n; i++)
    gaps += gapsBetween(openTime[i - 1] as number, openTime[i] as number, tfMs);
  return gaps;
}

/** Missing candles between two consecutive open times (an integer; 0 when none). */
export function gapsBetween(prevOpenTime: number, openTime: number, tfMs: number): number {
  const step = openTime - prevOpenTime;
  return step > tfMs ? Math.round(step / tfMs) - 1 : 0;
}

/** A higher timeframe is stale when a newer candle of it should have closed by `primaryClose`. */
export function isStale(lastOpenTime: number, tf: Timeframe, primaryClose: number): boolean {
  return staleBy(lastOpenTime, timeframeMs(tf), primaryClose);
}

/** isStale with the timeframe's length at hand (`tfMs`). */
function staleBy(lastOpenTime: number, tfMs: number, primaryClose: number): boolean {
  return primaryClose - (lastOpenTime + tfMs) >= tfMs;
}

/**
 * Whether a higher timeframe can be used: higherTimeframeProblem without the words. Takes the
 * timeframe's length (`tfMs`, timeframeMs(tf)) rather than its name: a screener ranking every
 * symbol at every close asks this twice per rank, and the lookup by name was not inlined.
 */
export function higherTimeframeUsable(
  tfMs: number,
  validCandles: number,
  minCandles: number,
  lastOpenTime: number,
  primaryClose: number,
): boolean {
  return validCandles !== 0 && validCandles >= minCandles && !staleBy(lastOpenTime, tfMs, primaryClose);
}

/** Why a higher timeframe cannot be used, or undefined when it can (see higherTimeframeUsable). */
export function higherTimeframeProblem(
  role: 'confirmation' | 'trend',
  tf: Timeframe,
  validCandles: number,
  minCandles: number,
  lastOpenTime: number,
  primaryClose: number,
): string | undefined {
  if (validCandles === 0) return `${role} timeframe ${tf}: no valid candles`;
  if (validCandles < minCandles)
    return `${role} timeframe ${tf}: ${validCandles} valid candles, ${minCandles} needed`;
  if (isStale(lastOpenTime, tf, primaryClose)) return `${role} timeframe ${tf}: last candle is stale`;
  return undefined;
}
