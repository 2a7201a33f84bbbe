/**
 * The entry protocol (the state machine of ./states.ts, drawn in ./index.ts): risk gate and
 * sizing, leverage and ISOLATED margin for the symbol, write-ahead (position PENDING_ENTRY, order
 * INTENT with the id derived from user, signal and "entry"), one send, ambiguity settled by
 * lookup, and on any fill the position saved OPEN before protection starts. A signal is executed
 * at most once per user: its entry id exists in the database from the moment it was first tried.
 */
import type { Decimal } from 'decimal.js';
import {
  DAY_MS,
  deriveClientOrderId,
  ErrorCode,
  entrySide,
  isDomainError,
  isLivePosition,
  type Price,
  type Qty,
  roundToTick,
} from '../domain/index.js';
import { type ExchangeOrder, isOpenOrder } from '../exchange/index.js';
import { checkOrder } from '../risk/index.js';
import type { OrderRecord, Position, StoredSignal } from '../store/index.js';
import { retryAfterOf } from './backoff.js';
import {
  type Account,
  asSymbol,
  audit,
  countOrder,
  type ExecutionContext,
  publishPosition,
  toDate,
} from './context.js';
import { noteFailure } from './exits.js';
import { protect } from './protection.js';
import {
  cancelTracked,
  ensureSymbolSettings,
  lookupOrder,
  recordLookup,
  rulesFor,
  type SendResult,
  sendOrder,
  sendRecorded,
  settleMarketFill,
  toDomain,
} from './send.js';
import { sizeEntry } from './sizing.js';
import { EntryPath, type EntryState } from './states.js';

export type ExecutableSignal = Pick<
  StoredSignal,
  'id' | 'symbol' | 'direction' | 'entryType' | 'entry' | 'stopLoss' | 'takeProfit' | 'combinedConfidence'
>;

export interface ExecuteOptions {
  /** Scheduler-driven (needs auto-trading on); false for a person's explicit entry. Default true. */
  automatic?: boolean;
}

export type ExecutionStatus =
  /** Filled and protected by an accepted stop. */
  | 'OPEN'
  /** Filled, no accepted stop yet (the engine keeps trying, then closes). */
  | 'UNPROTECTED'
  /** A LIMIT entry resting on the book. */
  | 'WORKING'
  /** Filled and already closed again (the price was past the stop or target). */
  | 'CLOSED'
  /** Filled, close at market in progress (reconciliation finishes it). */
  | 'CLOSING'
  /** Nothing exposed: the entry never filled. */
  | 'CANCELLED'
  /** The exchange refused (settings or the entry itself). */
  | 'REJECTED'
  /** Refused before anything was sent: risk gate or sizing (reason says which). */
  | 'DENIED'
  /** This signal was already executed for this user: nothing was sent. */
  | 'DUPLICATE'
  /** Sent, outcome unknown, lookups failing: reconciliation settles it (never a resend). */
  | 'UNRESOLVED';

export interface ExecutionOutcome {
  status: ExecutionStatus;
  positionId: string | null;
  /** Risk reason, sizing reason or error code. */
  reason: string | null;
  message: string;
  /** The states this execution went through. */
  path: readonly EntryState[];
}

const outcome = (
  path: EntryPath,
  status: ExecutionStatus,
  positionId: string | null,
  reason: string | null,
  message: string,
): ExecutionOutcome => ({ status, positionId, reason, message, path: path.path });

function tickRound(value: Decimal, tick: Decimal): Price {
  return roundToTick(value, tick) as Price;
}

