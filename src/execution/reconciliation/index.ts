/**
 * Reconciliation, pure: (what the database holds, what the exchange reports) -> actions. No I/O
 * (a lint rule forbids it here); the runner in ../reconcile.ts gathers the reports, calls this,
 * and applies the actions in the account's lane.
 *
 * Reports may arrive shuffled, repeated, or with some missing. Invariants (property-tested in
 * ./reconciliation.property.test.ts):
 * 1. Order does not matter and repeats do not matter: the same facts give the same actions, in
 *    a canonical order.
 * 2. Every reported exchange position is matched to the live local position of its symbol (same
 *    side), or adopted: exactly one of the two, never both, never twice.
 * 3. Nothing local is destroyed on absent evidence alone: a live position whose symbol has no
 *    reported exchange position gets `confirm_vanished` (the runner re-reads that symbol before it
 *    books a close); a pending entry is cancelled only when its order was reported ended unfilled
 *    or looked up and not found (or was never written, which write-ahead makes "never sent").
 * 4. The current protection of a live position (its newest stop and target reported open) is never
 *    cancelled. Only an open order that belongs to no live position (an orphan) or an older
 *    protective order of the same kind (superseded) is.
 * 5. A position gets at most one of: entry_filled, cancel_pending, confirm_vanished, resume_close,
 *    close_unprotected, protect. A position without a reported open stop is protected again, or
 *    closed at market when it has been unprotected longer than the bound.
 * 6. Order statuses only move forward: a report older than what the database holds is ignored.
 */
import type { Decimal } from 'decimal.js';
import { type Direction, orderStatusRank, type PositionStatus } from '../../domain/index.js';
import type { ExchangeOrder, ExchangePosition } from '../../exchange/index.js';

export interface LocalOrder {
  clientOrderId: string;
  leg: string;
  family: 'REGULAR' | 'ALGO';
  status: string;
  filledQty: Decimal;
}

export interface LocalPosition {
  id: string;
  symbol: string;
  direction: Direction;
  status: PositionStatus;
  filledQty: Decimal;
  takeProfit: Decimal | null;
  /** Epoch ms since the position has had no accepted stop; null when it had one. */
  unprotectedSince: number | null;
  orders: readonly LocalOrder[];
}

export interface LocalState {
  /** Live positions only (not closed, not cancelled). */
  positions: readonly LocalPosition[];
  now: number;
  protectionBoundMs: number;
}

export interface ExchangeReports {
  positions: readonly ExchangePosition[];
  /** Open orders of both families, and orders looked up by client id (any status). */
  orders: readonly ExchangeOrder[];
  /** Client ids looked up and not found. */
  missing: readonly string[];
}

export type ReconcileAction =
  | { kind: 'record_order'; positionId: string; symbol: string; clientOrderId: string; order: ExchangeOrder }
  | { kind: 'mark_missing'; positionId: string; symbol: string; clientOrderId: string }
  | { kind: 'entry_filled'; positionId: string; symbol: string; qty: Decimal; entryPrice: Decimal | null }
  | { kind: 'cancel_pending'; positionId: string; symbol: string; reason: string }
  | { kind: 'adopt'; symbol: string; position: ExchangePosition }
  | { kind: 'resize'; positionId: string; symbol: string; qty: Decimal; entryPrice: Decimal }
  | { kind: 'confirm_vanished'; positionId: string; symbol: string }
  | { kind: 'resume_close'; positionId: string; symbol: string }
  | { kind: 'close_unprotected'; positionId: string; symbol: string }
  | { kind: 'protect'; positionId: string; symbol: string; legs: ReadonlyArray<'sl' | 'tp'> }
  /** The books say unprotected, the exchange shows a stop guarding it: the books catch up. */
  | { kind: 'mark_protected'; positionId: string; symbol: string }
  | {
      kind: 'cancel_order';
      symbol: string;
      clientOrderId: string;
      family: 'REGULAR' | 'ALGO';
      reason: 'orphan' | 'superseded';
    };

export type ReconcileKind = ReconcileAction['kind'];

// A status only moves forward (see ORDER_STATUS_RANK in the domain).
const rank = orderStatusRank;
const OPEN = new Set(['NEW', 'PARTIALLY_FILLED', 'TRIGGERING']);
/** A protective order in these states still guards the position (TRIGGERED: it is closing it). */
const GUARDING = new Set(['NEW', 'TRIGGERING', 'TRIGGERED']);
const PRE_ANSWER = new Set(['INTENT', 'SENT', 'UNKNOWN']);
const isOpen = (o: ExchangeOrder): boolean => OPEN.has(o.status);
const filledOf = (o: ExchangeOrder): Decimal | null => (o.family === 'regular' ? o.filledQty : null);
const orderKey = (family: string, cid: string) => `${family.toUpperCase()}|${cid}`;
const legIndex = (leg: string): number => Number(/\d+$/.exec(leg)?.[0] ?? 0);

