/**
 * Scan fan-out (issue 8): one scan's signal handed to the execution of 1,000 auto-trading PAPER
 * users (fixed margin 100 USDT, leverage 5), measured from the hand-over to every user's position
 * OPEN and protected (its stop accepted by the simulator). Target: under 2 s.
 *
 * The running product as `neurotrade start` builds it (createRuntime, synthetic market, no
 * scheduler, no HTTP). Embedded PGlite: the in-process fan-out (runtime.execution.onSignals).
 * PostgreSQL: the same in-process fan-out, and the scale-out path (one pg-boss job per user,
 * worked by the runtime's own worker, which leases every partition when alone). Every account is
 * attached and reconciled before the runs (the start does it for auto-trading users); that start
 * is reported beside the figures. Each run trades a symbol nobody holds yet, so every user opens
 * a position each time. Medians of RUNS runs after one warm-up. Beside the timings: the database
 * round trips per execution, by repository method (a counting wrapper the bench puts around the
 * runtime's repositories) and in all (statements the driver sent), from the in-process runs:
 * unlike the timings, they do not depend on the machine's load. PostgreSQL needs
 * TEST_DATABASE_URL (a scratch database is created and dropped). FANOUT_USERS / FANOUT_RUNS
 * override the defaults; FANOUT_STORES=postgres (or pglite) measures one store, FANOUT_PATHS=in-process
 * (or jobs) one of PostgreSQL's paths. FANOUT_PROFILE=DIR writes a CPU profile (V8's .cpuprofile)
 * of each path's measured runs alone (not the seeding, the start or the warm-up) to DIR.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { createArgon2Hasher } from '../../src/auth/index.js';
import { loadConfig } from '../../src/config/index.js';
import { dec, type MarketSymbol } from '../../src/domain/index.js';
import { dispatchSignals, openJobQueue } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logging/index.js';
import { createRuntime, type Runtime } from '../../src/main.js';
import { createRepositories, queryRows, type StoredSignal } from '../../src/store/index.js';
import { createTempDatabase, TEST_DATABASE_URL } from '../../test/support/stores.js';
import { fmt, median, table } from '../stats.js';
import { postgresBackendsCpuMs } from '../support/cpu.js';

const USERS = Number(process.env.FANOUT_USERS ?? 1_000);
const RUNS = Number(process.env.FANOUT_RUNS ?? 3);
const TARGET_MS = 2_000;

interface PathResult {
  label: string;
  /** Per execution, from the measured runs: repository calls by method, and driver statements. */
  calls: Map<string, number>;
  statements: number;
  runs: number[];
  openPerRun: number[];
  statuses: Record<string, number>;
  /** CPU (ms) per execution, per measured run: this process (the runtime), PostgreSQL's backends. */
  nodeCpu: number[];
  pgCpu: number[];
  /** Start until every account is attached and reconciled. */
  readyMs: number;
}

type Path = 'in-process' | 'jobs';

/**
 * Counts, without changing behaviour: every repository method of the runtime's shared
 * repositories (the engine's, the fan-out's, the PAPER saver's) and every statement the driver
 * sends (a method may send more than one). Bench-only: nothing in src knows it is there.
 */
function countRoundTrips(runtime: Runtime) {
  const calls = new Map<string, number>();
  let statements = 0;
  const repos = runtime.execution.engine.context.repos as unknown as Record<string, Record<string, unknown>>;
  for (const [name, repo] of Object.entries(repos)) {
    for (const [method, fn] of Object.entries(repo)) {
      if (typeof fn !== 'function') continue;
      const key = `${name}.${method}`;
      repo[method] = (...args: unknown[]) => {
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return (fn as (...a: unknown[]) => unknown).apply(repo, args);
      };
    }
  }
  const client = (runtime.store.db as unknown as { $client: { query: (...a: unknown[]) => unknown } })
    .$client;
  const query = client.query.bind(client);
  client.query = (...args: unknown[]) => {
    statements++;
    return query(...args);
  };
  return {
    reset(): void {
      calls.clear();
      statements = 0;
    },
    snapshot: () => ({ calls: new Map(calls), statements }),
  };
}

/** 1,000 users straight into the table: the argon2 hash is computed once, it is not what we measure. */
async function seedUsers(runtime: Runtime): Promise<void> {
  const hash = await createArgon2Hasher().hash('bench password 1');
  await runtime.store.db.execute(
    sql`insert into users (email, password_hash, fixed_margin, leverage, auto_trade, min_confidence)
        select 'fanout-' || i || '@example.com', ${hash}, 100, 5, true, 50 from generate_series(1, ${USERS}) i`,
  );
}

