/**
 * What an account's engine already knows about the orders it sent, so the user stream's echo of
 * them costs no database round trip when it brings nothing new:
 * - who the order is (id, leg, position): written once with the intent, never changed after, so
 *   the stream need not read the row back to learn whose it is;
 * - the state the engine itself recorded from the exchange's answer to its send (status, fill,
 *   exchange id). An update that is not past that state is an echo: the books hold it already,
 *   and the order's status only ever moves forward from there (ORDER_STATUS_RANK), so writing it
 *   again would change nothing but append a copy to the answer history.
 * Only the lane's own sends set the answered state, one at a time per order: a later answer of
 * the same send replaces it. A miss is never a decision: the caller reads and writes as before.
 *
 * The stream usually reports an order before its send has returned (the exchange publishes while
 * it answers). Such an update is held until the send's answer is recorded, then written only when
 * it says more than the answer (sendRecorded does it, in the lane, before the send returns: the
 * books are the same as if the stream had written it, minus the duplicate).
 */
import { orderStatusRank } from '../domain/index.js';
import type { ExchangeOrder } from '../exchange/index.js';
import type { OrderRecord } from '../store/index.js';
import type { Account } from './context.js';

export type OrderIdentity = Pick<OrderRecord, 'id' | 'userId' | 'clientOrderId' | 'leg' | 'positionId'>;

export interface KnownOrder {
  identity: OrderIdentity;
  answered?: Pick<OrderRecord, 'status' | 'filledQty' | 'avgFillPrice' | 'exchangeOrderId'>;
  /** Stream updates that came while the send was out (see holdEcho); undefined when none is out. */
  held?: ExchangeOrder[];
}

/** Enough for the orders of the positions an account has under way; older ones are read again. */
const MAX_KNOWN = 256;

/** An order the engine has just written (its intent). */
export function rememberOrder(acct: Account, rec: OrderRecord): void {
  if (!rec.positionId || rec.userId !== acct.userId) return;
  const { id, userId, clientOrderId, leg, positionId } = rec;
  acct.knownOrders.delete(clientOrderId);
  acct.knownOrders.set(clientOrderId, { identity: { id, userId, clientOrderId, leg, positionId } });
  if (acct.knownOrders.size > MAX_KNOWN) {
    const oldest = acct.knownOrders.keys().next().value;
    if (oldest !== undefined) acct.knownOrders.delete(oldest);
  }
}

/** The row the send's answer left (recordAnswer's RETURNING). */
export function rememberAnswer(acct: Account, rec: OrderRecord): void {
  const known = acct.knownOrders.get(rec.clientOrderId);
  if (!known) return;
  known.answered = {
    status: rec.status,
    filledQty: rec.filledQty,
    avgFillPrice: rec.avgFillPrice,
    exchangeOrderId: rec.exchangeOrderId,
  };
}

export function knownIdentity(acct: Account, clientOrderId: string): OrderIdentity | undefined {
  return acct.knownOrders.get(clientOrderId)?.identity;
}

/**
 * Does this update say nothing the send's recorded answer did not? Same exchange order, a status
 * no further along (ORDER_STATUS_RANK; the same one at equal rank) and no more filled. Writing it
 * would change nothing (advanceOrder only moves forward) but the answer history, or would put an
 * older average price over a newer one.
 */
export function echoesAnswer(acct: Account, order: ExchangeOrder): boolean {
  const answered = acct.knownOrders.get(order.clientOrderId)?.answered;
  if (!answered || answered.exchangeOrderId !== order.id) return false;
  const rank = orderStatusRank(order.status);
  const answeredRank = orderStatusRank(answered.status);
  if (rank > answeredRank || (rank === answeredRank && order.status !== answered.status)) return false;
  if (order.family === 'algo') return true;
  if (order.filledQty.gt(answered.filledQty)) return false;
  if (order.filledQty.lt(answered.filledQty) || order.avgFillPrice === null) return true;
  return answered.avgFillPrice?.eq(order.avgFillPrice) === true;
}

/** The send of this order is going out: its stream updates are held until its answer is recorded. */
export function beginSend(acct: Account, clientOrderId: string): void {
  const known = acct.knownOrders.get(clientOrderId);
  if (known) known.held ??= [];
}

/** Hold a stream update of an order whose send is out; false when there is none (record it now). */
export function holdEcho(acct: Account, order: ExchangeOrder): boolean {
  const held = acct.knownOrders.get(order.clientOrderId)?.held;
  if (!held) return false;
  held.push(order);
  return true;
}

/** The send's answer is recorded (or the send failed): the held updates that still need writing. */
export function endSend(acct: Account, clientOrderId: string): ExchangeOrder[] {
  const known = acct.knownOrders.get(clientOrderId);
  const held = known?.held ?? [];
  if (known) known.held = undefined;
  return held.filter((order) => !echoesAnswer(acct, order));
}
