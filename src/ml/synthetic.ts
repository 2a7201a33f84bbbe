/**
 * Seeded synthetic outcomes with a known answer, for tests and the benchmark (not exported from
 * the module's index): each sample's true p(win) is a logistic function of a few features, and
 * its label is drawn from it. A model that learns properly recovers that probability.
 */
import { seededRandom } from '../screener/index.js';
import type { LabelledSample, OutcomeSource } from './dataset.js';
import { FEATURE_NAMES, type FeatureVector } from './features.js';
import { sigmoid } from './logistic.js';

export interface SyntheticOptions {
  n: number;
  seed: number;
  /** True log-odds = intercept + sum(weight * feature). Default: a moderately informative truth. */
  truth?: { intercept: number; weights: Record<string, number> };
  /** Share of samples without a vision analyst (vision features missing). Default 0.4. */
  visionMissingShare?: number;
  /** First sample time and spacing. */
  start?: number;
  stepMs?: number;
  source?: OutcomeSource;
}

export const SYNTHETIC_TRUTH = Object.freeze({
  intercept: -0.2,
  weights: Object.freeze({ screen_score: 0.04, rsi_dir: -0.05, whale_alignment: 1.2, ai_agreement: 0.6 }),
});

export interface SyntheticSample extends LabelledSample {
  /** The probability the label was drawn from. */
  trueProbability: number;
}

export function syntheticSamples(options: SyntheticOptions): SyntheticSample[] {
  const rnd = seededRandom(options.seed);
  const truth = options.truth ?? SYNTHETIC_TRUTH;
  const gauss = () => {
    const u = Math.max(rnd(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  const start = options.start ?? Date.UTC(2025, 0, 1);
  const step = options.stepMs ?? 15 * 60_000;
  const out: SyntheticSample[] = [];
  for (let i = 0; i < options.n; i++) {
    const f: FeatureVector = Object.fromEntries(FEATURE_NAMES.map((name) => [name, gauss()]));
    // Realistic ranges for the informative ones (centred, so the truth's intercept means something).
    f.screen_score = Math.round(70 + 10 * gauss()) - 70;
    f.rsi_dir = 8 * gauss();
    f.whale_alignment = rnd() < 0.3 ? Math.round((rnd() * 2 - 1) * 100) / 100 : 0;
    const hasVision = rnd() >= (options.visionMissingShare ?? 0.4);
    f.ai_agreement = hasVision ? [1, 1, 0, -1][Math.floor(rnd() * 4)]! : null;
    f.vision_confidence = hasVision ? Math.round(50 + 30 * rnd()) : null;
    let z = truth.intercept;
    for (const [name, w] of Object.entries(truth.weights)) z += w * (f[name] ?? 0);
    const p = sigmoid(z);
    const win: 0 | 1 = rnd() < p ? 1 : 0;
    out.push({
      id: `s${String(i).padStart(6, '0')}`,
      symbol: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'][i % 3]!,
      time: start + i * step,
      source: options.source ?? 'BACKTEST',
      win,
      pnl: win ? 10 + rnd() * 10 : -(8 + rnd() * 6),
      features: f,
      trueProbability: p,
    });
  }
  return out;
}

/** A stored signal (as the signals repository takes it) and the outcome it closed with. */
export interface SyntheticSignal {
  signal: {
    symbol: string;
    direction: 'LONG' | 'SHORT';
    status: 'REJECTED';
    combinedConfidence: number;
    entryType: 'MARKET';
    entry: string;
    stopLoss: string;
    takeProfit: string;
    analyst: string;
    winProbability: number | null;
    candleCloseTime: number;
    screen: unknown;
    proposals: unknown;
    features: Record<string, number | null>;
  };
  outcome: { outcome: 'WIN' | 'LOSS'; source: OutcomeSource; pnl: string };
  trueProbability: number;
}

/**
 * Complete signal records (screen result, proposals, decision features) whose outcome is drawn
 * from a known p(win) = sigmoid(0.08 (score - 70) + 1.5 whale alignment): the store-side twin of
 * syntheticSamples, for tests that go through the database.
 */
export function syntheticSignals(n: number, seed: number, start = Date.UTC(2025, 6, 1)): SyntheticSignal[] {
  const rnd = seededRandom(seed);
  const out: SyntheticSignal[] = [];
  for (let i = 0; i < n; i++) {
    const direction = rnd() < 0.5 ? 'LONG' : 'SHORT';
    const score = 50 + Math.floor(rnd() * 45);
    const whale = rnd() < 0.4 ? Math.round((rnd() * 2 - 1) * 100) / 100 : null;
    const p = sigmoid(0.08 * (score - 70) + 1.5 * (whale ?? 0));
    const win = rnd() < p;
    const price = 100 + rnd() * 10;
    const side = direction === 'LONG' ? 1 : -1;
    const contributions = [
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
    ].map((filter) => ({
      filter,
      kind: 'bonus',
      points: filter === 'base' ? 50 : Math.round((rnd() - 0.3) * 10),
      note: '',
    }));
    out.push({
      signal: {
        symbol: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT'][i % 4]!,
        direction,
        status: 'REJECTED',
        combinedConfidence: Math.round(score * 0.4 + 60 * 0.6 + rnd() * 20),
        entryType: 'MARKET',
        entry: price.toFixed(2),
        stopLoss: (price * (1 - side * 0.01)).toFixed(2),
        takeProfit: (price * (1 + side * 0.02)).toFixed(2),
        analyst: 'rule',
        winProbability: null,
        candleCloseTime: start + i * 3_600_000,
        screen: {
          score,
          qualityPenalty: 0,
          fakePenalty: Math.round(rnd() * 20),
          source: 'momentum',
          metrics: {
            price,
            atrPct: 0.5 + rnd(),
            rsi: 30 + rnd() * 40,
            ema9: price * (1 + (rnd() - 0.5) / 100),
            ema21: price * (1 + (rnd() - 0.5) / 100),
            ema200: price * (1 + (rnd() - 0.5) / 10),
            bollingerPosition: rnd(),
            bollingerUpper: price * 1.02,
            bollingerLower: price * 0.98,
            volumeRatio: 0.5 + rnd() * 2,
            hurst: 0.4 + rnd() * 0.3,
            confirmTrend: rnd() < 0.5 ? 'UP' : 'DOWN',
            momentumLong: Math.round(rnd() * 20),
            momentumShort: Math.round(rnd() * 20),
          },
          contributions,
        },
        proposals: [{ analyst: 'rule', direction, confidence: 60 + Math.round(rnd() * 30), rejected: null }],
        features: { whale_alignment: whale, ai_agreement: null },
      },
      outcome: {
        outcome: win ? 'WIN' : 'LOSS',
        source: i % 5 === 0 ? 'PAPER' : 'BACKTEST',
        pnl: win ? '20' : '-10',
      },
      trueProbability: p,
    });
  }
  return out;
}
