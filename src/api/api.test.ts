import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessClaims, createHarness, type Harness } from '../../test/api/harness.js';
import { forEachStore } from '../../test/support/stores.js';
import { createManualClock, dec } from '../domain/index.js';
import { createMetrics } from '../metrics/index.js';
import { createRepositories, type Repositories, tables } from '../store/index.js';

forEachStore('API routes', ({ store }) => {
  let h: Harness;
  let repos: Repositories;
  const clock = createManualClock(Date.parse('2026-03-01T12:00:00Z'));
  const metrics = createMetrics();
  const marks = new Map([['BTCUSDT', dec('51000')]]);
  const scaleOut = {
    workerId: 'w-1',
    partitions: [0, 1],
    partitionsTotal: 32,
    leading: true,
    leaseLost: false,
  };
  beforeAll(async () => {
    repos = createRepositories(store().db);
    h = await createHarness(store(), {
      clock,
      metrics,
      docs: true,
      paperStartBalance: 5_000,
      markPrices: { markPrice: (s) => marks.get(s) },
      tradingStatus: () => ({ scheduler: true, executor: 'engine', lastScanAt: null, scaleOut }),
    });
  });
  afterAll(() => h?.close());

  const position = async (userId: string, symbol: string, mode: 'PAPER' | 'REAL' = 'PAPER') => {
    const p = await repos.positions.insert({
      userId,
      symbol,
      direction: 'LONG',
      mode,
      status: 'OPEN',
      qty: dec('0.02'),
      entryPrice: dec('50000'),
      margin: dec('200'),
      leverage: 5,
    });
    return repos.positions.update(p.id, { filledQty: dec('0.02') });
  };

  it('answers /api/me with profile, mode, balance and its age, risk state', async () => {
    const u = await h.register();
    clock.advance(60_000);
    let me = (await h.as(u, { method: 'GET', url: '/api/me' })).json();
    expect(me).toMatchObject({
      user: { id: u.id, email: u.email },
      mode: 'PAPER',
      riskState: 'ACTIVE',
      autoTrade: false,
      balance: { mode: 'PAPER', wallet: '5000', source: 'paper-start' },
      credentials: { configured: false, apiKey: null },
    });
    expect(me.user).not.toHaveProperty('passwordHash');
    await repos.balanceSnapshots.insert({
      userId: u.id,
      mode: 'PAPER',
      wallet: dec('5012.34'),
      available: dec('4800'),
      equity: null,
      source: 'simulator',
      takenAt: new Date(clock.now() - 1_500),
    });
    me = (await h.as(u, { method: 'GET', url: '/api/me' })).json();
    expect(me.balance).toMatchObject({
      wallet: '5012.34',
      available: '4800',
      source: 'simulator',
      ageMs: 1_500,
    });
  });

  it('changes settings, refuses REAL without keys and confirmation, and audits', async () => {
    const u = await h.register();
    const put = (payload: object) => h.as(u, { method: 'PUT', url: '/api/settings', payload });
    const ok = await put({
      fixedMargin: '12.5',
      leverage: 20,
      autoTrade: true,
      minConfidence: 60,
      scanProfile: 'slow',
    });
    expect(ok.json()).toMatchObject({
      fixedMargin: '12.5',
      leverage: 20,
      autoTrade: true,
      minConfidence: 60,
      scanProfile: 'slow',
    });
    const noKeys = await put({ mode: 'REAL', confirmReal: true });
    expect(noKeys.statusCode).toBe(400);
    expect(noKeys.json().error.fields.mode).toMatch(/API key/);
    await h.as(u, {
      method: 'PUT',
      url: '/api/credentials',
      payload: { apiKey: 'A'.repeat(20) + 'wxyz', apiSecret: 'B'.repeat(40) },
    });
    const noConfirm = await put({ mode: 'REAL' });
    expect(noConfirm.json().error.fields).toEqual({ confirmReal: expect.stringMatching(/must be true/) });
    expect((await put({ mode: 'REAL', confirmReal: true })).json().mode).toBe('REAL');
    const audit = (await h.as(u, { method: 'GET', url: '/api/audit' })).json().items;
    expect(audit.map((a: { kind: string }) => a.kind)).toEqual([
      'settings.changed',
      'credentials.set',
      'settings.changed',
      'auth.registered',
    ]);
    expect(audit[0].message).toBe('settings changed: mode PAPER -> REAL');
  });

  it('stores credentials masked, tests them honestly, deletes them', async () => {
    const u = await h.register();
    const key = 'abcdEFGH1234ijklMNOP5678';
    const put = await h.as(u, {
      method: 'PUT',
      url: '/api/credentials',
      payload: { apiKey: key, apiSecret: 'S'.repeat(64) },
    });
    expect(put.json()).toEqual({ configured: true, apiKey: '****5678' });
    expect((await h.as(u, { method: 'GET', url: '/api/me' })).json().credentials.apiKey).toBe('****5678');
    const test = (await h.as(u, { method: 'POST', url: '/api/credentials/test' })).json();
    expect(test).toEqual({ ok: false, message: expect.stringMatching(/not available yet/) });
    expect((await h.as(u, { method: 'DELETE', url: '/api/credentials' })).json()).toEqual({
      deleted: true,
      mode: 'PAPER',
    });
    expect((await h.as(u, { method: 'POST', url: '/api/credentials/test' })).statusCode).toBe(404);
  });

  it('lists positions open and closed with keyset pages, PnL, and unrealised PnL at the mark', async () => {
    const u = await h.register();
    const open = await position(u.id, 'BTCUSDT');
    const closedIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const p = await position(u.id, `C${i}USDT`);
      await repos.positions.update(p.id, {
        status: i % 2 ? 'CLOSED_LOSS' : 'CLOSED_WIN',
        pnl: dec(i % 2 ? '-3.5' : '7.25'),
        pnlPercent: dec(i % 2 ? '-1.75' : '3.625'),
        closedAt: new Date(Date.parse('2026-02-01T00:00:00Z') + i * 1000),
      });
      closedIds.push(p.id);
    }
    const openPage = (await h.as(u, { method: 'GET', url: '/api/positions' })).json();
    expect(openPage.items.map((p: { id: string }) => p.id)).toEqual([open.id]);
    expect(openPage.items[0]).toMatchObject({
      open: true,
      markPrice: '51000',
      unrealizedPnl: '20',
      unrealizedPnlPercent: '10',
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/positions?status=closed&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const body = (await h.as(u, { method: 'GET', url })).json();
      expect(body.items.length).toBeLessThanOrEqual(2);
      seen.push(...body.items.map((p: { id: string }) => p.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...closedIds].reverse());
    const detail = (await h.as(u, { method: 'GET', url: `/api/positions/${closedIds[1]}` })).json();
    expect(detail).toMatchObject({
      status: 'CLOSED_LOSS',
      pnl: '-3.5',
      pnlPercent: '-1.75',
      open: false,
      unrealizedPnl: null,
    });
    const all = (await h.as(u, { method: 'GET', url: '/api/positions?status=all&symbol=btcusdt' })).json();
    expect(all.items.map((p: { id: string }) => p.id)).toEqual([open.id]);
  });

  it('closes in the books only while no exchange is wired, and says so', async () => {
    const u = await h.register();
    const paper = await position(u.id, 'SOLUSDT');
    const real = await position(u.id, 'XRPUSDT', 'REAL');
    const closed = (await h.as(u, { method: 'POST', url: `/api/positions/${paper.id}/close` })).json();
    expect(closed).toMatchObject({
      outcome: 'CLOSED_IN_BOOKS',
      symbol: 'SOLUSDT',
      message: expect.stringMatching(/books only/),
    });
    expect((await repos.positions.findById(paper.id))!).toMatchObject({
      status: 'CANCELLED',
      closeReason: 'MANUAL_BOOKS_ONLY',
    });
    expect((await h.as(u, { method: 'POST', url: `/api/positions/${paper.id}/close` })).statusCode).toBe(409);
    const notClosed = (await h.as(u, { method: 'POST', url: `/api/positions/${real.id}/close` })).json();
    expect(notClosed).toMatchObject({
      outcome: 'NOT_CLOSED',
      mode: 'REAL',
      message: expect.stringMatching(/NOT closed/),
    });
    expect((await repos.positions.findById(real.id))!.status).toBe('OPEN');
  });

  it('panics: auto-trading off, REDUCING, a result per symbol; resume and auto-trading toggle are real', async () => {
    const u = await h.register();
    await h.as(u, { method: 'POST', url: '/api/auto-trading', payload: { enabled: true } });
    expect((await repos.users.findById(u.id))!.autoTrade).toBe(true);
    await position(u.id, 'ADAUSDT');
    await position(u.id, 'DOTUSDT', 'REAL');
    const report = (await h.as(u, { method: 'POST', url: '/api/panic' })).json();
    expect(report).toMatchObject({ executor: 'books-only', autoTrade: false, riskState: 'REDUCING' });
    expect(
      report.results.map((r: { symbol: string; outcome: string }) => `${r.symbol}:${r.outcome}`),
    ).toEqual(['ADAUSDT:CLOSED_IN_BOOKS', 'DOTUSDT:NOT_CLOSED']);
    const user = (await repos.users.findById(u.id))!;
    expect(user).toMatchObject({ autoTrade: false, riskState: 'REDUCING' });
    expect((await h.as(u, { method: 'POST', url: '/api/risk/resume' })).json()).toEqual({
      riskState: 'ACTIVE',
    });
    const off = await h.as(u, { method: 'POST', url: '/api/auto-trading', payload: { enabled: false } });
    expect(off.json()).toEqual({ autoTrade: false, riskState: 'ACTIVE' });
    const kinds = (await h.as(u, { method: 'GET', url: '/api/audit?limit=3' })).json();
    expect(kinds.items.map((a: { kind: string }) => a.kind)).toEqual([
      'trading.auto_trading',
      'risk.resumed',
      'trading.panic',
    ]);
    expect(kinds.nextCursor).toEqual(expect.any(String));
    const older = (
      await h.as(u, { method: 'GET', url: `/api/audit?limit=3&cursor=${kinds.nextCursor}` })
    ).json();
    expect(older.items[0].kind).toBe('trading.auto_trading');
  });

  it('filters and pages signals, and shows one with its evidence', async () => {
    const u = await h.register();
    const base = Date.parse('2026-02-10T00:00:00Z');
    const rows = Array.from({ length: 7 }, (_, i) => ({
      symbol: i % 2 ? 'ETHUSDT' : 'BNBUSDT',
      direction: (i % 3 ? 'LONG' : 'SHORT') as 'LONG' | 'SHORT',
      status: (i === 6 ? 'EXECUTED' : 'PENDING') as 'PENDING' | 'EXECUTED',
      combinedConfidence: 70 + i,
      entryType: 'MARKET' as const,
      entry: '100.5',
      stopLoss: '99',
      takeProfit: '103',
      analyst: 'rule',
      screen: { score: i },
      expiresAt: new Date(base + 7_200_000),
      createdAt: new Date(base + i * 60_000),
    }));
    const inserted = await store()
      .db.insert(tables.signals)
      .values(rows)
      .returning({ id: tables.signals.id });
    const list = (url: string) => h.as(u, { method: 'GET', url }).then((r) => r.json());
    const eth = await list('/api/signals?symbol=ETHUSDT');
    expect(eth.items.map((s: { confidence: number }) => s.confidence)).toEqual([75, 73, 71]);
    expect(
      (await list('/api/signals?direction=SHORT&symbol=BNBUSDT')).items.map(
        (s: { confidence: number }) => s.confidence,
      ),
    ).toEqual([76, 70]);
    expect((await list('/api/signals?status=EXECUTED')).items[0]).toMatchObject({
      confidence: 76,
      entry: '100.5',
    });
    expect(
      (await list('/api/signals?exclude=PENDING&symbol=BNBUSDT')).items.map(
        (s: { status: string }) => s.status,
      ),
    ).toEqual(['EXECUTED']);
    const first = await list('/api/signals?limit=4');
    const second = await list(`/api/signals?limit=4&cursor=${first.nextCursor}`);
    expect([...first.items, ...second.items].map((s: { confidence: number }) => s.confidence)).toEqual([
      76, 75, 74, 73, 72, 71, 70,
    ]);
    expect(second.nextCursor).toBeNull();
    const one = (await h.as(u, { method: 'GET', url: `/api/signals/${inserted[2]!.id}` })).json();
    expect(one).toMatchObject({ confidence: 72, screen: { score: 2 } });
  });

  it('refreshes and logs out over HTTP', async () => {
    const u = await h.register();
    const refresh = (refreshToken: string) =>
      h.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    const next = await refresh(u.refreshToken);
    expect(next.statusCode).toBe(200);
    expect(next.json()).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, user: { id: u.id } });
    expect((await refresh(u.refreshToken)).statusCode).toBe(401);
    // The reuse revoked the new token too.
    expect((await refresh(next.json().refreshToken)).statusCode).toBe(401);
    const login = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: u.email, password: u.password },
    });
    const out = await h.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      payload: { refreshToken: login.json().refreshToken },
      headers: { 'content-type': 'application/json' },
    });
    expect(out.statusCode).toBe(204);
    expect((await refresh(login.json().refreshToken)).statusCode).toBe(401);
  });

  it('serves health, OpenAPI, metrics with API latency, and JSON 404s', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/health' })).json().status).toBe('ok');
    const doc = (await h.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(
      doc.paths['/api/settings'].put.requestBody.content['application/json'].schema.properties.leverage,
    ).toMatchObject({
      minimum: 1,
      maximum: 125,
    });
    expect((await h.app.inject({ method: 'GET', url: '/api/docs' })).statusCode).toBeLessThan(400);
    const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(
      /neurotrade_api_request_duration_seconds_count\{method="GET",route="\/api\/me",status="200"\} \d+/,
    );
    expect(text).toContain('neurotrade_orders_total');
    const missing = await h.app.inject({ method: 'GET', url: '/api/nothing' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('health says 503 lease-lost once the worker lost its lease session, and which partitions it had', async () => {
    const ok = await h.app.inject({ method: 'GET', url: '/api/health' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().trading.scaleOut).toMatchObject({ partitions: [0, 1], leading: true });
    scaleOut.leaseLost = true;
    try {
      const lost = await h.app.inject({ method: 'GET', url: '/api/health' });
      expect(lost.statusCode).toBe(503);
      expect(lost.json()).toMatchObject({ status: 'lease-lost', trading: { scaleOut: { leaseLost: true } } });
    } finally {
      scaleOut.leaseLost = false;
    }
  });

  it('accepts a token for a user that was deleted only until it checks the account', async () => {
    const ghost = accessClaims('00000000-0000-4000-8000-000000000000');
    const res = await h.as(h.forge({ alg: 'HS256', typ: 'JWT' }, ghost), { method: 'GET', url: '/api/me' });
    expect(res.statusCode).toBe(401);
  });
});
