/**
 * The direct executor (`--executor direct`), one of the two implementations of the seam in
 * ./seam.ts (the other, the default, is ./engine-executor.ts: the live execution engine PAPER and
 * REAL trade with, its books in a database). The same decisions written straight against the
 * Exchange port, in memory: the risk gate, sizing to the symbol's step and tick, the entry
 * (MARKET, or a resting LIMIT cancelled once its time is up), then a STOP_MARKET and a
 * TAKE_PROFIT_MARKET with closePosition, placed the moment the entry fills. A protective order the
 * exchange refuses closes the position at market (a filled entry is never left unprotected). It
 * makes the same trades as the engine on the same data (a test compares them) and serves as the
 * fast path and the cross-check.
 */
import type { Decimal } from 'decimal.js';
import {
  add,
  type Clock,
  deriveClientOrderId,
  describeError,
  entrySide,
  exitSide,
  isDomainError,
  type MarketSymbol,
  type Price,
  type Qty,
  type SymbolRules,
  toFloat,
  ZERO,
} from '../domain/index.js';
import type { Exchange, UserStreamEvent } from '../exchange/index.js';
import { sizeEntry } from '../execution/sizing.js';
import { checkOrder, createRealisedToday, type RiskLimits } from '../risk/index.js';
import type { TradeLedger } from './ledger.js';
import {
  type BacktestSignal,
  type ExecutionOutcome,
  type Executor,
  type ExecutorStats,
  type WorkingLevels,
  workingLevels,
} from './seam.js';

export interface DirectExecutorOptions {
  exchange: Exchange;
  clock: Clock;
  userId: string;
  rules: ReadonlyMap<string, SymbolRules>;
  margin: Decimal;
  leverage: number;
  minConfidence: number;
  risk: RiskLimits;
  /** Announces market exits so the ledger can name their reason. */
  ledger?: TradeLedger | undefined;
  /** A resting LIMIT entry is cancelled this long after it was sent (default: at the signal's expiry). */
  limitEntryTtlMs?: number | undefined;
  /** Latest price of a symbol: sizes MARKET entries (default: the signal's entry price). */
  markPrice?: ((symbol: string) => Decimal | undefined) | undefined;
  /**
   * The simulator behind `exchange` (a backtest's, whose ExecutorContext carries it): the account's
   * closed orders, closed algo orders and their fills are forgotten before every PRUNE_EVERY-th
   * entry (its pruneHistory to 0), as nothing here looks one up again (cancels name open orders;
   * the ledger reads the user stream). Otherwise the simulator keeps every order of the run until
   * its end, ~4 KB a trade alive through the pass (what each scavenge copies).
   */
  sim?: { pruneHistory(accountId: string, historyLimit: number): unknown } | undefined;
  /** Entries between two prunes of `sim`'s history (default PRUNE_EVERY). */
  pruneEvery?: number | undefined;
}

interface Working {
  signal: BacktestSignal;
  /** When a resting entry is cancelled. */
  expiresAt: number;
  levels: WorkingLevels;
  entryId: string;
  /** Filled entry quantity (what an exit must close). */
  filled: Decimal;
  stopId: string;
  targetId: string;
  protectionQueued: boolean;
}

const UTC_DAY = 86_400_000;

/**
 * Entries between two prunes of the simulator's history (see DirectExecutorOptions.sim): a prune
 * has a cost whatever it drops (a walk of the account's records and its maps; ~11 µs when it also
 * sorted them), ~2 % of a pass when made before every entry; every 16th keeps at most ~16 trades'
 * closed orders alive.
 */
export const PRUNE_EVERY = 16;

