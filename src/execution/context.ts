/**
 * What every part of the engine shares: the injected dependencies with their defaults resolved
 * (ExecutionContext), and one user's trading account as the engine holds it (Account): its
 * exchange, its serial lane, its caches. Helpers here store-then-publish events, write the audit
 * log and count metrics, so no flow forgets one of the three.
 */
import type { Decimal } from 'decimal.js';
import {
  type Clock,
  type DecimalInput,
  dec,
  type MarketSymbol,
  type OrderLeg,
  type SymbolRules,
  type TradingMode,
} from '../domain/index.js';
import type { EventBus, LiveEventType } from '../events/index.js';
import type { Exchange, WorkingType } from '../exchange/index.js';
import type { Logger } from '../logging/index.js';
import type { Metrics } from '../metrics/index.js';
import type { RiskLimits } from '../risk/index.js';
import type { Position, Repositories } from '../store/index.js';
import { type BackoffPolicy, realSleep, type Sleep } from './backoff.js';
import type { KnownOrder } from './known-orders.js';
import type { Lane } from './lane.js';

export interface ExecutionOptions {
  /** Longest a filled position may stay without an accepted stop; then it is closed at market. */
  protectionBoundMs: number;
  protectionBackoff: BackoffPolicy;
  /** Tries for the take-profit before it is left to reconciliation (the stop has no such limit). */
  takeProfitAttempts: number;
  /** Lookups by client order id that settle an ambiguous send (never a resend). */
  lookupAttempts: number;
  lookupBackoff: BackoffPolicy;
  /** How long a market exit is retried before the position is left CLOSING for reconciliation. */
  exitBoundMs: number;
  exitBackoff: BackoffPolicy;
  /** A LIMIT entry still resting after this long is cancelled (a partial fill is kept, protected). */
  limitEntryTtlMs: number;
  /** How long a close waits for the stream to deliver its exit fills before using order prices. */
  fillSettleMs: number;
  /** Periodic reconciliation (and LIMIT expiry checks); 0 = only at start and on stream loss. */
  reconcileIntervalMs: number;
  /** Stop distance for an adopted position, from the current price (0.02 = 2 %). */
  adoptStopPct: number;
  /** Reads of a MARKET order that was accepted before it reported its fill. */
  marketFillPolls: number;
  /** A 429 on an entry (nothing executed) is retried once when Retry-After is at most this. */
  entryRateLimitWaitMs: number;
  /** Consecutive execution failures (rejected entries, failed closes) that move the account to REDUCING. */
  maxConsecutiveFailures: number;
  /** What the protective orders' triggers watch. */
  workingType: WorkingType;
  /** Panic waits this long for the books before it reports (the exchange part never waits for them). */
  panicBooksTimeoutMs: number;
  risk: RiskLimits;
}

export const DEFAULT_OPTIONS: ExecutionOptions = {
  protectionBoundMs: 10_000,
  protectionBackoff: { initialMs: 250, maxMs: 2_000 },
  takeProfitAttempts: 4,
  lookupAttempts: 4,
  lookupBackoff: { initialMs: 200, maxMs: 2_000 },
  exitBoundMs: 20_000,
  exitBackoff: { initialMs: 250, maxMs: 2_000 },
  limitEntryTtlMs: 15 * 60_000,
  fillSettleMs: 2_000,
  reconcileIntervalMs: 60_000,
  adoptStopPct: 0.02,
  marketFillPolls: 5,
  entryRateLimitWaitMs: 2_000,
  maxConsecutiveFailures: 3,
  workingType: 'CONTRACT_PRICE',
  panicBooksTimeoutMs: 5_000,
  // No daily limit unless configured: a limit is a user's decision, not a default.
  risk: { cooldownAfterStopOutMs: 30 * 60_000, dailyLossLimit: dec('1e15') },
};

export type ExecutionRepos = Pick<
  Repositories,
  | 'users'
  | 'positions'
  | 'orders'
  | 'fills'
  | 'positionBooks'
  | 'executionQueries'
  | 'audit'
  | 'signals'
  | 'balanceSnapshots'
>;

export interface ExecutionDeps {
  repos: ExecutionRepos;
  clock: Clock;
  /** Waits between tries; a test with a manual clock passes one that advances it. */
  sleep?: Sleep | undefined;
  events?: EventBus | undefined;
  metrics?: Metrics | undefined;
  logger?: Logger | undefined;
  /** The latest price of a symbol, to size MARKET entries and place adopted stops. */
  markPrice?: ((symbol: string) => Decimal | undefined) | undefined;
  options?: Partial<ExecutionOptions> | undefined;
}

export interface ExecutionContext {
  repos: ExecutionRepos;
  clock: Clock;
  sleep: Sleep;
  events: EventBus | undefined;
  metrics: Metrics | undefined;
  logger: Logger | undefined;
  markPrice: (symbol: string) => Decimal | undefined;
  options: ExecutionOptions;
  /**
   * Signals this engine has already marked EXECUTED: a fan-out executes one signal for every
   * user, and the mark is the same each time (a cache of writes that would change nothing).
   */
  markedExecuted: Set<string>;
}

export function resolveContext(deps: ExecutionDeps): ExecutionContext {
  return {
    repos: deps.repos,
    clock: deps.clock,
    sleep: deps.sleep ?? realSleep,
    events: deps.events,
    metrics: deps.metrics,
    logger: deps.logger,
    markPrice: deps.markPrice ?? (() => undefined),
    options: { ...DEFAULT_OPTIONS, ...deps.options },
    markedExecuted: new Set(),
  };
}

