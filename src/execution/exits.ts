/**
 * Exits: closing a position at market (manual close, panic, bound passed, a stop that would
 * trigger at once), and booking a close however it happened (stop or target filled on the
 * exchange, seen on the user stream or found by reconciliation): realised PnL net of fees from
 * the fills, CLOSED_WIN / CLOSED_LOSS, the other protective order cancelled, the signal's outcome
 * recorded, the daily loss limit checked. A market exit is reduce-only and sized from the
 * exchange's own position, and the protective orders stay in place until the position is flat.
 */
import type { Decimal } from 'decimal.js';
import { DAY_MS, type Direction, exitSide, isLivePosition, type Qty, ZERO } from '../domain/index.js';
import { isOpenOrder } from '../exchange/index.js';
import { nextRiskState, type RiskEvent } from '../risk/index.js';
import type { OrderRecord, Position, PositionBook, PositionFill } from '../store/index.js';
import { backoffMs } from './backoff.js';
import {
  type Account,
  asSymbol,
  audit,
  type ExecutionContext,
  nextLeg,
  publish,
  publishPosition,
  toDate,
} from './context.js';
import { computeClose } from './pnl.js';
import { cancelTracked, deriveLegId, sendOrder, settleMarketFill, toDomain, withRetries } from './send.js';

export type CloseReason =
  | 'STOP_LOSS'
  | 'TAKE_PROFIT'
  | 'MANUAL'
  | 'PANIC'
  | 'UNPROTECTED_TIMEOUT'
  | 'STOP_PASSED'
  | 'TAKE_PROFIT_PASSED'
  | 'VANISHED'
  | 'EXTERNAL'
  | 'LIQUIDATION';

const FINAL_STATUSES = new Set(['FILLED', 'FINISHED', 'CANCELED', 'EXPIRED', 'EXPIRED_IN_MATCH', 'REJECTED']);
const TRIGGERED = new Set(['TRIGGERED', 'FINISHED']);

export const isFinalOrder = (o: OrderRecord): boolean => FINAL_STATUSES.has(o.status);

function exitQtyOf(direction: Direction, fills: readonly PositionFill[]): Decimal {
  const out = exitSide(direction);
  return fills.filter((f) => f.side === out).reduce((sum, f) => sum.add(f.qty), ZERO);
}

/**
 * Wait (bounded) until the stream has delivered the exit fills that cover the position; not at
 * all when they cannot come on it (the caller says so, or the stream is down): what is recorded
 * is all there is, and fills arriving later still correct the figures (refreshClosedFigures).
 */
async function settledBook(
  ctx: ExecutionContext,
  acct: Account,
  positionId: string,
  waitForFills: boolean,
): Promise<PositionBook | undefined> {
  const deadline = ctx.clock.now() + ctx.options.fillSettleMs;
  const wait = waitForFills && !acct.streamLost;
  for (;;) {
    // What the stream has delivered is recorded first; then the position, its orders and its
    // fills in one read (one snapshot).
    await acct.recorder.idle();
    const book = await ctx.repos.positionBooks.findById(positionId);
    if (!book || !isLivePosition(book.position.status)) return book;
    const { position, fills } = book;
    if (exitQtyOf(position.direction, fills).gte(position.filledQty)) return book;
    if (!wait || ctx.clock.now() >= deadline) return book;
    await ctx.sleep(25);
  }
}

function deduceReason(
  orders: readonly OrderRecord[],
  fills: readonly PositionFill[],
  direction: Direction,
  hint: CloseReason | undefined,
): CloseReason {
  const out = exitSide(direction);
  const byLeg = new Map<string, Decimal>();
  for (const f of fills) {
    if (f.side !== out) continue;
    const kind = /^(sl|tp|exit)/.exec(f.leg)?.[1] ?? 'external';
    byLeg.set(kind, (byLeg.get(kind) ?? ZERO).add(f.qty));
  }
  const top = [...byLeg.entries()].sort((a, b) => b[1].cmp(a[1]))[0]?.[0];
  if (top === 'sl') return 'STOP_LOSS';
  if (top === 'tp') return 'TAKE_PROFIT';
  if (top === 'exit') return hint ?? 'MANUAL';
  if (top === 'external')
    return fills.some((f) => f.clientOrderId.includes('autoclose')) ? 'LIQUIDATION' : 'EXTERNAL';
  if (hint) return hint;
  if (orders.some((o) => /^sl\d*$/.test(o.leg) && TRIGGERED.has(o.status))) return 'STOP_LOSS';
  if (orders.some((o) => /^tp\d*$/.test(o.leg) && TRIGGERED.has(o.status))) return 'TAKE_PROFIT';
  return 'VANISHED';
}

