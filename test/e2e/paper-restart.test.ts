/**
 * PAPER accounts survive a restart of the product: a PAPER position opened with its stop and
 * target is, after the process stops and a new one starts on the same DATA_DIR, still open in the
 * books, held on the simulator with the same quantity and the same two protective orders, on an
 * unchanged wallet, without reconciliation having anything to correct; it closes by hand and
 * books its PnL. A saved account that is corrupt is reported (log and audit, with the saved state
 * kept) and that user starts again from the start balance, while the product and every other
 * account start normally. Saving itself: bursts are coalesced, a failed write is logged and
 * retried on the next change, and stopping writes whatever is still unsaved.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { dec, type MarketSymbol } from '../../src/domain/index.js';
import { createLogger } from '../../src/logging/index.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import { createSyntheticFeed } from '../../src/market/index.js';
import { createRepositories, openStore, type Repositories, type Store } from '../../src/store/index.js';
import { type PaperExchanges, startPaperExchanges, startPriceWatch } from '../../src/trading/index.js';

const SYMBOL = 'BTCUSDT';
const PASSWORD = 'a long enough password';

describe('PAPER accounts across a restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'nt-paper-restart-'));
  const config = loadConfig(
    { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', SCHEDULER: 'false', PAPER_START_BALANCE: '5000' },
    { envFile: join(dataDir, 'none.env') },
  );
  const logLines: string[] = [];
  let runtime: Runtime | undefined;
  let repos: Repositories;
  let base: string;

  /** A new process on the same DATA_DIR, its log captured. */
  async function start(): Promise<Runtime> {
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => logLines.push(line) },
    });
    runtime = await createRuntime(config, { logger });
    repos = createRepositories(runtime.store.db);
    base = await runtime.listen();
    return runtime;
  }

  async function stop(): Promise<void> {
    await runtime?.stop();
    runtime = undefined;
  }

  const rt = (): Runtime => {
    if (!runtime) throw new Error('the product is not running');
    return runtime;
  };

  async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  }

  async function register(email: string): Promise<string> {
    const reg = await post('/api/auth/register', { email, password: PASSWORD });
    return (reg.user as { id: string }).id;
  }

  async function api(email: string, method: string, path: string, body?: unknown) {
    const { accessToken } = (await post('/api/auth/login', { email, password: PASSWORD })) as {
      accessToken: string;
    };
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  const trader = `restart-${process.pid}@example.com`;
  const other = `restart-other-${process.pid}@example.com`;
  let traderId: string;
  let otherId: string;
  let positionId: string;
  const account = () => `paper:${traderId}`;
  const sim = () => rt().execution.paper.simulator;

  /** What the simulator holds for the trader, as the engine and the dashboard see it. */
  function holdings() {
    const snapshot = sim().exportAccount(account());
    const { exportedAt: _time, ...state } = snapshot;
    return {
      state,
      wallet: sim().accountSummary(account()).walletBalance.toFixed(),
      qty: sim().positionRisk(account(), SYMBOL)[0]?.positionAmt.toFixed(),
      protective: sim()
        .openAlgoOrders(account(), SYMBOL)
        .map((a) => ({
          id: a.algoId,
          clientId: a.clientAlgoId,
          type: a.orderType,
          trigger: a.triggerPrice.toFixed(),
          closePosition: a.closePosition,
        }))
        .sort((a, b) => a.type.localeCompare(b.type)),
    };
  }

  beforeAll(async () => {
    await start();
    traderId = await register(trader);
    otherId = await register(other);
  }, 120_000);

  afterAll(async () => {
    await stop();
  }, 60_000);

  it('opens a PAPER position with its stop and target', async () => {
    const settings = await api(trader, 'PUT', '/api/settings', {
      autoTrade: true,
      fixedMargin: '100',
      leverage: 5,
      minConfidence: 50,
    });
    expect(settings.status).toBe(200);
    const rules = (await rt().trading.feed.universe()).find((r) => r.symbol === SYMBOL)!;
    const price = Number((await rt().trading.feed.markPrice(SYMBOL as MarketSymbol)).markPrice);
    const onTick = (x: number) => dec(x).toNearest(rules.tickSize);
    const now = new Date(rt().trading.feed.clock.now());
    const [stored] = await repos.signals.insertBatch(
      [
        {
          symbol: SYMBOL,
          direction: 'LONG',
          combinedConfidence: 80,
          entryType: 'MARKET',
          entry: onTick(price),
          stopLoss: onTick(price * 0.97),
          takeProfit: onTick(price * 1.06),
          analyst: 'rule',
          expiresAt: new Date(now.getTime() + 3_600_000),
        },
      ],
      { now, windowMs: 0 },
    );
    if (!stored?.inserted) throw new Error('the test signal was not stored');
    const [result] = await rt().execution.onSignals([stored.signal]);
    expect(result).toMatchObject({ userId: traderId, status: 'OPEN' });
    const open = (await api(trader, 'GET', '/api/positions?status=open')).body.items as Array<{ id: string }>;
    expect(open).toHaveLength(1);
    positionId = open[0]!.id;
    expect(holdings().protective.map((p) => p.type)).toEqual(['STOP_MARKET', 'TAKE_PROFIT_MARKET']);

    // Another user's wallet, changed by hand: it must come back too.
    rt().execution.paper.exchangeFor(otherId);
    sim().deposit(`paper:${otherId}`, '1.5');
  });

  it('finds the wallet, the position and its protective orders where they were after a restart', async () => {
    const before = holdings();
    expect(Number(before.qty)).toBeGreaterThan(0);
    await stop();
    await start();

    const open = (await api(trader, 'GET', '/api/positions?status=open')).body.items as Array<
      Record<string, string>
    >;
    expect(open.map((p) => [p.id, p.status])).toEqual([[positionId, 'OPEN']]);
    const after = holdings();
    expect(after.qty).toBe(before.qty);
    expect(after.protective).toEqual(before.protective);
    expect(after.wallet).toBe(before.wallet);
    // Nothing at all moved: reconciliation found the exchange as the books expect it. The next
    // order and algo ids may start from a later minute's base when the restart crosses a minute
    // (ids stay unique across restarts), never from an earlier one.
    const { counters: countersAfter, ...restAfter } = after.state;
    const { counters: countersBefore, ...restBefore } = before.state;
    expect(restAfter).toEqual(restBefore);
    expect(countersAfter.seq).toBe(countersBefore.seq);
    expect(countersAfter.nextAlgoId).toBeGreaterThanOrEqual(countersBefore.nextAlgoId);
    expect(countersAfter.books.map((b) => [b.symbol, b.nextTradeId])).toEqual(
      countersBefore.books.map((b) => [b.symbol, b.nextTradeId]),
    );
    for (const [i, b] of countersAfter.books.entries())
      expect(b.nextOrderId).toBeGreaterThanOrEqual(countersBefore.books[i]!.nextOrderId);
    const audit = await repos.audit.listByUser(traderId);
    expect(audit.filter((e) => e.kind === 'reconciliation')).toEqual([]);
    const me = await api(trader, 'GET', '/api/me');
    expect((me.body.balance as { wallet: string }).wallet).toBe(before.wallet);
    expect(sim().accountSummary(`paper:${otherId}`).walletBalance.toFixed()).toBe('5001.5');
  }, 120_000);

  it('closes the restored position by hand and books its PnL', async () => {
    const walletBefore = dec(holdings().wallet);
    const closed = await api(trader, 'POST', `/api/positions/${positionId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.outcome).toBe('CLOSED');
    const booked = (await api(trader, 'GET', `/api/positions/${positionId}`)).body as Record<
      string,
      string | null
    >;
    expect(['CLOSED_WIN', 'CLOSED_LOSS']).toContain(booked.status);
    expect(booked.pnl).not.toBeNull();
    expect(booked.exitPrice).not.toBeNull();
    const after = holdings();
    expect(after.qty).toBeUndefined();
    expect(after.protective).toEqual([]);
    expect(dec(after.wallet).eq(walletBefore)).toBe(false);
  });

  it('starts a corrupt saved account afresh, says why, and starts everything else normally', async () => {
    await stop();
    // The shutdown wrote the last state: the position is closed in the saved account too.
    const store = await openStore({ dataDir });
    try {
      const saved = createRepositories(store.db).paperAccounts;
      const last = (await saved.load(traderId))!.state as { positions: Array<{ side: string }> };
      expect(last.positions.every((p) => p.side === 'FLAT')).toBe(true);
      expect(((await saved.load(otherId))!.state as { wallet: string }).wallet).toBe('5001.5');
      await saved.save(traderId, { ...last, wallet: 'plenty' });
    } finally {
      await store.close();
    }
    logLines.length = 0;
    await start();

    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    const errors = logLines
      .map((line) => JSON.parse(line) as { level: number; msg: string; userId?: string; err?: string })
      .filter((l) => l.level >= 50);
    const failure = errors.find((l) => l.userId === traderId);
    expect(failure?.msg).toContain('saved PAPER account could not be restored');
    expect(failure?.err).toContain('wallet: expected a plain decimal string');
    const audit = (await repos.audit.listByUser(traderId)).find((e) => e.kind === 'paper.restore_failed');
    expect(audit?.message).toContain('could not be restored');
    expect((audit?.data as { state?: { wallet?: string } } | undefined)?.state?.wallet).toBe('plenty');
    // The trader trades on (auto-trading is on, so the account is attached at start) from the start balance.
    expect(sim().accountSummary(account()).walletBalance.toFixed()).toBe('5000');
    expect(sim().accountSummary(`paper:${otherId}`).walletBalance.toFixed()).toBe('5001.5');
  }, 120_000);
});

describe('PAPER account saving', () => {
  let store: Store;
  let repos: Repositories;
  let userId: string;
  const logLines: Array<{ level: number; msg: string; userId?: string }> = [];
  const logger = createLogger({
    level: 'info',
    destination: { write: (line: string) => logLines.push(JSON.parse(line) as (typeof logLines)[number]) },
  });
  const feed = createSyntheticFeed({ seed: 7, symbols: 2, pace: { speed: 1 } });
  let writes = 0;

  beforeAll(async () => {
    store = await openStore({ memory: true });
    await store.migrate();
    const real = createRepositories(store.db);
    // The real repository, with its writes counted.
    repos = {
      ...real,
      paperAccounts: {
        ...real.paperAccounts,
        save: (id, state) => {
          writes++;
          return real.paperAccounts.save(id, state);
        },
      },
    };
    userId = (await real.users.create({ email: 'saver@example.com', passwordHash: 'x' })).id;
  }, 60_000);

  afterAll(async () => {
    await store?.close();
    await feed.close();
  });

  async function startPaper(): Promise<{ paper: PaperExchanges; stop: () => Promise<void> }> {
    const prices = await startPriceWatch({ feed, logger });
    const paper = await startPaperExchanges({
      feed,
      prices,
      clock: feed.clock,
      startBalance: 1000,
      repos,
      logger,
    });
    return {
      paper,
      stop: async () => {
        await paper.stop();
        await prices.stop();
      },
    };
  }

  const savedWallet = async () =>
    ((await repos.paperAccounts.load(userId))?.state as { wallet?: string } | undefined)?.wallet;
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const account = () => `paper:${userId}`;

  /** Poll until `check` holds (writes are asynchronous and timed), or fail saying what was awaited. */
  async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await settle(20);
    }
  }
  const failures = () => logLines.filter((l) => l.userId === userId && l.level >= 50);

  it('coalesces a burst of changes into one write, and writes the last state on stop', async () => {
    const { paper, stop } = await startPaper();
    paper.exchangeFor(userId);
    await until('the new wallet to be saved', async () => (await savedWallet()) === '1000');
    writes = 0;
    for (let i = 0; i < 40; i++) paper.simulator.deposit(account(), 1);
    await until('the burst to be saved', async () => (await savedWallet()) === '1040');
    // Forty changes in one burst, one write.
    expect(writes).toBe(1);
    paper.simulator.deposit(account(), '0.5');
    await stop();
    expect(await savedWallet()).toBe('1040.5');
  });

  it('restores the saved wallet, logs a failed write, retries it on the next change and at stop', async () => {
    const { paper, stop } = await startPaper();
    expect(paper.simulator.accountSummary(account()).walletBalance.toFixed()).toBe('1040.5');
    await store.db.execute('alter table paper_accounts rename to paper_accounts_away');
    paper.simulator.deposit(account(), 2);
    await until('a failed write to be logged', () => failures().length === 1);
    expect(failures()[0]!.msg).toContain('saving the PAPER account failed');
    await store.db.execute('alter table paper_accounts_away rename to paper_accounts');
    // Nothing retries on a timer; the next change does.
    await settle(300);
    expect(await savedWallet()).toBe('1040.5');
    paper.simulator.deposit(account(), 3);
    await until('the retry to be saved', async () => (await savedWallet()) === '1045.5');
    await until('the recovery to be logged', () =>
      logLines.some((l) => l.userId === userId && l.msg === 'PAPER account saved again'),
    );

    // A write that fails just before the shutdown is written by the shutdown.
    await store.db.execute('alter table paper_accounts rename to paper_accounts_away');
    paper.simulator.deposit(account(), 4);
    await until('a second failed write', () => failures().length === 2);
    await store.db.execute('alter table paper_accounts_away rename to paper_accounts');
    await stop();
    expect(await savedWallet()).toBe('1049.5');
  });
});