export async function executeEntry(
  ctx: ExecutionContext,
  acct: Account,
  signal: ExecutableSignal,
  options: ExecuteOptions = {},
): Promise<ExecutionOutcome> {
  const path = new EntryPath();
  const userId = acct.userId;
  const entryId = deriveClientOrderId(userId, signal.id, 'entry');
  const now = ctx.clock.now();
  // One round trip: the user, the duplicate check and the risk gate's facts (before any decision).
  const facts = await ctx.repos.executionQueries.entryFacts(
    userId,
    signal.symbol,
    entryId,
    new Date(now - (now % DAY_MS)),
  );
  if (facts.entry) {
    return outcome(
      path,
      'DUPLICATE',
      facts.entry.positionId,
      'ALREADY_EXECUTED',
      'this signal was already executed for this account; nothing sent',
    );
  }
  const user = facts.user;
  if (!user) throw toDomain(new Error(`user ${userId} not found`));
  const deny = (reason: string, message: string) => {
    path.to('DENIED');
    countOrder(ctx, user.mode, 'entry', 'denied');
    return outcome(path, 'DENIED', null, reason, message);
  };
  if (acct.reducing) return deny('ACCOUNT_REDUCING', 'panic: only exits are allowed');
  if (!acct.reconciled) return deny('NOT_RECONCILED', 'reconciliation has not passed yet for this account');

  const rules = await rulesFor(ctx, acct, signal.symbol);
  const gate = checkOrder(
    {
      kind: 'entry',
      symbol: signal.symbol,
      direction: signal.direction,
      confidence: signal.combinedConfidence,
      automatic: options.automatic ?? true,
    },
    {
      riskState: user.riskState,
      autoTrade: user.autoTrade,
      minConfidence: user.minConfidence,
      leverage: user.leverage,
      hasLivePosition: facts.hasLivePosition,
      lastStopOutAt: facts.lastStopOutAt?.getTime() ?? null,
      realisedPnlToday: facts.realisedPnlSince,
      symbolTrading: rules?.status === 'TRADING',
      symbolMaxLeverage: rules?.maxLeverage ?? 0,
    },
    ctx.options.risk,
    now,
  );
  if (!gate.ok) return deny(gate.reason, gate.message);
  if (!rules) return deny('SYMBOL_NOT_TRADING', `${signal.symbol} is not listed on the exchange`);

  const refPrice =
    signal.entryType === 'LIMIT' ? signal.entry : (ctx.markPrice(signal.symbol) ?? signal.entry);
  const sizing = sizeEntry({
    rules,
    margin: user.fixedMargin,
    leverage: user.leverage,
    price: refPrice,
    type: signal.entryType,
  });
  if (!sizing.ok) return deny(sizing.reason, sizing.message);

  path.to('CONFIGURING');
  try {
    await ensureSymbolSettings(ctx, acct, signal.symbol, user.leverage);
  } catch (err) {
    const e = toDomain(err);
    path.to('CANCELLED');
    countOrder(ctx, user.mode, 'entry', 'rejected');
    await audit(
      ctx,
      userId,
      'entry_rejected',
      `${signal.symbol}: leverage/margin mode refused (${e.message})`,
      {
        signalId: signal.id,
        code: e.code,
      },
    );
    await noteFailure(ctx, acct, 'settings');
    return outcome(path, 'REJECTED', null, e.code, `leverage or margin mode not set: ${e.message}`);
  }

  // Write-ahead: the position and the order intent are committed before anything leaves.
  let position: Position;
  try {
    position = await ctx.repos.positions.insert({
      userId,
      signalId: signal.id,
      symbol: signal.symbol,
      direction: signal.direction,
      mode: user.mode,
      qty: sizing.qty,
      entryPrice: signal.entryType === 'LIMIT' ? sizing.price : null,
      stopLoss: tickRound(signal.stopLoss, rules.tickSize),
      takeProfit: tickRound(signal.takeProfit, rules.tickSize),
      margin: user.fixedMargin,
      leverage: user.leverage,
    });
  } catch (err) {
    if (isDomainError(err, ErrorCode.POSITION_ALREADY_OPEN)) {
      return deny('POSITION_ALREADY_OPEN', `a position in ${signal.symbol} is already open`);
    }
    throw err;
  }
  path.to('PENDING_ENTRY');
  publishPosition(ctx, position);

  const request = {
    symbol: asSymbol(signal.symbol),
    side: entrySide(signal.direction),
    type: signal.entryType,
    clientOrderId: entryId,
    qty: sizing.qty as Qty,
    ...(signal.entryType === 'LIMIT' ? { price: sizing.price, timeInForce: 'GTC' as const } : {}),
  };
  path.to('SENDING');
  let result: SendResult = await sendOrder(ctx, acct, position, 'entry', request);
  // A 429 executed nothing: one resend of the same id after Retry-After, when it is short.
  const wait = result.kind === 'rejected' ? retryAfterOf(result.error) : undefined;
  if (wait !== undefined && wait <= ctx.options.entryRateLimitWaitMs) {
    await ctx.sleep(wait);
    result = await sendRecorded(ctx, acct, position, 'entry', request);
  }

  if (result.kind === 'unresolved') {
    path.to('AMBIGUOUS').to('UNRESOLVED');
    await audit(
      ctx,
      userId,
      'entry_unresolved',
      `${signal.symbol}: entry outcome unknown; reconciliation settles it`,
      {
        positionId: position.id,
        error: result.error.message,
      },
    );
    return outcome(path, 'UNRESOLVED', position.id, result.error.code, result.error.message);
  }
  if (result.kind === 'rejected' || result.kind === 'absent') {
    if (result.kind === 'absent') path.to('AMBIGUOUS');
    path.to('CANCELLED');
    const reason = result.kind === 'absent' ? 'NOT_PLACED' : result.error.code;
    const cancelled = await ctx.repos.positions.update(position.id, {
      status: 'CANCELLED',
      closeReason: `ENTRY_${result.kind === 'absent' ? 'NOT_PLACED' : 'REJECTED'}`,
      closedAt: toDate(ctx),
    });
    publishPosition(ctx, cancelled);
    await audit(ctx, userId, 'entry_rejected', `${signal.symbol}: entry ${reason}: ${result.error.message}`, {
      positionId: position.id,
      details: result.error.details ?? null,
    });
    await noteFailure(ctx, acct, 'entry');
    return outcome(path, 'REJECTED', position.id, reason, result.error.message);
  }
  if (result.via === 'lookup') path.to('AMBIGUOUS');
  acct.consecutiveFailures = 0;
  await markExecuted(ctx, signal.id);
  const order = await settleMarketFill(ctx, acct, result.order);
  return afterEntryAnswer(ctx, acct, position, order, path);
}

