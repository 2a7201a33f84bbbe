/**
 * The running product trades PAPER end to end: a stored signal goes through the fan-out and the
 * execution engine to the user's wallet on the in-process simulator, driven by the synthetic
 * market's prices; the API shows the position with its stop, the balance from the simulator, a
 * manual close books the PnL, the same signal is never executed twice, and a mode switch is
 * refused while a PAPER position is open.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { dec, type MarketSymbol } from '../../src/domain/index.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import { createRepositories, type Repositories, type StoredSignal } from '../../src/store/index.js';

const SYMBOL = 'BTCUSDT';

describe('PAPER trading through the running product', () => {
  let runtime: Runtime;
  let repos: Repositories;
  let base: string;
  let token: string;
  let userId: string;

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** A LONG signal at the market's current price, stop 1 % below, target 2 % above, on the tick. */
  async function marketSignal(): Promise<StoredSignal> {
    const rules = (await runtime.trading.feed.universe()).find((r) => r.symbol === SYMBOL)!;
    const mark = await runtime.trading.feed.markPrice(SYMBOL as MarketSymbol);
    const onTick = (x: number) => dec(x).toNearest(rules.tickSize);
    const price = Number(mark.markPrice);
    const now = new Date(runtime.trading.feed.clock.now());
    const [r] = await repos.signals.insertBatch(
      [
        {
          symbol: SYMBOL,
          direction: 'LONG',
          combinedConfidence: 80,
          entryType: 'MARKET',
          entry: onTick(price),
          stopLoss: onTick(price * 0.99),
          takeProfit: onTick(price * 1.02),
          analyst: 'rule',
          expiresAt: new Date(now.getTime() + 3_600_000),
        },
      ],
      { now, windowMs: 0 },
    );
    if (!r?.inserted) throw new Error('the test signal was not stored');
    return r.signal;
  }

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nt-paper-e2e-'));
    const config = loadConfig(
      { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', SCHEDULER: 'false', PAPER_START_BALANCE: '5000' },
      { envFile: join(dataDir, 'none.env') },
    );
    runtime = await createRuntime(config);
    repos = createRepositories(runtime.store.db);
    base = await runtime.listen();
    const email = `paper-${process.pid}@example.com`;
    const password = 'a long enough password';
    const reg = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    userId = ((await reg.json()) as { user: { id: string } }).user.id;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    token = ((await login.json()) as { accessToken: string }).accessToken;
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
  }, 60_000);

  it('reports the engine as the executor', async () => {
    const health = (await (await fetch(`${base}/api/health`)).json()) as { trading: { executor: string } };
    expect(health.trading.executor).toBe('engine');
  });

  it('signals reach only users with auto-trading on', async () => {
    const signal = await marketSignal();
    const results = await runtime.execution.onSignals([signal]);
    expect(results).toEqual([]);
    const open = await api('GET', '/api/positions?status=open');
    expect(open.body.items).toEqual([]);
  });

  it('opens, protects, shows and closes a PAPER position; one signal, one position', async () => {
    const settings = await api('PUT', '/api/settings', {
      autoTrade: true,
      fixedMargin: '100',
      leverage: 5,
      minConfidence: 50,
    });
    expect(settings.status).toBe(200);
    const signal = await marketSignal();

    const [first] = await runtime.execution.onSignals([signal]);
    expect(first).toMatchObject({ userId, signalId: signal.id, status: 'OPEN' });
    // The next scan hands over the same signal again: nothing new is sent.
    const [again] = await runtime.execution.onSignals([signal]);
    expect(again?.status).toBe('DUPLICATE');

    const open = await api('GET', '/api/positions?status=open');
    const positions = open.body.items as Array<Record<string, string>>;
    expect(positions).toHaveLength(1);
    const position = positions[0]!;
    expect(position).toMatchObject({ symbol: SYMBOL, direction: 'LONG', mode: 'PAPER', status: 'OPEN' });
    // margin x leverage = 500 USDT of notional, rounded down to the step size.
    const notional = dec(position.filledQty!).times(dec(position.entryPrice!));
    expect(notional.lte(500)).toBe(true);
    expect(notional.gt(450)).toBe(true);

    // On the simulator: one position and its close-position stop and target, nothing more.
    const sim = runtime.execution.paper.simulator;
    const account = `paper:${userId}`;
    const algos = sim.openAlgoOrders(account, SYMBOL).map((a) => a.orderType);
    expect(algos.sort()).toEqual(['STOP_MARKET', 'TAKE_PROFIT_MARKET']);
    const [risk] = sim.positionRisk(account, SYMBOL);
    expect(risk!.positionAmt.toFixed()).toBe(position.filledQty);

    // The balance comes from the simulator: the wallet paid the entry's fee.
    const me = await api('GET', '/api/me');
    const balance = me.body.balance as { wallet: string; available: string | null; source: string };
    expect(dec(balance.wallet).lt(5000)).toBe(true);
    expect(dec(balance.wallet).gt(4990)).toBe(true);
    // And what is available: the wallet less the open position's margin (the stream reports only
    // the wallet; a PAPER wallet is asked).
    expect(balance.available).not.toBeNull();
    const available = dec(balance.available!);
    const free = dec(balance.wallet).minus(dec(position.margin!));
    expect(available.minus(free).abs().lt(50)).toBe(true);

    // A mode switch would strand the open PAPER position: refused, saying why.
    const keys = await api('PUT', '/api/credentials', {
      apiKey: 'k'.repeat(64),
      apiSecret: 's'.repeat(64),
    });
    expect(keys.status).toBe(200);
    const sw = await api('PUT', '/api/settings', { mode: 'REAL', confirmReal: true });
    expect(sw.status).toBe(409);
    expect((sw.body.error as { message: string }).message).toContain('1 PAPER position(s) are still open');
    expect((await api('GET', '/api/settings')).body.mode).toBe('PAPER');

    const closed = await api('POST', `/api/positions/${position.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.outcome).toBe('CLOSED');
    const after = await api('GET', `/api/positions/${position.id}`);
    const booked = after.body as Record<string, string | null>;
    expect(['CLOSED_WIN', 'CLOSED_LOSS']).toContain(booked.status);
    expect(booked.pnl).not.toBeNull();
    expect(booked.exitPrice).not.toBeNull();
    expect(sim.positionRisk(account, SYMBOL)[0]?.positionAmt.isZero() ?? true).toBe(true);
    expect(sim.openAlgoOrders(account, SYMBOL)).toEqual([]);
  });

  it('panic closes what is open and stops auto-trading', async () => {
    const signal = await marketSignal();
    const [r] = await runtime.execution.onSignals([signal]);
    expect(r?.status).toBe('OPEN');
    const panic = await api('POST', '/api/panic');
    expect(panic.status).toBe(200);
    expect(panic.body.autoTrade).toBe(false);
    const results = panic.body.results as Array<{ symbol: string; outcome: string }>;
    expect(results.map((x) => x.symbol)).toContain(SYMBOL);
    expect((await api('GET', '/api/positions?status=open')).body.items).toEqual([]);
    expect(runtime.execution.paper.simulator.openAlgoOrders(`paper:${userId}`, SYMBOL)).toEqual([]);
  });
});
