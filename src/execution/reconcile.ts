/**
 * The reconciliation runner: gathers the exchange's view (positions, open orders of both families,
 * and a lookup by client id of every order the books think unsettled), calls the pure
 * `reconcile` (./reconciliation), and applies the actions one by one in the account's lane, each
 * audited and counted (reconciliationDifferences{kind}). An action that fails does not stop the
 * others; the run then does not "pass", and entries stay blocked until one does.
 */
import type { Decimal } from 'decimal.js';
import { describeError, isLivePosition, type Price, roundToTickDirected } from '../domain/index.js';
import type { ExchangeOrder } from '../exchange/index.js';
import type { OrderRecord, Position } from '../store/index.js';
import { type Account, asSymbol, audit, type ExecutionContext, publishPosition, toDate } from './context.js';
import { onEntryFilled } from './entry.js';
import { type CloseReason, closeAtMarket, finalizeClose } from './exits.js';
import { placeTakeProfit, protect } from './protection.js';
import {
  differenceKind,
  type LocalPosition,
  type ReconcileAction,
  reconcile,
} from './reconciliation/index.js';
import { answerFrom, cancelTracked, lookupOrder, portFamily, rulesFor, withRetries } from './send.js';

export interface ReconcileReport {
  /** True when the exchange was read and every action was applied. */
  passed: boolean;
  actions: ReconcileAction[];
  errors: string[];
}

export async function runReconciliation(ctx: ExecutionContext, acct: Account): Promise<ReconcileReport> {
  // Cleared now, not after the run: a loss during the run sets it again for the next one.
  const missed = acct.missedEvents || acct.streamLost;
  if (!acct.streamLost) acct.missedEvents = false;
  let actions: ReconcileAction[];
  let plan: Plan;
  try {
    plan = await planReconciliation(ctx, acct);
    actions = plan.actions;
  } catch (err) {
    const message = describeError(err);
    ctx.logger?.warn({ userId: acct.userId, err: message }, 'reconciliation could not read the exchange');
    if (missed) acct.missedEvents = true;
    return { passed: false, actions: [], errors: [message] };
  }
  const errors: string[] = [];
  for (const action of actions) {
    ctx.metrics?.reconciliationDifferences.inc({ kind: differenceKind(action) });
    try {
      await apply(ctx, acct, action, missed);
    } catch (err) {
      errors.push(`${action.kind} ${action.symbol}: ${describeError(err)}`);
    }
  }
  try {
    await settleStaleOrders(ctx, acct, plan);
  } catch (err) {
    errors.push(`stale orders: ${describeError(err)}`);
  }
  if (actions.some((a) => a.kind !== 'record_order')) {
    await audit(ctx, acct.userId, 'reconciliation', `${actions.length} difference(s) acted on`, {
      actions: actions.map((a) => ({ kind: a.kind, symbol: a.symbol })),
      errors,
    });
  }
  const passed = errors.length === 0;
  if (passed) acct.reconciled = true;
  else if (missed) acct.missedEvents = true;
  return { passed, actions, errors };
}

const FINAL = new Set(['FILLED', 'FINISHED', 'CANCELED', 'EXPIRED', 'EXPIRED_IN_MATCH', 'REJECTED']);
const OPEN_KEY = (family: string, cid: string) => `${family.toUpperCase()}|${cid}`;

interface Plan {
  actions: ReconcileAction[];
  liveIds: Set<string>;
  openKeys: Set<string>;
}

/**
 * Orders of positions no longer live whose last known status is not final (a crash between a
 * cancel and its answer, an answer lost): look them up and record what the exchange says, so the
 * books match the exchange for closed positions too. Open ones are cancelled as orphans by the plan.
 */
async function settleStaleOrders(ctx: ExecutionContext, acct: Account, plan: Plan): Promise<void> {
  for (const o of await ctx.repos.executionQueries.listUnsettledOrders(acct.userId)) {
    if (o.positionId && plan.liveIds.has(o.positionId)) continue;
    if (plan.openKeys.has(OPEN_KEY(portFamily(o.family), o.clientOrderId))) continue;
    const seen = await lookupOrder(ctx, acct, o.symbol, o.clientOrderId, o.family, 2);
    if (seen.kind === 'found') {
      await ctx.repos.executionQueries.advanceOrder(
        o.clientOrderId,
        answerFrom(seen.order, 'LOOKUP', toDate(ctx)),
      );
    } else if (
      seen.kind === 'absent' &&
      (o.status === 'INTENT' || o.status === 'SENT' || o.status === 'UNKNOWN')
    ) {
      await ctx.repos.orders.recordAnswer(o.clientOrderId, {
        at: toDate(ctx).toISOString(),
        outcome: 'LOOKUP',
        status: 'REJECTED',
        errorCode: 'ORDER_NOT_FOUND',
        error: 'reconciliation: not on the exchange; it never reached it',
      });
    }
  }
}

