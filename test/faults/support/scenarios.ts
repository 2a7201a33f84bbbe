/**
 * One scenario = one signal run to the end under one fault at one step: the engine (in this
 * process, or a child process for SIGKILL) trades one fresh account through the real ccxt adapter
 * against the simulator server; the next scan repeats the opportunity (same signal, and a new
 * signal on the same symbol); the position is closed by its stop, its target or by hand; then
 * reconciliation runs and the invariants are checked (./checks.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dec, systemClock } from '../../../src/domain/index.js';
import { createCcxtExchange } from '../../../src/exchange/ccxt/index.js';
import { createExecutionEngine, type ExecutionOutcome } from '../../../src/execution/index.js';
import { createRepositories, openStore, type Repositories, type Store } from '../../../src/store/index.js';
import { createTempDatabase, TEST_DATABASE_URL } from '../../support/stores.js';
import { type Books, readBooks } from './books.js';
import { checkInvariants, ExposureWatch } from './checks.js';
import type { ChildPool, EngineChild } from './child.js';
import { CCXT_OPTIONS, ENGINE_OPTIONS, UNPROTECTED_LIMIT_MS } from './options.js';
import {
  ENTRY_QTY,
  type FaultKind,
  type FaultWorld,
  PRICE,
  STOP,
  type Step,
  SYMBOL,
  TARGET,
  waitFor,
} from './world.js';

export interface ScenarioResult {
  name: string;
  faultsInjected: number;
  violations: string[];
  outcomes: string[];
}

const LIVE = new Set(['PENDING_ENTRY', 'OPEN', 'UNPROTECTED', 'CLOSING']);
const hasLive = (books: Books) => books.positions.some((p) => LIVE.has(p.status));

function signalRows() {
  const row = () => ({
    id: randomUUID(),
    symbol: SYMBOL,
    direction: 'LONG',
    entry: String(PRICE),
    stopLoss: String(STOP),
    takeProfit: String(TARGET),
  });
  return [row(), row(), row()];
}

async function insertSignals(repos: Repositories, rows: ReturnType<typeof signalRows>) {
  for (const s of rows) {
    await repos.signals.insert(
      {
        id: s.id,
        symbol: s.symbol,
        direction: 'LONG',
        combinedConfidence: 80,
        entryType: 'MARKET',
        entry: dec(s.entry),
        stopLoss: dec(s.stopLoss),
        takeProfit: dec(s.takeProfit),
        analyst: 'faults',
        expiresAt: new Date(Date.now() + 3_600_000),
      },
      { now: new Date(), windowMs: 0 },
    );
  }
}

/**
 * The end of the trade: by hand (exit), by panic (cancel: panic cancels every order of both
 * families before it closes), otherwise at the stop or, for the take-profit step, the target.
 * (A stop or target that fills expires the other closePosition order on its own: no cancel.)
 */
function finish(step: Step): number | 'close' | 'panic' {
  if (step === 'exit') return 'close';
  if (step === 'cancel') return 'panic';
  if (step === 'take-profit') return TARGET + 100;
  return STOP - 100;
}

