/**
 * Sending one order, the money-safe way: the intent is written before the order leaves (with its
 * deterministic client order id), every answer is recorded on it, and an ambiguous answer
 * (timeout, 5xx, dropped connection) is settled by looking the order up by that id, a few times
 * with backoff, never by sending it again. A duplicate-id answer is settled the same way.
 * Also here: reads and cancels with retries (idempotent, so they may repeat), per-symbol settings.
 */
import {
  type ClientOrderId,
  DomainError,
  deriveClientOrderId,
  describeError,
  ErrorCode,
  isDomainError,
  type OrderLeg,
  type SymbolRules,
} from '../domain/index.js';
import {
  type CreateOrderRequest,
  type ExchangeOrder,
  exchangeCodeOf,
  isOpenOrder,
  type OrderFamily,
} from '../exchange/index.js';
import type { OrderAnswer, Position } from '../store/index.js';
import { backoffMs, retryAfterOf } from './backoff.js';
import { type Account, asSymbol, countOrder, type ExecutionContext, toDate } from './context.js';
import { beginSend, endSend, rememberAnswer, rememberOrder } from './known-orders.js';

export type SendResult =
  | { kind: 'accepted'; order: ExchangeOrder; via: 'answer' | 'lookup' }
  /** The exchange said no: nothing exists. */
  | { kind: 'rejected'; error: DomainError }
  /** Ambiguous, and the lookups found nothing: treated as never placed (reconciliation watches). */
  | { kind: 'absent'; error: DomainError }
  /** Ambiguous, and the lookups themselves failed: it may exist. Reconciliation settles it. */
  | { kind: 'unresolved'; error: DomainError };

const toDomain = (err: unknown): DomainError =>
  err instanceof DomainError
    ? err
    : new DomainError(ErrorCode.AMBIGUOUS, `unexpected failure: ${describeError(err)}`, { cause: err });

/**
 * The client order id of a position's leg: derived from (user, signal, leg), so the same leg of
 * the same signal has the same id after any crash. Adopted positions (no signal) use their own id.
 */
export function deriveLegId(position: Position, leg: OrderLeg | string): ClientOrderId {
  return deriveClientOrderId(position.userId, position.signalId ?? position.id, leg as OrderLeg);
}

export const familyOf = (type: CreateOrderRequest['type']): 'REGULAR' | 'ALGO' =>
  type === 'MARKET' || type === 'LIMIT' ? 'REGULAR' : 'ALGO';

export const portFamily = (family: 'REGULAR' | 'ALGO'): OrderFamily =>
  family === 'REGULAR' ? 'regular' : 'algo';

/** The order as the exchange reports it, as an answer on our record. */
export function answerFrom(order: ExchangeOrder, outcome: OrderAnswer['outcome'], at: Date): OrderAnswer {
  return {
    at: at.toISOString(),
    outcome,
    status: order.status,
    exchangeOrderId: order.id,
    filledQty: order.family === 'regular' ? order.filledQty : null,
    avgFillPrice: order.family === 'regular' ? order.avgFillPrice : null,
    raw: {
      type: order.type,
      triggerPrice: order.triggerPrice?.toFixed() ?? null,
      ...(order.family === 'algo'
        ? { triggeredOrderId: order.triggeredOrderId, rejectReason: order.rejectReason }
        : {}),
    },
  };
}

function errorAnswer(
  err: DomainError,
  outcome: OrderAnswer['outcome'],
  at: Date,
  status?: string,
): OrderAnswer {
  const code = exchangeCodeOf(err);
  return {
    at: at.toISOString(),
    outcome,
    ...(status === undefined ? {} : { status }),
    errorCode: code === undefined ? err.code : `${err.code}:${code}`,
    error: err.message,
  };
}

export type LookupResult =
  | { kind: 'found'; order: ExchangeOrder }
  | { kind: 'absent' }
  | { kind: 'failed'; error: DomainError };

/** Look an order up by client order id, a few times with backoff (reads may repeat). */
export async function lookupOrder(
  ctx: ExecutionContext,
  acct: Account,
  symbol: string,
  clientOrderId: string,
  family: 'REGULAR' | 'ALGO',
  attempts = ctx.options.lookupAttempts,
): Promise<LookupResult> {
  let lastError: DomainError | undefined;
  let absentSeen = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const found = await acct.exchange.fetchOrder({
        symbol: asSymbol(symbol),
        clientOrderId: clientOrderId as ClientOrderId,
        family: portFamily(family),
      });
      if (found) return { kind: 'found', order: found };
      absentSeen++;
      // Two clean "not found" answers settle it; one could be a lagging replica.
      if (absentSeen >= 2) return { kind: 'absent' };
    } catch (err) {
      lastError = toDomain(err);
    }
    if (attempt + 1 < attempts) {
      await ctx.sleep(retryAfterOf(lastError) ?? backoffMs(ctx.options.lookupBackoff, attempt));
    }
  }
  if (absentSeen > 0) return { kind: 'absent' };
  return { kind: 'failed', error: lastError ?? new DomainError(ErrorCode.AMBIGUOUS, 'lookup failed') };
}