/** One report per order: the most advanced status wins, then the latest update, then the id. */
function latestOrders(orders: readonly ExchangeOrder[]): Map<string, ExchangeOrder> {
  const out = new Map<string, ExchangeOrder>();
  for (const o of orders) {
    const key = orderKey(o.family, o.clientOrderId);
    const seen = out.get(key);
    if (!seen || better(o, seen)) out.set(key, o);
  }
  return out;
}

function better(a: ExchangeOrder, b: ExchangeOrder): boolean {
  if (rank(a.status) !== rank(b.status)) return rank(a.status) > rank(b.status);
  const fa = filledOf(a);
  const fb = filledOf(b);
  if (fa && fb && !fa.eq(fb)) return fa.gt(fb);
  if (a.updatedAt !== b.updatedAt) return a.updatedAt > b.updatedAt;
  return a.status > b.status;
}

/** One report per symbol: the latest update wins (ties broken by size, deterministically). */
function latestPositions(list: readonly ExchangePosition[]): Map<string, ExchangePosition> {
  const out = new Map<string, ExchangePosition>();
  for (const p of list) {
    if (!p.qty.gt(0)) continue;
    const seen = out.get(p.symbol);
    if (
      !seen ||
      p.updatedAt > seen.updatedAt ||
      (p.updatedAt === seen.updatedAt && (p.qty.gt(seen.qty) || (p.qty.eq(seen.qty) && p.side > seen.side)))
    ) {
      out.set(p.symbol, p);
    }
  }
  return out;
}