function fallbackExitPrice(
  ctx: ExecutionContext,
  position: Position,
  orders: readonly OrderRecord[],
  reason: CloseReason,
): Decimal | null {
  const exits = orders.filter((o) => /^exit\d*$/.test(o.leg) && o.avgFillPrice);
  const last = exits[exits.length - 1];
  if (last?.avgFillPrice) return last.avgFillPrice;
  const leg = reason === 'TAKE_PROFIT' ? /^tp\d*$/ : /^sl\d*$/;
  const triggered = orders.find((o) => leg.test(o.leg) && TRIGGERED.has(o.status) && o.triggerPrice);
  if (triggered?.triggerPrice) return triggered.triggerPrice;
  return ctx.markPrice(position.symbol) ?? null;
}

/**
 * Book a close: the position is flat on the exchange. Idempotent (a closed position is returned
 * as it is). The other protective orders are cancelled after the books say CLOSED.
 * `waitForFills: false` when the close happened out of the stream's sight (see settledFills).
 */
export async function finalizeClose(
  ctx: ExecutionContext,
  acct: Account,
  positionId: string,
  hint?: CloseReason,
  options: { waitForFills: boolean } = { waitForFills: true },
): Promise<Position> {
  const book = await settledBook(ctx, acct, positionId, options.waitForFills);
  if (!book) throw new Error(`position ${positionId} not found`);
  const { position, orders, fills } = book;
  if (!isLivePosition(position.status)) return position;
  const kept = position.status === 'CLOSING' ? (position.closeReason as CloseReason | null) : null;
  const reason = deduceReason(orders, fills, position.direction, hint ?? kept ?? undefined);
  const figures = computeClose({
    direction: position.direction,
    filledQty: position.filledQty,
    entryPrice: position.entryPrice,
    margin: position.margin,
    fills,
    fallbackExitPrice: fallbackExitPrice(ctx, position, orders, reason),
  });
  const closed = await ctx.repos.positions.update(position.id, {
    status: figures.status,
    exitPrice: figures.exitPrice,
    fees: figures.fees,
    pnl: figures.pnl,
    pnlPercent: figures.pnlPercent,
    closeReason: reason,
    closedAt: toDate(ctx),
    unprotectedSince: null,
  });
  await audit(ctx, position.userId, 'position_closed', `${position.symbol} closed: ${reason}`, {
    positionId: position.id,
    reason,
    pnl: figures.pnl.toFixed(),
    fees: figures.fees.toFixed(),
    exitPrice: figures.exitPrice?.toFixed() ?? null,
    fromFills: figures.complete,
  });
  publishPosition(ctx, closed);
  await cancelLeftovers(ctx, acct, orders);
  await afterClose(ctx, acct, closed);
  return closed;
}

/** Recompute a closed position's figures when exit fills arrive after it was booked. */
export async function refreshClosedFigures(ctx: ExecutionContext, positionId: string): Promise<void> {
  const book = await ctx.repos.positionBooks.findById(positionId);
  if (!book) return;
  const { position, fills } = book;
  if (isLivePosition(position.status) || position.status === 'CANCELLED') return;
  const figures = computeClose({
    direction: position.direction,
    filledQty: position.filledQty,
    entryPrice: position.entryPrice,
    margin: position.margin,
    fills,
    fallbackExitPrice: position.exitPrice,
  });
  if (position.pnl?.eq(figures.pnl) && position.fees.eq(figures.fees)) return;
  const updated = await ctx.repos.positions.update(position.id, {
    status: figures.status,
    exitPrice: figures.exitPrice,
    fees: figures.fees,
    pnl: figures.pnl,
    pnlPercent: figures.pnlPercent,
  });
  publishPosition(ctx, updated);
  await recordSignalOutcome(ctx, updated);
}

/** Cancel every order of the position the exchange may still hold open. */
export async function cancelLeftovers(
  ctx: ExecutionContext,
  acct: Account,
  orders: readonly OrderRecord[],
): Promise<void> {
  for (const o of orders) {
    if (isFinalOrder(o) || o.leg === 'external') continue;
    const done = await cancelTracked(ctx, acct, o);
    if (!done) {
      await audit(
        ctx,
        acct.userId,
        'cancel_failed',
        `could not cancel ${o.clientOrderId}; reconciliation will`,
        {
          clientOrderId: o.clientOrderId,
        },
      );
    }
  }
}

