/**
 * The fault-injection matrix, the acceptance test of the execution engine (issue 7): for each
 * step (set leverage, entry, stop, take-profit, exit, cancel) and each fault (rejection with the
 * step's Binance code, accepted-but-answer-lost, 5xx, 429, 418, WebSocket drop, SIGKILL of the
 * engine process), a signal is run to its end through the real ccxt adapter and the simulator
 * server, and the invariants of ./support/checks.ts are checked. Plus the historical incident,
 * replayed exactly. Each scenario leaves its figures in its test's meta; the summary reporter
 * (test/support/summary-reporter.ts) sums them into the run's last line:
 * `fault matrix: S scenarios, F faults injected, V violations`.
 */
import { afterAll, beforeAll, describe, expect, it, type TaskMeta } from 'vitest';
import { dec, deriveClientOrderId, systemClock } from '../../src/domain/index.js';
import { createCcxtExchange } from '../../src/exchange/ccxt/index.js';
import { createExecutionEngine } from '../../src/execution/index.js';
import { createRepositories, openStore, type Store } from '../../src/store/index.js';
import { POSTGRES_MISSING, TEST_DATABASE_URL } from '../support/stores.js';
import { ChildPool } from './support/child.js';
import { CCXT_OPTIONS, ENGINE_OPTIONS } from './support/options.js';
import { runInProcess, runKilled, type ScenarioResult } from './support/scenarios.js';
import { FAULTS, FaultWorld, PRICE, STEPS, STOP, SYMBOL, TARGET } from './support/world.js';

const results: ScenarioResult[] = [];
let world: FaultWorld;
let store: Store;
let pool: ChildPool;

beforeAll(async () => {
  // Engine processes for the SIGKILL scenarios load while the other scenarios run.
  pool = new ChildPool(2);
  world = await FaultWorld.start();
  store = await openStore({ memory: true });
  await store.migrate();
  if (!TEST_DATABASE_URL) {
    console.warn(
      `[faults] ${POSTGRES_MISSING}; the SIGKILL scenarios use a file-backed PGlite store instead`,
    );
  }
});

afterAll(async () => {
  await pool?.close();
  await store?.close();
  await world?.close();
  expect(results.reduce((n, r) => n + r.violations.length, 0)).toBe(0);
});

/** Keep the scenario's figures (for the closing line) before asserting on them. */
function record(r: ScenarioResult, meta: TaskMeta): void {
  results.push(r);
  meta.faultMatrix = { faultsInjected: r.faultsInjected, violations: r.violations.length };
  expect(r.violations, `${r.name} [${r.outcomes.join(', ')}]`).toEqual([]);
  expect(r.faultsInjected).toBeGreaterThan(0);
}

describe('regression: the -1106 incident', () => {
  it('entry fills, stop rejected with -1106, next scan same opportunity: no second order, saved and protected', async ({
    task,
  }) => {
    const repos = createRepositories(store.db);
    const { apiKey, secret, accountId } = world.newAccount();
    const user = await repos.users.create({ email: 'incident@faults.test', passwordHash: 'x' });
    await repos.users.updateSettings(user.id, {
      fixedMargin: dec(100),
      leverage: 10,
      autoTrade: true,
      minConfidence: 50,
    });
    world.setPrice(PRICE);
    const exchange = await createCcxtExchange({ apiKey, secret, baseUrl: world.server.url, ...CCXT_OPTIONS });
    const engine = createExecutionEngine({ repos, clock: systemClock, options: ENGINE_OPTIONS });
    await engine.attachAccount(user.id, exchange);
    await engine.start();
    const newSignal = async () => {
      const r = await repos.signals.insert(
        {
          symbol: SYMBOL,
          direction: 'LONG',
          combinedConfidence: 80,
          entryType: 'MARKET',
          entry: dec(PRICE),
          stopLoss: dec(STOP),
          takeProfit: dec(TARGET),
          analyst: 'incident',
          expiresAt: new Date(Date.now() + 3_600_000),
        },
        { now: new Date(), windowMs: 0 },
      );
      if (!r.inserted) throw new Error('signal not stored');
      return r.signal;
    };
    const before = world.injected();
    // Exactly as it happened: the stop-loss comes back -1106.
    const fault = world.server.faults.arm({
      apiKey,
      method: 'POST',
      path: '/fapi/v1/algoOrder',
      type: 'STOP_MARKET',
      kind: 'reject',
      code: -1106,
      msg: "Parameter 'reduceOnly' sent when not required.",
    });
    const signal = await newSignal();
    const first = await engine.executeSignal(user.id, signal);
    expect(fault.fired).toBe(1);
    // The call did not "fail": the position is saved and protected.
    expect(first.status).toBe('OPEN');
    const saved = await repos.positions.findById(first.positionId!);
    expect(saved).toMatchObject({ status: 'OPEN', unprotectedSince: null });
    const stops = world.sim.openAlgoOrders(accountId, SYMBOL).filter((a) => a.orderType === 'STOP_MARKET');
    expect(stops).toHaveLength(1);
    // The next scans: the same signal, and a fresh one for the same opportunity.
    expect((await engine.executeSignal(user.id, signal)).status).toBe('DUPLICATE');
    expect(await engine.executeSignal(user.id, await newSignal())).toMatchObject({
      status: 'DENIED',
      reason: 'POSITION_ALREADY_OPEN',
    });
    const entries = world.sim
      .allOrders(accountId, SYMBOL)
      .filter((o) => !o.reduceOnly && o.parentAlgoId === null);
    expect(entries.map((o) => o.clientOrderId)).toEqual([deriveClientOrderId(user.id, signal.id, 'entry')]);
    const [risk] = world.sim.positionRisk(accountId, SYMBOL);
    expect(risk!.positionAmt.toFixed()).toBe('0.016'); // one entry's margin, not 3x, 6x, 9x
    const audit = (await repos.audit.listByUser(user.id)).map((a) => a.kind);
    expect(audit).toEqual(expect.arrayContaining(['unprotected', 'stop_corrected', 'protected']));
    await engine.panic(user.id);
    await engine.stop();
    await exchange.close();
    record(
      {
        name: 'incident -1106',
        faultsInjected: world.injected() - before,
        violations: [],
        outcomes: [first.status],
      },
      task.meta,
    );
  });
});

describe('fault matrix through the simulator server and the ccxt adapter', () => {
  for (const step of STEPS) {
    for (const fault of FAULTS.filter((f) => f !== 'sigkill')) {
      it(`${step} x ${fault}`, async ({ task }) => {
        record(await runInProcess(world, store, step, fault), task.meta);
      });
    }
  }
});

describe('SIGKILL of the engine process, restarted on the same database', () => {
  for (const step of STEPS) {
    it(`${step} x sigkill`, { timeout: 120_000 }, async ({ task }) => {
      record(await runKilled(world, pool, step), task.meta);
    });
  }
});
