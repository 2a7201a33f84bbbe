/**
 * Regular orders (POST /fapi/v1/order): MARKET and LIMIT GTC/IOC/FOK/GTX. Conditional types
 * answer -4120 as Binance does since the Algo migration. A MARKET order fills at once against the
 * last price moved by the slippage model; a LIMIT that would cross fills at once as taker (capped
 * at its price), otherwise GTC rests in the symbol's trigger list and fills as maker, at its own
 * price, when the price reaches it. Reduce-only fills are capped at the position; what is left
 * expires. Order of checks follows reference §8.2: params, precision, filters, notional,
 * reduce-only, margin, time in force.
 */
import {
  abs,
  compare,
  type Dec,
  dec,
  floorToStep,
  isNotPositive,
  isPositive,
  isShortDecimal,
  type OrderSide,
  roundFloatToTickDirected,
  toFloat,
  ZERO,
} from '../../domain/index.js';
import { BinanceCode, binanceError } from '../errors.js';
import { checkOrderMargin } from './account-math.js';
import { emitOrderUpdate } from './events.js';
import { endOrder, executeFill, reduces } from './fills.js';
import {
  type Account,
  type AlgoRec,
  addOpenOrder,
  type Book,
  commandTime,
  type EngineState,
  lastOf,
  markOf,
  type OrderRec,
  openOrdersOn,
  orderSnapshot,
  positionOf,
  requireAccount,
  requireBook,
} from './state.js';
import { ExpiryReason, type PlaceOrderRequest, type SimOrder, type SimTimeInForce } from './types.js';
import {
  checkClientIdFormat,
  checkMinNotional,
  checkPercentPrice,
  checkPrice,
  checkQuantity,
  clearsMinNotional,
  duplicateClientId,
  notRequired,
  requireParam,
} from './validate.js';

const CONDITIONAL_TYPES = new Set([
  'STOP',
  'STOP_MARKET',
  'TAKE_PROFIT',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
]);
const LIMIT_TIFS = new Set<SimTimeInForce>(['GTC', 'IOC', 'FOK', 'GTX']);

export function checkTradable(book: Book): void {
  if (book.spec.status !== 'TRADING') throw binanceError(BinanceCode.INVALID_SYMBOL_STATUS);
}

export function checkPositionSide(positionSide: string | undefined): void {
  if (positionSide !== undefined && positionSide !== 'BOTH')
    throw binanceError(BinanceCode.POSITION_SIDE_NOT_MATCH);
}

/** A client id for a new order: the caller's (validated, unique among open orders) or a generated one. */
export function takeClientId<T>(
  state: EngineState,
  byClientId: Map<string, T>,
  requested: string | undefined,
  isOpen: (existing: T) => boolean,
): string {
  if (requested === undefined) return state.ids.next();
  checkClientIdFormat(requested);
  const existing = byClientId.get(requested);
  if (existing && (state.config.clientIdUniqueness === 'always' || isOpen(existing))) duplicateClientId();
  return requested;
}

export const isOpenOrder = (o: OrderRec): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

/** Where a taker fill of `qty` lands now: last price moved against the taker, on the tick. */
export function takerPrice(state: EngineState, book: Book, side: OrderSide, qty: Dec): Dec {
  const base = book.lastF;
  const fraction = state.config.slippage({
    side,
    qty: toFloat(qty),
    price: base,
    high: book.highF,
    low: book.lowF,
    volume: book.volumeF,
    random: state.random,
  });
  const raw = fraction > 0 ? (side === 'BUY' ? base * (1 + fraction) : base * (1 - fraction)) : base;
  const tick = book.spec.tickSize;
  // The decimal of the float's text, rounded to the tick (without the text when it can be).
  const onTick = roundFloatToTickDirected(raw, tick, side === 'BUY' ? 'up' : 'down');
  return isNotPositive(onTick) ? tick : onTick;
}

export function newOrderRecord(
  state: EngineState,
  account: Account,
  book: Book,
  fields: {
    clientOrderId: string;
    side: OrderSide;
    type: SimOrder['type'];
    origType: SimOrder['origType'];
    timeInForce: SimTimeInForce;
    price: Dec;
    qty: Dec;
    reduceOnly: boolean;
    closePosition?: boolean;
    stopPrice?: Dec;
    workingType?: SimOrder['workingType'];
    priceProtect?: boolean;
    parent?: AlgoRec;
  },
): OrderRec {
  const order: OrderRec = {
    accountId: account.id,
    symbol: book.symbol,
    orderId: book.nextOrderId++,
    clientOrderId: fields.clientOrderId,
    side: fields.side,
    positionSide: 'BOTH',
    type: fields.type,
    origType: fields.origType,
    timeInForce: fields.timeInForce,
    price: fields.price,
    origQty: fields.qty,
    executedQty: ZERO,
    cumQuote: ZERO,
    avgPrice: ZERO,
    stopPrice: fields.stopPrice ?? ZERO,
    workingType: fields.workingType ?? 'CONTRACT_PRICE',
    priceProtect: fields.priceProtect ?? false,
    reduceOnly: fields.reduceOnly,
    closePosition: fields.closePosition ?? false,
    status: 'NEW',
    time: state.now,
    updateTime: state.now,
    expiryReason: ExpiryReason.NONE,
    parentAlgoId: fields.parent?.algoId ?? null,
    account,
    book,
    seq: ++state.seq,
    trigger: null,
    parent: fields.parent ?? null,
  };
  book.orders.set(order.orderId, order);
  account.orderByClientId.set(order.clientOrderId, order);
  account.orders.push(order);
  return order;
}

