/**
 * A fill moves money: position size and entry (volume-weighted over increasing fills), realised
 * PnL on the reducing part, the isolated wallet, the commission. This is the only place that
 * writes the wallet besides deposits and funding, and it writes the ledger in the same breath, so
 * wallet = deposits + realised PnL − fees − funding holds by construction (and is tested anyway).
 *
 * After a position changes: reduce-only orders that could now only increase it expire (er=4),
 * close-position conditional orders of a position that is gone expire (GTE_GTC), the isolated
 * liquidation level is recomputed, and a liquidation check is queued.
 */
import {
  abs,
  add,
  compare,
  type Dec,
  Dec as DecCtor,
  divide,
  isExactProduct,
  isNegative,
  isPositive,
  nearFloat,
  toFloat,
  ZERO,
} from '../../domain/index.js';
import { positionLiquidationPrice, refreshCrossAggregates } from './account-math.js';
import { emitAccountUpdate, emitAlgoUpdate, emitOrderUpdate } from './events.js';
import { liquidationGuard } from './margin.js';
import {
  type AlgoRec,
  type EngineState,
  floorMoney,
  type OrderRec,
  openAlgosOn,
  openOrdersOn,
  type Position,
  positionOf,
  refreshCrossWallet,
  removeOpenAlgo,
  removeOpenOrder,
  roundMoney,
  setIsolatedWallet,
} from './state.js';
import { ExpiryReason } from './types.js';

const ONE = new DecCtor(1);

export interface FillRequest {
  order: OrderRec;
  qty: Dec;
  price: Dec;
  maker: boolean;
  /** CALCULATED for liquidations. */
  executionType: 'TRADE' | 'CALCULATED';
  /** Overrides the commission (liquidation clearance fee). */
  fee?: Dec;
}

export function executeFill(state: EngineState, f: FillRequest): void {
  const { order, qty, price } = f;
  const account = order.account;
  const pos = positionOf(state, account, order.book);
  const prevAmt = pos.amt;
  const buy = order.side === 'BUY';
  // qty × price once: the fee, the order's cumulative quote, the trade's quote and the isolated
  // margin of an opening fill all start from it.
  const quote = qty.mul(price);
  let realized = ZERO;
  // The fill's quantity is positive: it increases the position when its side is the position's.
  if (prevAmt.isZero() || isPositive(prevAmt) === buy) {
    increase(pos, buy ? qty : qty.neg(), qty, price, quote);
  } else {
    const absPrev = abs(prevAmt);
    // The fill itself when it closes the position exactly (no rest to open the other way).
    const closeQty = compare(qty, absPrev) <= 0 ? qty : absPrev;
    // A short gains what the price fell: the negation is the product by -1 (zero's sign too).
    const gain = closeQty.mul(price.minus(pos.entryPrice));
    realized = roundMoney(isPositive(prevAmt) ? gain : gain.neg());
    const whole = compare(closeQty, absPrev) === 0;
    if (!pos.isolatedWallet.isZero()) {
      // Closing it all releases the whole isolated wallet (what it less itself leaves: zero).
      setIsolatedWallet(
        pos,
        whole ? ZERO : pos.isolatedWallet.minus(floorMoney(pos.isolatedWallet.mul(closeQty).div(absPrev))),
      );
    }
    // A whole close leaves zero (what the subtraction gives, +0), without decimal.js's slow
    // way to a zero difference.
    pos.amt = whole ? ZERO : isPositive(prevAmt) ? prevAmt.minus(closeQty) : prevAmt.plus(closeQty);
    if (pos.amt.isZero()) {
      pos.entryPrice = ZERO;
      // Whatever is left in the isolated wallet (funding, rounding) goes back to cross.
      if (!pos.isolatedWallet.isZero()) setIsolatedWallet(pos, ZERO);
    }
    // Beyond the position the rest opens the other way (closeQty is qty itself when there is no rest).
    if (closeQty !== qty) {
      const openQty = qty.minus(closeQty);
      if (isPositive(openQty)) increase(pos, buy ? openQty : openQty.neg(), openQty, price);
    }
  }
  const fee = f.fee ?? roundMoney(quote.mul(f.maker ? account.makerRate : account.takerRate));
  // add: an opening fill's zero realised PnL is added without a copy of the sum.
  account.wallet = add(account.wallet, realized).minus(fee);
  account.ledger.realizedPnl = add(account.ledger.realizedPnl, realized);
  account.ledger.fees = add(account.ledger.fees, fee);
  pos.accumulatedRealized = add(pos.accumulatedRealized, realized);
  pos.updateTime = state.now;
  refreshCrossWallet(account);

  if (order.executedQty.isZero() && isExactProduct(qty, price)) {
    // The order's first fill, its quote exact (isExactProduct): the sums from zero are qty and
    // the quote, their quotient the price itself.
    order.executedQty = qty;
    order.cumQuote = quote;
    order.avgPrice = price;
  } else {
    order.executedQty = order.executedQty.plus(qty);
    order.cumQuote = order.cumQuote.plus(quote);
    order.avgPrice = divide(order.cumQuote, order.executedQty);
  }
  order.status = compare(order.executedQty, order.origQty) >= 0 ? 'FILLED' : 'PARTIALLY_FILLED';
  order.updateTime = state.now;
  const tradeId = order.book.nextTradeId++;
  account.trades.push({
    accountId: account.id,
    symbol: order.symbol,
    id: tradeId,
    orderId: order.orderId,
    clientOrderId: order.clientOrderId,
    side: order.side,
    price,
    qty,
    quoteQty: quote,
    commission: fee,
    commissionAsset: 'USDT',
    realizedPnl: realized,
    maker: f.maker,
    buyer: order.side === 'BUY',
    time: state.now,
  });
  emitOrderUpdate(state, order, f.executionType, {
    qty,
    price,
    commission: fee,
    tradeId,
    maker: f.maker,
    realizedProfit: realized,
  });
  emitAccountUpdate(state, account, 'ORDER', [pos]);
  if (order.status === 'FILLED') detachOrder(state, order);
  afterPositionChange(state, pos, prevAmt);
}

