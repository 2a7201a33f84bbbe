/**
 * The security tests issue 8 requires, across every route: tenant isolation, token tampering
 * (tampered, expired, `alg: none`, other algorithms and secrets), secrets never in responses or
 * logs (a whole session's log is captured and searched), input validation on every field, login
 * throttling. The route list comes from the OpenAPI document, so a new route without a probe here
 * fails the inventory test.
 */
import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/domain/index.js';
import { createLogger } from '../../src/logging/index.js';
import { createRepositories } from '../../src/store/index.js';
import { forEachStore } from '../support/stores.js';
import { accessClaims, createHarness, type Harness, type TestUser, uniqueEmail } from './harness.js';
import { validationCases } from './validation-cases.js';

/** Routes anyone may call. Everything else needs a valid access token. */
const PUBLIC = new Set([
  'GET /api/health',
  'GET /metrics',
  'POST /api/auth/register',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  'POST /api/auth/logout',
]);

const API_KEY = 'K3yK3yK3yABCDEFGH0123456789wxyz';
const API_SECRET = 'S3cr3tS3cr3tQRSTUV9876543210abc';

forEachStore('API security', ({ store }) => {
  let h: Harness;
  const logLines: string[] = [];
  let alice: TestUser;
  let bob: TestUser;
  let aliceOpen: string;
  let aliceClosed: string;
  let aliceAuditIds: number[];

  beforeAll(async () => {
    const logger = createLogger({
      level: 'trace',
      destination: { write: (line: string) => logLines.push(line) },
    });
    h = await createHarness(store(), { logger, docs: true });
    alice = await h.register(uniqueEmail('alice'));
    bob = await h.register(uniqueEmail('bob'));
    const repos = createRepositories(store().db);
    const open = await repos.positions.insert({
      userId: alice.id,
      symbol: 'BTCUSDT',
      direction: 'LONG',
      mode: 'PAPER',
      status: 'OPEN',
      qty: dec('0.01'),
      entryPrice: dec('50000'),
      margin: dec('100'),
      leverage: 5,
    });
    const closed = await repos.positions.insert({
      userId: alice.id,
      symbol: 'ETHUSDT',
      direction: 'SHORT',
      mode: 'PAPER',
      qty: dec('1'),
      margin: dec('50'),
      leverage: 10,
    });
    await repos.positions.update(closed.id, { status: 'CLOSED_WIN', pnl: dec('5'), closedAt: new Date() });
    aliceOpen = open.id;
    aliceClosed = closed.id;
    await h.as(alice, {
      method: 'PUT',
      url: '/api/credentials',
      payload: { apiKey: API_KEY, apiSecret: API_SECRET },
    });
    await h.as(alice, { method: 'PUT', url: '/api/settings', payload: { leverage: 7, minConfidence: 80 } });
    aliceAuditIds = (await repos.audit.listByUser(alice.id)).map((a) => a.id);
  });
  afterAll(async () => {
    await h?.close();
  });

  async function routes(): Promise<string[]> {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const out: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const method of Object.keys(methods))
        out.push(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
    }
    return out.concat('GET /metrics').sort();
  }

  /** One valid request per protected route (ids point at alice's data). */
  const sample = (route: string): InjectOptions => {
    const [method, path] = route.split(' ') as [InjectOptions['method'], string];
    const url = path.replace(':id', aliceOpen);
    const payloads: Record<string, unknown> = {
      'PUT /api/settings': { leverage: 3 },
      'PUT /api/credentials': { apiKey: 'BobKeyBobKey0123456789', apiSecret: 'BobSecretBobSecret0123' },
      'POST /api/auto-trading': { enabled: true },
    };
    return { method, url, ...(payloads[route] ? { payload: payloads[route] } : {}) };
  };

  it('knows every route: each protected one has a tenant-isolation probe below', async () => {
    const all = await routes();
    const protectedRoutes = all.filter((r) => !PUBLIC.has(r));
    expect(protectedRoutes.sort()).toEqual(Object.keys(isolationProbes).sort());
    expect(all).toEqual(expect.arrayContaining([...PUBLIC]));
  });

  it('refuses missing, malformed, tampered, expired, alg:none and foreign-algorithm tokens on every protected route', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = accessClaims(alice.id, now);
    const [header, payload] = alice.accessToken.split('.');
    const tamperedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: bob.id }),
    ).toString('base64url');
    const signature = alice.accessToken.split('.')[2];
    const bad: Record<string, string | undefined> = {
      missing: undefined,
      garbage: 'not-a-jwt',
      tampered: `${header}.${tamperedPayload}.${signature}`,
      'alg none': h.forge({ alg: 'none', typ: 'JWT' }, good),
      'alg none, signed': `${h.forge({ alg: 'none', typ: 'JWT' }, good)}x`,
      HS512: h.forge({ alg: 'HS512', typ: 'JWT' }, good),
      'other secret': h.forge({ alg: 'HS256', typ: 'JWT' }, good, randomBytes(48).toString('base64url')),
      expired: h.forge({ alg: 'HS256', typ: 'JWT' }, { ...good, iat: now - 3600, exp: now - 60 }),
      'wrong issuer': h.forge({ alg: 'HS256', typ: 'JWT' }, { ...good, iss: 'someone-else' }),
      'wrong audience': h.forge({ alg: 'HS256', typ: 'JWT' }, { ...good, aud: 'other-api' }),
      'not an access token': h.forge({ alg: 'HS256', typ: 'JWT' }, { ...good, typ: 'refresh' }),
      'no subject': h.forge({ alg: 'HS256', typ: 'JWT' }, { ...good, sub: undefined }),
      'refresh token as bearer': alice.refreshToken,
    };
    // The forged good token itself passes: the failures below are about what was changed.
    expect(
      (await h.as(h.forge({ alg: 'HS256', typ: 'JWT' }, good), { method: 'GET', url: '/api/me' })).statusCode,
    ).toBe(200);
    for (const route of (await routes()).filter((r) => !PUBLIC.has(r))) {
      for (const [name, token] of Object.entries(bad)) {
        const options = sample(route);
        const res = token === undefined ? await h.app.inject(options) : await h.as(token, options);
        expect(res.statusCode, `${route} with ${name} token`).toBe(401);
        expect(res.json().error.code).toBe('UNAUTHORIZED');
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    }
  });

  let backtestId: string | undefined;
  /** One stored backtest report (not anyone's: backtests are market-wide). */
  async function backtestFixture(): Promise<string> {
    backtestId ??= (
      await createRepositories(store().db).backtests.insert({
        source: 'synthetic',
        analyst: 'rule',
        periodFrom: new Date(Date.UTC(2026, 0, 5)),
        periodTo: new Date(Date.UTC(2026, 0, 6)),
        symbols: ['ETHUSDT'],
        trades: 0,
        winRate: null,
        profitFactor: null,
        totalReturnPct: 0,
        maxDrawdownPct: 0,
        sharpe: null,
        summary: { trades: 0 },
        report: { trades: [] },
        createdAt: new Date(Date.UTC(2026, 0, 6)),
      })
    ).id;
    return backtestId;
  }

  /** For every protected route: bob calls it aimed at alice's data; alice's data must be untouched. */
  const isolationProbes: Record<string, () => Promise<void>> = {
    'GET /api/me': async () => {
      const me = (await h.as(bob, { method: 'GET', url: '/api/me' })).json();
      expect(me.user.id).toBe(bob.id);
      expect(me.credentials.configured).toBe(false);
    },
    'GET /api/settings': async () => {
      expect((await h.as(bob, { method: 'GET', url: '/api/settings' })).json().leverage).toBe(5);
    },
    'PUT /api/settings': async () => {
      await h.as(bob, { method: 'PUT', url: '/api/settings', payload: { leverage: 3, minConfidence: 10 } });
      expect((await h.as(alice, { method: 'GET', url: '/api/settings' })).json()).toMatchObject({
        leverage: 7,
        minConfidence: 80,
      });
    },
    'GET /api/credentials': async () => {
      expect((await h.as(bob, { method: 'GET', url: '/api/credentials' })).json()).toEqual({
        configured: false,
        apiKey: null,
      });
    },
    'PUT /api/credentials': async () => {
      await h.as(bob, sample('PUT /api/credentials'));
      expect((await h.as(alice, { method: 'GET', url: '/api/credentials' })).json().apiKey).toBe(
        `****${API_KEY.slice(-4)}`,
      );
    },
    'DELETE /api/credentials': async () => {
      expect((await h.as(bob, { method: 'DELETE', url: '/api/credentials' })).statusCode).toBe(200);
      expect((await h.as(alice, { method: 'GET', url: '/api/credentials' })).json().configured).toBe(true);
    },
    'POST /api/credentials/test': async () => {
      // Bob has none stored (deleted above): he must not get alice's pair tested.
      const res = await h.as(bob, { method: 'POST', url: '/api/credentials/test' });
      expect(res.statusCode).toBe(404);
    },
    'GET /api/signals': async () => {
      // Market-wide by design: both users see the same list.
      const a = (await h.as(alice, { method: 'GET', url: '/api/signals' })).json();
      const b = (await h.as(bob, { method: 'GET', url: '/api/signals' })).json();
      expect(b).toEqual(a);
    },
    'GET /api/insights': async () => {
      // Market-wide by design, like the signals: both users see the same tables.
      const a = (await h.as(alice, { method: 'GET', url: '/api/insights' })).json();
      const b = (await h.as(bob, { method: 'GET', url: '/api/insights' })).json();
      expect(b).toEqual(a);
    },
    'GET /api/backtests': async () => {
      // Market-wide by design, like the signals: both users see the same stored reports.
      await backtestFixture();
      const a = (await h.as(alice, { method: 'GET', url: '/api/backtests' })).json();
      const b = (await h.as(bob, { method: 'GET', url: '/api/backtests' })).json();
      expect(a.items.length).toBeGreaterThan(0);
      expect(b).toEqual(a);
    },
    'GET /api/backtests/:id': async () => {
      const id = await backtestFixture();
      const a = await h.as(alice, { method: 'GET', url: `/api/backtests/${id}` });
      const b = await h.as(bob, { method: 'GET', url: `/api/backtests/${id}` });
      expect(b.statusCode).toBe(200);
      expect(b.json()).toEqual(a.json());
      // Another kind of object's id (alice's position) is not a backtest: nothing of it comes back.
      const other = await h.as(bob, { method: 'GET', url: `/api/backtests/${aliceOpen}` });
      expect(other.statusCode).toBe(404);
      expect(other.body).not.toContain('BTCUSDT');
    },
    'GET /api/signals/:id': async () => {
      expect((await h.as(bob, { method: 'GET', url: `/api/signals/${aliceOpen}` })).statusCode).toBe(404);
    },
    'GET /api/positions': async () => {
      for (const status of ['open', 'closed', 'all']) {
        const page = (await h.as(bob, { method: 'GET', url: `/api/positions?status=${status}` })).json();
        expect(page.items).toEqual([]);
        const viaCursor = await h.as(bob, {
          method: 'GET',
          url: `/api/positions?status=${status}&cursor=${aliceClosed}`,
        });
        expect(viaCursor.json().items).toEqual([]);
      }
    },
    'GET /api/positions/:id': async () => {
      for (const id of [aliceOpen, aliceClosed]) {
        const res = await h.as(bob, { method: 'GET', url: `/api/positions/${id}` });
        expect(res.statusCode).toBe(404);
        expect(res.body).not.toContain('BTCUSDT');
      }
    },
    'POST /api/positions/:id/close': async () => {
      expect((await h.as(bob, { method: 'POST', url: `/api/positions/${aliceOpen}/close` })).statusCode).toBe(
        404,
      );
      expect((await h.as(alice, { method: 'GET', url: `/api/positions/${aliceOpen}` })).json().status).toBe(
        'OPEN',
      );
    },
    'POST /api/panic': async () => {
      expect((await h.as(bob, { method: 'POST', url: '/api/panic' })).json().results).toEqual([]);
      expect((await h.as(alice, { method: 'GET', url: `/api/positions/${aliceOpen}` })).json().status).toBe(
        'OPEN',
      );
      expect((await h.as(alice, { method: 'GET', url: '/api/me' })).json().riskState).toBe('ACTIVE');
    },
    'POST /api/auto-trading': async () => {
      await h.as(bob, { method: 'POST', url: '/api/auto-trading', payload: { enabled: true } });
      expect((await h.as(alice, { method: 'GET', url: '/api/settings' })).json().autoTrade).toBe(false);
    },
    'POST /api/risk/resume': async () => {
      await h.as(alice, { method: 'POST', url: '/api/panic' }).then(() => undefined);
      expect((await h.as(bob, { method: 'POST', url: '/api/risk/resume' })).statusCode).toBe(200);
      expect((await h.as(alice, { method: 'GET', url: '/api/me' })).json().riskState).toBe('REDUCING');
      await h.as(alice, { method: 'POST', url: '/api/risk/resume' });
    },
    'GET /api/audit': async () => {
      const items = (await h.as(bob, { method: 'GET', url: '/api/audit?limit=200' })).json().items as {
        id: number;
      }[];
      expect(items.length).toBeGreaterThan(0);
      for (const id of aliceAuditIds) expect(items.map((i) => i.id)).not.toContain(id);
      const paged = await h.as(bob, {
        method: 'GET',
        url: `/api/audit?cursor=${Math.max(...aliceAuditIds) + 1}`,
      });
      for (const item of paged.json().items) expect(aliceAuditIds).not.toContain(item.id);
    },
    'GET /api/candles': async () => {
      // Market-wide by design: both users get the same answer (503 here: no feed attached).
      const a = await h.as(alice, { method: 'GET', url: '/api/candles?symbol=BTCUSDT' });
      const b = await h.as(bob, { method: 'GET', url: '/api/candles?symbol=BTCUSDT' });
      expect(b.statusCode).toBe(a.statusCode);
      expect(b.json()).toEqual(a.json());
    },
    'GET /api/events': async () => {
      // Covered with a live server in src/api/events.test.ts (bob never receives alice's events).
      expect((await h.app.inject({ method: 'GET', url: '/api/events' })).statusCode).toBe(401);
    },
  };

  describe('tenant isolation', () => {
    for (const [route, probe] of Object.entries(isolationProbes)) it(route, probe);
  });

  it('validates every field: 400 with a message naming the field', async () => {
    const cases = validationCases({
      aliceEmail: alice.email,
      aliceToken: alice.accessToken,
      apiKey: API_KEY,
      apiSecret: API_SECRET,
    });
    for (const [name, options, field] of cases) {
      const res = options.url?.toString().startsWith('/api/auth')
        ? await h.app.inject(options)
        : await h.as(alice, options);
      expect(res.statusCode, name).toBe(400);
      const error = res.json().error;
      expect(error.code, name).toBe('VALIDATION_FAILED');
      expect(error.fields?.[field], `${name}: ${JSON.stringify(error)}`).toEqual(expect.any(String));
    }
    // Nothing invalid was applied.
    expect((await h.as(alice, { method: 'GET', url: '/api/settings' })).json()).toMatchObject({
      leverage: 7,
      mode: 'PAPER',
    });
  });

  it('throttles failed logins per account and per address, with 429, Retry-After and a message', async () => {
    const victim = await h.register(uniqueEmail('victim'));
    const login = (password: string, ip: string, email = victim.email) =>
      h.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password },
        remoteAddress: ip,
      });
    for (let i = 0; i < 5; i++) expect((await login('wrong password', `10.0.0.${i}`)).statusCode).toBe(401);
    const locked = await login(victim.password, '10.0.1.1');
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(locked.json().error).toMatchObject({
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/too many failed login attempts for this account; try again in \d+ s/),
    });
    // Another account is not affected.
    expect((await login(alice.password, '10.0.1.1', alice.email)).statusCode).toBe(200);

    // One address spraying many accounts is stopped too.
    let last = 0;
    for (let i = 0; i < 31; i++)
      last = (await login('guess guess', '10.6.6.6', uniqueEmail('spray'))).statusCode;
    expect(last).toBe(429);
    const blocked = await login(alice.password, '10.6.6.6', alice.email);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.message).toMatch(/from this address/);
  });

  it('never puts a password, exchange key or secret in a response or a log line, nor tokens in logs', async () => {
    const responses: string[] = [];
    const tokens: string[] = [];
    const record = async (p: Promise<{ body: string; statusCode: number }>) => {
      const res = await p;
      responses.push(res.body);
      return res;
    };
    const email = uniqueEmail('session');
    const password = `pw-${randomBytes(12).toString('hex')}`;
    const key = `KEY${randomBytes(16).toString('hex')}`;
    const secret = `SEC${randomBytes(16).toString('hex')}`;
    const reg = (
      await h.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } })
    ).json();
    tokens.push(reg.accessToken, reg.refreshToken);
    await record(
      h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: `${password}x` } }),
    );
    await record(h.app.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password } }));
    const login = (
      await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } })
    ).json();
    tokens.push(login.accessToken, login.refreshToken);
    const token = login.accessToken as string;
    await record(
      h.as(token, { method: 'PUT', url: '/api/credentials', payload: { apiKey: key, apiSecret: secret } }),
    );
    await record(
      h.as(token, {
        method: 'PUT',
        url: '/api/credentials',
        payload: { apiKey: key, apiSecret: `${secret}!` },
      }),
    );
    await record(h.as(token, { method: 'POST', url: '/api/credentials/test' }));
    await record(
      h.as(token, {
        method: 'POST',
        url: '/api/credentials/test',
        payload: { apiKey: key, apiSecret: secret },
      }),
    );
    await record(h.as(token, { method: 'GET', url: '/api/credentials' }));
    await record(h.as(token, { method: 'GET', url: '/api/me' }));
    await record(
      h.as(token, { method: 'PUT', url: '/api/settings', payload: { mode: 'REAL', confirmReal: true } }),
    );
    await record(h.as(token, { method: 'GET', url: '/api/settings' }));
    await record(h.as(token, { method: 'GET', url: '/api/audit' }));
    await record(h.as(token, { method: 'POST', url: '/api/panic' }));
    await record(h.as(`${token}x`, { method: 'GET', url: '/api/me' }));
    const refreshed = (
      await h.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken: login.refreshToken },
      })
    ).json();
    tokens.push(refreshed.accessToken, refreshed.refreshToken);
    await record(
      h.app.inject({
        method: 'POST',
        url: '/api/auth/refresh',
        payload: { refreshToken: login.refreshToken },
      }),
    );
    await record(
      h.app.inject({ method: 'GET', url: `/api/events?token=${refreshed.accessToken}&symbols=BTC;` }),
    );
    await record(
      h.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        payload: { refreshToken: refreshed.refreshToken },
      }),
    );
    await record(h.as(token, { method: 'DELETE', url: '/api/credentials' }));
    // The live stream takes its token in the URL: open one on a real socket so the URL is logged.
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
    const aborter = new AbortController();
    const stream = await fetch(`${address}/api/events?token=${refreshed.accessToken}`, {
      signal: aborter.signal,
    });
    const reader = stream.body!.getReader();
    responses.push(new TextDecoder().decode((await reader.read()).value));
    aborter.abort();
    await new Promise((r) => setTimeout(r, 100));

    const everything = logLines.join('\n');
    expect(everything).toContain('"url":"/api/events?token=[redacted]"');
    expect(logLines.length).toBeGreaterThan(20);
    for (const needle of [
      password,
      key,
      secret,
      h.secrets.jwtSecret,
      h.secrets.credentialsKey.toString('hex'),
    ]) {
      expect(everything).not.toContain(needle);
      for (const body of responses) expect(body).not.toContain(needle);
    }
    for (const t of tokens) {
      expect(everything).not.toContain(t);
      for (const body of responses) expect(body).not.toContain(t);
    }
    // The mask is what the client and the audit log see.
    expect(responses.join('\n')).toContain(`****${key.slice(-4)}`);
  });
});