/** The signal EXECUTED, once per engine (every user after the first would write the same). */
async function markExecuted(ctx: ExecutionContext, signalId: string): Promise<void> {
  if (ctx.markedExecuted.has(signalId)) return;
  try {
    await ctx.repos.signals.markExecuted(signalId);
    if (ctx.markedExecuted.size >= 10_000) ctx.markedExecuted.clear();
    ctx.markedExecuted.add(signalId);
  } catch (err) {
    ctx.logger?.warn({ err, signalId }, 'signal not marked EXECUTED');
  }
}

/**
 * The legs of a position this execution has just created: its entry, nothing else (an earlier
 * try of the same signal would have stopped it as DUPLICATE). Stream-booked 'external' legs do
 * not count for naming protective legs.
 */
const ENTRY_ONLY: readonly string[] = ['entry'];

async function afterEntryAnswer(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  order: ExchangeOrder,
  path: EntryPath,
): Promise<ExecutionOutcome> {
  const filled = order.family === 'regular' ? order.filledQty : null;
  if (filled?.gt(0)) {
    path.to('FILLED');
    const state = await onEntryFilled(
      ctx,
      acct,
      position,
      filled,
      order.family === 'regular' ? order.avgFillPrice : null,
      path,
      ENTRY_ONLY,
    );
    return outcome(path, state.status, position.id, null, state.message);
  }
  if (isOpenOrder(order)) {
    path.to('WORKING');
    return outcome(
      path,
      'WORKING',
      position.id,
      null,
      `${order.type} entry resting at ${order.price?.toFixed() ?? 'market'}`,
    );
  }
  path.to('CANCELLED');
  const cancelled = await ctx.repos.positions.update(position.id, {
    status: 'CANCELLED',
    closeReason: `ENTRY_${order.status}`,
    closedAt: toDate(ctx),
  });
  publishPosition(ctx, cancelled);
  return outcome(path, 'CANCELLED', position.id, order.status, `entry ended ${order.status} without a fill`);
}

/**
 * Something filled: the position is saved OPEN (with the fill) before any protective order is
 * sent, so whatever happens next, it is in the books. Then protection.
 */
