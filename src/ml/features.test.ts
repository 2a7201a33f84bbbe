import { describe, expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import {
  type Analyst,
  type AnalystContext,
  createRuleAnalyst,
  type Proposal,
  proposeSignal,
} from '../analyst/index.js';
import { createManualClock, dec, MINUTE_MS } from '../domain/index.js';
import {
  isSkip,
  SCREENER_DEFAULTS,
  type ScreenResult,
  screenSymbol,
  universeFixture,
} from '../screener/index.js';
import { createMlModelsRepository, createSignalsRepository } from '../store/index.js';
import { sampleFromRecord } from './dataset.js';
import { extractFeatures, FEATURE_NAMES, type FeatureSource, type FeatureVector } from './features.js';
import { featuresFromProposal, featuresFromRecord, type ProposalEvidence } from './sources.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

function source(overrides: Partial<FeatureSource> = {}): FeatureSource {
  return {
    direction: 'LONG',
    screen: {
      score: 80,
      qualityPenalty: 5,
      fakePenalty: 10,
      source: 'momentum',
      metrics: {
        price: 100,
        atrPct: 0.9,
        rsi: 62,
        ema9: 99,
        ema21: 98,
        ema200: 90,
        bollingerPosition: 0.8,
        bollingerUpper: 102,
        bollingerLower: 96,
        volumeRatio: 2,
        hurst: 0.6,
        confirmTrend: 'UP',
        momentumLong: 18,
        momentumShort: 3,
      },
      contributions: [
        { filter: 'base', points: 50 },
        { filter: 'momentum', points: 18 },
        { filter: 'trend', points: 10 },
        { filter: 'antiFake', points: -10 },
      ],
    },
    logic: { direction: 'LONG', confidence: 80 },
    vision: { direction: 'LONG', confidence: 70 },
    whale: { direction: 'PUMP', confidence: 60 },
    time: Date.UTC(2026, 0, 5, 18, 0, 0),
    plan: { entry: 100, stopLoss: 99, takeProfit: 102 },
    ...overrides,
  };
}

describe('extractFeatures', () => {
  it('gives at least 15 named features, all finite or null', () => {
    const f = extractFeatures(source());
    expect(Object.keys(f)).toEqual([...FEATURE_NAMES]);
    expect(FEATURE_NAMES.length).toBeGreaterThanOrEqual(15);
    for (const v of Object.values(f)) expect(v === null || Number.isFinite(v)).toBe(true);
    expect(f).toMatchObject({
      screen_score: 80,
      contrib_momentum: 18,
      contrib_trend: 10,
      contrib_antiFake: -10,
      quality_penalty: 5,
      fake_penalty: 10,
      rsi_dir: 12,
      log_volume_ratio: Math.round(Math.log(2) * 1e10) / 1e10,
      ema_alignment: 1,
      momentum_dir: 15,
      confirm_1h: 1,
      volatility_regime: 6,
      logic_confidence: 80,
      vision_confidence: 70,
      ai_agreement: 1,
      whale_alignment: 0.6,
      whale_confidence: 60,
      hour_sin: -1,
      is_long: 1,
      stop_pct: 1,
      reward_to_risk: 2,
    });
  });

  it('mirrors: a SHORT setup that mirrors a LONG one gets the same direction-relative features', () => {
    const long = extractFeatures(source());
    const s = source();
    const short = extractFeatures({
      ...s,
      direction: 'SHORT',
      screen: {
        ...s.screen!,
        metrics: {
          ...s.screen!.metrics,
          rsi: 38,
          ema9: 101,
          ema21: 102,
          ema200: 110,
          bollingerPosition: 0.2,
          confirmTrend: 'DOWN',
          momentumLong: 3,
          momentumShort: 18,
        },
      },
      logic: { direction: 'SHORT', confidence: 80 },
      vision: { direction: 'SHORT', confidence: 70 },
      whale: { direction: 'DUMP', confidence: 60 },
      plan: { entry: 100, stopLoss: 101, takeProfit: 98 },
    });
    for (const name of [
      'rsi_dir',
      'bollinger_dir',
      'ema_alignment',
      'momentum_dir',
      'confirm_1h',
      'ai_agreement',
      'whale_alignment',
    ])
      expect(short[name]).toBeCloseTo(long[name] as number, 9);
    expect(short.is_long).toBe(0);
  });

  it('keeps unknown apart from zero: no vision is null, no whale event is 0, unknown whale is null', () => {
    const f = extractFeatures(source({ vision: null, whale: null, screen: null }));
    expect(f.vision_confidence).toBeNull();
    expect(f.ai_agreement).toBeNull();
    expect(f.whale_alignment).toBe(0);
    expect(f.whale_confidence).toBe(0);
    expect(f.screen_score).toBeNull();
    expect(f.contrib_momentum).toBeNull();
    const unknownWhale = extractFeatures(source({ whale: undefined }));
    expect(unknownWhale.whale_alignment).toBeNull();
    // A filter the screen did not report is unknown, not 0 points.
    expect(extractFeatures(source()).contrib_levels).toBeNull();
  });

  it('reads the stored screen defensively: metrics the screener could not compute stay null', () => {
    const s = source();
    const f = extractFeatures({
      ...s,
      screen: {
        ...s.screen!,
        metrics: { ...s.screen!.metrics, rsi: null, volumeRatio: 0, bollingerUpper: null },
      },
    });
    expect(f.rsi_dir).toBeNull();
    expect(f.log_volume_ratio).toBeNull();
    expect(f.volatility_regime).toBeNull();
  });

  it('an old record with no screen, no proposals and no features is all unknown, not zeros', () => {
    const f = featuresFromRecord({
      direction: 'LONG',
      screen: null,
      proposals: null,
      features: null,
      candleCloseTime: null,
      createdAt: new Date(T0),
      entry: '100',
      stopLoss: '99',
      takeProfit: '103',
    });
    expect(f.screen_score).toBeNull();
    expect(f.logic_confidence).toBeNull();
    expect(f.whale_alignment).toBeNull();
    expect(f.ai_agreement).toBeNull();
    expect(f.hour_cos).toBe(-1); // created at 12:00 UTC: known when it was made
    expect(f.reward_to_risk).toBe(3);
  });
});

/** Real screen results from the seeded fixture universe: every filter, real metrics. */
function screenedFixtures(): ScreenResult[] {
  const out: ScreenResult[] = [];
  for (const sym of universeFixture(60, 400)) {
    const r = screenSymbol(sym, SCREENER_DEFAULTS);
    if (!isSkip(r) && r.direction !== 'NEUTRAL') out.push(r);
  }
  return out;
}

/** A vision analyst that answers from the screen: a real implementation of the port, not a mock. */
const visionFrom = (direction: (c: AnalystContext) => Proposal['direction']): Analyst => ({
  name: 'vision',
  analyze: async (context) => ({
    analyst: 'vision',
    direction: direction(context),
    confidence: 40 + (context.screen.score % 50),
    entryType: null,
    entry: null,
    stopLoss: null,
    takeProfit: null,
    reasoning: 'chart',
    fixes: [],
    rejected: null,
    fallback: null,
  }),
});

forEachStore('features are reproducible from the stored record', ({ store }) => {
  it('the features the model saw when proposing equal the ones rebuilt from the stored signal', async () => {
    const screens = screenedFixtures();
    expect(screens.length).toBeGreaterThan(8);
    const signals = createSignalsRepository(store().db);
    let stored = 0;
    const agreements = new Set<number | null>();
    let withContributions = 0;
    for (const [i, screen] of screens.entries()) {
      let seen: FeatureVector | null = null;
      const vision =
        i % 3 === 0
          ? null
          : visionFrom((c) => (i % 3 === 1 ? c.screen.direction : 'NONE') as Proposal['direction']);
      const whale =
        i % 2 === 0
          ? { direction: i % 4 === 0 ? ('PUMP' as const) : ('DUMP' as const), confidence: 37 + i }
          : null;
      const outcome = await proposeSignal(
        screen,
        { timeframe: '15m', tickSize: dec('0.0001'), whale },
        {
          analyst: createRuleAnalyst(),
          vision,
          clock: createManualClock(T0 + i * MINUTE_MS),
          winProbability: (context, proposal, evidence: ProposalEvidence) => {
            seen = featuresFromProposal(context, proposal, evidence);
            return 0.5;
          },
        },
      );
      const draft = outcome.candidate;
      if (!draft || !seen) continue;
      // REJECTED drafts skip deduplication, so every candidate is stored as it was decided.
      const result = await signals.insert(
        { ...draft, status: 'REJECTED' },
        { now: new Date(T0 + i * MINUTE_MS), windowMs: 0 },
      );
      if (!result.inserted) continue;
      const record = (await signals.findById(result.signal.id))!;
      expect(featuresFromRecord(record)).toEqual(seen);
      // And through the training path, once the trade has an outcome.
      await signals.recordOutcome(record.id, { outcome: 'WIN', source: 'PAPER', pnl: dec('12.5') });
      const [row] = (await createMlModelsRepository(store().db).labelledSignals()).filter(
        (r) => r.id === record.id,
      );
      const sample = sampleFromRecord(row!)!;
      expect(sample.features).toEqual(seen);
      expect(sample).toMatchObject({ win: 1, pnl: 12.5, source: 'PAPER', time: record.candleCloseTime });
      stored++;
      agreements.add(sample.features.ai_agreement ?? null);
      if (sample.features.contrib_momentum !== null) withContributions++;
    }
    expect(stored).toBeGreaterThan(8);
    // The cases covered: vision agreeing, vision without a direction, no vision; real contributions.
    expect([...agreements].sort()).toEqual([0, 1, null].sort());
    expect(withContributions).toBe(stored);
  });
});
