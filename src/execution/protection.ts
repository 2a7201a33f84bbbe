/**
 * Protection: a filled position gets a stop-loss (STOP_MARKET with closePosition, and never
 * reduceOnly beside it: that pair is Binance's -1106, the incident this project exists to end) and
 * a take-profit (TAKE_PROFIT_MARKET). Until a stop is accepted the position is UNPROTECTED and the
 * engine keeps at it:
 * - a parameter error (-1106, -4137, -4138, -1102, -1103) is corrected: the other form of the
 *   order (closePosition <-> quantity + reduceOnly) is sent instead;
 * - "would trigger immediately" (-2021, -4142) means the price is already past the stop: the
 *   position is closed at market;
 * - anything else is retried with backoff (Retry-After when the exchange gives one) until the
 *   bound (protectionBoundMs, 10 s by default) from the fill, then the position is closed at market.
 * Every try is a new leg (sl, sl1, ...) with its own write-ahead intent; an older try that turns up
 * later is a superseded stop and reconciliation cancels it.
 */
import type { Decimal } from 'decimal.js';
import {
  type DomainError,
  ErrorCode,
  exitSide,
  isLivePosition,
  type Price,
  type Qty,
  roundToTickDirected,
} from '../domain/index.js';
import { type CreateOrderRequest, exchangeCodeOf, isOpenOrder } from '../exchange/index.js';
import type { Position } from '../store/index.js';
import { backoffMs, retryAfterOf } from './backoff.js';
import {
  type Account,
  asSymbol,
  audit,
  type ExecutionContext,
  nextLeg,
  publishPosition,
  toDate,
} from './context.js';
import { type CloseState, closeAtMarket, finalizeClose } from './exits.js';
import { deriveLegId, rulesFor, sendOrder, withRetries } from './send.js';
import { canTransition, type EntryPath } from './states.js';

export type ProtectionState = 'PROTECTED' | 'UNPROTECTED' | CloseState;

/** Binance parameter errors a different form of the same order avoids. */
export const PARAM_FIX_CODES: ReadonlySet<number> = new Set([-1106, -4137, -4138, -1102, -1103]);

type Variant = 'closePosition' | 'reduceOnlyQty';
const other = (v: Variant): Variant => (v === 'closePosition' ? 'reduceOnlyQty' : 'closePosition');

export function protectiveRequest(
  ctx: ExecutionContext,
  position: Position,
  leg: string,
  kind: 'sl' | 'tp',
  trigger: Decimal,
  variant: Variant,
): CreateOrderRequest {
  const base: CreateOrderRequest = {
    symbol: asSymbol(position.symbol),
    side: exitSide(position.direction),
    type: kind === 'sl' ? 'STOP_MARKET' : 'TAKE_PROFIT_MARKET',
    clientOrderId: deriveLegId(position, leg),
    triggerPrice: trigger as Price,
    workingType: ctx.options.workingType,
  };
  // closePosition alone: no quantity, and no reduceOnly (Binance answers -1106 to the pair).
  return variant === 'closePosition'
    ? { ...base, closePosition: true }
    : { ...base, qty: position.filledQty as Qty, reduceOnly: true };
}

function step(path: EntryPath | undefined, to: Parameters<EntryPath['to']>[0]) {
  if (path && path.current !== to && canTransition(path.current, to)) path.to(to);
}

/** A stop for a position that has none in the books (adopted): adoptStopPct from the price now. */
async function fallbackStop(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
): Promise<Decimal | null> {
  const ref = ctx.markPrice(position.symbol) ?? position.entryPrice;
  if (!ref) return null;
  const pct = ctx.options.adoptStopPct;
  const raw = position.direction === 'LONG' ? ref.mul(1 - pct) : ref.mul(1 + pct);
  const rules = await rulesFor(ctx, acct, position.symbol).catch(() => undefined);
  if (!rules) return raw;
  return roundToTickDirected(raw, rules.tickSize, position.direction === 'LONG' ? 'down' : 'up');
}