/**
 * Add `signed` (q, positive, with the order's sign) at `price` to the position; `quote` is
 * q × price when the caller has it.
 */
function increase(pos: Position, signed: Dec, q: Dec, price: Dec, quote?: Dec): void {
  const value = quote ?? q.mul(price);
  if (pos.amt.isZero()) pos.entryPrice = price;
  else {
    const absOld = abs(pos.amt);
    pos.entryPrice = divide(absOld.mul(pos.entryPrice).plus(value), absOld.plus(q));
  }
  pos.amt = add(pos.amt, signed);
  if (pos.marginType === 'ISOLATED') {
    setIsolatedWallet(pos, add(pos.isolatedWallet, roundMoney(perLeverage(value, pos.leverage))));
  }
}

/** 1/L for the leverages whose reciprocal is a finite decimal (L = 2^a × 5^b: 1, 2, 4, 5, 8, 10, ...), else null. */
const reciprocals = new Map<number, Dec | null>();
function reciprocalOf(leverage: number): Dec | null {
  let r = reciprocals.get(leverage);
  if (r === undefined) {
    let n = leverage;
    // Up to 1,000 (Binance allows 125): a reciprocal of at most 10 digits, exact at our precision.
    if (Number.isInteger(n) && n >= 1 && n <= 1000) {
      while (n % 2 === 0) n /= 2;
      while (n % 5 === 0) n /= 5;
    }
    r = n === 1 ? ONE.div(leverage) : null;
    reciprocals.set(leverage, r);
  }
  return r;
}

/**
 * `value.div(leverage)`, the same decimal, as a product when 1/leverage is a finite decimal:
 * value x (1/L) is then exactly value / L, and decimal.js rounds a product as it rounds a
 * quotient (the exact result, to 40 digits, half up), so both give the same decimal; the product
 * costs a fraction of the long division. Other leverages divide.
 */
export function perLeverage(value: Dec, leverage: number): Dec {
  const inverse = reciprocalOf(leverage);
  return inverse === null ? value.div(leverage) : value.mul(inverse);
}

/** Take a no-longer-open order out of the open set and the trigger lists; finish its parent algo. */
function detachOrder(state: EngineState, order: OrderRec): void {
  removeOpenOrder(order);
  if (order.trigger?.list) order.trigger.list.remove(order.trigger);
  order.trigger = null;
  const parent = order.parent;
  if (parent && parent.algoStatus === 'TRIGGERED') finishAlgo(state, parent, order);
}

export function finishAlgo(state: EngineState, algo: AlgoRec, child: OrderRec): void {
  algo.algoStatus = 'FINISHED';
  algo.actualQty = child.executedQty;
  algo.actualPrice = child.avgPrice;
  algo.updateTime = state.now;
  emitAlgoUpdate(state, algo);
}

/** End an open order without a fill (CANCELED or EXPIRED) and say so on the stream. */
export function endOrder(
  state: EngineState,
  order: OrderRec,
  status: 'CANCELED' | 'EXPIRED',
  expiryReason: number = ExpiryReason.NONE,
): void {
  order.status = status;
  order.expiryReason = expiryReason;
  order.updateTime = state.now;
  emitOrderUpdate(state, order, status);
  detachOrder(state, order);
}

