/**
 * The execution engine: one object for every account it trades, each account with its injected
 * Exchange (a simulator account for PAPER, the ccxt adapter for REAL: the engine cannot tell),
 * its serial lane, its user-stream consumer and its reconciliation schedule. See ./index.ts.
 */
import type { Decimal } from 'decimal.js';
import { DomainError, describeError, ErrorCode, isLivePosition, type TradingMode } from '../domain/index.js';
import type { Exchange } from '../exchange/index.js';
import {
  type Account,
  type ExecutionContext,
  type ExecutionDeps,
  publishPosition,
  resolveContext,
  toDate,
} from './context.js';
import {
  type ExecutableSignal,
  type ExecuteOptions,
  type ExecutionOutcome,
  executeEntry,
  expireWorkingEntries,
} from './entry.js';
import { closeAtMarket, refreshClosedFigures } from './exits.js';
import { createLane } from './lane.js';
import { type PanicOutcome, panic } from './panic.js';
import { checkSymbol } from './reactions.js';
import { type ReconcileReport, runReconciliation } from './reconcile.js';
import { cancelTracked, lookupOrder, recordLookup, withRetries } from './send.js';
import { createStreamConsumer, type StreamStats } from './stream.js';
import { createPacedSweep, sweepStepMs } from './sweep.js';

export interface CloseResult {
  positionId: string;
  symbol: string;
  mode: TradingMode;
  outcome: 'CLOSED' | 'CLOSING' | 'NOT_CLOSED';
  message: string;
}

export interface BalanceSnapshotView {
  mode: TradingMode;
  wallet: Decimal | null;
  available: Decimal | null;
  asOf: Date | null;
  source: string;
}