export async function onEntryFilled(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  filledQty: Decimal,
  avgPrice: Decimal | null,
  path?: EntryPath,
  knownLegs?: readonly string[],
): Promise<{ status: ExecutionStatus; message: string }> {
  const opened = await ctx.repos.positions.update(position.id, {
    status: 'OPEN',
    filledQty,
    entryPrice: avgPrice ?? position.entryPrice,
    openedAt: position.openedAt ?? toDate(ctx),
    unprotectedSince: position.unprotectedSince ?? toDate(ctx),
  });
  publishPosition(ctx, opened);
  await audit(
    ctx,
    opened.userId,
    'entry_filled',
    `${opened.symbol}: ${filledQty.toFixed()} filled at ${avgPrice?.toFixed() ?? '?'}`,
    {
      positionId: opened.id,
    },
  );
  const result = await protect(ctx, acct, opened, path, knownLegs);
  switch (result.state) {
    case 'PROTECTED':
      return { status: 'OPEN', message: 'filled and protected' };
    case 'UNPROTECTED':
      return { status: 'UNPROTECTED', message: 'filled; no accepted stop yet' };
    case 'CLOSED':
      return { status: 'CLOSED', message: `filled and closed again (${result.position.closeReason ?? ''})` };
    default:
      return { status: 'CLOSING', message: 'filled; closing at market' };
  }
}

/**
 * The entry order's fills as recorded (stream or lookup) applied to its position: a PENDING_ENTRY
 * position with a fill becomes OPEN and protected; an OPEN one follows a LIMIT entry still filling.
 */
export async function syncEntryFill(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  entry: OrderRecord,
): Promise<void> {
  if (position.status === 'PENDING_ENTRY' && entry.filledQty.gt(0)) {
    await onEntryFilled(ctx, acct, position, entry.filledQty, entry.avgFillPrice);
    return;
  }
  if (
    isLivePosition(position.status) &&
    position.status !== 'PENDING_ENTRY' &&
    entry.filledQty.gt(position.filledQty)
  ) {
    const grown = await ctx.repos.positions.update(position.id, {
      filledQty: entry.filledQty,
      entryPrice: entry.avgFillPrice ?? position.entryPrice,
    });
    publishPosition(ctx, grown);
  }
}

/** When the order was sent, by the engine's clock (its first recorded answer). */
function sentAt(order: OrderRecord): number {
  const first = order.answers[0] as { at?: unknown } | undefined;
  const at = typeof first?.at === 'string' ? Date.parse(first.at) : Number.NaN;
  return Number.isFinite(at) ? at : order.createdAt.getTime();
}

/** LIMIT entries past their time: cancel the rest; keep (and protect) what filled. */
export async function expireWorkingEntries(ctx: ExecutionContext, acct: Account): Promise<void> {
  const now = ctx.clock.now();
  for (const position of await ctx.repos.positions.listLive(acct.userId)) {
    const orders = await ctx.repos.orders.listByPosition(position.id);
    const entry = orders.find((o) => o.leg === 'entry');
    if (entry?.type !== 'LIMIT' || !['NEW', 'PARTIALLY_FILLED'].includes(entry.status)) continue;
    if (now - sentAt(entry) < ctx.options.limitEntryTtlMs) continue;
    if (!(await cancelTracked(ctx, acct, entry))) continue;
    const seen = await lookupOrder(ctx, acct, entry.symbol, entry.clientOrderId, 'REGULAR');
    if (seen.kind === 'found') await recordLookup(ctx, entry.clientOrderId, seen.order);
    const final = (await ctx.repos.orders.findByClientOrderId(entry.clientOrderId)) ?? entry;
    const fresh = (await ctx.repos.positions.findById(position.id)) ?? position;
    await audit(
      ctx,
      acct.userId,
      'limit_expired',
      `${position.symbol}: LIMIT entry expired, ${final.filledQty.toFixed()} filled`,
      {
        positionId: position.id,
      },
    );
    if (final.filledQty.gt(0)) {
      await syncEntryFill(ctx, acct, fresh, final);
    } else if (fresh.status === 'PENDING_ENTRY') {
      const cancelled = await ctx.repos.positions.update(position.id, {
        status: 'CANCELLED',
        closeReason: 'LIMIT_EXPIRED',
        closedAt: toDate(ctx),
      });
      publishPosition(ctx, cancelled);
    }
  }
}