async function planReconciliation(ctx: ExecutionContext, acct: Account): Promise<Plan> {
  const live = await ctx.repos.positions.listLive(acct.userId);
  // Every live position's orders in one read, not one read per position.
  const ordersOf = new Map<string, OrderRecord[]>();
  for (const o of await ctx.repos.orders.listByPositions(live.map((p) => p.id))) {
    const list = ordersOf.get(o.positionId!) ?? [];
    list.push(o);
    ordersOf.set(o.positionId!, list);
  }
  const locals: LocalPosition[] = [];
  for (const p of live) {
    const orders = ordersOf.get(p.id) ?? [];
    locals.push({
      id: p.id,
      symbol: p.symbol,
      direction: p.direction,
      status: p.status,
      filledQty: p.filledQty,
      takeProfit: p.takeProfit,
      unprotectedSince: p.unprotectedSince?.getTime() ?? null,
      orders: orders
        .filter((o) => o.leg !== 'external')
        .map((o) => ({
          clientOrderId: o.clientOrderId,
          leg: o.leg,
          family: o.family,
          status: o.status,
          filledQty: o.filledQty,
        })),
    });
  }
  const [positions, open] = await Promise.all([
    withRetries(ctx, () => acct.exchange.positions()),
    withRetries(ctx, () => acct.exchange.openOrders()),
  ]);
  const openKeys = new Set(open.map((o) => OPEN_KEY(o.family, o.clientOrderId)));
  const looked: ExchangeOrder[] = [];
  const missing: string[] = [];
  for (const p of locals) {
    for (const o of p.orders) {
      if (openKeys.has(OPEN_KEY(portFamily(o.family), o.clientOrderId))) continue;
      if (FINAL.has(o.status)) continue;
      const seen = await lookupOrder(ctx, acct, p.symbol, o.clientOrderId, o.family, 2);
      if (seen.kind === 'found') looked.push(seen.order);
      else if (seen.kind === 'absent') missing.push(o.clientOrderId);
    }
  }
  const actions = reconcile(
    { positions: locals, now: ctx.clock.now(), protectionBoundMs: ctx.options.protectionBoundMs },
    { positions, orders: [...open, ...looked], missing },
  );
  return { actions, liveIds: new Set(locals.map((p) => p.id)), openKeys };
}

async function livePosition(ctx: ExecutionContext, id: string): Promise<Position | undefined> {
  const p = await ctx.repos.positions.findById(id);
  return p && isLivePosition(p.status) ? p : undefined;
}