/** Record a lookup's result on our order (status only moves forward). */
export async function recordLookup(ctx: ExecutionContext, clientOrderId: string, order: ExchangeOrder) {
  return ctx.repos.executionQueries.advanceOrder(clientOrderId, answerFrom(order, 'LOOKUP', toDate(ctx)));
}

/**
 * Write-ahead, send once, record the answer, settle ambiguity by lookup. The intent row is
 * committed before createOrder is called; if it already exists (same client id), the order is
 * looked up first and only sent when the exchange has never seen it.
 */
export async function sendOrder(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  leg: string,
  request: CreateOrderRequest,
): Promise<SendResult> {
  const family = familyOf(request.type);
  const cid = request.clientOrderId;
  try {
    const intent = await ctx.repos.orders.insertIntent({
      userId: position.userId,
      positionId: position.id,
      clientOrderId: cid,
      family,
      leg,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      qty: request.qty ?? null,
      price: request.price ?? null,
      triggerPrice: request.triggerPrice ?? null,
      reduceOnly: request.reduceOnly ?? false,
      closePosition: request.closePosition ?? false,
    });
    rememberOrder(acct, intent);
  } catch (err) {
    if (!isDomainError(err, ErrorCode.DUPLICATE_CLIENT_ORDER_ID)) throw err;
    const seen = await lookupOrder(ctx, acct, request.symbol, cid, family);
    if (seen.kind === 'found') {
      await recordLookup(ctx, cid, seen.order);
      return { kind: 'accepted', order: seen.order, via: 'lookup' };
    }
    if (seen.kind === 'failed') return { kind: 'unresolved', error: seen.error };
  }
  return sendRecorded(ctx, acct, position, leg, request);
}

/**
 * Send an order whose intent row exists (also used to resend after a confirmed 429). The stream's
 * updates of the order that arrive before its answer is recorded wait for it (./known-orders.ts),
 * then only what the answer did not already say is written.
 */
export async function sendRecorded(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  leg: string,
  request: CreateOrderRequest,
): Promise<SendResult> {
  beginSend(acct, request.clientOrderId);
  try {
    return await sendAndRecord(ctx, acct, position, leg, request);
  } finally {
    await recordHeldEchoes(ctx, acct, request.clientOrderId);
  }
}

/** The stream updates held during the send that say more than its recorded answer, written forward-only. */
async function recordHeldEchoes(ctx: ExecutionContext, acct: Account, cid: string): Promise<void> {
  for (const update of endSend(acct, cid)) {
    try {
      await ctx.repos.executionQueries.advanceOrder(cid, answerFrom(update, 'UPDATE', toDate(ctx)));
    } catch (err) {
      // The send's own answer is recorded; reconciliation brings the rest (as for any lost update).
      ctx.logger?.error({ err: describeError(err), userId: acct.userId, cid }, 'stream update not recorded');
    }
  }
}

async function sendAndRecord(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  leg: string,
  request: CreateOrderRequest,
): Promise<SendResult> {
  const family = familyOf(request.type);
  const cid = request.clientOrderId;
  const mode = position.mode;
  let error: DomainError;
  try {
    const order = await acct.exchange.createOrder(request);
    rememberAnswer(
      acct,
      await ctx.repos.orders.recordAnswer(cid, answerFrom(order, 'ACCEPTED', toDate(ctx))),
    );
    countOrder(ctx, mode, leg, 'confirmed');
    return { kind: 'accepted', order, via: 'answer' };
  } catch (err) {
    error = toDomain(err);
  }
  if (error.code === ErrorCode.AMBIGUOUS || error.code === ErrorCode.DUPLICATE_CLIENT_ORDER_ID) {
    rememberAnswer(
      acct,
      await ctx.repos.orders.recordAnswer(
        cid,
        errorAnswer(
          error,
          error.code === ErrorCode.AMBIGUOUS ? 'AMBIGUOUS' : 'REJECTED',
          toDate(ctx),
          'UNKNOWN',
        ),
      ),
    );
    const seen = await lookupOrder(ctx, acct, request.symbol, cid, family);
    if (seen.kind === 'found') {
      await recordLookup(ctx, cid, seen.order);
      countOrder(ctx, mode, leg, 'confirmed');
      return { kind: 'accepted', order: seen.order, via: 'lookup' };
    }
    if (seen.kind === 'absent') {
      const answered = await ctx.repos.orders.recordAnswer(cid, {
        at: toDate(ctx).toISOString(),
        outcome: 'LOOKUP',
        status: 'REJECTED',
        errorCode: ErrorCode.ORDER_NOT_FOUND,
        error: `not found by client order id after an ambiguous send (${error.message}): treated as never placed`,
      });
      rememberAnswer(acct, answered);
      countOrder(ctx, mode, leg, 'rejected');
      return { kind: 'absent', error };
    }
    countOrder(ctx, mode, leg, 'unknown');
    return { kind: 'unresolved', error };
  }
  rememberAnswer(
    acct,
    await ctx.repos.orders.recordAnswer(cid, errorAnswer(error, 'REJECTED', toDate(ctx), 'REJECTED')),
  );
  countOrder(ctx, mode, leg, 'rejected');
  return { kind: 'rejected', error };
}

