/**
 * A ready engine for tests (here and in other modules): an in-process simulator account (the
 * PAPER exchange), a user with margin, leverage and auto-trading set, short bounds and backoffs,
 * and a clock that moves when the engine sleeps. Real engine, real store, real simulator.
 */
import type { Decimal } from 'decimal.js';
import { createManualClock, DAY_MS, type Direction, dec, type ManualClock } from '../domain/index.js';
import { createEventBus, type Delivery, type EventBus } from '../events/index.js';
import { createTestSimulator, type Simulator, TEST_START_MS } from '../exchange/index.js';
import { createMetrics, type Metrics } from '../metrics/index.js';
import {
  createRepositories,
  type Repositories,
  type Store,
  type StoredSignal,
  type User,
} from '../store/index.js';
import type { Sleep } from './backoff.js';
import type { ExecutionOptions } from './context.js';
import { createExecutionEngine, type ExecutionEngine } from './engine.js';

export const FAST_OPTIONS: Partial<ExecutionOptions> = {
  protectionBoundMs: 2_000,
  protectionBackoff: { initialMs: 50, maxMs: 400 },
  lookupAttempts: 3,
  lookupBackoff: { initialMs: 20, maxMs: 100 },
  exitBoundMs: 3_000,
  exitBackoff: { initialMs: 50, maxMs: 400 },
  fillSettleMs: 300,
  reconcileIntervalMs: 0,
  marketFillPolls: 3,
};

/** Sleep that moves a manual clock and yields to the event loop (so queued work can run). */
export function clockSleep(clock: ManualClock): Sleep {
  return async (ms) => {
    clock.advance(Math.max(0, Math.round(ms)));
    await new Promise((resolve) => setTimeout(resolve, Math.min(5, Math.max(1, ms))));
  };
}

export interface EngineFixture {
  repos: Repositories;
  sim: Simulator;
  clock: ManualClock;
  engine: ExecutionEngine;
  events: EventBus;
  delivered: Delivery[];
  metrics: Metrics;
  user: User;
  accountId: string;
  /** Store a PENDING signal (dedup window 0: every call is a new signal). */
  signal(input?: Partial<SignalInput>): Promise<StoredSignal>;
  /** Move the simulator's last (and mark) price. */
  price(symbol: string, last: number): void;
  close(): Promise<void>;
}

export interface SignalInput {
  symbol: string;
  direction: Direction;
  entryType: 'MARKET' | 'LIMIT';
  entry: Decimal | number;
  stopLoss: Decimal | number;
  takeProfit: Decimal | number;
  combinedConfidence: number;
}

let seq = 0;

export async function createEngineFixture(
  store: Store,
  options: {
    engine?: Partial<ExecutionOptions>;
    user?: { fixedMargin?: number; leverage?: number; autoTrade?: boolean };
    sim?: Parameters<typeof createTestSimulator>[0];
    start?: boolean;
  } = {},
): Promise<EngineFixture> {
  const repos = createRepositories(store.db);
  const accountId = `acct-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
  // Each fixture lives on its own day: signals of other tests in the same database never collide.
  const { sim, clock } = createTestSimulator({
    accountId,
    deposit: 10_000,
    clock: createManualClock(TEST_START_MS + seq * DAY_MS),
    ...options.sim,
  });
  const created = await repos.users.create({ email: `${accountId}@example.com`, passwordHash: 'x' });
  const user = await repos.users.updateSettings(created.id, {
    fixedMargin: dec(options.user?.fixedMargin ?? 100),
    leverage: options.user?.leverage ?? 10,
    autoTrade: options.user?.autoTrade ?? true,
    minConfidence: 50,
  });
  const events = createEventBus();
  const delivered: Delivery[] = [];
  events.subscribe(user.id, (d) => delivered.push(d));
  const metrics = createMetrics();
  const engine = createExecutionEngine({
    repos,
    clock,
    sleep: clockSleep(clock),
    events,
    metrics,
    markPrice: (symbol) => {
      try {
        return dec(sim.marketState(symbol).lastPrice);
      } catch {
        return undefined;
      }
    },
    options: { ...FAST_OPTIONS, ...options.engine },
  });
  await engine.attachAccount(user.id, sim.account(accountId));
  if (options.start !== false) await engine.start();
  const last = (symbol: string) => Number(sim.marketState(symbol).lastPrice);
  return {
    repos,
    sim,
    clock,
    engine,
    events,
    delivered,
    metrics,
    user,
    accountId,
    async signal(input = {}) {
      const symbol = input.symbol ?? 'BTCUSDT';
      const entry = dec(input.entry ?? last(symbol));
      const direction = input.direction ?? 'LONG';
      const away = (pct: number) => entry.mul(direction === 'LONG' ? 1 + pct : 1 - pct);
      const r = await repos.signals.insert(
        {
          symbol,
          direction,
          combinedConfidence: input.combinedConfidence ?? 80,
          entryType: input.entryType ?? 'MARKET',
          entry,
          stopLoss: dec(input.stopLoss ?? away(-0.02)),
          takeProfit: dec(input.takeProfit ?? away(0.04)),
          analyst: 'test',
          expiresAt: new Date(clock.now() + 3_600_000),
        },
        { now: new Date(clock.now()), windowMs: 0 },
      );
      if (!r.inserted) throw new Error('signal not inserted');
      return r.signal;
    },
    price(symbol, lastPrice) {
      clock.advance(1_000);
      sim.onPrice(symbol, { last: lastPrice, time: clock.now() });
    },
    async close() {
      await engine.stop();
    },
  };
}
