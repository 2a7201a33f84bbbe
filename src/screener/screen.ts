/**
 * screenSymbol: the batch path. Full candle histories in, one ScreenOutcome out. Bad rows are
 * trimmed (only the valid suffix of a timeframe is used), a short primary history is SKIPPED, a
 * missing or stale confirmation/trend timeframe just contributes nothing (with a reason).
 */
import type { CandleColumns } from '../domain/index.js';
import { timeframeMs } from '../domain/index.js';
import { atr, bollinger, hurst, rsi, sma } from '../indicators/index.js';
import { type ScreenerConfig, viewLength } from './config.js';
import { createScratch, emaLast, emaTail, rocInto } from './kernels.js';
import { scoreViews } from './score.js';
import type { ConfirmView, PrimaryView, ScreenOutcome, ScreenSkip, TrendView, WhaleSignal } from './types.js';
import { countGaps, higherTimeframeProblem, suffix, validSuffixStart } from './validate.js';

export interface ScreenInput {
  symbol: string;
  /** Closed candles of the primary timeframe (15m by default), oldest first. */
  primary: CandleColumns;
  /** Closed candles of the confirmation timeframe (1h by default). */
  confirm?: CandleColumns | undefined;
  /** Closed candles of the trend timeframe (4h by default). */
  trend?: CandleColumns | undefined;
  whale?: WhaleSignal | undefined;
}

/** Scratch slots of the batch path. */
const S = {
  emaFast: 0,
  emaSlow: 1,
  emaTrend: 2,
  rsi: 3,
  atr: 4,
  volumeAvg: 5,
  rocShort: 6,
  rocLong: 7,
  upper: 8,
  middle: 9,
  lower: 10,
} as const;
const scratch = createScratch(11);

const lastOf = (a: Float64Array): number => (a.length > 0 ? (a[a.length - 1] as number) : Number.NaN);

export function skipped(symbol: string, reason: string): ScreenSkip {
  return { symbol, direction: 'SKIPPED', reason, reasons: [reason] };
}

/** Usable suffix of a higher timeframe, or undefined with the reason pushed to `notes`. */
function higher(
  role: 'confirmation' | 'trend',
  raw: CandleColumns | undefined,
  config: ScreenerConfig,
  minCandles: number,
  primaryClose: number,
  notes: string[],
): CandleColumns | undefined {
  const tf = role === 'confirmation' ? config.timeframes.confirm : config.timeframes.trend;
  const start = raw ? validSuffixStart(raw) : 0;
  const c = raw ? suffix(raw, start) : undefined;
  const n = c ? c.close.length : 0;
  const problem = higherTimeframeProblem(role, tf, n, minCandles, c ? lastOf(c.openTime) : 0, primaryClose);
  if (problem) {
    notes.push(problem);
    return undefined;
  }
  return c;
}

/** Full histories -> result. Pure and deterministic. */
export function screenSymbol(input: ScreenInput, config: ScreenerConfig): ScreenOutcome {
  const { periods, timeframes } = config;
  const notes: string[] = [];
  const start = validSuffixStart(input.primary);
  const c = suffix(input.primary, start);
  const n = c.close.length;
  if (n < config.history.minPrimaryCandles) {
    return skipped(
      input.symbol,
      `${n} valid ${timeframes.primary} candles, ${config.history.minPrimaryCandles} needed` +
        (start > 0 ? ` (${start} before an invalid row ignored)` : ''),
    );
  }
  if (start > 0) notes.push(`${timeframes.primary}: ${start} candle(s) before an invalid row ignored`);
  const pMs = timeframeMs(timeframes.primary);
  const from = n - Math.min(n, viewLength(config));
  const v = n - from;
  const gaps = countGaps(c.openTime.subarray(from), pMs);
  if (gaps > 0) notes.push(`${timeframes.primary}: ${gaps} missing candle(s) in the recent window`);

  // EMA, RSI and ATR never forget: they run over the whole valid history, exactly as the streaming
  // states of the incremental path do. Windowed indicators run over just the view (or their window).
  // Outputs go to this thread's scratch buffers (see createScratch): the view lives until scoreViews
  // returns, and the result keeps only numbers.
  const close = c.close.subarray(from);
  const bp = periods.bollinger;
  const bands =
    n >= bp
      ? bollinger(c.close.subarray(n - bp), bp, periods.bollingerStdDev, {
          upper: scratch(S.upper, bp),
          middle: scratch(S.middle, bp),
          lower: scratch(S.lower, bp),
        })
      : undefined;
  const primary: PrimaryView = {
    first: 0,
    n: v,
    openTime: c.openTime.subarray(from),
    open: c.open.subarray(from),
    high: c.high.subarray(from),
    low: c.low.subarray(from),
    close,
    volume: c.volume.subarray(from),
    emaFast: emaTail(c.close, periods.emaFast, scratch(S.emaFast, v)),
    emaSlow: emaTail(c.close, periods.emaSlow, scratch(S.emaSlow, v)),
    emaTrend: emaTail(c.close, periods.emaTrend, scratch(S.emaTrend, v)),
    rsi: rsi(c.close, periods.rsi, scratch(S.rsi, n)).subarray(from),
    atr: atr(c.high, c.low, c.close, periods.atr, scratch(S.atr, n)).subarray(from),
    volumeAvg: sma(c.volume.subarray(from), periods.volumeAverage, scratch(S.volumeAvg, v)),
    rocShort: rocInto(close, config.momentum.rocShortCandles, scratch(S.rocShort, v)),
    rocLong: rocInto(close, config.momentum.rocLongCandles, scratch(S.rocLong, v)),
    bands: {
      upper: bands ? lastOf(bands.upper) : Number.NaN,
      lower: bands ? lastOf(bands.lower) : Number.NaN,
    },
  };
  const primaryClose = lastOf(c.openTime) + pMs;

  let confirm: ConfirmView | undefined;
  const cc = higher('confirmation', input.confirm, config, periods.emaSlow, primaryClose, notes);
  if (cc) {
    const m = cc.close.length;
    confirm = {
      emaFast: emaLast(cc.close, periods.emaFast),
      emaSlow: emaLast(cc.close, periods.emaSlow),
      hurst:
        m >= periods.hurstWindow
          ? lastOf(hurst(cc.close.subarray(m - periods.hurstWindow), periods.hurstWindow))
          : Number.NaN,
    };
  }

  let trend: TrendView | undefined;
  const tc = higher('trend', input.trend, config, periods.emaTrend, primaryClose, notes);
  if (tc) trend = { close: lastOf(tc.close), emaTrend: emaLast(tc.close, periods.emaTrend) };

  return scoreViews({ symbol: input.symbol, primary, confirm, trend, whale: input.whale, notes }, config);
}