async function isFlat(ctx: ExecutionContext, acct: Account, symbol: string): Promise<boolean> {
  try {
    const list = await withRetries(ctx, () => acct.exchange.positions(asSymbol(symbol)));
    return !list.some((p) => p.symbol === symbol && p.qty.gt(0));
  } catch {
    return false;
  }
}

/** Place the stop until one is accepted, or close the position. Then the take-profit. */
/** `knownLegs`: the legs of the position's orders, when the caller knows them (see nextLeg). */
export async function protect(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  path?: EntryPath,
  knownLegs?: readonly string[],
): Promise<{ state: ProtectionState; position: Position }> {
  step(path, 'PROTECTING');
  const stop = await placeStop(ctx, acct, position, path, knownLegs);
  if (stop.state !== 'PROTECTED') return stop;
  step(path, 'PROTECTED');
  const tp = await placeTakeProfit(ctx, acct, stop.position, knownLegs);
  if (tp) {
    step(path, tp.state === 'CLOSED' ? 'CLOSED' : 'CLOSING');
    return tp;
  }
  return stop;
}

async function placeStop(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  path: EntryPath | undefined,
  knownLegs: readonly string[] | undefined,
): Promise<{ state: ProtectionState; position: Position }> {
  let current = position;
  let trigger = position.stopLoss ?? (await fallbackStop(ctx, acct, position));
  if (trigger && !position.stopLoss) {
    current = await ctx.repos.positions.update(position.id, { stopLoss: trigger });
  }
  const since = (current.unprotectedSince ?? toDate(ctx)).getTime();
  const deadline = since + ctx.options.protectionBoundMs;
  let variant: Variant = 'closePosition';
  for (let attempt = 0; ; attempt++) {
    if (acct.panicking) return { state: 'CLOSING', position: current };
    let error: DomainError | undefined;
    if (trigger) {
      // Only the first try may use the caller's legs: each try adds one.
      const leg = await nextLeg(ctx, current.id, 'sl', attempt === 0 ? knownLegs : undefined);
      const result = await sendOrder(
        ctx,
        acct,
        current,
        leg,
        protectiveRequest(ctx, current, leg, 'sl', trigger, variant),
      );
      if (result.kind === 'accepted' && (isOpenOrder(result.order) || result.order.status === 'TRIGGERED')) {
        current = await ctx.repos.positions.update(current.id, { status: 'OPEN', unprotectedSince: null });
        publishPosition(ctx, current);
        if (attempt > 0) {
          await audit(
            ctx,
            current.userId,
            'protected',
            `${current.symbol}: stop accepted after ${attempt + 1} tries`,
            {
              positionId: current.id,
              clientOrderId: result.order.clientOrderId,
              variant,
            },
          );
        }
        return { state: 'PROTECTED', position: current };
      }
      if (result.kind !== 'accepted') error = result.error;
    }
    const code = error ? exchangeCodeOf(error) : undefined;
    if (error?.code === ErrorCode.WOULD_TRIGGER_IMMEDIATELY) {
      step(path, 'CLOSING');
      await audit(
        ctx,
        current.userId,
        'stop_passed',
        `${current.symbol}: price already past the stop; closing`,
        {
          positionId: current.id,
          stopLoss: trigger?.toFixed(),
        },
      );
      const closed = await closeAtMarket(ctx, acct, current, 'STOP_PASSED');
      step(path, closed.state === 'CLOSED' ? 'CLOSED' : 'CLOSING');
      return closed;
    }
    if (current.status !== 'UNPROTECTED') {
      current = await ctx.repos.positions.update(current.id, {
        status: 'UNPROTECTED',
        unprotectedSince: new Date(since),
      });
      publishPosition(ctx, current);
      step(path, 'UNPROTECTED');
      await audit(
        ctx,
        current.userId,
        'unprotected',
        `${current.symbol}: no accepted stop (${error?.message ?? 'no stop price'})`,
        {
          positionId: current.id,
          exchangeCode: code ?? null,
        },
      );
    }
    const paramFix = code !== undefined && PARAM_FIX_CODES.has(code);
    if (paramFix) {
      variant = other(variant);
      await audit(
        ctx,
        current.userId,
        'stop_corrected',
        `${current.symbol}: ${code} -> retrying as ${variant}`,
        {
          positionId: current.id,
          exchangeCode: code,
          variant,
        },
      );
    }
    if (error?.code === ErrorCode.REDUCE_ONLY_REJECTED && (await isFlat(ctx, acct, current.symbol))) {
      const closed = await finalizeClose(ctx, acct, current.id);
      step(path, 'CLOSED');
      return { state: 'CLOSED', position: closed };
    }
    const left = deadline - ctx.clock.now();
    if (left <= 0) {
      step(path, 'CLOSING');
      await audit(
        ctx,
        current.userId,
        'unprotected_timeout',
        `${current.symbol}: no stop within the bound; closing at market`,
        {
          positionId: current.id,
          boundMs: ctx.options.protectionBoundMs,
        },
      );
      const closed = await closeAtMarket(ctx, acct, current, 'UNPROTECTED_TIMEOUT');
      step(path, closed.state === 'CLOSED' ? 'CLOSED' : 'CLOSING');
      return closed;
    }
    const wait =
      paramFix && attempt < 2
        ? 0
        : (retryAfterOf(error) ?? backoffMs(ctx.options.protectionBackoff, attempt));
    await ctx.sleep(Math.min(wait, left));
    const fresh = await ctx.repos.positions.findById(current.id);
    if (!fresh || !isLivePosition(fresh.status)) return { state: 'CLOSED', position: fresh ?? current };
    current = fresh;
    trigger ??= await fallbackStop(ctx, acct, current);
  }
}