export interface BalanceCache {
  asset: string;
  wallet: Decimal;
  /** Null when only the stream reported (it carries no available balance). */
  available: Decimal | null;
  at: Date;
  source: 'user-stream' | 'rest';
}

export interface Account {
  readonly userId: string;
  readonly exchange: Exchange;
  /** Every change to this account's trading state runs here, one task at a time. */
  readonly lane: Lane;
  /** User-stream events are recorded here, in the order they came. */
  readonly recorder: Lane;
  /** Symbols whose leverage (value) and ISOLATED margin mode are known to be set. */
  readonly configured: Map<string, number>;
  rules: Promise<Map<string, SymbolRules>> | undefined;
  /** Set by panic at once, before any database write: no entry leaves after this. */
  reducing: boolean;
  /** Panic in progress: protection loops stand aside, panic closes. */
  panicking: boolean;
  /** True once a reconciliation passed; entries wait for it. */
  reconciled: boolean;
  /** The regular order a triggered conditional order became: `${symbol}|${orderId}` -> our client id. */
  readonly triggeredChildren: Map<string, string>;
  /** Orders this engine sent, as it recorded them (./known-orders.ts): the stream's echoes skip the database. */
  readonly knownOrders: Map<string, KnownOrder>;
  /** Symbols the stream reported flat since their last check. */
  readonly reportedFlat: Set<string>;
  balance: BalanceCache | undefined;
  consecutiveFailures: number;
  unsubscribe: (() => void) | undefined;
  /** A stream loss was seen: reconcile again once it is back. */
  streamLost: boolean;
  /**
   * The user stream may have missed events since the last reconciliation that passed: true from
   * the (re)start of the account's stream and after a loss. A close that reconciliation finds then
   * happened out of the stream's sight, and its fills will never come on it (see finalizeClose).
   */
  missedEvents: boolean;
  stopped: boolean;
}

// --- helpers every flow uses -------------------------------------------------------------------

export function publish(
  ctx: ExecutionContext,
  userId: string,
  type: LiveEventType,
  data: Record<string, unknown>,
  symbol?: string,
): void {
  ctx.events?.publish(userId, {
    type,
    at: ctx.clock.now(),
    ...(symbol === undefined ? {} : { symbol }),
    data,
  });
}

/** The position as the live feed shows it; published only after it is stored. */
export function positionEventData(p: Position): Record<string, unknown> {
  return {
    id: p.id,
    symbol: p.symbol,
    direction: p.direction,
    status: p.status,
    qty: p.qty.toFixed(),
    filledQty: p.filledQty.toFixed(),
    entryPrice: p.entryPrice?.toFixed() ?? null,
    stopLoss: p.stopLoss?.toFixed() ?? null,
    takeProfit: p.takeProfit?.toFixed() ?? null,
    exitPrice: p.exitPrice?.toFixed() ?? null,
    pnl: p.pnl?.toFixed() ?? null,
    pnlPercent: p.pnlPercent?.toFixed() ?? null,
    closeReason: p.closeReason,
    unprotectedSince: p.unprotectedSince?.toISOString() ?? null,
  };
}

export function publishPosition(ctx: ExecutionContext, p: Position): void {
  publish(ctx, p.userId, 'position', positionEventData(p), p.symbol);
}

/** Audit entries must never break a flow that is protecting money: a failed write is logged. */
export async function audit(
  ctx: ExecutionContext,
  userId: string,
  kind: string,
  message: string,
  data?: Record<string, unknown>,
): Promise<void> {
  try {
    await ctx.repos.audit.append({ userId, kind, message, data, at: new Date(ctx.clock.now()) });
  } catch (err) {
    ctx.logger?.error({ err, kind, userId }, 'audit write failed');
  }
}

export type OrderOutcomeLabel = 'confirmed' | 'rejected' | 'denied' | 'unknown';

/** Leg family for metrics labels (bounded: entry, sl, tp, exit, external). */
export function legFamily(leg: string): string {
  const m = /^(entry|sl|tp|exit)/.exec(leg);
  return m ? m[1]! : 'external';
}

export function countOrder(
  ctx: ExecutionContext,
  mode: TradingMode,
  leg: string,
  outcome: OrderOutcomeLabel,
) {
  ctx.metrics?.orders.inc({ mode, leg: legFamily(leg), outcome });
}

export function toDate(ctx: ExecutionContext): Date {
  return new Date(ctx.clock.now());
}

export const asSymbol = (s: string): MarketSymbol => s as MarketSymbol;

/**
 * The next unused leg name of a kind for a position: sl, sl1, sl2, ... `knownLegs`: the legs of
 * every order the position has, when the caller knows them (the entry it has just written), to
 * spare the read. A wrong guess is still safe: the leg's id exists, and sendOrder then looks the
 * order up by it instead of sending it again.
 */
export async function nextLeg(
  ctx: ExecutionContext,
  positionId: string,
  kind: 'sl' | 'tp' | 'exit',
  knownLegs?: readonly string[],
): Promise<OrderLeg> {
  const legs = knownLegs ?? (await ctx.repos.orders.listByPosition(positionId)).map((o) => o.leg);
  const used = legs.filter((leg) => new RegExp(`^${kind}\\d*$`).test(leg)).length;
  return (used === 0 ? kind : `${kind}${used}`) as OrderLeg;
}

export const decOrNull = (v: DecimalInput | null | undefined): Decimal | null =>
  v === null || v === undefined ? null : dec(v);