/** A LONG MARKET signal on `symbol` at its current mark: stop 2 % below, target 4 % above. */
async function signalOn(runtime: Runtime, symbol: string): Promise<StoredSignal> {
  const repos = createRepositories(runtime.store.db);
  const rules = (await runtime.trading.feed.universe()).find((r) => r.symbol === symbol)!;
  const mark = Number((await runtime.trading.feed.markPrice(symbol as MarketSymbol)).markPrice);
  const onTick = (x: number) => dec(x).toNearest(rules.tickSize);
  const now = new Date(runtime.trading.feed.clock.now());
  const [r] = await repos.signals.insertBatch(
    [
      {
        symbol,
        direction: 'LONG',
        combinedConfidence: 80,
        entryType: 'MARKET',
        entry: onTick(mark),
        stopLoss: onTick(mark * 0.98),
        takeProfit: onTick(mark * 1.04),
        analyst: 'rule',
        expiresAt: new Date(now.getTime() + 3_600_000),
      },
    ],
    { now, windowMs: 0 },
  );
  if (!r?.inserted) throw new Error(`the bench signal on ${symbol} was not stored`);
  return r.signal;
}

/** Positions of the signal that are OPEN and protected (the engine clears unprotected_since once a stop is accepted). */
async function protectedCount(runtime: Runtime, signalId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    runtime.store.db,
    sql`select count(*)::int as n from positions
        where signal_id = ${signalId} and status = 'OPEN' and unprotected_since is null`,
  );
  return row?.n ?? 0;
}