async function recordSignalOutcome(ctx: ExecutionContext, closed: Position): Promise<void> {
  if (!closed.signalId || closed.pnl === null) return;
  try {
    await ctx.repos.signals.recordOutcome(closed.signalId, {
      outcome: closed.status === 'CLOSED_WIN' ? 'WIN' : 'LOSS',
      source: closed.mode === 'REAL' ? 'LIVE' : 'PAPER',
      pnl: closed.pnl,
    });
  } catch (err) {
    ctx.logger?.warn({ err, signalId: closed.signalId }, 'could not record the signal outcome');
  }
}

async function afterClose(ctx: ExecutionContext, acct: Account, closed: Position): Promise<void> {
  await recordSignalOutcome(ctx, closed);
  const now = ctx.clock.now();
  const since = new Date(now - (now % DAY_MS));
  const today = await ctx.repos.executionQueries.realisedPnlSince(closed.userId, since);
  if (today.neg().gte(ctx.options.risk.dailyLossLimit)) {
    await moveRisk(ctx, acct, { type: 'DAILY_LOSS_LIMIT_HIT' });
  }
}

/** Apply a risk event to the account (stored, audited, then published). */
export async function moveRisk(ctx: ExecutionContext, acct: Account, event: RiskEvent): Promise<void> {
  const user = await ctx.repos.users.findById(acct.userId);
  if (!user) return;
  const t = nextRiskState(user.riskState, event);
  if (t.to === t.from) return;
  await ctx.repos.users.setRiskState(acct.userId, t.to);
  await audit(ctx, acct.userId, 'risk_state', `${t.from} -> ${t.to}: ${t.reason}`, { ...t });
  publish(ctx, acct.userId, 'risk', { riskState: t.to, from: t.from, reason: t.reason });
}

export async function noteFailure(ctx: ExecutionContext, acct: Account, what: string): Promise<void> {
  acct.consecutiveFailures++;
  ctx.logger?.warn({ userId: acct.userId, what, count: acct.consecutiveFailures }, 'execution failure');
  if (acct.consecutiveFailures >= ctx.options.maxConsecutiveFailures) {
    await moveRisk(ctx, acct, { type: 'REPEATED_FAILURES', count: acct.consecutiveFailures });
  }
}

export type CloseState = 'CLOSED' | 'CLOSING';

/**
 * Close at market: CLOSING is stored first, then reduce-only MARKET orders sized from the
 * exchange's position until it is flat (bounded by exitBoundMs), then the books. If it cannot,
 * the position stays CLOSING (the stops are still there) and reconciliation tries again.
 */
export async function closeAtMarket(
  ctx: ExecutionContext,
  acct: Account,
  position: Position,
  reason: CloseReason,
): Promise<{ state: CloseState; position: Position; message: string }> {
  let current = position;
  if (current.status !== 'CLOSING') {
    // The reason is kept while closing, so a restart resumes the same close.
    current = await ctx.repos.positions.update(position.id, { status: 'CLOSING', closeReason: reason });
    publishPosition(ctx, current);
  }
  const deadline = ctx.clock.now() + ctx.options.exitBoundMs;
  let lastError = 'no answer';
  for (let attempt = 0; ; attempt++) {
    let held: { qty: Decimal; side: Direction } | null | undefined;
    try {
      const list = await withRetries(ctx, () => acct.exchange.positions(asSymbol(position.symbol)));
      const p = list.find((x) => x.symbol === position.symbol && x.qty.gt(0));
      held = p ? { qty: p.qty, side: p.side } : null;
    } catch (err) {
      lastError = toDomain(err).message;
    }
    if (held === null) {
      const closed = await finalizeClose(ctx, acct, position.id, reason);
      return { state: 'CLOSED', position: closed, message: `closed (${reason})` };
    }
    if (held) {
      const leg = await nextLeg(ctx, position.id, 'exit');
      const result = await sendOrder(ctx, acct, current, leg, {
        symbol: asSymbol(position.symbol),
        side: exitSide(held.side),
        type: 'MARKET',
        clientOrderId: deriveLegId(current, leg),
        qty: held.qty as Qty,
        reduceOnly: true,
      });
      if (result.kind === 'accepted') {
        const order = await settleMarketFill(ctx, acct, result.order);
        if (order.family === 'regular' && !isOpenOrder(order)) continue;
      } else {
        lastError = result.error.message;
      }
    }
    if (ctx.clock.now() >= deadline) break;
    await ctx.sleep(
      Math.min(backoffMs(ctx.options.exitBackoff, attempt), Math.max(0, deadline - ctx.clock.now())),
    );
  }
  await audit(
    ctx,
    position.userId,
    'close_failed',
    `${position.symbol}: could not close at market (${lastError})`,
    {
      positionId: position.id,
      reason,
    },
  );
  await noteFailure(ctx, acct, 'close');
  return { state: 'CLOSING', position: current, message: `not closed yet: ${lastError}` };
}
