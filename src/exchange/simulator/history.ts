/**
 * An account's order history: which closed records are kept, for an export (historyLimit) and in
 * memory (pruneHistory). Every live record stays; of the closed regular orders and the closed algo
 * orders, the `limit` most recently updated of each family stay, with their fills. A long-running
 * PAPER process would otherwise keep every order any user ever placed (and every save would sort
 * them all), while a restart keeps only what its snapshots kept: pruning to the same limit makes
 * both the same.
 */
import { isOpenAlgo } from './algo.js';
import { isOpenOrder } from './orders.js';
import { type AlgoRec, type EngineState, type OrderRec, requireAccount } from './state.js';

/** A triggered algo order stays with its child (it is no longer open, but not history either). */
export const liveAlgo = (a: AlgoRec): boolean => isOpenAlgo(a) || a.algoStatus === 'TRIGGERED';

/** Every live record, and the `limit` most recently updated others; in creation (seq) order. */
export function keepHistory<T extends { seq: number; updateTime: number }>(
  records: readonly T[],
  live: (r: T) => boolean,
  limit: number | null,
): T[] {
  let kept = records;
  if (limit !== null) {
    const closed = records.filter((r) => !live(r));
    if (closed.length > limit) {
      const recent = new Set(
        [...closed].sort((a, b) => b.updateTime - a.updateTime || b.seq - a.seq).slice(0, limit),
      );
      kept = records.filter((r) => live(r) || recent.has(r));
    }
  }
  return [...kept].sort((a, b) => a.seq - b.seq);
}

const orderKey = (symbol: string, orderId: number) => `${symbol}#${orderId}`;

/**
 * Forget the account's closed orders and closed algo orders beyond `limit` of each family, and
 * the fills of the orders forgotten: what an export with the same historyLimit leaves out.
 * Looking one of them up afterwards answers as Binance does for an order it no longer holds.
 * Returns how many records of each family were dropped.
 */
export function pruneHistory(
  state: EngineState,
  accountId: string,
  limit: number,
): { orders: number; algoOrders: number } {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new RangeError(`historyLimit must be a non-negative integer, got ${limit}`);
  }
  const account = requireAccount(state, accountId);
  let orders = 0;
  const closedOrders = account.orders.length - account.openOrders.size;
  if (closedOrders > limit) {
    const kept = keepHistory(account.orders, isOpenOrder, limit);
    const keep = new Set<OrderRec>(kept);
    const dropped = new Set<string>();
    for (const o of account.orders) {
      if (keep.has(o)) continue;
      o.book.orders.delete(o.orderId);
      if (account.orderByClientId.get(o.clientOrderId) === o) account.orderByClientId.delete(o.clientOrderId);
      dropped.add(orderKey(o.symbol, o.orderId));
      orders++;
    }
    account.orders = kept;
    account.trades = account.trades.filter((t) => !dropped.has(orderKey(t.symbol, t.orderId)));
  }
  let algoOrders = 0;
  const algos = [...account.algos.values()];
  if (algos.length - account.openAlgos.size > limit) {
    const keep = new Set<AlgoRec>(keepHistory(algos, liveAlgo, limit));
    for (const a of algos) {
      if (keep.has(a)) continue;
      account.algos.delete(a.algoId);
      state.algos.delete(a.algoId);
      if (account.algoByClientId.get(a.clientAlgoId) === a) account.algoByClientId.delete(a.clientAlgoId);
      algoOrders++;
    }
  }
  return { orders, algoOrders };
}
