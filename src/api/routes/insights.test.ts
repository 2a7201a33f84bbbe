import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../test/api/harness.js';
import { forEachStore } from '../../../test/support/stores.js';
import { dec } from '../../domain/index.js';
import { createSignalsRepository } from '../../store/index.js';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);

forEachStore('GET /api/insights', ({ store }) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(store(), { docs: true });
    const signals = createSignalsRepository(store().db);
    const outcomes = [
      { symbol: 'BTCUSDT', whale: 0.7, pnl: '25', source: 'PAPER' as const },
      { symbol: 'BTCUSDT', whale: -0.4, pnl: '-10', source: 'PAPER' as const },
      { symbol: 'ETHUSDT', whale: null, pnl: '-10', source: 'BACKTEST' as const },
    ];
    for (const [i, o] of outcomes.entries()) {
      const r = await signals.insert(
        {
          symbol: o.symbol,
          direction: 'LONG',
          status: 'REJECTED',
          combinedConfidence: 80,
          entryType: 'MARKET',
          entry: dec('100'),
          stopLoss: dec('99'),
          takeProfit: dec('102'),
          analyst: 'rule',
          candleCloseTime: T0 + i * 3_600_000,
          proposals: [{ analyst: 'rule', direction: 'LONG', confidence: 80 }],
          features: { whale_alignment: o.whale },
          expiresAt: new Date(T0 + 7_200_000),
        },
        { now: new Date(T0), windowMs: 0 },
      );
      if (r.inserted)
        await signals.recordOutcome(r.signal.id, {
          outcome: Number(o.pnl) > 0 ? 'WIN' : 'LOSS',
          source: o.source,
          pnl: dec(o.pnl),
        });
    }
  });
  afterAll(() => h?.close());

  it('needs a valid access token', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/insights' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHORIZED');
  });

  it('returns the insight tables (every list a table), filtered by source', async () => {
    const user = await h.register();
    const res = await h.as(user, { method: 'GET', url: '/api/insights' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.summary).toEqual({
      signals: 3,
      wins: 1,
      winRate: 0.3333,
      pnl: 5,
      sources: { PAPER: 2, BACKTEST: 1 },
    });
    expect(body.bySymbol).toEqual([
      { symbol: 'BTCUSDT', signals: 2, wins: 1, losses: 1, winRate: 0.5, pnl: 15 },
      { symbol: 'ETHUSDT', signals: 1, wins: 0, losses: 1, winRate: 0, pnl: -10 },
    ]);
    expect(body.byWhale.map((r: { whale: string; signals: number }) => [r.whale, r.signals])).toEqual([
      ['whale with the trade', 1],
      ['whale against the trade', 1],
      ['no whale event', 1],
    ]);
    expect(body.byHour.map((r: { hourUtc: number }) => r.hourUtc)).toEqual([9, 10, 11]);
    for (const [key, value] of Object.entries(body)) {
      if (!Array.isArray(value)) continue;
      // A table: rows are objects with the same columns.
      const columns = value.length ? Object.keys(value[0]).join() : '';
      for (const row of value) expect(Object.keys(row).join(), key).toBe(columns);
    }
    const paper = (await h.as(user, { method: 'GET', url: '/api/insights?source=PAPER' })).json();
    expect(paper.summary.signals).toBe(2);
    const bad = await h.as(user, { method: 'GET', url: '/api/insights?source=DEMO' });
    expect(bad.statusCode).toBe(400);
  });

  it('is in the OpenAPI document, with bearer security, for the dashboard to discover', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    const get = doc.paths['/api/insights'].get;
    expect(get.security).toEqual([{ bearerAuth: [] }]);
    expect(get.tags).toEqual(['insights']);
    // Inline, so a client reading the document needs no component lookup.
    const schema = get.responses['200'].content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual([
      'summary',
      'byAgreement',
      'byConfidence',
      'byWinProbability',
      'byWhale',
      'bySymbol',
      'byHour',
      'models',
      'calibration',
    ]);
    expect(schema.properties.byAgreement.type).toBe('array');
  });
});
