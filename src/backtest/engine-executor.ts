/**
 * The execution engine behind the backtest's Executor seam: the very engine PAPER and REAL trade
 * with (src/execution: risk gate, sizing, write-ahead intents, protection that lands or closes,
 * LIMIT expiry, reconciliation), on the backtest's simulated clock, against a simulator account,
 * with its books in a database (an in-memory PGlite by default, see ./engine-store.ts).
 *
 * What the backtest adds around it, and why:
 * - Time. The engine reads a clock that follows the backtest clock; its waits (backoff between
 *   tries) do not block on real time: `sleep(ms)` moves the engine's own view of time `ms` ahead
 *   of the market and returns at once, so bounds measured with the clock (the 10-second
 *   protection bound, exit and lookup retries) still run out, while the market stands still.
 * - No timer. The engine starts with periodic reconciliation off; `tick()` (LIMIT expiry and a
 *   reconciliation) runs when a resting entry's time is up on the simulated clock, as the live
 *   minute tick would.
 * - Settling. The engine reacts to the user stream in its own lanes; after each signal and each
 *   candle the runner waits until those reactions are over (every repository and exchange call is
 *   counted: a round of `engine.idle()` that saw none means nothing is left to run).
 * - Signals. Each stored signal is written to the database's signals table first (the engine's
 *   positions reference it; the store's locked deduplication runs too), with the id the database
 *   gives it, mapped back to the backtest's own id for the trade records.
 * - Levels. The intrabar driver needs to know what works on a symbol (a resting entry price, the
 *   stop and the target); they are read off the exchange's user stream, not out of the engine.
 */
import {
  type Clock,
  type Direction,
  deriveClientOrderId,
  type EpochMs,
  ErrorCode,
  isDomainError,
  type MarketSymbol,
  type OrderLeg,
} from '../domain/index.js';
import type { ExchangeOrder, UserStreamEvent } from '../exchange/index.js';
import { createExecutionEngine, type ExecutionOutcome as EngineOutcome } from '../execution/index.js';
import { createRepositories, type Repositories, type Store } from '../store/index.js';
import type { ExecutorContext } from './options.js';
import {
  type ExecutionOutcome,
  type Executor,
  type ExecutorStats,
  type WorkingLevels,
  workingLevels,
} from './seam.js';

/**
 * What an executor is given (see ExecutorContext: the backtest's clock, ledger, sizing, risk,
 * dedup window, LIMIT lifetime and mark price), less the simulator and account the engine does not
 * reach past its exchange port, plus its books: a store migrated and empty, which the executor owns
 * from here and closes. The random-entry baseline passes dedupWindowMs 0 (its entries are not
 * deduplicated signals).
 */
export type EngineExecutorOptions = Omit<ExecutorContext, 'sim' | 'userId' | 'rules'> & { store: Store };

/** The engine's periodic tick in live trading: a resting entry is looked at again this often. */
const RETICK_MS = 60_000;
const ENTRY_LEG = /-entry$/;
const EXIT_LEG = /-exit\d*$/;

interface Working {
  levels: WorkingLevels;
  /** Engine time the resting entry was sent (its TTL counts from there). */
  sentAt: number;
  deadline: number;
}

