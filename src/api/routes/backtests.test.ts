import { afterAll, beforeAll, expect, it } from 'vitest';
import { createHarness, type Harness } from '../../../test/api/harness.js';
import { forEachStore } from '../../../test/support/stores.js';
import { type BacktestReport, runBacktest } from '../../backtest/index.js';
import { toStored } from '../../cli/commands/backtest.js';
import { createRepositories } from '../../store/index.js';

const T0 = Date.UTC(2026, 0, 5);

forEachStore('GET /api/backtests', ({ store }) => {
  let h: Harness;
  let report: BacktestReport;
  const ids: string[] = [];
  beforeAll(async () => {
    h = await createHarness(store(), { docs: true });
    report = await runBacktest({
      market: { kind: 'synthetic', seed: 4, symbols: 2 },
      from: T0,
      to: T0 + 86_400_000,
      minConfidence: 55,
      executor: 'direct',
      wallClock: { now: () => Date.UTC(2026, 5, 1) as never },
    });
    const repos = createRepositories(store().db);
    ids.push((await repos.backtests.insert(toStored(report))).id);
    const later = { ...toStored(report), analyst: 'llm-cache', createdAt: new Date(Date.UTC(2026, 5, 2)) };
    ids.push((await repos.backtests.insert(later)).id);
  });
  afterAll(() => h?.close());

  it('needs a valid access token', async () => {
    for (const url of ['/api/backtests', `/api/backtests/${ids[0]}`]) {
      const res = await h.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe('UNAUTHORIZED');
    }
  });

  it('lists stored backtests newest first, with the period, the market and the headline metrics', async () => {
    const user = await h.register();
    const res = await h.as(user, { method: 'GET', url: '/api/backtests' });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as Record<string, unknown>[];
    expect(items.map((i) => i.id)).toEqual([ids[1], ids[0]]);
    const m = report.full.strategy.metrics;
    expect(items[1]).toEqual({
      id: ids[0],
      createdAt: '2026-06-01T00:00:00.000Z',
      source: 'synthetic',
      analyst: 'rule',
      periodFrom: new Date(report.params.from).toISOString(),
      periodTo: new Date(report.params.to).toISOString(),
      symbols: report.market.symbols,
      trades: m.trades,
      winRate: m.winRate,
      profitFactor: m.profitFactor,
      totalReturnPct: m.totalReturnPct,
      maxDrawdownPct: m.maxDrawdownPct,
      sharpe: m.sharpe,
      executor: 'direct',
      margin: report.params.margin,
      leverage: report.params.leverage,
    });
    const one = await h.as(user, { method: 'GET', url: '/api/backtests?limit=1' });
    expect(one.json().items.map((i: { id: string }) => i.id)).toEqual([ids[1]]);
    const bad = await h.as(user, { method: 'GET', url: '/api/backtests?limit=0' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('limit');
  });

  it('returns one backtest’s full report; an unknown id is 404, a malformed one 400', async () => {
    const user = await h.register();
    const res = await h.as(user, { method: 'GET', url: `/api/backtests/${ids[0]}` });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.id).toBe(ids[0]);
    expect(body.summary).toMatchObject({ trades: report.trades.length, executor: 'direct' });
    expect(body.report.trades).toHaveLength(report.trades.length);
    expect(body.report.full.buyAndHold.metrics.trades).toBe(2);
    expect(body.report.full.strategy.equity.length).toBeGreaterThan(10);
    expect(body.report.params).toMatchObject({ executor: 'direct', margin: 100, leverage: 5 });
    const missing = await h.as(user, {
      method: 'GET',
      url: '/api/backtests/00000000-0000-4000-8000-000000000000',
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    const malformed = await h.as(user, { method: 'GET', url: '/api/backtests/nope' });
    expect(malformed.statusCode).toBe(400);
  });
});
