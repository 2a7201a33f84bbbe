import { expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import { testContext } from '../analyst/test-context.js';
import { dec, price } from '../domain/index.js';
import type { ScreenResult } from '../screener/index.js';
import { createMlModelsRepository, createSignalsRepository, type Store } from '../store/index.js';
import { loadInsights } from './insights.js';
import { parseModelSpec, predictWin } from './model.js';
import { createRetrainHook, createWinProbability, samplesFromStore, trainFromStore } from './service.js';
import { featuresFromProposal } from './sources.js';
import { syntheticSignals } from './synthetic.js';

async function addSignals(store: Store, n: number, seed: number, start?: number) {
  const repo = createSignalsRepository(store.db);
  for (const s of syntheticSignals(n, seed, start)) {
    const r = await repo.insert(
      {
        ...s.signal,
        entry: dec(s.signal.entry),
        stopLoss: dec(s.signal.stopLoss),
        takeProfit: dec(s.signal.takeProfit),
        expiresAt: new Date(s.signal.candleCloseTime + 3_600_000),
      },
      { now: new Date(s.signal.candleCloseTime), windowMs: 0 },
    );
    if (!r.inserted) throw new Error('REJECTED signals are always stored');
    await repo.recordOutcome(r.signal.id, { ...s.outcome, pnl: dec(s.outcome.pnl) });
  }
}

const screen = (): ScreenResult => ({
  symbol: 'BTCUSDT',
  direction: 'LONG',
  score: 85,
  rawScore: 85,
  source: 'momentum',
  proposed: 'LONG',
  qualityPenalty: 0,
  fakePenalty: 5,
  candleTime: Date.UTC(2026, 0, 5, 11, 45),
  reasons: [],
  contributions: [
    { filter: 'base', kind: 'bonus', points: 50, note: '' },
    { filter: 'momentum', kind: 'bonus', points: 15, note: '' },
  ],
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
});

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

// Every fifth synthetic signal closed in PAPER, the rest in BACKTEST.
const SOURCES = { BACKTEST: 32 + 448, PAPER: 8 + 112 };

forEachStore('ml service on the store', ({ store }) => {
  it('too few outcomes: says so, stores nothing, and the served function has no opinion', async () => {
    await addSignals(store(), 40, 1, Date.UTC(2025, 0, 1));
    const outcome = await trainFromStore(store());
    expect(outcome.saved).toBeNull();
    expect(outcome.result.ok).toBe(false);
    if (!outcome.result.ok)
      expect(outcome.result.reason).toMatch(/not enough closed signals to train: 40 .*runs without a model/);
    expect(await createMlModelsRepository(store().db).latest()).toBeUndefined();

    const winProbability = await createWinProbability(store());
    expect(winProbability.version).toBeNull();
    expect(
      winProbability.forProposal(testContext(), proposal, { screen: screen(), vision: null }),
    ).toBeNull();
  });

  it('retrains when enough new outcomes closed, stores the version, and the served model round-trips', async () => {
    await addSignals(store(), 560, 2, Date.UTC(2025, 3, 1));
    const winProbability = await createWinProbability(store());
    const hook = createRetrainHook({
      store: store(),
      minNewOutcomes: 100,
      onModel: () => winProbability.reload(),
    });

    const first = await hook.maybeRetrain();
    expect(first.retrained).toBe(true);
    if (!first.retrained || !first.outcome.result.ok) throw new Error('expected a model');
    const { saved, result } = first.outcome;
    expect(saved!.version).toBe(1);
    expect(saved!.outcomesSeen).toBe(600);
    expect(result.report.usable).toBe(true);
    expect(result.report.sources).toEqual(SOURCES);
    expect(winProbability.version).toBe(1);

    // Nothing new closed: no retrain.
    const again = await hook.maybeRetrain();
    expect(again).toMatchObject({ retrained: false, newOutcomes: 0 });

    // The stored model is the trained one, to the bit, and serves the same probabilities.
    const stored = parseModelSpec((await createMlModelsRepository(store().db).findByVersion(1))!.model);
    expect(stored).toEqual(result.model);
    const { samples } = await samplesFromStore(store().db);
    for (const s of samples.slice(-20))
      expect(winProbability(s.features)).toBe(predictWin(result.model, s.features));

    // The proposal seam: the same features as a stored record would give, a probability in 0..1.
    const p = winProbability.forProposal(testContext(), proposal, { screen: screen(), vision: null });
    const direct = predictWin(
      result.model,
      featuresFromProposal(testContext(), proposal, { screen: screen(), vision: null })!,
    );
    expect(p).toBe(direct);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1);
    // Without the screen result it does not guess.
    expect(winProbability.forProposal(testContext(), proposal)).toBeNull();
  });

  it('learns only from the sources asked for', async () => {
    const outcome = await trainFromStore(store(), {
      sources: ['PAPER'],
      train: { minSamples: 100, minPerClass: 5 },
    });
    if (!outcome.result.ok) throw new Error(outcome.result.reason);
    expect(outcome.result.report.sources).toEqual({ PAPER: SOURCES.PAPER });
    expect(outcome.saved!.sources).toEqual(['PAPER']);
    expect(outcome.saved!.version).toBe(2);
  });

  it('serves the insights from the store, filtered by source', async () => {
    const all = await loadInsights(store().db);
    expect(all.summary.signals).toBe(600);
    expect(all.summary.sources).toEqual(SOURCES);
    expect(all.models.map((m) => m.version)).toEqual([2, 1]);
    expect(all.calibration.length).toBeGreaterThan(0);
    const paper = await loadInsights(store().db, { sources: ['PAPER'] });
    expect(paper.summary.signals).toBe(SOURCES.PAPER);
    expect(paper.bySymbol.reduce((s, r) => s + r.signals, 0)).toBe(SOURCES.PAPER);
  });
});