/** Every account attached (and so reconciled) in this process. */
async function allAttached(runtime: Runtime): Promise<void> {
  const deadline = performance.now() + 600_000;
  while (runtime.execution.fanOut.attachedUsers().length < USERS) {
    if (performance.now() > deadline) throw new Error('the accounts were not all attached in 10 minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One store: a runtime over USERS auto-trading accounts, then RUNS measured fan-outs (after a
 * warm-up) per path. `in-process`: runtime.execution.onSignals (what a scan does on the embedded
 * store). `jobs`: one job per user through pg-boss, worked by this runtime's worker (what a scan
 * does on PostgreSQL).
 */
async function measure(store: string, databaseUrl: string | undefined, paths: Path[]): Promise<PathResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'nt-bench-fanout-'));
  const config = loadConfig(
    {
      DATA_DIR: dataDir,
      PORT: '0',
      LOG_LEVEL: 'silent',
      SCHEDULER: 'false',
      SYNTHETIC_SYMBOLS: String(paths.length * (RUNS + 1) + 2),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    { envFile: join(dataDir, 'none.env') },
  );
  const logger = createLogger({ level: 'silent' });
  const database = databaseUrl ? new URL(databaseUrl).pathname.slice(1) : undefined;
  // Seed before the runtime starts, so the start attaches (and reconciles) every account.
  {
    const seedRuntime = await createRuntime(config, { logger });
    await seedUsers(seedRuntime);
    await seedRuntime.stop();
  }
  const t0 = performance.now();
  const runtime = await createRuntime(config, { logger });
  await allAttached(runtime);
  const readyMs = performance.now() - t0;
  const counter = countRoundTrips(runtime);
  const queue = databaseUrl ? await openJobQueue({ databaseUrl, logger }) : undefined;
  const repos = createRepositories(runtime.store.db);
  const results: PathResult[] = [];
  try {
    const symbols = (await runtime.trading.feed.universe()).map((r) => r.symbol).slice(1);
    for (const path of paths) {
      const result: PathResult = {
        label: `${store}, ${path}`,
        calls: new Map(),
        statements: 0,
        runs: [],
        openPerRun: [],
        statuses: {},
        nodeCpu: [],
        pgCpu: [],
        readyMs,
      };
      const profiler = process.env.FANOUT_PROFILE ? new Session() : undefined;
      profiler?.connect();
      await profiler?.post('Profiler.enable');
      for (let i = 0; i <= RUNS; i++) {
        const signal = await signalOn(runtime, symbols.shift()!);
        // Whatever the previous run left (stream echoes, PAPER saves) settles outside the count.
        await runtime.execution.engine.idle();
        await new Promise((r) => setTimeout(r, 300));
        counter.reset();
        if (i === 1) await profiler?.post('Profiler.start');
        const cpu0 = process.cpuUsage();
        const pg0 = database ? postgresBackendsCpuMs(database) : Number.NaN;
        const started = performance.now();
        if (path === 'in-process') {
          for (const o of await runtime.execution.onSignals([signal]))
            result.statuses[o.status] = (result.statuses[o.status] ?? 0) + 1;
        } else {
          await dispatchSignals(queue!, repos, [signal]);
        }
        // Poll until every position is open and protected (in-process: onSignals already waited).
        let open = await protectedCount(runtime, signal.id);
        const deadline = started + 120_000;
        while (open < USERS && performance.now() < deadline) {
          await new Promise((r) => setTimeout(r, 5));
          open = await protectedCount(runtime, signal.id);
        }
        const ms = performance.now() - started;
        if (i === 0) continue; // warm-up
        // The stream's echoes and the PAPER saves still under way belong to this run.
        await runtime.execution.engine.idle();
        await new Promise((r) => setTimeout(r, 300));
        const cpu = process.cpuUsage(cpu0);
        result.nodeCpu.push((cpu.user + cpu.system) / 1000 / USERS);
        result.pgCpu.push(database ? (postgresBackendsCpuMs(database) - pg0) / USERS : Number.NaN);
        const counted = counter.snapshot();
        for (const [k, n] of counted.calls)
          result.calls.set(k, (result.calls.get(k) ?? 0) + n / USERS / RUNS);
        result.statements += counted.statements / USERS / RUNS;
        result.runs.push(ms);
        result.openPerRun.push(open);
      }
      if (profiler) {
        const { profile } = await profiler.post('Profiler.stop');
        const dir = process.env.FANOUT_PROFILE!;
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `fanout-${store}-${path}.cpuprofile`), JSON.stringify(profile));
        profiler.disconnect();
      }
      results.push(result);
    }
  } finally {
    await queue?.close();
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

/** FANOUT_STORES=postgres (or pglite) measures one store only: for profiling one path. */
const STORES = (process.env.FANOUT_STORES ?? 'pglite,postgres').split(',');
/** FANOUT_PATHS=in-process (or jobs) measures one of PostgreSQL's paths only. */
const PATHS = (process.env.FANOUT_PATHS ?? 'in-process,jobs').split(',') as Path[];

export async function run(): Promise<void> {
  const results: PathResult[] = STORES.includes('pglite')
    ? await measure('PGlite', undefined, ['in-process'])
    : [];
  if (TEST_DATABASE_URL && STORES.includes('postgres')) {
    const temp = await createTempDatabase(TEST_DATABASE_URL);
    try {
      results.push(...(await measure('PostgreSQL', temp.url, PATHS)));
    } finally {
      await temp.drop();
    }
  } else if (STORES.includes('postgres')) {
    console.log('PostgreSQL skipped: set TEST_DATABASE_URL to measure it too.\n');
  }
  console.log(
    `${USERS} auto-trading PAPER users (margin 100 USDT, leverage 5), one MARKET signal per run; time from ` +
      `the scan's hand-over to every position OPEN with its stop accepted; median of ${RUNS} runs after one warm-up. ` +
      `in-process: runtime.execution.onSignals (the embedded store's path); jobs: one pg-boss job per user, worked ` +
      `by the runtime's own worker (PostgreSQL's path, one worker). "ready" is the start with every account attached and reconciled. ` +
      `CPU per user (medians over the runs; from /proc, so the machine's other load does not count): this process ` +
      `(the runtime, with PGlite inside it on the embedded store) and PostgreSQL's backends for the bench database, ` +
      `measured to the end of the run's stream echoes and PAPER saves.\n`,
  );
  console.log(
    table(
      [
        'store, path',
        'fan-out median ms',
        'min ms',
        'max ms',
        'users/s',
        'open + protected',
        `< ${TARGET_MS} ms`,
        'node CPU ms/user',
        'PostgreSQL CPU ms/user',
        'ready ms',
      ],
      results.map((r) => {
        const m = median(r.runs);
        return [
          r.label,
          fmt(m, 0),
          fmt(Math.min(...r.runs), 0),
          fmt(Math.max(...r.runs), 0),
          fmt((USERS / m) * 1000, 0),
          `${Math.min(...r.openPerRun)}/${USERS}`,
          m < TARGET_MS ? 'yes' : 'NO',
          fmt(median(r.nodeCpu), 2),
          fmt(median(r.pgCpu), 2),
          fmt(r.readyMs, 0),
        ];
      }),
    ),
  );
  printRoundTrips(results.filter((r) => r.label.endsWith('in-process')));
}

/** Repository calls per execution by method, one column per store; then driver statements. */
function printRoundTrips(results: PathResult[]): void {
  if (results.length === 0) return;
  const methods = [...new Set(results.flatMap((r) => [...r.calls.keys()]))].sort(
    (a, b) => (results[0]!.calls.get(b) ?? 0) - (results[0]!.calls.get(a) ?? 0) || a.localeCompare(b),
  );
  console.log(
    `\nDatabase round trips per execution (in-process runs; repository calls by method, then every statement the driver sent):\n`,
  );
  console.log(
    table(
      ['repository method', ...results.map((r) => r.label)],
      [
        ...methods.map((m) => [m, ...results.map((r) => fmt(r.calls.get(m) ?? 0, 2))]),
        [
          'all repository calls',
          ...results.map((r) =>
            fmt(
              [...r.calls.values()].reduce((a, b) => a + b, 0),
              2,
            ),
          ),
        ],
        ['statements sent', ...results.map((r) => fmt(r.statements, 2))],
      ],
    ),
  );
}
