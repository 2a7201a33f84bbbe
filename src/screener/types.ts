/** The screener's vocabulary: what goes in (views of candles), what comes out (ScreenResult). */

export type ScreenDirection = 'LONG' | 'SHORT' | 'NEUTRAL';
export type Side = 'LONG' | 'SHORT';

/** What the screener needs from a whale event (src/whale's WhaleEvent satisfies it). */
export interface WhaleSignal {
  direction: 'PUMP' | 'DUMP';
  /** 0..100 */
  confidence: number;
}

/**
 * The trailing primary-timeframe window the filters read: candles and the path-dependent
 * indicators (EMA, RSI, ATR: computed over the full history, since they never forget it), all the
 * same length, oldest first. The batch path slices it from full arrays; the incremental path keeps
 * it in rolling buffers (streaming states), the batch path computes the windowed ones (volume
 * SMA, Bollinger) over just the window, so the two agree to rounding (~1e-15 relative).
 */
export interface PrimaryView {
  /**
   * The valid values of every array are at indexes [first, n): the newest at n - 1. The batch path
   * passes exact arrays (first 0, n their length); the incremental path passes its rolling buffers
   * as they are, so screening a symbol allocates no views.
   */
  first: number;
  n: number;
  openTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  emaFast: Float64Array;
  emaSlow: Float64Array;
  emaTrend: Float64Array;
  rsi: Float64Array;
  atr: Float64Array;
  /** SMA of volume over periods.volumeAverage: volumeAvg[i] averages the candles up to i. */
  volumeAvg: Float64Array;
  /** Rate of change (percent) over momentum.rocShortCandles and rocLongCandles. */
  rocShort: Float64Array;
  rocLong: Float64Array;
  /** Bollinger bands at the last candle (NaN when not ready). */
  bands: { upper: number; lower: number };
}

/**
 * Last closed candle of the confirmation timeframe (1h by default): its EMA 9/21 and the Hurst
 * exponent of its closes (trend persistence is a property of the longer horizon; keeping the
 * O(window log window) R/S off the 15m hot path is what lets an incremental update stay cheap).
 */
export interface ConfirmView {
  emaFast: number;
  emaSlow: number;
  /** NaN with fewer than periods.hurstWindow confirmation candles. */
  hurst: number;
}

/** Last closed candle of the trend timeframe (4h by default): its close and EMA200. */
export interface TrendView {
  close: number;
  emaTrend: number;
}

export interface ScreenViews {
  symbol: string;
  primary: PrimaryView;
  /** Absent when the timeframe is missing or too short; the filter then contributes 0. */
  confirm?: ConfirmView | undefined;
  trend?: TrendView | undefined;
  whale?: WhaleSignal | undefined;
  /** Notes from trimming bad data (gaps, invalid rows), carried into the reasons. */
  notes?: string[] | undefined;
}

export const FILTER_NAMES = [
  'base',
  'whale',
  'momentum',
  'volumeAnomaly',
  'trend',
  'rsiZone',
  'confirmation',
  'structure',
  'levels',
  'volumeSustain',
  'hurst',
  'antiFake',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

/** 'bonus' adds to the score, 'quality' is a penalty (summed into qualityPenalty), 'fake' likewise. */
export type ContributionKind = 'bonus' | 'quality' | 'fake';

export interface FilterContribution {
  filter: FilterName;
  kind: ContributionKind;
  /** Signed points this filter added to the raw score (penalties are negative). */
  points: number;
  /** Why, in words; empty when the filter had nothing to say. */
  note: string;
}

/** A metric the screener could not compute (too little history, flat series) is null, never NaN. */
export interface ScreenMetrics {
  price: number;
  atr: number | null;
  atrPct: number | null;
  rsi: number | null;
  ema9: number | null;
  ema21: number | null;
  ema200: number | null;
  /** Where price sits in the Bollinger band: 0 = lower band, 1 = upper band (can leave 0..1). */
  bollingerPosition: number | null;
  bollingerUpper: number | null;
  bollingerLower: number | null;
  /** Last candle's volume over the average of the candles before it. */
  volumeRatio: number | null;
  /** Hurst exponent (R/S) of the confirmation timeframe's closes: trend persistence. */
  hurst: number | null;
  /** EMA200 on the trend timeframe. */
  trendEma200: number | null;
  /** EMA 9/21 trend on the confirmation timeframe. */
  confirmTrend: 'UP' | 'DOWN' | null;
  structure: 'UP' | 'DOWN' | 'CHOPPY' | 'MIXED';
  momentumLong: number;
  momentumShort: number;
}

export type DirectionSource = 'whale' | 'momentum' | 'rsi-trend';

export interface ScreenResult {
  symbol: string;
  direction: ScreenDirection;
  /** 0..100, an integer; 0 whenever direction is NEUTRAL. */
  score: number;
  /** Sum of all contributions before clamping and before a kill or downgrade. */
  rawScore: number;
  /** Where the direction came from (null when NEUTRAL for lack of any). */
  source: DirectionSource | null;
  /** The direction the sources proposed, even when a filter later made the result NEUTRAL. */
  proposed: Side | null;
  /** Sum of the quality penalties, as a positive number. */
  qualityPenalty: number;
  /** Sum of the anti-fake penalties, as a positive number; >= antiFake.killAt kills the signal. */
  fakePenalty: number;
  metrics: ScreenMetrics;
  /** The words (notes and reasons) are formatted when first read (see result.ts). */
  contributions: FilterContribution[];
  reasons: string[];
  /** Open time of the last primary candle the result is based on. */
  candleTime: number;
}

export interface ScreenSkip {
  symbol: string;
  direction: 'SKIPPED';
  reason: string;
  reasons: string[];
}

export type ScreenOutcome = ScreenResult | ScreenSkip;

/**
 * What ranking and the aggregator's veto read of a result: the same numbers as the full result
 * of the same candles, without its metrics and words (see SymbolScreener.rank).
 */
export type ScreenRank = Pick<
  ScreenResult,
  'symbol' | 'direction' | 'score' | 'rawScore' | 'qualityPenalty' | 'fakePenalty'
>;

export type RankOutcome = ScreenRank | ScreenSkip;

export const isSkip = (o: ScreenOutcome | RankOutcome): o is ScreenSkip => o.direction === 'SKIPPED';