export function endAlgo(
  state: EngineState,
  algo: AlgoRec,
  status: 'CANCELED' | 'EXPIRED' | 'REJECTED',
  reason = '',
): void {
  algo.algoStatus = status;
  algo.rejectReason = reason;
  algo.updateTime = state.now;
  removeOpenAlgo(algo);
  if (algo.trigger?.list) algo.trigger.list.remove(algo.trigger);
  algo.trigger = null;
  emitAlgoUpdate(state, algo);
}

/** Would a reduce-only order on `side` still reduce this position? */
export const reduces = (p: Position, side: 'BUY' | 'SELL'): boolean =>
  side === 'BUY' ? isNegative(p.amt) : isPositive(p.amt);

export function afterPositionChange(state: EngineState, pos: Position, prevAmt: Dec): void {
  pos.amtF = toFloat(pos.amt);
  pos.entryF = toFloat(pos.entryPrice);
  const book = pos.book;
  const account = pos.account;
  if (pos.marginType === 'CROSSED' && !pos.amt.isZero()) {
    book.crossHolders.add(pos);
    account.crossPositions.add(pos);
  } else {
    book.crossHolders.delete(pos);
    account.crossPositions.delete(pos);
  }

  account.orderMarginDirty.add(book);
  const orders = openOrdersOn(account, book);
  if (orders.size > 0) {
    for (const o of [...orders]) {
      if (o.reduceOnly && !reduces(pos, o.side)) {
        endOrder(state, o, 'EXPIRED', ExpiryReason.REDUCE_ONLY_KNOCKED_OUT);
      }
    }
  }
  const wasGone = !prevAmt.isZero() && (pos.amt.isZero() || isPositive(pos.amt) !== isPositive(prevAmt));
  if (wasGone) {
    for (const a of [...openAlgosOn(account, book)]) {
      if (a.closePosition && !reduces(pos, a.side)) endAlgo(state, a, 'EXPIRED');
    }
  }
  refreshCrossAggregates(account, pos);
  refreshLiquidationTrigger(state, pos);
}

/** toFloat of the liquidation price, worked out with it (a 40-digit decimal's double goes through text). */
const liquidationLevel = { value: 0 };

/**
 * Re-place the isolated liquidation level; queue a check if the mark is already past it. Most
 * positions close long before their liquidation: when the first bracket certainly decides the
 * level, a guard goes in instead, a double just short of it (liquidationGuard), and the level
 * itself is worked out in decimals only if the mark reaches the guard (placeLiquidationLevel,
 * from the price path), with the seq the guard took: the same level, in the same place among the
 * triggers, as computing it now.
 */
export function refreshLiquidationTrigger(state: EngineState, pos: Position): void {
  if (pos.liqTrigger?.list) pos.liqTrigger.list.remove(pos.liqTrigger);
  pos.liqTrigger = null;
  if (pos.amt.isZero()) return;
  if (pos.marginType === 'CROSSED') {
    state.pendingChecks.add(pos);
    return;
  }
  const book = pos.book;
  const long = isPositive(pos.amt);
  const guard = liquidationGuard(book.spec.bracketsF, pos.amtF, pos.entryF, nearFloat(pos.isolatedWallet));
  // A mark at or past the guard may be past the level too: the decimals decide that now.
  if (book.hasPrice && (long ? book.markF > guard : book.markF < guard)) {
    const list = long ? book.markDown : book.markUp;
    pos.liqTrigger = list.insert(guard, ++state.seq, { kind: 'liq-guard', position: pos });
    return;
  }
  const lp = positionLiquidationPrice(pos, liquidationLevel);
  if (lp === null) return;
  const level = liquidationLevel.value;
  if (book.hasPrice && (long ? book.markF <= level : book.markF >= level)) {
    state.pendingChecks.add(pos);
    return;
  }
  placeLiquidationLevel(pos, lp, level, ++state.seq);
}

/** The mark reached a position's guard: its liquidation level in its place (seq) among the triggers. */
export function liquidationGuardReached(pos: Position, seq: number): void {
  pos.liqTrigger = null;
  const lp = positionLiquidationPrice(pos, liquidationLevel);
  // Never null: the guard was only placed where the first bracket gives a positive level.
  if (lp !== null) placeLiquidationLevel(pos, lp, liquidationLevel.value, seq);
}

function placeLiquidationLevel(pos: Position, lp: Dec, level: number, seq: number): void {
  const book = pos.book;
  const list = isPositive(pos.amt) ? book.markDown : book.markUp;
  pos.liqTrigger = list.insert(level, seq, { kind: 'liq', position: pos, price: lp });
}
