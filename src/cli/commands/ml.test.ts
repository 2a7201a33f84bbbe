import { describe, expect, it } from 'vitest';
import { forEachStore } from '../../../test/support/stores.js';
import { dec } from '../../domain/index.js';
import { syntheticSignals } from '../../ml/synthetic.js';
import { createSignalsRepository, type Store } from '../../store/index.js';
import { UsageError } from '../output.js';
import { buildProgram } from '../program.js';
import { renderInsights, renderTrain, runInsights, runTrain, trainJson } from './ml.js';

async function seed(store: Store, n: number, seedValue: number) {
  const repo = createSignalsRepository(store.db);
  for (const s of syntheticSignals(n, seedValue)) {
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
    if (r.inserted) await repo.recordOutcome(r.signal.id, { ...s.outcome, pnl: dec(s.outcome.pnl) });
  }
}

forEachStore('ml train / insights', ({ store, kind }) => {
  it('too few outcomes: says so and stores nothing', async () => {
    const outcome = await runTrain(store(), {});
    expect(trainJson(outcome)).toEqual({
      trained: false,
      reason: expect.stringMatching(/not enough closed signals to train: 0 .*runs without a model/),
      samples: 0,
      wins: 0,
      losses: 0,
    });
    expect(renderTrain(outcome)).toMatch(/^no model trained: not enough closed signals/);
  });

  it('trains, prints version and held-out metrics, then the insights list the model', async () => {
    await seed(store(), 300, 8);
    const outcome = await runTrain(store(), { source: 'backtest,paper', calibration: 'isotonic' });
    const json = trainJson(outcome);
    expect(json).toMatchObject({
      trained: true,
      version: 1,
      samples: 300,
      calibrationMethod: 'isotonic',
    });
    const usable = json.trained && json.usable;
    const text = renderTrain(outcome);
    expect(text).toMatch(
      new RegExp(`^model v1 \\(logistic, ${usable ? 'usable' : 'NOT usable'}\\) on 300 closed signals`),
    );
    expect(text).toContain(
      usable ? '\nusable: held-out AUC' : '\nnot usable, the aggregator will not use it',
    );
    expect(text).toMatch(
      /held-out: AUC 0\.\d{3} \(in-sample 0\.\d{3}\), Brier 0\.\d{4} \(base rate 0\.\d{4}\)/,
    );
    expect(text).toMatch(/profit factor/);

    const insights = await runInsights(store(), { source: 'PAPER' });
    expect(insights.summary.sources).toEqual({ PAPER: 60 });
    expect(insights.models[0]).toMatchObject({ version: 1, usable });
    expect(renderInsights(insights)).toMatch(/^60 closed signals/);
  });

  // The backtest path differs from the store path only before the model is saved, which both
  // stores already cover: one run on PGlite keeps the suite fast.
  it.skipIf(kind === 'postgres')(
    '--from-backtest: labels every trade of the backtest and evaluates the gate',
    async () => {
      const outcome = await runTrain(store(), {
        fromBacktest: true,
        synthetic: '3',
        to: '2026-01-15T00:00:00Z',
        minConfidence: '50',
        minSamples: '60',
        evaluate: true,
      });
      const json = trainJson(outcome) as Record<string, unknown> & {
        backtest: { trades: number; unmatched: number };
        gateBacktest?: { from: string; without: { trades: number }; with: { trades: number } };
      };
      expect(json.backtest.trades).toBeGreaterThan(60);
      expect(json.backtest.unmatched).toBe(0);
      expect(json.samples).toBe(json.backtest.trades);
      expect(json).toMatchObject({ trained: true, sources: { BACKTEST: json.backtest.trades } });
      // The held-out period is replayed without and with the model, from the first held-out sample.
      const report = outcome.result.ok ? outcome.result.report : null;
      expect(json.gateBacktest!.from).toBe(report!.slices.test.from);
      expect(json.gateBacktest!.without.trades).toBeGreaterThan(0);
      expect(json.gateBacktest!.with.trades).toBeLessThanOrEqual(json.gateBacktest!.without.trades);
      expect(renderTrain(outcome)).toMatch(/without model .*\n.*with model/);
    },
    60_000,
  );

  it('refuses bad arguments with the reason', async () => {
    await expect(runTrain(store(), { source: 'DEMO' })).rejects.toThrow(
      new UsageError('--source must list LIVE, PAPER, BACKTEST (got "DEMO")'),
    );
    await expect(runTrain(store(), { calibration: 'beta' })).rejects.toThrow(
      /--calibration must be platt or isotonic/,
    );
    await expect(runTrain(store(), { gate: '2' })).rejects.toThrow(/--gate must be a probability/);
    await expect(runTrain(store(), { data: '/x' })).rejects.toThrow(/--data goes with --from-backtest/);
    await expect(runTrain(store(), { minConfidence: '60' })).rejects.toThrow(
      /--min-confidence goes with --from-backtest/,
    );
    await expect(runTrain(store(), { fromBacktest: true })).rejects.toThrow(/--data DIR or --synthetic SEED/);
  });
});

describe('neurotrade ml', () => {
  it('is registered with train, insights and models, and the flags scripts rely on', () => {
    const ml = buildProgram().commands.find((c) => c.name() === 'ml')!;
    expect(ml.commands.map((c) => c.name())).toEqual(['train', 'insights', 'models']);
    const train = ml.commands[0]!;
    const flags = train.options.map((o) => o.long);
    for (const flag of ['--from-backtest', '--data', '--json', '--source', '--evaluate'])
      expect(flags).toContain(flag);
    expect(ml.commands[1]!.options.map((o) => o.long)).toEqual(['--source', '--json']);
  });
});
