/**
 * The win-probability model: training time (time-ordered split, L2 grid of 4, Platt), serving
 * cost per proposal (features + calibrated probability), and how close the learned probability
 * is to the truth on seeded synthetic outcomes with a known logistic p(win) (held-out slice).
 * Medians of several runs. The model's worth on real data is not a benchmark: it comes from
 * `neurotrade ml train --from-backtest --data ../shared/data/market --evaluate`.
 */
import { performance } from 'node:perf_hooks';
import { testContext } from '../../src/analyst/test-context.js';
import { price } from '../../src/domain/index.js';
import { auc, extractFeatures, featuresFromProposal, predictWin, trainWinModel } from '../../src/ml/index.js';
import { syntheticSamples } from '../../src/ml/synthetic.js';
import type { ScreenResult } from '../../src/screener/index.js';
import { fmt, median, table, timeMedianMs } from '../stats.js';

const screen: ScreenResult = {
  symbol: 'BTCUSDT',
  direction: 'LONG',
  score: 82,
  rawScore: 82,
  source: 'momentum',
  proposed: 'LONG',
  qualityPenalty: 0,
  fakePenalty: 5,
  candleTime: Date.UTC(2026, 0, 5, 11, 45),
  reasons: [],
  contributions: [
    'base',
    'whale',
    'momentum',
    'trend',
    'rsiZone',
    'confirmation',
    'structure',
    'levels',
    'hurst',
    'antiFake',
  ].map((filter) => ({
    filter: filter as ScreenResult['contributions'][number]['filter'],
    kind: 'bonus' as const,
    points: 5,
    note: '',
  })),
  metrics: {
    price: 100,
    atr: 1,
    atrPct: 1,
    rsi: 60,
    ema9: 99.5,
    ema21: 99,
    ema200: 95,
    bollingerPosition: 0.6,
    bollingerUpper: 102,
    bollingerLower: 98,
    volumeRatio: 1.4,
    hurst: 0.58,
    trendEma200: 90,
    confirmTrend: 'UP',
    structure: 'UP',
    momentumLong: 15,
    momentumShort: 0,
  },
};

export async function run(): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const n of [1_000, 5_000, 20_000]) {
    const samples = syntheticSamples({ n, seed: 17 });
    const ms = timeMedianMs(() => trainWinModel(samples), n >= 20_000 ? 3 : 5, 1);
    const result = trainWinModel(samples);
    if (!result.ok) throw new Error(result.reason);
    const test = samples.slice(-result.report.slices.test.count);
    const error = median(
      test.map((s) => Math.abs((predictWin(result.model, s.features) as number) - s.trueProbability)),
    );
    const oracle = auc(
      test.map((s) => s.trueProbability),
      test.map((s) => s.win),
    );
    rows.push([
      n,
      fmt(ms, 1),
      fmt(result.report.auc ?? Number.NaN, 3),
      fmt(oracle ?? Number.NaN, 3),
      fmt(error, 4),
    ]);
  }
  console.log(
    table(['samples', 'train ms (median)', 'held-out AUC', 'oracle AUC', 'median |p - true p|'], rows),
  );

  const trained = trainWinModel(syntheticSamples({ n: 5_000, seed: 17 }));
  if (!trained.ok) throw new Error(trained.reason);
  const model = trained.model;
  const context = testContext();
  const proposal = {
    analyst: 'rule',
    direction: 'LONG' as const,
    confidence: 80,
    entryType: 'MARKET' as const,
    entry: price('100'),
    stopLoss: price('99'),
    takeProfit: price('102'),
    reasoning: '',
    fixes: [],
    rejected: null,
    fallback: null,
  };
  const evidence = { screen, vision: null };
  const reps = 20_000;
  const serve = [];
  const featuresOnly = [];
  for (let r = 0; r < 7; r++) {
    let t0 = performance.now();
    for (let i = 0; i < reps; i++) predictWin(model, featuresFromProposal(context, proposal, evidence)!);
    serve.push(((performance.now() - t0) * 1000) / reps);
    t0 = performance.now();
    for (let i = 0; i < reps; i++)
      extractFeatures({
        direction: 'LONG',
        screen,
        logic: proposal,
        vision: null,
        whale: null,
        time: 0,
        plan: null,
      });
    featuresOnly.push(((performance.now() - t0) * 1000) / reps);
  }
  console.log('');
  console.log(
    table(
      ['per proposal', 'µs (median of 7 x 20,000)'],
      [
        ['features only', fmt(median(featuresOnly), 2)],
        ['features + calibrated p(win)', fmt(median(serve), 2)],
      ],
    ),
  );
}