/** The take-profit: a few tries; when it cannot be placed the stop still protects (audited). */
export async function placeTakeProfit(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  knownLegs?: readonly string[],
): Promise<{ state: CloseState; position: Position } | undefined> {
  const target = position.takeProfit;
  if (!target) return undefined;
  let variant: Variant = 'closePosition';
  let lastError = '';
  for (let attempt = 0; attempt < ctx.options.takeProfitAttempts; attempt++) {
    if (acct.panicking) return undefined;
    const leg = await nextLeg(ctx, position.id, 'tp', attempt === 0 ? knownLegs : undefined);
    const result = await sendOrder(
      ctx,
      acct,
      position,
      leg,
      protectiveRequest(ctx, position, leg, 'tp', target, variant),
    );
    if (result.kind === 'accepted' && (isOpenOrder(result.order) || result.order.status === 'TRIGGERED'))
      return undefined;
    if (result.kind === 'accepted') continue;
    const error = result.error;
    lastError = error.message;
    if (error.code === ErrorCode.WOULD_TRIGGER_IMMEDIATELY) {
      await audit(
        ctx,
        position.userId,
        'target_passed',
        `${position.symbol}: price already past the target; closing`,
        {
          positionId: position.id,
        },
      );
      return closeAtMarket(ctx, acct, position, 'TAKE_PROFIT_PASSED');
    }
    const code = exchangeCodeOf(error);
    const paramFix = code !== undefined && PARAM_FIX_CODES.has(code);
    if (paramFix) variant = other(variant);
    if (attempt + 1 < ctx.options.takeProfitAttempts) {
      await ctx.sleep(
        paramFix ? 0 : (retryAfterOf(error) ?? backoffMs(ctx.options.protectionBackoff, attempt)),
      );
    }
  }
  await audit(
    ctx,
    position.userId,
    'take_profit_missing',
    `${position.symbol}: take-profit not placed (${lastError}); the stop protects, reconciliation retries`,
    {
      positionId: position.id,
    },
  );
  return undefined;
}
