/**
 * Scale-out on PostgreSQL: two `neurotrade worker` processes share the accounts of REAL users
 * trading on the Binance-compatible simulator server (its own state, outside both workers, so the
 * exchange can be checked after a worker dies). Each signal is dispatched the way a scan does it
 * (one job per user in the user's partition queue), twice, as a retried scan would.
 *
 * Checked in the database and on the exchange: both workers lease a share; every (user, signal)
 * has exactly one position, one entry order and one executed entry, protected. Then one worker is
 * killed (SIGKILL) in the middle of a fan-out: the other leases its partitions, reconciles its
 * accounts, puts its unfinished jobs back and finishes them. Accounts the victim had not started
 * are executed by the survivor; an entry the victim had written ahead is settled against the
 * exchange (filled -> OPEN and protected; never reached it -> CANCELLED, and never sent again);
 * nothing executes twice.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec, deriveClientOrderId, systemClock } from '../../src/domain/index.js';
import { Simulator, simSymbol } from '../../src/exchange/index.js';
import { SimExchangeServer } from '../../src/exchange/server/index.js';
import {
  dispatchSignals,
  LEASE_NAMESPACE,
  openJobQueue,
  PARTITIONS,
  partitionOf,
} from '../../src/jobs/index.js';
import { silentLogger } from '../../src/logging/index.js';
import { encryptSecret } from '../../src/security/index.js';
import {
  createRepositories,
  openStore,
  type Repositories,
  type Store,
  type StoredSignal,
} from '../../src/store/index.js';
import { spawnCli } from '../support/process.js';
import { createTempDatabase, TEST_DATABASE_URL } from '../support/stores.js';

const USERS = 12;
// Symbols the workers' synthetic market does not list: sizing then prices from the signal, and
// the simulator server alone says where the market is.
const SYMBOLS = ['NTAUSDT', 'NTBUSDT', 'NTCUSDT'] as const;
const PRICE = 100;

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!TEST_DATABASE_URL)('scale-out: two workers on PostgreSQL', () => {
  let drop: () => Promise<void>;
  let url: string;
  let store: Store;
  let repos: Repositories;
  let admin: pg.Client;
  let server: SimExchangeServer;
  let sim: Simulator;
  const credentialsKey = randomBytes(32);
  const users: Array<{ id: string; apiKey: string }> = [];
  const workers: Array<ReturnType<typeof spawnCli>> = [];

  const spawnWorker = () => {
    const proc = spawnCli(['worker', '--concurrency', '2'], {
      DATABASE_URL: url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'nt-worker-')),
      CREDENTIALS_KEY: credentialsKey.toString('hex'),
      JWT_SECRET: randomBytes(48).toString('base64url'),
      BINANCE_BASE_URL: server.url,
      SCHEDULER: 'false',
      SYNTHETIC_SYMBOLS: '3',
      LOG_LEVEL: 'info',
    });
    workers.push(proc);
    return proc;
  };

  /** Partitions leased per worker connection (application_name carries the worker id). */
  async function leasesByWorker(): Promise<Map<string, number[]>> {
    const { rows } = await admin.query<{ app: string; partition: number }>(
      `select a.application_name as app, l.objid::int as partition
         from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.classid = $1::bigint::oid and l.objsubid = 2
          and a.datname = current_database()`,
      [LEASE_NAMESPACE],
    );
    const map = new Map<string, number[]>();
    for (const r of rows) map.set(r.app, [...(map.get(r.app) ?? []), r.partition]);
    return map;
  }

  async function signalOn(symbol: string): Promise<StoredSignal> {
    const now = new Date();
    const [r] = await repos.signals.insertBatch(
      [
        {
          symbol,
          direction: 'LONG',
          combinedConfidence: 80,
          entryType: 'MARKET',
          entry: dec(PRICE),
          stopLoss: dec(PRICE * 0.95),
          takeProfit: dec(PRICE * 1.1),
          analyst: 'rule',
          expiresAt: new Date(now.getTime() + 3_600_000),
        },
      ],
      { now, windowMs: 0 },
    );
    if (!r?.inserted) throw new Error('signal not stored');
    return r.signal;
  }

  /** Users whose position for the signal is OPEN and protected. */
  async function protectedUsers(signalId: string): Promise<Set<string>> {
    const { rows } = await admin.query<{ user_id: string }>(
      `select user_id from positions where signal_id = $1 and status = 'OPEN' and unprotected_since is null`,
      [signalId],
    );
    return new Set(rows.map((r) => r.user_id));
  }

  /**
   * Per user, in the books and on the exchange: one position, one entry order (its id derived from
   * user and signal), at most one entry executed, and the exchange's position equal to the books'.
   * `filled: true` also demands that every user's entry filled and is protected.
   */
  async function expectAtMostOnce(signal: StoredSignal, options: { filled?: boolean } = {}): Promise<void> {
    for (const user of users) {
      const entryId = deriveClientOrderId(user.id, signal.id, 'entry');
      const positions = await admin.query<{ filled_qty: string; status: string }>(
        `select filled_qty::text, status from positions where user_id = $1 and symbol = $2`,
        [user.id, signal.symbol],
      );
      expect(positions.rows, `positions of ${user.id} in ${signal.symbol}`).toHaveLength(1);
      const position = positions.rows[0]!;
      const entries = await admin.query<{ client_order_id: string }>(
        `select client_order_id from orders where user_id = $1 and leg = 'entry' and symbol = $2`,
        [user.id, signal.symbol],
      );
      expect(entries.rows.map((r) => r.client_order_id)).toEqual([entryId]);
      const onExchange = sim.allOrders(user.apiKey, signal.symbol);
      const buys = onExchange.filter((o) => o.side === 'BUY' && o.type === 'MARKET' && !o.reduceOnly);
      expect(buys.length, `entries of ${user.id} on the exchange`).toBeLessThanOrEqual(1);
      expect(buys.every((o) => o.clientOrderId === entryId)).toBe(true);
      const [risk] = sim.positionRisk(user.apiKey, signal.symbol);
      expect(risk?.positionAmt.toFixed() ?? '0').toBe(dec(position.filled_qty).toFixed());
      if (position.status === 'OPEN') {
        expect(buys).toHaveLength(1);
        expect(
          sim.openAlgoOrders(user.apiKey, signal.symbol).some((a) => a.orderType === 'STOP_MARKET'),
        ).toBe(true);
      } else {
        expect(position.status).toBe('CANCELLED');
        expect(buys).toHaveLength(0);
      }
      if (options.filled) expect(position.status).toBe('OPEN');
    }
  }

  beforeAll(async () => {
    const temp = await createTempDatabase(TEST_DATABASE_URL!);
    drop = temp.drop;
    url = temp.url;
    store = await openStore({ databaseUrl: url });
    await store.migrate();
    repos = createRepositories(store.db);
    admin = new pg.Client({ connectionString: url });
    await admin.connect();

    sim = new Simulator({
      clock: systemClock,
      symbols: SYMBOLS.map((symbol) =>
        simSymbol({ symbol, tickSize: '0.01', stepSize: '0.001', minNotional: 5 }),
      ),
    });
    server = new SimExchangeServer({ simulator: sim });
    await server.start();
    for (const symbol of SYMBOLS) server.setPrice(symbol, { last: PRICE, time: Date.now() });

    for (let i = 0; i < USERS; i++) {
      const user = await repos.users.create({ email: `scale-${i}@example.com`, passwordHash: 'x' });
      const apiKey = `scale-key-${i}`;
      const secret = `scale-secret-${i}`;
      server.addAccount({ apiKey, secret, deposit: 10_000 });
      await repos.credentials.upsert({
        userId: user.id,
        apiKeyEncrypted: encryptSecret(apiKey, credentialsKey, user.id),
        apiSecretEncrypted: encryptSecret(secret, credentialsKey, user.id),
        apiKeyHint: apiKey.slice(-4),
      });
      await repos.users.updateSettings(user.id, {
        mode: 'REAL',
        fixedMargin: dec(50),
        leverage: 5,
        autoTrade: true,
        minConfidence: 50,
      });
      users.push({ id: user.id, apiKey });
    }
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) {
      if (w.child.exitCode === null && w.child.signalCode === null) {
        w.child.kill('SIGTERM');
        await Promise.race([w.exited, new Promise((r) => setTimeout(r, 20_000))]);
        if (w.child.exitCode === null) w.child.kill('SIGKILL');
      }
    }
    await admin?.end();
    await store?.close();
    await server?.close();
    await drop?.();
  }, 60_000);

  it('two workers share the partitions; each user executes each signal exactly once', async () => {
    const a = spawnWorker();
    const b = spawnWorker();
    // Both lease a share (the first one up hands surplus partitions over when the second arrives).
    const shares = await waitFor(
      'both workers to lease a share of the partitions',
      async () => {
        const map = await leasesByWorker();
        const counts = [...map.values()].map((p) => p.length);
        return map.size === 2 &&
          counts.every((n) => n >= PARTITIONS / 4) &&
          counts.reduce((x, y) => x + y) === PARTITIONS
          ? map
          : undefined;
      },
      120_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nworker A:\n${a.output()}\nworker B:\n${b.output()}`);
    });
    const ownerOf = (userId: string) =>
      [...shares.entries()].find(([, parts]) => parts.includes(partitionOf(userId)))?.[0];
    expect(new Set(users.map((u) => ownerOf(u.id))).size).toBe(2);

    const queue = await openJobQueue({ databaseUrl: url, logger: silentLogger });
    try {
      for (const symbol of SYMBOLS.slice(0, 2)) {
        const signal = await signalOn(symbol);
        expect(await dispatchSignals(queue, repos, [signal])).toBe(USERS);
        // The scan hands the same signal over again (a retried scan job): nothing new may leave.
        await dispatchSignals(queue, repos, [signal]);
        await waitFor('every user protected', async () => (await protectedUsers(signal.id)).size === USERS);
        await expectAtMostOnce(signal, { filled: true });
      }
    } finally {
      await queue.close();
    }
  }, 240_000);

  it("a killed worker's accounts and jobs are taken over and finished by the other, never twice", async () => {
    const [a, b] = workers as [ReturnType<typeof spawnCli>, ReturnType<typeof spawnCli>];
    const before = await leasesByWorker();
    const usersOf = (app: string) => users.filter((u) => before.get(app)!.includes(partitionOf(u.id)));
    // The worker with more accounts dies: it leaves the most work behind.
    const [victimApp] = [...before.keys()].sort((x, y) => usersOf(y).length - usersOf(x).length);
    const victim = a.output().includes(victimApp!.split(':')[1]!) ? a : b;
    const survivor = victim === a ? b : a;
    const victimUsers = usersOf(victimApp!);

    // Slow the exchange down so the kill lands in the middle of the victim's share of the fan-out.
    const latency = server.faults.arm({
      kind: 'latency',
      ms: 700,
      method: 'POST',
      path: '/fapi/v1/order',
      times: 0,
    });
    const queue = await openJobQueue({ databaseUrl: url, logger: silentLogger });
    try {
      const signal = await signalOn(SYMBOLS[2]);
      await dispatchSignals(queue, repos, [signal]);
      await waitFor('the victim to start its first entry', async () => {
        const { rowCount } = await admin.query(
          `select 1 from orders where leg = 'entry' and symbol = $1 and user_id = any($2::uuid[])`,
          [signal.symbol, victimUsers.map((u) => u.id)],
        );
        return (rowCount ?? 0) > 0;
      });
      victim.child.kill('SIGKILL');
      await victim.exited;
      // What the victim had begun (an entry written ahead) when it died; the rest were still queued.
      const begun = new Set(
        (
          await admin.query<{ user_id: string }>(
            `select user_id from orders where leg = 'entry' and symbol = $1`,
            [signal.symbol],
          )
        ).rows.map((r) => r.user_id),
      );
      const queuedAtKill = victimUsers.filter((u) => !begun.has(u.id));
      expect(queuedAtKill.length, 'the victim died with accounts it had not started').toBeGreaterThan(0);
      server.faults.disarm(latency.id);

      await waitFor(
        'the survivor to lease every partition',
        async () => {
          const map = await leasesByWorker();
          return map.size === 1 && [...map.values()][0]!.length === PARTITIONS;
        },
        60_000,
      );
      // Every job of the fan-out ends completed: none is lost with the victim.
      await waitFor(
        'every execution job completed and every position settled',
        async () => {
          const jobs = await admin.query<{ state: string; n: number }>(
            `select state, count(*)::int as n from pgboss.job where name like 'neurotrade-accounts-%'
              and data->>'kind' = 'execute' and data->'signalIds' ? $1 group by state`,
            [signal.id],
          );
          const unsettled = await admin.query(
            `select 1 from positions where signal_id = $1
               and not ((status = 'OPEN' and unprotected_since is null) or status = 'CANCELLED')`,
            [signal.id],
          );
          return (
            jobs.rows.length === 1 &&
            jobs.rows[0]!.state === 'completed' &&
            jobs.rows[0]!.n === USERS &&
            unsettled.rowCount === 0
          );
        },
        90_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\nsurvivor:\n${survivor.output().slice(-6000)}`);
      });

      // The victim's queued accounts were executed by the survivor, and so was everyone not begun.
      const done = await protectedUsers(signal.id);
      for (const user of users.filter((u) => !begun.has(u.id))) expect(done.has(user.id)).toBe(true);
      // Begun entries were settled by the survivor's reconciliation against the exchange: filled
      // ones are OPEN and protected; ones that never reached the exchange are CANCELLED and, by
      // design, never sent again. Nothing ran twice.
      await expectAtMostOnce(signal);
    } finally {
      await queue.close();
    }
  }, 240_000);
});

describe('neurotrade worker', () => {
  it('refuses to run on the embedded store, saying why (exit code 2)', async () => {
    const proc = spawnCli(['worker'], { DATA_DIR: mkdtempSync(join(tmpdir(), 'nt-worker-embedded-')) });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toContain('worker needs DATABASE_URL (PostgreSQL)');
  });

  it('refuses a bad --concurrency (exit code 2)', async () => {
    const proc = spawnCli(['worker', '--concurrency', '0'], {
      DATA_DIR: mkdtempSync(join(tmpdir(), 'nt-w-')),
    });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toContain('--concurrency must be a whole number from 1 to 1024 (got "0")');
  });
});
