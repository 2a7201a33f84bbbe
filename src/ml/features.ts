/**
 * The model's features: one pure function from what a signal knew when it was made (screen result,
 * the analysts' proposals, the whale event, the candle time, the plan) to named numbers. The same
 * function runs when a signal is proposed and when a stored signal is turned back into a training
 * sample, so training and serving can never drift apart, and nothing is recomputed with hindsight.
 *
 * A feature that cannot be known (no vision analyst, an old record without the screen, a metric
 * the screener could not compute) is null: the model imputes it and sets a missing-indicator
 * column, it never pretends a zero was measured.
 */
import type { Direction } from '../domain/index.js';
import { FILTER_NAMES } from '../screener/index.js';

/** Filters whose points are features ('base' is the same constant for every signal). */
export const CONTRIBUTION_FILTERS = FILTER_NAMES.filter((f) => f !== 'base');

/** Every feature, in the model's column order. */
export const FEATURE_NAMES = [
  'screen_score',
  ...CONTRIBUTION_FILTERS.map((f) => `contrib_${f}`),
  'quality_penalty',
  'fake_penalty',
  'source_whale',
  'source_momentum',
  'rsi_dir',
  'atr_pct',
  'log_volume_ratio',
  'bollinger_dir',
  'ema_alignment',
  'hurst',
  'momentum_dir',
  'confirm_1h',
  'volatility_regime',
  'logic_confidence',
  'vision_confidence',
  'ai_agreement',
  'whale_alignment',
  'whale_confidence',
  'hour_sin',
  'hour_cos',
  'is_long',
  'stop_pct',
  'reward_to_risk',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
/** Named feature values; null = not known for this signal. */
export type FeatureVector = Record<string, number | null>;

/** The parts of a ScreenResult the features read (a stored `screen` record has the same shape). */
export interface ScreenEvidence {
  score: number;
  qualityPenalty: number;
  fakePenalty: number;
  source: string | null;
  metrics: {
    price: number;
    atrPct: number | null;
    rsi: number | null;
    ema9: number | null;
    ema21: number | null;
    ema200: number | null;
    bollingerPosition: number | null;
    bollingerUpper: number | null;
    bollingerLower: number | null;
    volumeRatio: number | null;
    hurst: number | null;
    confirmTrend: 'UP' | 'DOWN' | null;
    momentumLong: number;
    momentumShort: number;
  };
  contributions: readonly { filter: string; points: number }[];
}

export interface OpinionEvidence {
  direction: string;
  confidence: number;
}

/** Everything a signal knew when it was made. */
export interface FeatureSource {
  direction: Direction;
  /** The screen result, or null when an old record lacks it. */
  screen: ScreenEvidence | null;
  /** The logic analyst whose plan the signal carries. */
  logic: OpinionEvidence | null;
  /** The vision analyst's usable answer; null when there was none (not configured or rejected). */
  vision: OpinionEvidence | null;
  /**
   * The whale event the aggregator saw. null = there was none (a fact: alignment 0); undefined =
   * not known (an old record), so the whale features are missing.
   */
  whale?: { direction: 'PUMP' | 'DUMP'; confidence: number } | null | undefined;
  /** Close time (ms) of the candle the decision was made on. */
  time: number | null;
  /** The trade plan's prices as numbers. */
  plan: { entry: number; stopLoss: number; takeProfit: number } | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const round = (v: number, digits = 10): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
const HOUR_MS = 3_600_000;

function emaAlignment(m: ScreenEvidence['metrics'], sign: 1 | -1): number | null {
  // Price over EMA9 over EMA21 over EMA200 is a fully aligned uptrend (+1 for a LONG).
  const chain = [num(m.price), num(m.ema9), num(m.ema21), num(m.ema200)];
  let votes = 0;
  let counted = 0;
  for (let i = 0; i + 1 < chain.length; i++) {
    const a = chain[i];
    const b = chain[i + 1];
    if (a === null || a === undefined || b === null || b === undefined) continue;
    votes += Math.sign(a - b);
    counted++;
  }
  return counted === 0 ? null : round((sign * votes) / counted);
}

function contributionsOf(screen: ScreenEvidence): Map<string, number> {
  const sums = new Map<string, number>();
  for (const c of screen.contributions) {
    const points = num(c.points);
    if (points !== null) sums.set(c.filter, (sums.get(c.filter) ?? 0) + points);
  }
  return sums;
}

/**
 * The feature vector of one signal. Direction-dependent measures are expressed relative to the
 * trade (rsi_dir > 0 means RSI sits on the trade's side of 50), so a LONG and a SHORT setup that
 * mirror each other get the same numbers and one linear model serves both.
 */
export function extractFeatures(source: FeatureSource): FeatureVector {
  const sign: 1 | -1 = source.direction === 'LONG' ? 1 : -1;
  const f: FeatureVector = Object.fromEntries(FEATURE_NAMES.map((n) => [n, null]));
  const screen = source.screen;
  if (screen) {
    const m = screen.metrics;
    f.screen_score = num(screen.score);
    const sums = contributionsOf(screen);
    // A screen that scored a direction has a row for every filter; an absent one is unknown.
    for (const filter of CONTRIBUTION_FILTERS) f[`contrib_${filter}`] = sums.get(filter) ?? null;
    f.quality_penalty = num(screen.qualityPenalty);
    f.fake_penalty = num(screen.fakePenalty);
    f.source_whale = screen.source === 'whale' ? 1 : 0;
    f.source_momentum = screen.source === 'momentum' ? 1 : 0;
    const rsi = num(m.rsi);
    f.rsi_dir = rsi === null ? null : round(sign * (rsi - 50));
    f.atr_pct = num(m.atrPct);
    const vr = num(m.volumeRatio);
    f.log_volume_ratio = vr === null || vr <= 0 ? null : round(Math.log(vr));
    const bp = num(m.bollingerPosition);
    f.bollinger_dir = bp === null ? null : round(sign * (bp - 0.5));
    f.ema_alignment = emaAlignment(m, sign);
    f.hurst = num(m.hurst);
    const ml = num(m.momentumLong);
    const ms = num(m.momentumShort);
    f.momentum_dir = ml === null || ms === null ? null : sign * (ml - ms);
    f.confirm_1h = m.confirmTrend === 'UP' ? sign : m.confirmTrend === 'DOWN' ? -sign : null;
    // Bollinger band width in % of price: narrow = a quiet (squeeze) regime, wide = expansion.
    const upper = num(m.bollingerUpper);
    const lower = num(m.bollingerLower);
    const px = num(m.price);
    f.volatility_regime =
      upper === null || lower === null || px === null || px <= 0 ? null : round(((upper - lower) / px) * 100);
  }
  f.logic_confidence = source.logic ? num(source.logic.confidence) : null;
  if (source.vision) {
    f.vision_confidence = num(source.vision.confidence);
    const d = source.vision.direction;
    f.ai_agreement = d === 'NONE' ? 0 : d === source.direction ? 1 : -1;
  }
  // No whale event is a fact (alignment 0), unlike a missing measurement (undefined: left null).
  const whale = source.whale;
  if (whale) {
    const conf = Math.min(100, Math.max(0, num(whale.confidence) ?? 0));
    const aligned = (whale.direction === 'PUMP') === (source.direction === 'LONG');
    f.whale_alignment = round(((aligned ? 1 : -1) * conf) / 100);
    f.whale_confidence = conf;
  } else if (whale === null) {
    f.whale_alignment = 0;
    f.whale_confidence = 0;
  }
  if (source.time !== null && Number.isFinite(source.time)) {
    const hour = (((source.time / HOUR_MS) % 24) + 24) % 24;
    f.hour_sin = round(Math.sin((2 * Math.PI * hour) / 24));
    f.hour_cos = round(Math.cos((2 * Math.PI * hour) / 24));
  }
  f.is_long = source.direction === 'LONG' ? 1 : 0;
  const plan = source.plan;
  if (plan && plan.entry > 0) {
    const risk = Math.abs(plan.entry - plan.stopLoss);
    f.stop_pct = round((risk / plan.entry) * 100);
    f.reward_to_risk = risk > 0 ? round(Math.abs(plan.takeProfit - plan.entry) / risk) : null;
  }
  // -0 (a SHORT's mirrored zero) would not survive JSON; it is the same number as 0.
  for (const name of FEATURE_NAMES) if (f[name] === 0) f[name] = 0;
  return f;
}

/** Hour of day (UTC, 0..23) of a candle close time, for the insights. */
export const hourOfDay = (time: number): number => Math.floor((((time / HOUR_MS) % 24) + 24) % 24);