export interface ExecutionEngine {
  /** Trade this user's account through `exchange`. Reconciled before its first entry. */
  attachAccount(userId: string, exchange: Exchange): Promise<void>;
  /** Stop trading the account (its positions stay as they are, protected on the exchange). */
  detachAccount(userId: string): Promise<void>;
  hasAccount(userId: string): boolean;
  /** Run a signal through the entry protocol for one user (at most once per user and signal). */
  executeSignal(
    user: string | { id: string },
    signal: ExecutableSignal,
    options?: ExecuteOptions,
  ): Promise<ExecutionOutcome>;
  /** Close one position at market (manual close). */
  closePosition(userId: string, positionId: string): Promise<CloseResult>;
  /** Auto-trading off, REDUCING, every order cancelled, every position closed; per-symbol report. */
  panic(userId: string): Promise<PanicOutcome>;
  /** Database against exchange, now (also run at start, periodically and after a stream loss). */
  reconcile(userId: string): Promise<ReconcileReport>;
  /** The balance: the user-stream cache, or REST when the cache is empty or the stream is down. */
  balance(userId: string): Promise<BalanceSnapshotView>;
  /** Clear the in-memory REDUCING flag after a person resumed the account. */
  resumed(userId: string): void;
  /**
   * The periodic work, now, for every account at once: LIMIT expiry and reconciliation. (Started,
   * the engine does it by itself, each account once per reconcileIntervalMs, spread out.)
   */
  tick(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when every queued task (lanes and stream recorders) has finished. */
  idle(): Promise<void>;
  isReconciled(userId: string): boolean;
  readonly stats: StreamStats;
  readonly context: ExecutionContext;
}

/**
 * The user stream reports the wallet, not what is available. A PAPER wallet lives in this process,
 * so asking it costs nothing and the dashboard gets both figures; a REAL account keeps the
 * stream's figure (no REST call per dashboard view).
 */
async function paperAvailable(acct: Account & { mode: TradingMode }): Promise<Decimal | null> {
  if (acct.mode !== 'PAPER') return null;
  try {
    return (await acct.exchange.balance()).availableBalance;
  } catch {
    return null;
  }
}

/** An account as the engine holds it: with its mode and the looks at symbols it has queued. */
type EngineAccount = Account & {
  mode: TradingMode;
  /** Symbols with a look queued in the lane (see checkLater). */
  pendingSymbols: Set<string>;
  /** Per symbol, the positions that had a fill recorded since its queued look was asked for. */
  filledPositions: Map<string, Set<string>>;
};

export function createExecutionEngine(deps: ExecutionDeps): ExecutionEngine {
  const ctx = resolveContext(deps);
  const accounts = new Map<string, EngineAccount>();
  const stats: StreamStats = { balanceUpdates: 0, latencies: [] };
  let started = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let reconcileQueued = new Set<string>();

  const account = (userId: string) => {
    const acct = accounts.get(userId);
    if (!acct) throw new DomainError(ErrorCode.NOT_FOUND, `no exchange attached for user ${userId}`);
    return acct;
  };

  const logFailure = (what: string, userId: string) => (err: unknown) => {
    ctx.logger?.error({ err: describeError(err), userId }, `execution: ${what} failed`);
  };

  function scheduleReconcile(acct: Account): void {
    if (reconcileQueued.has(acct.userId) || acct.stopped) return;
    reconcileQueued.add(acct.userId);
    acct.lane
      .run(async () => {
        reconcileQueued.delete(acct.userId);
        await runReconciliation(ctx, acct);
      })
      .catch(logFailure('reconciliation', acct.userId));
  }

  /**
   * Look at a symbol in the lane, once for all the activity reported while the look waits its turn.
   * The positions that had a fill recorded are looked at with it: the symbol's live one by the
   * check itself (its read comes after the fills), any other one is booked closed by now and its
   * figures are refreshed from its fills.
   */
  function checkLater(acct: EngineAccount, symbol: string): void {
    if (acct.pendingSymbols.has(symbol) || acct.stopped) return;
    acct.pendingSymbols.add(symbol);
    acct.lane
      .run(async () => {
        acct.pendingSymbols.delete(symbol);
        const filled = acct.filledPositions.get(symbol);
        acct.filledPositions.delete(symbol);
        // A failed check must not cost the closed positions their refresh (it is logged alone).
        const live = await checkSymbol(ctx, acct, symbol).catch((err: unknown) => {
          logFailure(`check ${symbol}`, acct.userId)(err);
          return undefined;
        });
        for (const positionId of filled ?? []) {
          if (positionId !== live) await refreshClosedFigures(ctx, positionId);
        }
      })
      .catch(logFailure(`check ${symbol}`, acct.userId));
  }

  function connect(acct: EngineAccount): void {
    if (acct.unsubscribe) return;
    const listener = createStreamConsumer(
      ctx,
      acct,
      () => acct.mode,
      {
        onSymbol: (symbol) => checkLater(acct, symbol),
        onFill(positionId, symbol) {
          if (acct.stopped) return;
          const filled = acct.filledPositions.get(symbol);
          if (filled) filled.add(positionId);
          else acct.filledPositions.set(symbol, new Set([positionId]));
          checkLater(acct, symbol);
        },
        onStreamLost: () => scheduleReconcile(acct),
        onStreamBack: () => scheduleReconcile(acct),
      },
      stats,
    );
    acct.unsubscribe = acct.exchange.subscribe(listener);
  }

  async function startAccount(acct: EngineAccount) {
    acct.stopped = false;
    // Whatever happened while the account was stopped, the stream was not there to see it.
    acct.missedEvents = true;
    connect(acct);
    await acct.lane
      .run(() => runReconciliation(ctx, acct))
      .catch(logFailure('start reconciliation', acct.userId));
  }

  async function tickAccount(acct: Account): Promise<void> {
    // Skip when the lane is busy: the next tick comes soon enough, and ticks must not pile up.
    if (acct.lane.depth > 1 || acct.stopped) return;
    await acct.lane.run(async () => {
      await expireWorkingEntries(ctx, acct);
      await runReconciliation(ctx, acct);
    });
  }

  const engine: ExecutionEngine = {
    context: ctx,
    stats,

    async attachAccount(userId, exchange) {
      if (accounts.has(userId))
        throw new DomainError(ErrorCode.CONFLICT, `user ${userId} is already attached`);
      const user = await ctx.repos.users.findById(userId);
      if (!user) throw new DomainError(ErrorCode.NOT_FOUND, `user ${userId} not found`);
      const acct = {
        userId,
        exchange,
        mode: user.mode,
        lane: createLane(),
        recorder: createLane(),
        configured: new Map<string, number>(),
        rules: undefined,
        reducing: false,
        panicking: false,
        reconciled: false,
        triggeredChildren: new Map<string, string>(),
        knownOrders: new Map(),
        reportedFlat: new Set<string>(),
        balance: undefined,
        consecutiveFailures: 0,
        unsubscribe: undefined,
        streamLost: false,
        missedEvents: true,
        stopped: false,
        pendingSymbols: new Set<string>(),
        filledPositions: new Map<string, Set<string>>(),
      };
      accounts.set(userId, acct);
      if (started) await startAccount(acct);
    },

    async detachAccount(userId) {
      const acct = accounts.get(userId);
      if (!acct) return;
      acct.stopped = true;
      acct.unsubscribe?.();
      accounts.delete(userId);
      await acct.lane.idle();
      await acct.recorder.idle();
    },

    hasAccount: (userId) => accounts.has(userId),
    isReconciled: (userId) => accounts.get(userId)?.reconciled === true,

    async executeSignal(user, signal, options) {
      const acct = account(typeof user === 'string' ? user : user.id);
      if (!acct.reconciled) await acct.lane.run(() => runReconciliation(ctx, acct)).catch(() => undefined);
      return acct.lane.run(() => executeEntry(ctx, acct, signal, options));
    },

    async closePosition(userId, positionId) {
      const acct = account(userId);
      return acct.lane.run(async (): Promise<CloseResult> => {
        const position = await ctx.repos.positions.findById(positionId);
        if (!position || position.userId !== userId)
          throw new DomainError(ErrorCode.NOT_FOUND, 'position not found');
        if (!isLivePosition(position.status)) {
          throw new DomainError(ErrorCode.CONFLICT, `position is already ${position.status}`);
        }
        const base = { positionId, symbol: position.symbol, mode: position.mode };
        let current = position;
        if (current.status === 'PENDING_ENTRY') {
          // A resting LIMIT entry: cancel it; if part of it filled, that part is closed below.
          const entry = (await ctx.repos.orders.listByPosition(positionId)).find((o) => o.leg === 'entry');
          if (entry && !(await cancelTracked(ctx, acct, entry))) {
            return {
              ...base,
              outcome: 'NOT_CLOSED',
              message: 'the entry order could not be cancelled; try again',
            };
          }
          const seen = entry
            ? await lookupOrder(ctx, acct, entry.symbol, entry.clientOrderId, 'REGULAR')
            : undefined;
          if (seen?.kind === 'found') await recordLookup(ctx, seen.order.clientOrderId, seen.order);
          const filled =
            seen?.kind === 'found' && seen.order.family === 'regular' ? seen.order.filledQty : null;
          if (!filled?.gt(0)) {
            const cancelled = await ctx.repos.positions.update(positionId, {
              status: 'CANCELLED',
              closeReason: 'MANUAL',
              closedAt: toDate(ctx),
            });
            publishPosition(ctx, cancelled);
            return { ...base, outcome: 'CLOSED', message: 'the entry was cancelled before anything filled' };
          }
          current = await ctx.repos.positions.update(positionId, {
            status: 'OPEN',
            filledQty: filled,
            entryPrice:
              seen?.kind === 'found' && seen.order.family === 'regular' ? seen.order.avgFillPrice : null,
            openedAt: toDate(ctx),
          });
        }
        const r = await closeAtMarket(ctx, acct, current, 'MANUAL');
        return { ...base, outcome: r.state, message: r.message };
      });
    },

    async panic(userId) {
      const acct = account(userId);
      return panic(ctx, acct, acct.mode);
    },

    async reconcile(userId) {
      const acct = account(userId);
      return acct.lane.run(() => runReconciliation(ctx, acct));
    },

    async balance(userId) {
      const acct = account(userId);
      const cached = acct.balance;
      if (cached && !(acct.streamLost && cached.source === 'user-stream')) {
        return {
          mode: acct.mode,
          wallet: cached.wallet,
          available: cached.available ?? (await paperAvailable(acct)),
          asOf: cached.at,
          source: cached.source,
        };
      }
      const b = await withRetries(ctx, () => acct.exchange.balance());
      const at = toDate(ctx);
      acct.balance = {
        asset: b.asset,
        wallet: b.walletBalance,
        available: b.availableBalance,
        at,
        source: 'rest',
      };
      await ctx.repos.balanceSnapshots
        .insert({
          userId,
          mode: acct.mode,
          wallet: b.walletBalance,
          available: b.availableBalance,
          equity: b.marginBalance,
          source: 'rest',
          takenAt: at,
        })
        .catch(logFailure('balance snapshot', userId));
      return {
        mode: acct.mode,
        wallet: b.walletBalance,
        available: b.availableBalance,
        asOf: at,
        source: 'rest',
      };
    },

    resumed(userId) {
      const acct = accounts.get(userId);
      if (acct) {
        acct.reducing = false;
        acct.consecutiveFailures = 0;
      }
    },

    async tick() {
      await Promise.all(
        [...accounts.values()].map((a) => tickAccount(a).catch(logFailure('tick', a.userId))),
      );
    },

    async start() {
      if (started) return;
      started = true;
      await Promise.all([...accounts.values()].map((a) => startAccount(a)));
      const interval = ctx.options.reconcileIntervalMs;
      if (interval > 0) {
        // Each account once per interval, the accounts' turns spread across it (see sweep.ts).
        const sweep = createPacedSweep(interval, () => accounts.keys(), performance.now());
        timer = setInterval(() => {
          for (const userId of sweep.step(performance.now())) {
            const acct = accounts.get(userId);
            if (acct) void tickAccount(acct).catch(logFailure('tick', userId));
          }
        }, sweepStepMs(interval));
        timer.unref();
      }
    },

    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      timer = undefined;
      for (const acct of accounts.values()) {
        acct.stopped = true;
        acct.unsubscribe?.();
        acct.unsubscribe = undefined;
      }
      await engine.idle();
      reconcileQueued = new Set();
    },

    async idle() {
      for (let i = 0; i < 3; i++) {
        await Promise.all([...accounts.values()].flatMap((a) => [a.lane.idle(), a.recorder.idle()]));
      }
    },
  };
  return engine;
}