/** `missed`: the stream may have missed events before this run (see Account.missedEvents). */
async function apply(
  ctx: ExecutionContext,
  acct: Account,
  action: ReconcileAction,
  missed: boolean,
): Promise<void> {
  switch (action.kind) {
    case 'record_order': {
      const o = action.order;
      if (o.family === 'algo' && o.triggeredOrderId) {
        acct.triggeredChildren.set(`${o.symbol}|${o.triggeredOrderId}`, o.clientOrderId);
      }
      await ctx.repos.executionQueries.advanceOrder(
        action.clientOrderId,
        answerFrom(o, 'LOOKUP', toDate(ctx)),
      );
      return;
    }
    case 'mark_missing':
      await ctx.repos.orders.recordAnswer(action.clientOrderId, {
        at: toDate(ctx).toISOString(),
        outcome: 'LOOKUP',
        status: 'REJECTED',
        errorCode: 'ORDER_NOT_FOUND',
        error: 'reconciliation: not on the exchange; it never reached it',
      });
      return;
    case 'entry_filled': {
      const p = await livePosition(ctx, action.positionId);
      if (p?.status !== 'PENDING_ENTRY') return;
      await audit(ctx, acct.userId, 'entry_settled', `${p.symbol}: entry found filled by reconciliation`, {
        positionId: p.id,
        qty: action.qty.toFixed(),
      });
      await onEntryFilled(ctx, acct, p, action.qty, action.entryPrice);
      return;
    }
    case 'cancel_pending': {
      const p = await livePosition(ctx, action.positionId);
      if (p?.status !== 'PENDING_ENTRY') return;
      const cancelled = await ctx.repos.positions.update(p.id, {
        status: 'CANCELLED',
        closeReason: action.reason,
        closedAt: toDate(ctx),
      });
      publishPosition(ctx, cancelled);
      return;
    }
    case 'resize': {
      const p = await livePosition(ctx, action.positionId);
      if (!p) return;
      const resized = await ctx.repos.positions.update(p.id, {
        filledQty: action.qty,
        entryPrice: action.entryPrice,
      });
      await audit(
        ctx,
        acct.userId,
        'resized',
        `${p.symbol}: books ${p.filledQty.toFixed()} -> exchange ${action.qty.toFixed()}`,
        {
          positionId: p.id,
        },
      );
      publishPosition(ctx, resized);
      return;
    }
    case 'confirm_vanished': {
      const p = await livePosition(ctx, action.positionId);
      if (!p) return;
      const held = await withRetries(ctx, () => acct.exchange.positions(asSymbol(p.symbol)));
      if (held.some((x) => x.symbol === p.symbol && x.qty.gt(0) && x.side === p.direction)) return;
      // After a gap in the stream the exit fills will not come on it: book from the orders now
      // (fills that do come later still correct the figures, refreshClosedFigures).
      await finalizeClose(ctx, acct, p.id, undefined, { waitForFills: !missed });
      return;
    }
    case 'resume_close':
    case 'close_unprotected': {
      const p = await livePosition(ctx, action.positionId);
      if (!p) return;
      const reason: CloseReason =
        action.kind === 'close_unprotected'
          ? 'UNPROTECTED_TIMEOUT'
          : ((p.closeReason as CloseReason | null) ?? 'MANUAL');
      await closeAtMarket(ctx, acct, p, reason);
      return;
    }
    case 'protect': {
      let p = await livePosition(ctx, action.positionId);
      if (!p || p.status === 'PENDING_ENTRY' || p.status === 'CLOSING') return;
      if (action.legs.includes('sl')) {
        if (!p.unprotectedSince) {
          // The books believed it protected; the exchange has no stop: the bound starts now.
          p = await ctx.repos.positions.update(p.id, { unprotectedSince: toDate(ctx) });
        }
        await protect(ctx, acct, p);
      } else {
        await placeTakeProfit(ctx, acct, p);
      }
      return;
    }
    case 'mark_protected': {
      const p = await livePosition(ctx, action.positionId);
      if (!p || p.status === 'PENDING_ENTRY' || p.status === 'CLOSING') return;
      const marked = await ctx.repos.positions.update(p.id, { status: 'OPEN', unprotectedSince: null });
      publishPosition(ctx, marked);
      return;
    }
    case 'cancel_order': {
      const done = await cancelTracked(ctx, acct, action);
      if (!done) throw new Error(`could not cancel ${action.clientOrderId}`);
      return;
    }
    case 'adopt':
      await adopt(ctx, acct, action);
      return;
  }
}

/** A position the exchange holds and the books lack: recorded, flagged, protected. */
async function adopt(
  ctx: ExecutionContext,
  acct: Account,
  action: Extract<ReconcileAction, { kind: 'adopt' }>,
) {
  const ex = action.position;
  const user = await ctx.repos.users.findById(acct.userId);
  if (!user) return;
  const pct = ctx.options.adoptStopPct;
  const rules = await rulesFor(ctx, acct, ex.symbol).catch(() => undefined);
  const raw: Decimal = ex.side === 'LONG' ? ex.markPrice.mul(1 - pct) : ex.markPrice.mul(1 + pct);
  const stop = rules ? roundToTickDirected(raw, rules.tickSize, ex.side === 'LONG' ? 'down' : 'up') : raw;
  const margin = ex.isolatedWallet.gt(0) ? ex.isolatedWallet : ex.notional.div(Math.max(1, ex.leverage));
  const inserted = await ctx.repos.positions.insert({
    userId: acct.userId,
    symbol: ex.symbol,
    direction: ex.side,
    mode: user.mode,
    status: 'OPEN',
    qty: ex.qty,
    entryPrice: ex.entryPrice,
    stopLoss: stop as Price,
    margin,
    leverage: ex.leverage,
    adopted: true,
  });
  const position = await ctx.repos.positions.update(inserted.id, {
    filledQty: ex.qty,
    openedAt: toDate(ctx),
    unprotectedSince: toDate(ctx),
  });
  await audit(
    ctx,
    acct.userId,
    'adopted',
    `${ex.symbol}: ${ex.side} ${ex.qty.toFixed()} found on the exchange, not in the books: adopted and protected`,
    {
      positionId: position.id,
      entryPrice: ex.entryPrice.toFixed(),
      stopLoss: stop.toFixed(),
    },
  );
  publishPosition(ctx, position);
  await protect(ctx, acct, position);
}
