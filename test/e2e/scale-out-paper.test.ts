/**
 * Scale-out with PAPER accounts, two runtimes (two workers, each with its own lease session and its
 * own in-process simulator) on one PostgreSQL:
 * - a PAPER account is traded by the worker that leased its partition; the other worker gets the
 *   PAPER-free partitions handed over when it arrives, and its API routes a close to the owner and
 *   shows the PAPER wallet from the owner's last save;
 * - a graceful stop saves the wallet before releasing the lease, and the worker that takes the
 *   account over restores it (position, stop, wallet) before it reconciles, so the open position
 *   stays open in the books and on the new owner's simulator.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { dec, type MarketSymbol } from '../../src/domain/index.js';
import {
  dispatchSignals,
  type JobQueue,
  openJobQueue,
  PARTITIONS,
  partitionOf,
} from '../../src/jobs/index.js';
import { createLogger, silentLogger } from '../../src/logging/index.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import {
  createRepositories,
  openStore,
  type Repositories,
  type Store,
  type StoredSignal,
} from '../../src/store/index.js';
import { createTempDatabase, TEST_DATABASE_URL } from '../support/stores.js';

const SYMBOL = 'BTCUSDT';

async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!TEST_DATABASE_URL)('scale-out with PAPER accounts', () => {
  let drop: () => Promise<void>;
  let config: ReturnType<typeof loadConfig>;
  let first: Runtime;
  let second: Runtime | undefined;
  let store: Store;
  let repos: Repositories;
  let queue: JobQueue;
  let userId: string;
  const email = 'paper-scale@example.com';
  const password = 'a long enough password';

  const start = () =>
    createRuntime(config, {
      logger: createLogger({ level: 'warn' }),
      worker: { settleMs: 0, balanceEveryMs: 300, pollEveryMs: 200 },
      onFatal: (err) => {
        throw err;
      },
    });

  async function marketSignal(runtime: Runtime): Promise<StoredSignal> {
    const rules = (await runtime.trading.feed.universe()).find((r) => r.symbol === SYMBOL)!;
    const price = Number((await runtime.trading.feed.markPrice(SYMBOL as MarketSymbol)).markPrice);
    const onTick = (x: number) => dec(x).toNearest(rules.tickSize);
    const now = new Date();
    const [r] = await repos.signals.insertBatch(
      [
        {
          symbol: SYMBOL,
          direction: 'LONG',
          combinedConfidence: 80,
          entryType: 'MARKET',
          entry: onTick(price),
          // Wide: the two workers' synthetic markets need not agree to the tick.
          stopLoss: onTick(price * 0.9),
          takeProfit: onTick(price * 1.2),
          analyst: 'rule',
          expiresAt: new Date(now.getTime() + 3_600_000),
        },
      ],
      { now, windowMs: 0 },
    );
    if (!r?.inserted) throw new Error('signal not stored');
    return r.signal;
  }

  const openPosition = async (signalId: string) =>
    (await repos.positions.listLive(userId)).find(
      (p) => p.signalId === signalId && p.status === 'OPEN' && p.unprotectedSince === null,
    );

  beforeAll(async () => {
    const temp = await createTempDatabase(TEST_DATABASE_URL!);
    drop = temp.drop;
    const dataDir = mkdtempSync(join(tmpdir(), 'nt-scale-paper-'));
    config = loadConfig(
      {
        DATA_DIR: dataDir,
        DATABASE_URL: temp.url,
        PORT: '0',
        LOG_LEVEL: 'warn',
        SCHEDULER: 'false',
        PAPER_START_BALANCE: '5000',
      },
      { envFile: join(dataDir, 'none.env') },
    );
    first = await start();
    store = await openStore({ databaseUrl: temp.url });
    repos = createRepositories(store.db);
    queue = await openJobQueue({ databaseUrl: temp.url, logger: silentLogger });
    const base = await first.listen();
    const reg = await fetch(`${base}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    userId = ((await reg.json()) as { user: { id: string } }).user.id;
    await repos.users.updateSettings(userId, {
      autoTrade: true,
      fixedMargin: dec(100),
      leverage: 5,
      minConfidence: 50,
    });
    await waitFor(
      'the first worker to lease everything',
      () => first.worker?.status().partitions.length === PARTITIONS,
    );
  }, 120_000);

  afterAll(async () => {
    await queue?.close();
    await second?.stop();
    await first?.stop();
    await store?.close();
    await drop?.();
  }, 60_000);

  it('the PAPER account stays with its worker; the other one routes a close to it', async () => {
    const signal = await marketSignal(first);
    await dispatchSignals(queue, repos, [signal]);
    await waitFor('the position to open', async () => (await openPosition(signal.id)) !== undefined);
    const position = (await openPosition(signal.id))!;

    second = await start();
    const base = await second.listen();
    // The newcomer gets the PAPER-free partitions; the account's partition stays where its wallet is.
    await waitFor(
      'the partitions to be shared',
      () => (second?.worker?.status().partitions.length ?? 0) >= PARTITIONS / 2 - 1,
      30_000,
    );
    expect(first.worker?.status().partitions).toContain(partitionOf(userId));
    expect(second.worker?.status().partitions).not.toContain(partitionOf(userId));
    // Operators see the same split on /api/health.
    const health = (await (await fetch(`${base}/api/health`)).json()) as {
      status: string;
      trading: { scaleOut: { partitions: number[]; partitionsTotal: number; leaseLost: boolean } };
    };
    expect(health.status).toBe('ok');
    expect(health.trading.scaleOut.partitions.length).toBeGreaterThanOrEqual(PARTITIONS / 2 - 1);
    expect(health.trading.scaleOut.partitions).not.toContain(partitionOf(userId));
    expect(health.trading.scaleOut).toMatchObject({ partitionsTotal: PARTITIONS, leaseLost: false });

    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const api = async (method: string, path: string) => {
      const res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    // Another worker trades the account: the wallet is read from its last save.
    await waitFor(
      'the wallet to be saved',
      async () => (await repos.paperAccounts.load(userId)) !== undefined,
    );
    const me = await api('GET', '/api/me');
    expect((me.body.balance as { source: string }).source).toBe('paper-snapshot');
    const savedWallet = ((await repos.paperAccounts.load(userId))!.state as { wallet: string }).wallet;
    expect(Number((me.body.balance as { wallet: string }).wallet)).toBe(Number(savedWallet));

    // The owner's live events reach this process's bus (and so its dashboard streams).
    const relayed: string[] = [];
    const unsubscribe = second.events.subscribe(userId, (d) => {
      if (d.event.type === 'position') relayed.push(JSON.stringify(d.event.data));
    });
    const closed = await api('POST', `/api/positions/${position.id}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.outcome).toBe('CLOSED');
    expect(['CLOSED_WIN', 'CLOSED_LOSS']).toContain((await repos.positions.findById(position.id))?.status);
    const sim = first.execution.paper.simulator;
    expect(sim.positionRisk(`paper:${userId}`, SYMBOL)[0]?.positionAmt.isZero() ?? true).toBe(true);
    await waitFor('the close to be relayed', () =>
      relayed.some((d) => d.includes(position.id) && d.includes('CLOSED_')),
    );
    unsubscribe();
    // Nothing of this account was ever opened in the second worker's simulator.
    expect(second.execution.paper.simulator.hasAccount(`paper:${userId}`)).toBe(false);
  }, 120_000);

  it('a graceful stop hands the PAPER wallet and its open position over intact', async () => {
    const signal = await marketSignal(first);
    await dispatchSignals(queue, repos, [signal]);
    await waitFor('the position to open', async () => (await openPosition(signal.id)) !== undefined);
    const position = (await openPosition(signal.id))!;
    await first.execution.engine.idle();

    await first.stop();
    const saved = (await repos.paperAccounts.load(userId))!.state as { wallet: string };
    const next = second!;
    await waitFor('the second worker to take the account over', () =>
      next.execution.engine.isReconciled(userId),
    );
    const sim = next.execution.paper.simulator;
    const [risk] = sim.positionRisk(`paper:${userId}`, SYMBOL);
    expect(risk?.positionAmt.toFixed()).toBe(position.filledQty.toFixed());
    expect(sim.openAlgoOrders(`paper:${userId}`, SYMBOL).map((a) => a.orderType)).toContain('STOP_MARKET');
    expect(sim.accountSummary(`paper:${userId}`).walletBalance.toFixed()).toBe(dec(saved.wallet).toFixed());
    // Reconciled against the restored wallet: still OPEN in the books, not booked as vanished.
    await next.execution.engine.idle();
    expect((await repos.positions.findById(position.id))?.status).toBe('OPEN');
  }, 120_000);
});
