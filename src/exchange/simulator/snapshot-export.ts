/**
 * Export half of account snapshots (see snapshot-import.ts for the other half and the rules both
 * keep): `exportAccountSnapshot` copies everything that decides how the account behaves from here on
 * (wallet and ledger, fee rates, positions with their settings, open orders of both families with
 * their trigger priority, the order and fill history a lookup by client order id may ask for, the id
 * counters) into a JSON-safe value.
 */
import { type Dec, Dec as DecCtor } from '../../domain/index.js';
import { keepHistory, liveAlgo } from './history.js';
import { isOpenOrder } from './orders.js';
import {
  SIM_ACCOUNT_SNAPSHOT_VERSION,
  type SimAccountSnapshot,
  type SimAlgoOrderSnapshot,
  type SimOrderSnapshot,
  type SimPositionSnapshot,
  type SimTradeSnapshot,
} from './snapshot-schema.js';
import {
  type AlgoRec,
  algoSnapshot,
  type Book,
  type EngineState,
  type OrderRec,
  orderSnapshot,
  type Position,
  requireAccount,
} from './state.js';
import type { SimTrade } from './types.js';

export interface ExportAccountOptions {
  /**
   * Closed regular orders and closed algo orders kept, each the most recently updated ones, with
   * their fills. Open orders (and a triggered algo order's parent) are always kept. Default: all.
   */
  historyLimit?: number;
}

/** Plain decimal text; a negative zero (a realised PnL of −0) stays "-0" so it round-trips exactly. */
const s = (d: Dec): string => (d.isZero() && d.isNegative() ? '-0' : d.toFixed());

export function exportAccountSnapshot(
  state: EngineState,
  accountId: string,
  options: ExportAccountOptions = {},
): SimAccountSnapshot {
  const account = requireAccount(state, accountId);
  const limit = options.historyLimit ?? null;
  if (limit !== null && (!Number.isInteger(limit) || limit < 0)) {
    throw new RangeError(`historyLimit must be a non-negative integer, got ${limit}`);
  }
  const touched = new Set<Book>();
  const allOrders = account.orders;
  for (const o of allOrders) touched.add(o.book);
  const allAlgos = [...account.algos.values()];
  for (const a of allAlgos) touched.add(a.book);
  for (const p of account.positions.values()) touched.add(p.book);

  const orders = keepHistory(allOrders, isOpenOrder, limit);
  const algos = keepHistory(allAlgos, liveAlgo, limit);
  const keptOrders = new Set(orders.map((o) => `${o.symbol}#${o.orderId}`));
  const trades = account.trades.filter((t) => keptOrders.has(`${t.symbol}#${t.orderId}`));
  for (const t of account.trades) {
    const book = state.books.get(t.symbol);
    if (book) touched.add(book);
  }

  return {
    version: SIM_ACCOUNT_SNAPSHOT_VERSION,
    accountId: account.id,
    exportedAt: state.now,
    positionMode: 'ONE_WAY',
    wallet: s(account.wallet),
    ledger: {
      deposits: s(account.ledger.deposits),
      realizedPnl: s(account.ledger.realizedPnl),
      fees: s(account.ledger.fees),
      funding: s(account.ledger.funding),
    },
    makerFeeRate: s(account.makerRate),
    takerFeeRate: s(account.takerRate),
    positions: [...account.positions.values()].map(exportPosition),
    orders: orders.map(exportOrder),
    algoOrders: algos.map(exportAlgo),
    trades: trades.map(exportTrade),
    historyLimit: limit,
    counters: {
      seq: state.seq,
      nextAlgoId: state.nextAlgoId,
      books: [...touched]
        .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
        .map((b) => ({ symbol: b.symbol, nextOrderId: b.nextOrderId, nextTradeId: b.nextTradeId })),
    },
  };
}

function exportPosition(p: Position): SimPositionSnapshot {
  return {
    symbol: p.book.symbol,
    side: p.amt.isZero() ? 'FLAT' : p.amt.gt(0) ? 'LONG' : 'SHORT',
    qty: s(p.amt.abs()),
    entryPrice: s(p.entryPrice),
    isolatedWallet: s(p.isolatedWallet),
    accumulatedRealized: s(p.accumulatedRealized),
    leverage: p.leverage,
    marginType: p.marginType,
    updateTime: p.updateTime,
    liquidationSeq: p.liqTrigger?.list ? p.liqTrigger.seq : null,
  };
}

/** Decimal fields as plain text (see `s`), every other field as it is. */
type AsText<T> = { [K in keyof T]: T[K] extends Dec ? string : T[K] };
function asText<T extends object>(record: T): AsText<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = v instanceof DecCtor ? s(v) : v;
  return out as AsText<T>;
}

// The same fields the simulator's queries answer with (state.ts), less those every account of
// this one-way, conditional-only simulator shares; plus the creation order (seq).
function exportOrder(o: OrderRec): SimOrderSnapshot {
  const { accountId: _a, positionSide: _p, ...fields } = orderSnapshot(o);
  return { seq: o.seq, ...asText(fields) };
}

function exportAlgo(a: AlgoRec): SimAlgoOrderSnapshot {
  const { accountId: _a, algoType: _t, positionSide: _p, ...fields } = algoSnapshot(a);
  return { seq: a.seq, ...asText(fields) };
}

function exportTrade(t: SimTrade): SimTradeSnapshot {
  return {
    symbol: t.symbol,
    id: t.id,
    orderId: t.orderId,
    clientOrderId: t.clientOrderId,
    side: t.side,
    price: s(t.price),
    qty: s(t.qty),
    quoteQty: s(t.quoteQty),
    commission: s(t.commission),
    commissionAsset: t.commissionAsset,
    realizedPnl: s(t.realizedPnl),
    maker: t.maker,
    buyer: t.buyer,
    time: t.time,
  };
}