export async function runInProcess(
  world: FaultWorld,
  store: Store,
  step: Step,
  fault: FaultKind,
): Promise<ScenarioResult> {
  const name = `${step} x ${fault}`;
  const violations: string[] = [];
  const outcomes: string[] = [];
  const repos = createRepositories(store.db);
  const { apiKey, secret, accountId } = world.newAccount();
  const user = await repos.users.create({ email: `${apiKey}@faults.test`, passwordHash: 'x' });
  await repos.users.updateSettings(user.id, {
    fixedMargin: dec(100),
    leverage: 10,
    autoTrade: true,
    minConfidence: 50,
  });
  const rows = signalRows();
  await insertSignals(repos, rows);
  world.setPrice(PRICE);
  const exchange = await createCcxtExchange({ apiKey, secret, baseUrl: world.server.url, ...CCXT_OPTIONS });
  const engine = createExecutionEngine({ repos, clock: systemClock, options: ENGINE_OPTIONS });
  await engine.attachAccount(user.id, exchange);
  await engine.start();
  const watch = new ExposureWatch(world.sim, accountId, SYMBOL).start();
  const before = world.injected();
  const armed = world.arm(step, fault, apiKey);
  const books = () => readBooks(store.db, user.id);
  const note = (o: ExecutionOutcome) => outcomes.push(`${o.status}${o.reason ? `(${o.reason})` : ''}`);
  try {
    note(await engine.executeSignal(user.id, (await repos.signals.findById(rows[0]!.id))!));
    // The next scan finds the same opportunity: the same signal again ...
    const again = await engine.executeSignal(user.id, (await repos.signals.findById(rows[0]!.id))!);
    note(again);
    if (!hasLive(await books()))
      note(await engine.executeSignal(user.id, (await repos.signals.findById(rows[1]!.id))!));
    // ... and a new signal on the same symbol.
    if (hasLive(await books())) {
      const third = await engine.executeSignal(user.id, (await repos.signals.findById(rows[2]!.id))!);
      note(third);
      if (third.status !== 'DENIED')
        violations.push(`a new signal on an open symbol was not denied: ${third.status}`);
    }
    await engine.idle();
    const end = finish(step);
    const [live] = await repos.positions.listLive(user.id);
    if (live) {
      if (end === 'close') outcomes.push(`close:${(await engine.closePosition(user.id, live.id)).outcome}`);
      else if (end === 'panic') {
        const report = await engine.panic(user.id);
        outcomes.push(`panic:${report.results.map((r) => r.outcome).join('/')}`);
      } else world.setPrice(end);
    }
    const settled = await waitFor(async () => {
      dbg('const settled = await waitFor(async () => {');
      const flat = world.sim.positionRisk(accountId).every((p) => p.positionAmt.isZero());
      return flat && !hasLive(await books());
    }, 8_000);
    if (!settled) violations.push('the trade did not reach its end within 8 s');
    if (!armed.fired()) violations.push('the fault never fired');
    armed.disarm();
    const final = await engine.reconcile(user.id);
    if (!final.passed) violations.push(`final reconciliation did not pass: ${final.errors.join('; ')}`);
    await engine.idle();
    watch.stop();
    violations.push(
      ...checkInvariants({
        sim: world.sim,
        accountId,
        userId: user.id,
        symbol: SYMBOL,
        signalIds: rows.map((r) => r.id),
        entryQty: ENTRY_QTY,
        books: await books(),
        watch,
        unprotectedLimitMs: UNPROTECTED_LIMIT_MS,
        requireAllFills: true,
      }),
    );
  } catch (err) {
    violations.push(`scenario failed: ${err instanceof Error ? err.stack : String(err)}`);
  } finally {
    armed.disarm();
    watch.stop();
    await engine.stop();
    await exchange.close();
  }
  return { name, faultsInjected: world.injected() - before, violations, outcomes };
}

interface ChildDb {
  env: Record<string, string>;
  open(): Promise<Store>;
  drop(): Promise<void>;
}