export function isMarketable(book: Book, side: OrderSide, price: Dec): boolean {
  if (!book.hasPrice) return false;
  const last = lastOf(book);
  return side === 'BUY' ? price.gte(last) : price.lte(last);
}

/** The new order's live record: the caller copies what it hands out (see Simulator.placeOrder). */
export function placeOrder(state: EngineState, accountId: string, req: PlaceOrderRequest): OrderRec {
  const account = requireAccount(state, accountId);
  const book = requireBook(state, req.symbol);
  commandTime(state);
  checkTradable(book);
  if (CONDITIONAL_TYPES.has(req.type)) throw binanceError(BinanceCode.STOP_ORDER_SWITCH_ALGO);
  if (req.type !== 'LIMIT' && req.type !== 'MARKET') throw binanceError(BinanceCode.INVALID_ORDER_TYPE);
  checkPositionSide(req.positionSide);
  if (req.closePosition) notRequired('closePosition');
  const spec = book.spec;
  const market = req.type === 'MARKET';
  const qty = requireParam(req.quantity, 'quantity');
  let price = ZERO;
  let tif: SimTimeInForce = 'GTC';
  if (market) {
    if (req.price !== undefined) notRequired('price');
  } else {
    tif = requireParam(req.timeInForce, 'timeInForce');
    if (!LIMIT_TIFS.has(tif)) throw binanceError(BinanceCode.INVALID_TIF);
    price = requireParam(req.price, 'price');
  }
  const clientOrderId = takeClientId(state, account.orderByClientId, req.newClientOrderId, isOpenOrder);
  checkQuantity(spec, qty, market);
  if (!market) {
    checkPrice(spec, price);
    if (book.hasPrice) checkPercentPrice(spec, req.side, price, markOf(book));
  }
  if (market && !book.hasPrice) throw binanceError(BinanceCode.UNABLE_TO_FILL);
  const reduceOnly = req.reduceOnly === true;
  // A market order's notional at the last price, when it clears the minimum by far in floats,
  // needs neither the decimal product nor the last price as a decimal.
  if (!(market && !reduceOnly && clearsMinNotional(spec, qty, book.lastF)))
    checkMinNotional(spec, qty, market ? lastOf(book) : price, reduceOnly);
  const pos = positionOf(state, account, book);
  if (reduceOnly && !reduces(pos, req.side)) throw binanceError(BinanceCode.REDUCE_ONLY_REJECT);
  const immediate = market || isMarketable(book, req.side, price);
  if (!market && !immediate) {
    if (openOrdersOn(account, book).size >= spec.maxOpenOrders)
      throw binanceError(BinanceCode.MAX_OPEN_ORDER_EXCEEDED);
  }
  if (!market && !immediate && tif === 'FOK') throw binanceError(BinanceCode.FOK_ORDER_REJECT);
  const estimate = immediate ? takerPrice(state, book, req.side, qty) : price;
  const fillPrice = market ? estimate : req.side === 'BUY' ? min(estimate, price) : max(estimate, price);
  checkOrderMargin(account, pos, { side: req.side, qty, price: fillPrice, reduceOnly, immediate });
  if (!market && immediate && tif === 'GTX') throw binanceError(BinanceCode.GTX_ORDER_REJECT);

  const order = newOrderRecord(state, account, book, {
    clientOrderId,
    side: req.side,
    type: req.type,
    origType: req.type,
    timeInForce: tif,
    price,
    qty,
    reduceOnly,
  });
  addOpenOrder(order);
  emitOrderUpdate(state, order, 'NEW');
  if (immediate) {
    fillNow(state, order, fillPrice);
  } else if (tif === 'IOC') {
    endOrder(state, order, 'EXPIRED', ExpiryReason.IOC_UNFILLED);
  } else {
    rest(state, order);
  }
  return order;
}

/**
 * What is left of an order: all of it before its first fill (what taking away zero gives back for
 * a short quantity: isShortDecimal), else the decimal difference.
 */
const remainingOf = (order: OrderRec): Dec =>
  order.executedQty.isZero() && isShortDecimal(order.origQty)
    ? order.origQty
    : order.origQty.minus(order.executedQty);