/** Counts every call into an object's methods (repositories, the exchange). */
function counted<T extends object>(target: T, count: () => void): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        count();
        return (value as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

export async function createEngineExecutor(options: EngineExecutorOptions): Promise<Executor> {
  const { clock, ledger, store } = options;
  const books = createRepositories(store.db);
  let calls = 0;
  let dirty = true;
  const touch = () => {
    calls++;
    dirty = true;
  };
  const repos = {} as Repositories;
  for (const [name, repo] of Object.entries(books))
    (repos as Record<string, unknown>)[name] = counted(repo as object, touch);
  const exchange = counted(options.exchange, touch);

  // The engine's time: the market's, or ahead of it while the engine waits between tries.
  let ahead = 0;
  const engineClock: Clock = {
    now: () => Math.max(clock.now(), ahead) as EpochMs,
  };
  const sleep = async (ms: number) => {
    ahead = engineClock.now() + Math.max(0, ms);
  };

  const user = await createBacktestUser(books);
  await books.users.updateSettings(user.id, {
    mode: 'PAPER',
    fixedMargin: options.margin,
    leverage: options.leverage,
    autoTrade: true,
    // The column is whole; the strategy's own threshold (which may be finer) has already applied.
    minConfidence: Math.max(0, Math.min(100, Math.floor(options.minConfidence))),
  });
  const userId = user.id;

  const engine = createExecutionEngine({
    repos,
    clock: engineClock,
    sleep,
    markPrice: options.markPrice,
    options: {
      reconcileIntervalMs: 0,
      limitEntryTtlMs: options.limitEntryTtlMs,
      risk: options.risk,
    },
  });

  const working = new Map<string, Working>();
  /** Backtest signal id -> the id the database gave it. */
  const stored = new Map<string, string>();
  const stats: ExecutorStats = { placed: 0, refused: {}, expiredEntries: 0, protectionFailures: 0 };
  let ending = false;
  let closed = false;
  let ticking = false;

  const refuse = (code: string, message: string): ExecutionOutcome => {
    stats.refused[code] = (stats.refused[code] ?? 0) + 1;
    return { status: 'refused', code, message };
  };

  const workingOn = (symbol: string, direction: Direction): Working => {
    let w = working.get(symbol);
    if (!w) {
      w = {
        levels: workingLevels(direction, null),
        sentAt: Number.NaN,
        deadline: Number.POSITIVE_INFINITY,
      };
      working.set(symbol, w);
    }
    return w;
  };

  function onOrder(order: ExchangeOrder): void {
    const symbol = order.symbol as string;
    if (order.family === 'algo') {
      const w = working.get(symbol);
      if (!w || order.status !== 'NEW' || order.triggerPrice === null) return;
      if (order.type === 'STOP_MARKET') w.levels.stop = order.triggerPrice.toNumber();
      else if (order.type === 'TAKE_PROFIT_MARKET') w.levels.target = order.triggerPrice.toNumber();
      return;
    }
    if (EXIT_LEG.test(order.clientOrderId)) {
      // A market exit the engine sent on its own during the run: protection could not be placed
      // (the price was past a level, or no stop within the bound). At the end: the final close.
      if (!ending && order.status === 'FILLED') stats.protectionFailures++;
      return;
    }
    if (!ENTRY_LEG.test(order.clientOrderId) || order.reduceOnly) return;
    const direction: Direction = order.side === 'BUY' ? 'LONG' : 'SHORT';
    if (order.status === 'NEW' && order.type === 'LIMIT' && order.price !== null) {
      const w = workingOn(symbol, direction);
      w.levels.pendingEntry = order.price.toNumber();
      w.sentAt = engineClock.now();
      w.deadline = w.sentAt + options.limitEntryTtlMs;
      return;
    }
    if (order.status === 'NEW' || order.status === 'PARTIALLY_FILLED' || order.status === 'FILLED') {
      const w = workingOn(symbol, direction);
      if (order.filledQty.gt(0)) {
        w.levels.pendingEntry = null;
        w.deadline = Number.POSITIVE_INFINITY;
      }
      return;
    }
    // CANCELED / EXPIRED / REJECTED: without a fill nothing is left on the symbol.
    const w = working.get(symbol);
    if (w && order.filledQty.lte(0)) {
      if (ticking && !ending && order.status === 'CANCELED') stats.expiredEntries++;
      working.delete(symbol);
    } else if (w) {
      w.levels.pendingEntry = null;
      w.deadline = Number.POSITIVE_INFINITY;
    }
  }

  function onEvent(event: UserStreamEvent): void {
    dirty = true;
    if (event.type === 'order') onOrder(event.order);
    else if (event.type === 'fill') {
      const w = working.get(event.fill.symbol);
      if (w && ENTRY_LEG.test(event.fill.clientOrderId)) {
        w.levels.pendingEntry = null;
        w.deadline = Number.POSITIVE_INFINITY;
      }
    } else if (event.type === 'position' && event.positionAmt.isZero()) {
      const w = working.get(event.symbol);
      if (w && w.levels.pendingEntry === null) working.delete(event.symbol);
    }
  }
  const unsubscribe = options.exchange.subscribe(onEvent);
  ledger.classifyExits((clientOrderId) =>
    EXIT_LEG.test(clientOrderId) ? (ending ? 'end' : 'protection') : undefined,
  );

  await engine.start();
  await engine.attachAccount(userId, exchange);

  async function settle(): Promise<void> {
    for (;;) {
      const before = calls;
      await engine.idle();
      if (calls === before) break;
    }
    dirty = false;
  }

  const entryId = (signalId: string) =>
    deriveClientOrderId(userId, stored.get(signalId) ?? signalId, 'entry' as OrderLeg);

  const executor: Executor = {
    userId,
    kind: 'engine',
    entryClientOrderId: entryId,
    async execute(signal) {
      await settle();
      const now = new Date(clock.now());
      await books.signals.expireDue(now);
      const inserted = await books.signals.insert(
        {
          symbol: signal.symbol,
          direction: signal.direction,
          combinedConfidence: signal.combinedConfidence,
          entryType: signal.entryType,
          entry: signal.entry,
          stopLoss: signal.stopLoss,
          takeProfit: signal.takeProfit,
          analyst: 'backtest',
          candleCloseTime: signal.createdAt,
          expiresAt: new Date(signal.expiresAt),
        },
        { now, windowMs: options.dedupWindowMs },
      );
      if (!inserted.inserted) {
        return refuse(
          'DUPLICATE_SIGNAL',
          `the store refused ${signal.symbol} ${signal.direction}: signal ${inserted.duplicateOf.id} is live`,
        );
      }
      stored.set(signal.id, inserted.signal.id);
      let outcome: EngineOutcome;
      try {
        outcome = await engine.executeSignal(
          userId,
          {
            id: inserted.signal.id,
            symbol: signal.symbol as MarketSymbol,
            direction: signal.direction,
            entryType: signal.entryType,
            entry: signal.entry,
            stopLoss: signal.stopLoss,
            takeProfit: signal.takeProfit,
            combinedConfidence: signal.combinedConfidence,
          },
          { automatic: true },
        );
      } finally {
        await settle();
      }
      switch (outcome.status) {
        case 'DENIED':
        case 'REJECTED':
        case 'DUPLICATE':
        case 'CANCELLED':
        case 'UNRESOLVED':
          stored.delete(signal.id);
          return refuse(outcome.reason ?? outcome.status, outcome.message);
        default:
          stats.placed++;
          return { status: 'placed' };
      }
    },
    nextDeadline() {
      let t = Number.POSITIVE_INFINITY;
      for (const w of working.values()) if (w.levels.pendingEntry !== null && w.deadline < t) t = w.deadline;
      return t;
    },
    async onTime(now) {
      ticking = true;
      try {
        await settle();
        await engine.tick();
        await settle();
      } finally {
        ticking = false;
      }
      // Still resting (the engine's own reading of the time differed): look again a tick later.
      for (const w of working.values())
        if (w.levels.pendingEntry !== null && w.deadline <= now) w.deadline += RETICK_MS;
    },
    levels(symbol) {
      return working.get(symbol)?.levels;
    },
    settle() {
      return dirty ? settle() : null;
    },
    async closeAll() {
      await settle();
      ending = true;
      // In the order the positions were opened (what the trade list's end shows).
      const order = [...working.keys()];
      const rank = (symbol: string) => {
        const i = order.indexOf(symbol);
        return i < 0 ? order.length : i;
      };
      const live = await books.positions.listLive(userId);
      live.sort((a, b) => rank(a.symbol) - rank(b.symbol));
      for (const position of live) {
        await engine.closePosition(userId, position.id);
        await settle();
      }
    },
    stats: () => stats,
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      ledger.classifyExits(undefined);
      stored.clear();
      try {
        await engine.stop();
      } finally {
        await store.close();
      }
    },
  };
  return executor;
}

/** The account's owner in the books: a user no one can log in as (the hash matches no password). */
async function createBacktestUser(repos: Repositories) {
  for (let n = (await repos.users.count()) + 1; ; n++) {
    try {
      return await repos.users.create({ email: `backtest-${n}@backtest.invalid`, passwordHash: '!' });
    } catch (err) {
      if (!isDomainError(err, ErrorCode.CONFLICT)) throw err;
    }
  }
}