/** A MARKET order accepted before it reported its fill (Binance's ACK answer): read it back. */
export async function settleMarketFill(
  ctx: ExecutionContext,
  acct: Account,
  order: ExchangeOrder,
): Promise<ExchangeOrder> {
  let current = order;
  for (let i = 0; i < ctx.options.marketFillPolls; i++) {
    if (current.family !== 'regular' || current.type !== 'MARKET' || !isOpenOrder(current)) return current;
    await ctx.sleep(backoffMs(ctx.options.lookupBackoff, i));
    const seen = await lookupOrder(ctx, acct, current.symbol, current.clientOrderId, 'REGULAR', 2);
    if (seen.kind === 'found') {
      current = seen.order;
      await recordLookup(ctx, current.clientOrderId, current);
    }
  }
  return current;
}

/**
 * Cancel one of our orders until the exchange confirms it is no longer open. "Unknown order"
 * (-2011) is not taken on trust: the order is looked up, and cancelled again if it is still open.
 * Returns false when it could not be confirmed (reconciliation cancels it later as an orphan).
 */
export interface OrderRef {
  symbol: string;
  clientOrderId: string;
  family: 'REGULAR' | 'ALGO';
}

export async function cancelTracked(
  ctx: ExecutionContext,
  acct: Account,
  order: OrderRef,
  attempts = 4,
): Promise<boolean> {
  const lookup = {
    symbol: asSymbol(order.symbol),
    clientOrderId: order.clientOrderId as ClientOrderId,
    family: portFamily(order.family),
  };
  for (let attempt = 0; attempt < attempts; attempt++) {
    let wait = backoffMs(ctx.options.lookupBackoff, attempt);
    try {
      const cancelled = await acct.exchange.cancelOrder(lookup);
      await ctx.repos.executionQueries.advanceOrder(
        order.clientOrderId,
        answerFrom(cancelled, 'UPDATE', toDate(ctx)),
      );
      return true;
    } catch (err) {
      const e = toDomain(err);
      wait = retryAfterOf(e) ?? wait;
      if (e.code === ErrorCode.ORDER_NOT_FOUND) {
        const seen = await lookupOrder(ctx, acct, order.symbol, order.clientOrderId, order.family, 2);
        if (seen.kind === 'absent') return true;
        if (seen.kind === 'found') {
          await recordLookup(ctx, order.clientOrderId, seen.order);
          if (!isOpenOrder(seen.order)) return true;
        }
      }
    }
    if (attempt + 1 < attempts) await ctx.sleep(wait);
  }
  return false;
}

/** An idempotent exchange call (read, setting), retried with backoff on any failure but the last. */
export async function withRetries<T>(
  ctx: ExecutionContext,
  call: () => Promise<T>,
  attempts = 3,
  retryable: (e: DomainError) => boolean = (e) =>
    e.code === ErrorCode.AMBIGUOUS || e.code === ErrorCode.RATE_LIMITED,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const e = toDomain(err);
      if (attempt + 1 >= attempts || !retryable(e)) throw e;
      await ctx.sleep(retryAfterOf(e) ?? backoffMs(ctx.options.lookupBackoff, attempt));
    }
  }
}

/** The symbol's trading rules (cached per account; a failed load is retried next time). */
export async function rulesFor(
  ctx: ExecutionContext,
  acct: Account,
  symbol: string,
): Promise<SymbolRules | undefined> {
  acct.rules ??= withRetries(ctx, () => acct.exchange.markets()).then(
    (list) => new Map(list.map((r) => [r.symbol as string, r])),
    (err: unknown) => {
      acct.rules = undefined;
      throw err;
    },
  );
  return (await acct.rules).get(symbol);
}

/** ISOLATED margin and the leverage, set once per symbol before its first order (cached). */
export async function ensureSymbolSettings(
  ctx: ExecutionContext,
  acct: Account,
  symbol: string,
  leverage: number,
): Promise<void> {
  if (acct.configured.get(symbol) === leverage) return;
  acct.configured.delete(symbol);
  await withRetries(ctx, () => acct.exchange.setMarginMode(asSymbol(symbol), 'ISOLATED'));
  await withRetries(ctx, () => acct.exchange.setLeverage(asSymbol(symbol), leverage));
  acct.configured.set(symbol, leverage);
}

export { toDomain };