/** Fill an order as taker at `price` now, capped at the position if reduce-only; expire the rest. */
export function fillNow(state: EngineState, order: OrderRec, price: Dec): void {
  const pos = positionOf(state, order.account, order.book);
  let qty = remainingOf(order);
  if (order.reduceOnly) {
    // abs and compare: decimal.js's abs and lt without their copies.
    const room = reduces(pos, order.side) ? abs(pos.amt) : ZERO;
    if (compare(room, qty) < 0) qty = room;
  }
  if (isPositive(qty)) executeFill(state, { order, qty, price, maker: false, executionType: 'TRADE' });
  if (isOpenOrder(order)) {
    const reason = order.reduceOnly
      ? ExpiryReason.REDUCE_ONLY_KNOCKED_OUT
      : order.type === 'MARKET'
        ? ExpiryReason.MARKET_NOT_FULLY_FILLED
        : ExpiryReason.IOC_UNFILLED;
    endOrder(state, order, 'EXPIRED', reason);
  }
}

/** Put a limit order on the book: fires when the contract price reaches it (or a tick beyond). */
export function rest(state: EngineState, order: OrderRec): void {
  const level = restingLevel(state, order);
  const list = order.side === 'BUY' ? order.book.down : order.book.up;
  order.trigger = list.insert(level, order.seq, { kind: 'limit', order });
}

function restingLevel(state: EngineState, order: OrderRec): number {
  const p = toFloat(order.price);
  if (state.config.limitFill === 'touch') return p;
  const halfTick = order.book.spec.tickSize.toNumber() / 2;
  return order.side === 'BUY' ? p - halfTick : p + halfTick;
}

/**
 * The price reached a resting limit: fill it as maker at its own price, within the update's
 * volume budget. Returns true when the order is still open and must wait for the next update.
 */
export function fillResting(state: EngineState, order: OrderRec): boolean {
  const pos = positionOf(state, order.account, order.book);
  let qty = order.origQty.minus(order.executedQty);
  if (order.reduceOnly) {
    if (!reduces(pos, order.side)) {
      endOrder(state, order, 'EXPIRED', ExpiryReason.REDUCE_ONLY_KNOCKED_OUT);
      return false;
    }
    if (pos.amt.abs().lt(qty)) qty = pos.amt.abs();
  }
  const book = order.book;
  if (Number.isFinite(book.volumeBudget)) {
    const cap = floorToStep(dec(Math.max(0, book.volumeBudget)), book.spec.stepSize);
    if (cap.lt(qty)) qty = cap;
    if (qty.lte(0)) return true;
    book.volumeBudget -= toFloat(qty);
  }
  executeFill(state, { order, qty, price: order.price, maker: true, executionType: 'TRADE' });
  if (order.reduceOnly && isOpenOrder(order) && !reduces(pos, order.side)) {
    endOrder(state, order, 'EXPIRED', ExpiryReason.REDUCE_ONLY_KNOCKED_OUT);
  }
  return isOpenOrder(order);
}

const min = (a: Dec, b: Dec): Dec => (a.lte(b) ? a : b);
const max = (a: Dec, b: Dec): Dec => (a.gte(b) ? a : b);

export interface OrderRef {
  orderId?: number;
  origClientOrderId?: string;
}

export function findOrder(
  state: EngineState,
  accountId: string,
  symbol: string,
  ref: OrderRef,
): OrderRec | undefined {
  const account = requireAccount(state, accountId);
  const book = requireBook(state, symbol);
  if (ref.orderId === undefined && ref.origClientOrderId === undefined) {
    requireParam(undefined, 'orderId');
  }
  const found =
    ref.orderId !== undefined
      ? book.orders.get(ref.orderId)
      : account.orderByClientId.get(ref.origClientOrderId as string);
  if (!found || found.account !== account || found.book !== book) return undefined;
  if (ref.origClientOrderId !== undefined && found.clientOrderId !== ref.origClientOrderId) return undefined;
  return found;
}

export function cancelOrder(state: EngineState, accountId: string, symbol: string, ref: OrderRef): SimOrder {
  const order = findOrder(state, accountId, symbol, ref);
  commandTime(state);
  if (!order || !isOpenOrder(order))
    throw binanceError(BinanceCode.CANCEL_REJECTED, { message: 'Unknown order sent.' });
  endOrder(state, order, 'CANCELED');
  return orderSnapshot(order);
}

export function cancelAllOrders(state: EngineState, accountId: string, symbol: string): SimOrder[] {
  const account = requireAccount(state, accountId);
  const book = requireBook(state, symbol);
  commandTime(state);
  const out: SimOrder[] = [];
  for (const o of [...openOrdersOn(account, book)]) {
    endOrder(state, o, 'CANCELED');
    out.push(orderSnapshot(o));
  }
  return out;
}