export function createDirectExecutor(options: DirectExecutorOptions): Executor {
  const { exchange, clock, userId, ledger } = options;
  const working = new Map<string, Working>();
  const byEntryId = new Map<string, Working>();
  const configured = new Set<string>();
  const lastStopOut = new Map<string, number>();
  let realisedDay = -1;
  // Summed in decimals only if the daily loss limit could be near (createRealisedToday).
  const realisedToday = createRealisedToday();
  let queue: Promise<void> | null = null;
  /**
   * A reaction that failed: only a close at market that was refused after a protective order was
   * (exitNow), which leaves a filled entry open and unprotected. The run cannot go on as if it had
   * been closed, so the next settle (and every one after) answers it.
   */
  let failure: { error: unknown } | null = null;
  /** The entry execute is sending, and whether it filled while being sent (see onEvent). */
  let sending: Working | null = null;
  let protectAfterSend = false;
  const stats: ExecutorStats = { placed: 0, refused: {}, expiredEntries: 0, protectionFailures: 0 };

  const refuse = (code: string, message: string): ExecutionOutcome => {
    stats.refused[code] = (stats.refused[code] ?? 0) + 1;
    return { status: 'refused', code, message };
  };

  /** Work triggered by a stream event runs after the event, in order; `settle` waits for it. */
  function enqueue(task: () => Promise<void>): void {
    const run = (queue ?? Promise.resolve()).then(task);
    const tail = run.then(
      () => {
        if (queue === tail) queue = null;
      },
      (error: unknown) => {
        failure ??= { error };
        if (queue === tail) queue = null;
      },
    );
    queue = tail;
  }

  function onEvent(event: UserStreamEvent): void {
    if (event.type === 'fill') {
      const fill = event.fill;
      const day = Math.floor(fill.time / UTC_DAY);
      if (day !== realisedDay) {
        realisedDay = day;
        realisedToday.reset();
      }
      realisedToday.add(fill.realizedPnl, fill.fee);
      const w = byEntryId.get(fill.clientOrderId);
      if (w) {
        w.filled = add(w.filled, fill.qty);
        w.levels.pendingEntry = null;
        if (!w.protectionQueued) {
          w.protectionQueued = true;
          // A MARKET entry fills while execute sends it: execute protects it itself, next (the
          // queue would run it at the same point, with two promises and two closures more).
          if (w === sending && queue === null) protectAfterSend = true;
          else enqueue(() => protect(w));
        }
      }
      return;
    }
    if (event.type === 'order' && event.order.family === 'algo' && event.order.status === 'TRIGGERED') {
      const w = working.get(event.order.symbol);
      if (w && event.order.clientOrderId === w.stopId) lastStopOut.set(w.signal.symbol, event.time);
      return;
    }
    if (event.type === 'position' && event.positionAmt.isZero()) {
      const w = working.get(event.symbol);
      if (w && w.levels.pendingEntry === null) forget(w);
    }
  }

  function forget(w: Working): void {
    working.delete(w.signal.symbol);
    byEntryId.delete(w.entryId);
  }

  async function protect(w: Working): Promise<void> {
    const { signal } = w;
    if (working.get(signal.symbol) !== w) return;
    const side = exitSide(signal.direction);
    // The stop first, then the target.
    for (let leg = 0; leg < 2; leg++) {
      const stop = leg === 0;
      const price = stop ? signal.stopLoss : signal.takeProfit;
      try {
        await exchange.createOrder({
          symbol: signal.symbol,
          side,
          type: stop ? 'STOP_MARKET' : 'TAKE_PROFIT_MARKET',
          clientOrderId: (stop ? w.stopId : w.targetId) as never,
          triggerPrice: price as Price,
          closePosition: true,
        });
        if (stop) w.levels.stop = toFloat(price);
        else w.levels.target = toFloat(price);
      } catch (err) {
        // The price is already past the level (or the order is refused otherwise): a filled
        // entry must not stay unprotected, so it is closed now.
        stats.protectionFailures++;
        await exitNow(w, 'protection', err);
        return;
      }
      if (working.get(signal.symbol) !== w) return;
    }
  }

  async function exitNow(w: Working, reason: 'protection' | 'end', cause?: unknown): Promise<void> {
    const { signal } = w;
    try {
      await exchange.cancelAllOrders(signal.symbol);
    } catch {
      // Nothing to cancel is fine; the exit below is what matters.
    }
    if (w.filled.lte(0)) {
      forget(w);
      return;
    }
    const clientOrderId = deriveClientOrderId(userId, signal.id, reason === 'end' ? 'exit' : 'exit1');
    ledger?.expectExit(clientOrderId, reason);
    try {
      await exchange.createOrder({
        symbol: signal.symbol,
        side: exitSide(signal.direction),
        type: 'MARKET',
        clientOrderId,
        qty: w.filled as Qty,
        reduceOnly: true,
      });
    } catch (err) {
      throw new Error(
        `backtest: could not close ${signal.symbol} at market (${describeError(err)})` +
          (cause ? ` after ${describeError(cause)}` : ''),
      );
    }
    forget(w);
  }

  async function configure(symbol: MarketSymbol): Promise<void> {
    if (configured.has(symbol)) return;
    await exchange.setMarginMode(symbol, 'ISOLATED');
    await exchange.setLeverage(symbol, options.leverage);
    configured.add(symbol);
  }

  // The entry id of the latest signal: the strategy asks for it right after execute made it (one
  // SHA-256 fewer per trade).
  let lastSignalId: string | undefined;
  let lastEntryId = '';
  let entriesSincePrune = 0;
  const pruneEvery = options.pruneEvery ?? PRUNE_EVERY;
  const entryClientOrderId = (signalId: string): string => {
    if (signalId !== lastSignalId) {
      lastEntryId = deriveClientOrderId(userId, signalId, 'entry');
      lastSignalId = signalId;
    }
    return lastEntryId;
  };

  return {
    userId,
    kind: 'direct',
    entryClientOrderId,
    async execute(signal) {
      if (options.sim && ++entriesSincePrune >= pruneEvery) {
        options.sim.pruneHistory(userId, 0);
        entriesSincePrune = 0;
      }
      const now = clock.now();
      const rules = options.rules.get(signal.symbol);
      if (!rules) return refuse('SYMBOL_NOT_TRADING', `${signal.symbol} has no exchange rules`);
      if (Math.floor(now / UTC_DAY) !== realisedDay) {
        realisedDay = Math.floor(now / UTC_DAY);
        realisedToday.reset();
      }
      const gate = checkOrder(
        {
          kind: 'entry',
          symbol: signal.symbol,
          direction: signal.direction,
          confidence: signal.combinedConfidence,
          automatic: true,
        },
        {
          riskState: 'ACTIVE',
          autoTrade: true,
          minConfidence: options.minConfidence,
          leverage: options.leverage,
          hasLivePosition: working.has(signal.symbol),
          lastStopOutAt: lastStopOut.get(signal.symbol) ?? null,
          realisedPnlToday: realisedToday,
          symbolTrading: rules.status === 'TRADING',
          symbolMaxLeverage: rules.maxLeverage,
        },
        options.risk,
        now,
      );
      if (!gate.ok) return refuse(gate.reason, gate.message);
      const sized = sizeEntry({
        rules,
        margin: options.margin,
        leverage: options.leverage,
        price:
          signal.entryType === 'MARKET' ? (options.markPrice?.(signal.symbol) ?? signal.entry) : signal.entry,
        type: signal.entryType,
      });
      if (!sized.ok) return refuse(sized.reason, sized.message);
      const w: Working = {
        signal,
        expiresAt: options.limitEntryTtlMs === undefined ? signal.expiresAt : now + options.limitEntryTtlMs,
        levels: workingLevels(signal.direction, signal.entryType === 'LIMIT' ? toFloat(sized.price) : null),
        entryId: entryClientOrderId(signal.id),
        filled: ZERO,
        stopId: deriveClientOrderId(userId, signal.id, 'sl'),
        targetId: deriveClientOrderId(userId, signal.id, 'tp'),
        protectionQueued: false,
      };
      // Known before the order leaves: a MARKET fill is reported while createOrder runs.
      working.set(signal.symbol, w);
      byEntryId.set(w.entryId, w);
      try {
        // Once per symbol (no async call for the symbols already set up).
        if (!configured.has(signal.symbol)) await configure(signal.symbol);
        sending = w;
        protectAfterSend = false;
        await exchange.createOrder({
          symbol: signal.symbol,
          side: entrySide(signal.direction),
          type: signal.entryType,
          clientOrderId: w.entryId as never,
          qty: sized.qty,
          ...(signal.entryType === 'LIMIT' ? { price: sized.price, timeInForce: 'GTC' as const } : {}),
        });
      } catch (err) {
        sending = null;
        forget(w);
        return refuse(isDomainError(err) ? err.code : 'EXCHANGE_ERROR', describeError(err));
      }
      sending = null;
      stats.placed++;
      if (protectAfterSend) {
        try {
          await protect(w);
        } catch (error) {
          // The failure the queue would have kept (see `failure`), answered here at once.
          failure ??= { error };
          throw error;
        }
      }
      // Protection of a filled entry, if any is on its way (a resting entry has none to wait for).
      const protecting = this.settle();
      if (protecting) await protecting;
      return { status: 'placed' };
    },
    nextDeadline() {
      let t = Number.POSITIVE_INFINITY;
      // Asked every step; about half of them nothing works (no iterator made then).
      if (working.size === 0) return t;
      for (const w of working.values())
        if (w.levels.pendingEntry !== null && w.expiresAt < t) t = w.expiresAt;
      return t;
    },
    async onTime(now) {
      for (const w of [...working.values()]) {
        if (w.levels.pendingEntry === null || w.expiresAt > now) continue;
        try {
          await exchange.cancelOrder({
            symbol: w.signal.symbol,
            clientOrderId: w.entryId as never,
            family: 'regular',
          });
          stats.expiredEntries++;
          forget(w);
        } catch (err) {
          // It filled in the meantime: protection is already on its way.
          if (!isDomainError(err, 'ORDER_NOT_FOUND')) throw err;
        }
      }
      await this.settle();
    },
    levels(symbol) {
      // Asked for every candle played (~530,000 a run), and over half the time nothing works on
      // any symbol: no lookup then.
      return working.size === 0 ? undefined : working.get(symbol)?.levels;
    },
    settle() {
      if (failure !== null) return Promise.reject(failure.error);
      if (queue === null) return null;
      // Waits for the reactions, then answers a failure among them (see `failure`).
      return queue.then(() => {
        if (failure !== null) throw failure.error;
      });
    },
    async closeAll() {
      await this.settle();
      for (const w of [...working.values()]) await exitNow(w, 'end');
      await this.settle();
    },
    stats: () => stats,
    close: exchange.subscribe(onEvent),
  };
}