async function childDatabase(): Promise<ChildDb> {
  if (TEST_DATABASE_URL) {
    const temp = await createTempDatabase(TEST_DATABASE_URL);
    return {
      env: { DATABASE_URL: temp.url },
      open: () => openStore({ databaseUrl: temp.url }),
      drop: temp.drop,
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'nt-faults-'));
  return {
    env: { DATA_DIR: dir },
    open: () => openStore({ dataDir: dir }),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The engine runs as a child process; it is SIGKILLed while `step` is on the wire, then restarted. */
const T0 = Date.now();
const dbg = (m: string) => process.env.DEBUG_FAULTS && console.error(`[${Date.now() - T0}] ${m}`);

export async function runKilled(world: FaultWorld, pool: ChildPool, step: Step): Promise<ScenarioResult> {
  const name = `${step} x sigkill`;
  const violations: string[] = [];
  const outcomes: string[] = [];
  const { apiKey, secret, accountId } = world.newAccount();
  const db = await childDatabase();
  const userId = randomUUID();
  const rows = signalRows();
  const env = { ...db.env, SIM_URL: world.server.url, API_KEY: apiKey, API_SECRET: secret, USER_ID: userId };
  world.setPrice(PRICE);
  const watch = new ExposureWatch(world.sim, accountId, SYMBOL).start();
  const before = world.injected();
  const first = await pool.take(env);
  dbg('let first = await spawnEngineChild(env);');
  let second: EngineChild | undefined;
  try {
    await first.call({ cmd: 'seed', user: { id: userId, email: `${apiKey}@faults.test` }, signals: rows });
    await first.call({ cmd: 'start' });
    dbg("await first.call({ cmd: 'start' });");
    let killed: Promise<void> | undefined;
    const armed = world.arm(step, 'sigkill', apiKey, () => {
      watch.pause();
      killed = first.kill();
    });
    const execute = (child: typeof first, id: string) =>
      child.call<ExecutionOutcome>({ cmd: 'execute', signalId: id }).then((o) => {
        outcomes.push(`${o.status}${o.reason ? `(${o.reason})` : ''}`);
        return o;
      });
    const swallow = (p: Promise<unknown>) => p.catch(() => undefined);
    if (step === 'exit' || step === 'cancel') {
      await execute(first, rows[0]!.id);
      void swallow(first.call({ cmd: step === 'exit' ? 'close' : 'panic' }));
    } else {
      void swallow(execute(first, rows[0]!.id));
    }
    const fired = await waitFor(() => killed !== undefined, 10_000);
    dbg('const fired = await waitFor(() => killed !== undef');
    armed.disarm();
    if (!fired) {
      violations.push('the fault never fired');
      await first.stop();
    } else {
      await killed;
    }
    // What the books held at the moment of the crash.
    const crashed = await db.open();
    const booksBefore = await readBooks(crashed.db, userId);
    dbg('const booksBefore = await readBooks(crashed.db, us');
    await crashed.close();

    second = await pool.take(env);
    dbg('second = await spawnEngineChild(env);');
    const child = second;
    await child.call({ cmd: 'start' });
    dbg("await child.call({ cmd: 'start' });");
    watch.resume();
    const books = () => child.call<Books>({ cmd: 'books' });
    await execute(child, rows[0]!.id);
    if (!hasLive(await books())) await execute(child, rows[1]!.id);
    if (hasLive(await books())) {
      const third = await execute(child, rows[2]!.id);
      if (third.status !== 'DENIED')
        violations.push(`a new signal on an open symbol was not denied: ${third.status}`);
    }
    if (hasLive(await books())) {
      const end = finish(step);
      if (end === 'close')
        outcomes.push(`close:${(await child.call<{ outcome: string }>({ cmd: 'close' })).outcome}`);
      else if (end === 'panic') await child.call({ cmd: 'panic' });
      else world.setPrice(end);
    }
    const settled = await waitFor(async () => {
      const flat = world.sim.positionRisk(accountId).every((p) => p.positionAmt.isZero());
      return flat && !hasLive(await books());
    }, 8_000);
    if (!settled) violations.push('the trade did not reach its end within 8 s');
    const final = await child.call<{ passed: boolean; errors: string[] }>({ cmd: 'reconcile' });
    dbg('const final = await child.call<{ passed: boolean; ');
    if (!final.passed) violations.push(`final reconciliation did not pass: ${final.errors.join('; ')}`);
    watch.stop();
    violations.push(
      ...checkInvariants({
        sim: world.sim,
        accountId,
        userId,
        symbol: SYMBOL,
        signalIds: rows.map((r) => r.id),
        entryQty: ENTRY_QTY,
        books: await books(),
        booksBefore,
        watch,
        unprotectedLimitMs: UNPROTECTED_LIMIT_MS,
        requireAllFills: false,
      }),
    );
  } catch (err) {
    violations.push(`scenario failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    watch.stop();
    await second?.stop();
    await first.kill().catch(() => undefined);
    await db.drop();
  }
  return { name, faultsInjected: world.injected() - before, violations, outcomes };
}
