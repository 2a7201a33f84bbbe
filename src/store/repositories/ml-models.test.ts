import { expect, it } from 'vitest';
import { forEachStore } from '../../../test/support/stores.js';
import { dec } from '../../domain/index.js';
import { createMlModelsRepository } from './ml-models.js';
import { createSignalsRepository, type NewSignal } from './signals.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

const model = (weights: number[]) => ({
  format: 1,
  kind: 'logistic',
  weights,
  calibrator: { kind: 'platt', a: 0.8, b: -0.1 },
  impute: { rsi_dir: 1.5e-7 },
});

const signal = (i: number, overrides: Partial<NewSignal> = {}): NewSignal => ({
  symbol: 'BTCUSDT',
  direction: 'LONG',
  status: 'REJECTED',
  combinedConfidence: 70 + i,
  entryType: 'MARKET',
  entry: dec('100'),
  stopLoss: dec('99'),
  takeProfit: dec('102'),
  analyst: 'rule',
  candleCloseTime: T0 - i * 60_000,
  features: { whale_alignment: null },
  expiresAt: new Date(T0 + 3_600_000),
  ...overrides,
});

forEachStore('ml models repository', ({ store }) => {
  const repo = () => createMlModelsRepository(store().db);

  it('stores models as versions 1, 2, 3 and reads them back exactly', async () => {
    expect(await repo().latest()).toBeUndefined();
    const first = await repo().save({
      kind: 'logistic',
      usable: true,
      samples: 300,
      outcomesSeen: 300,
      sources: ['BACKTEST'],
      metrics: { auc: 0.61, brier: 0.23, calibration: [{ bin: '0.40-0.50', count: 30 }] },
      model: model([0.1, -2.5e-9, 3]),
      note: 'test',
    });
    const second = await repo().save({
      kind: 'logistic',
      usable: false,
      samples: 350,
      outcomesSeen: 350,
      sources: ['BACKTEST', 'PAPER'],
      metrics: { auc: 0.5 },
      model: model([0]),
    });
    expect([first.version, second.version]).toEqual([1, 2]);
    const back = (await repo().findByVersion(1))!;
    expect(back.model).toEqual(model([0.1, -2.5e-9, 3]));
    expect(back.metrics).toEqual(first.metrics);
    expect(back).toMatchObject({
      usable: true,
      samples: 300,
      outcomesSeen: 300,
      sources: ['BACKTEST'],
      note: 'test',
    });
    expect((await repo().latest())!.version).toBe(2);
    // The aggregator is served the newest model that beat the base rate, not merely the newest.
    expect((await repo().latest({ usableOnly: true }))!.version).toBe(1);
    expect((await repo().list()).map((m) => m.version)).toEqual([2, 1]);
    expect('model' in (await repo().list())[0]!).toBe(false);
  });

  it('gives concurrent trainers distinct consecutive versions', async () => {
    const before = (await repo().latest())?.version ?? 0;
    const saved = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        repo().save({
          kind: 'logistic',
          usable: false,
          samples: i,
          outcomesSeen: 0,
          sources: [],
          metrics: {},
          model: model([i]),
        }),
      ),
    );
    expect(saved.map((s) => s.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5].map((k) => before + k));
  });

  it('lists closed signals oldest first, filtered by outcome source, decimals exact', async () => {
    const signals = createSignalsRepository(store().db);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = await signals.insert(signal(i), { now: new Date(T0), windowMs: 0 });
      if (r.inserted) ids.push(r.signal.id);
    }
    const open = await signals.insert(signal(9), { now: new Date(T0), windowMs: 0 });
    expect(open.inserted).toBe(true);
    await signals.recordOutcome(ids[0]!, { outcome: 'WIN', source: 'LIVE', pnl: dec('1.000000001') });
    await signals.recordOutcome(ids[1]!, { outcome: 'LOSS', source: 'BACKTEST', pnl: dec('-2') });
    await signals.recordOutcome(ids[2]!, { outcome: 'WIN', source: 'PAPER', pnl: dec('3') });
    await signals.recordOutcome(ids[3]!, { outcome: 'LOSS', source: 'PAPER', pnl: dec('-4') });

    const all = await repo().labelledSignals();
    // Oldest first by the candle they were made on (i = 3 is the oldest).
    expect(all.map((r) => r.id)).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(all[3]!.outcomePnl!.toFixed()).toBe('1.000000001');
    expect(all[0]!.entry.toFixed()).toBe('100');
    const paper = await repo().labelledSignals({ sources: ['PAPER'] });
    expect(paper.map((r) => r.id)).toEqual([ids[3], ids[2]]);
    expect(await repo().countLabelled()).toBe(4);
    expect(await repo().countLabelled({ sources: ['LIVE', 'BACKTEST'] })).toBe(2);
  });
});
