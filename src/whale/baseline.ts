/**
 * Volume baselines for the whale detector: a symbol's normal traded quote volume per minute, from
 * its 24h ticker or from recent candles (closed before the moment being judged).
 */
import type { CandleColumns, Ticker24h } from '../domain/index.js';
import type { VolumeBaseline } from './detector.js';

/** 24h quote volume / 1440. */
export function baselineFromTickers(tickers: readonly Ticker24h[]): VolumeBaseline {
  const map = new Map<string, number>();
  for (const t of tickers) if (t.quoteVolume > 0) map.set(t.symbol, t.quoteVolume / 1440);
  return (symbol) => map.get(symbol);
}

/**
 * Mean of close x volume per minute over the candles that closed at or before `at` (at most
 * `lookback` of them); undefined when there are none or they traded nothing.
 */
export function quoteVolumePerMinute(
  candles: CandleColumns,
  timeframeMs: number,
  at: number,
  lookback = 288,
): number | undefined {
  let end = candles.openTime.length;
  while (end > 0 && (candles.openTime[end - 1] as number) + timeframeMs > at) end--;
  const start = Math.max(0, end - lookback);
  if (end <= start) return undefined;
  let sum = 0;
  for (let i = start; i < end; i++) sum += (candles.close[i] as number) * (candles.volume[i] as number);
  const perMinute = sum / (end - start) / (timeframeMs / 60_000);
  return perMinute > 0 && Number.isFinite(perMinute) ? perMinute : undefined;
}

export function baselineFromMap(perMinute: ReadonlyMap<string, number>): VolumeBaseline {
  return (symbol) => perMinute.get(symbol);
}