export function reconcile(local: LocalState, reports: ExchangeReports): ReconcileAction[] {
  const actions: ReconcileAction[] = [];
  const exPositions = latestPositions(reports.positions);
  const exOrders = latestOrders(reports.orders);
  const missing = new Set(reports.missing);
  const protectedKeys = new Set<string>();
  const liveKeys = new Set<string>();
  const matchedSymbols = new Set<string>();

  for (const p of [...local.positions].sort((a, b) => a.id.localeCompare(b.id))) {
    for (const o of p.orders) liveKeys.add(orderKey(o.family, o.clientOrderId));
    const report = (o: LocalOrder) => exOrders.get(orderKey(o.family, o.clientOrderId));

    for (const o of p.orders) {
      const r = report(o);
      if (r) {
        const moved = r.status !== o.status && rank(r.status) >= rank(o.status);
        const filled = filledOf(r);
        if (moved || filled?.gt(o.filledQty)) {
          actions.push({
            kind: 'record_order',
            positionId: p.id,
            symbol: p.symbol,
            clientOrderId: o.clientOrderId,
            order: r,
          });
        }
      } else if (missing.has(o.clientOrderId) && PRE_ANSWER.has(o.status)) {
        actions.push({
          kind: 'mark_missing',
          positionId: p.id,
          symbol: p.symbol,
          clientOrderId: o.clientOrderId,
        });
      }
    }

    const reported = exPositions.get(p.symbol);
    const ex = reported && reported.side === p.direction ? reported : undefined;
    if (ex) matchedSymbols.add(p.symbol);

    if (p.status === 'PENDING_ENTRY') {
      const entry = p.orders.find((o) => o.leg === 'entry');
      const r = entry && report(entry);
      const filled = r ? filledOf(r) : null;
      if (ex) {
        actions.push({
          kind: 'entry_filled',
          positionId: p.id,
          symbol: p.symbol,
          qty: ex.qty,
          entryPrice: ex.entryPrice,
        });
      } else if (filled?.gt(0)) {
        actions.push({
          kind: 'entry_filled',
          positionId: p.id,
          symbol: p.symbol,
          qty: filled,
          entryPrice: r?.family === 'regular' ? r.avgFillPrice : null,
        });
      } else if (!entry) {
        actions.push({
          kind: 'cancel_pending',
          positionId: p.id,
          symbol: p.symbol,
          reason: 'ENTRY_NEVER_SENT',
        });
      } else if (r && !isOpen(r) && rank(r.status) === 4) {
        actions.push({
          kind: 'cancel_pending',
          positionId: p.id,
          symbol: p.symbol,
          reason: `ENTRY_${r.status}`,
        });
      } else if (!r && missing.has(entry.clientOrderId)) {
        actions.push({
          kind: 'cancel_pending',
          positionId: p.id,
          symbol: p.symbol,
          reason: 'ENTRY_NOT_PLACED',
        });
      }
      continue;
    }

    if (!ex) {
      actions.push({ kind: 'confirm_vanished', positionId: p.id, symbol: p.symbol });
      continue;
    }
    if (!ex.qty.eq(p.filledQty)) {
      actions.push({
        kind: 'resize',
        positionId: p.id,
        symbol: p.symbol,
        qty: ex.qty,
        entryPrice: ex.entryPrice,
      });
    }

    // Current protection: the newest stop and target reported open; older open ones are superseded.
    const openOf = (re: RegExp) =>
      p.orders
        .filter((o) => re.test(o.leg) && o.family === 'ALGO')
        .filter((o) => {
          const r = report(o);
          return r !== undefined && GUARDING.has(r.status);
        })
        .sort((a, b) => legIndex(b.leg) - legIndex(a.leg));
    const stops = openOf(/^sl\d*$/);
    const targets = openOf(/^tp\d*$/);
    for (const current of [stops[0], targets[0]]) {
      if (current) protectedKeys.add(orderKey(current.family, current.clientOrderId));
    }
    for (const old of [...stops.slice(1), ...targets.slice(1)]) {
      const r = report(old);
      if (!r || !isOpen(r)) continue;
      actions.push({
        kind: 'cancel_order',
        symbol: p.symbol,
        clientOrderId: old.clientOrderId,
        family: old.family,
        reason: 'superseded',
      });
    }

    if (p.status === 'CLOSING') {
      actions.push({ kind: 'resume_close', positionId: p.id, symbol: p.symbol });
      continue;
    }
    if (stops.length === 0) {
      const overdue =
        p.unprotectedSince !== null && local.now - p.unprotectedSince >= local.protectionBoundMs;
      if (overdue) {
        actions.push({ kind: 'close_unprotected', positionId: p.id, symbol: p.symbol });
        continue;
      }
    }
    if (stops.length > 0 && (p.status === 'UNPROTECTED' || p.unprotectedSince !== null)) {
      actions.push({ kind: 'mark_protected', positionId: p.id, symbol: p.symbol });
    }
    const legs: Array<'sl' | 'tp'> = [];
    if (stops.length === 0) legs.push('sl');
    if (p.takeProfit && targets.length === 0) legs.push('tp');
    if (legs.length > 0) actions.push({ kind: 'protect', positionId: p.id, symbol: p.symbol, legs });
  }

  for (const [symbol, ex] of exPositions) {
    if (!matchedSymbols.has(symbol)) actions.push({ kind: 'adopt', symbol, position: ex });
  }

  for (const [key, o] of exOrders) {
    if (!isOpen(o) || liveKeys.has(key) || protectedKeys.has(key)) continue;
    const ours = o.family === 'algo' || o.clientOrderId.startsWith('nt-');
    if (!ours) continue;
    actions.push({
      kind: 'cancel_order',
      symbol: o.symbol,
      clientOrderId: o.clientOrderId,
      family: o.family === 'algo' ? 'ALGO' : 'REGULAR',
      reason: 'orphan',
    });
  }
  return canonical(actions);
}

const KIND_ORDER: readonly ReconcileKind[] = [
  'record_order',
  'mark_missing',
  'entry_filled',
  'cancel_pending',
  'resize',
  'confirm_vanished',
  'resume_close',
  'close_unprotected',
  'cancel_order',
  'adopt',
  'mark_protected',
  'protect',
];

function sortKey(a: ReconcileAction): string {
  const id = 'clientOrderId' in a ? a.clientOrderId : 'positionId' in a ? a.positionId : '';
  const family = 'family' in a ? a.family : '';
  return `${a.symbol}|${String(KIND_ORDER.indexOf(a.kind)).padStart(2, '0')}|${id}|${family}`;
}

function canonical(actions: ReconcileAction[]): ReconcileAction[] {
  const keyed = actions.map((a) => ({ a, k: sortKey(a) }));
  keyed.sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0));
  return keyed.map((x) => x.a);
}

/** The metric label of an action (reconciliationDifferences{kind}). */
export function differenceKind(action: ReconcileAction): string {
  if (action.kind === 'cancel_order') return action.reason === 'orphan' ? 'orphan_order' : 'superseded_order';
  if (action.kind === 'protect') return action.legs.includes('sl') ? 'missing_stop' : 'missing_take_profit';
  if (action.kind === 'confirm_vanished') return 'vanished';
  if (action.kind === 'adopt') return 'adopted';
  return action.kind;
}
