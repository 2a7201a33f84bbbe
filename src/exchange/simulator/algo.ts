/**
 * Conditional orders, the Algo Order family (POST /fapi/v1/algoOrder, since 2025-12-09): their own
 * id (algoId), client id (clientAlgoId), open list and ALGO_UPDATE event. STOP_MARKET and
 * TAKE_PROFIT_MARKET become a MARKET order when triggered, STOP and TAKE_PROFIT a LIMIT order.
 *
 * Trigger rules (B-ALGO): STOP* BUY and TAKE_PROFIT* SELL fire when the watched price (mark or
 * last per workingType) >= trigger; STOP* SELL and TAKE_PROFIT* BUY when <= trigger. A trigger
 * already satisfied at placement is rejected -2021. No margin is checked before the trigger; a
 * trigger that fails the margin or reduce-only check ends REJECTED with the reason in `rm`.
 * closePosition closes whatever position the side can close at trigger time; with nothing to
 * close it EXPIRES, and it expires too when the position it protected is gone (GTE_GTC).
 * TRAILING_STOP_MARKET is not simulated and answers -1116.
 */
import { abs, type Dec, DomainError, toFloat, ZERO } from '../../domain/index.js';
import { BinanceCode, binanceError, binanceMessage } from '../errors.js';
import { checkOrderMargin } from './account-math.js';
import { emitAlgoUpdate, emitOrderUpdate } from './events.js';
import { endAlgo, reduces } from './fills.js';
import {
  checkPositionSide,
  checkTradable,
  fillNow,
  isMarketable,
  newOrderRecord,
  rest,
  takeClientId,
  takerPrice,
} from './orders.js';
import {
  type AlgoRec,
  addOpenAlgo,
  addOpenOrder,
  algoSnapshot,
  commandTime,
  type EngineState,
  openAlgosOn,
  positionOf,
  removeOpenAlgo,
  requireAccount,
  requireBook,
} from './state.js';
import type { PlaceAlgoOrderRequest, SimAlgoOrder } from './types.js';
import {
  checkMinNotional,
  checkPrice,
  checkQuantity,
  checkTriggerPrice,
  notRequired,
  requireParam,
} from './validate.js';

type AlgoType = SimAlgoOrder['orderType'];
const ALGO_TYPES = new Set<string>(['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET']);

/** Does this order fire on a rising price (>= trigger)? */
export const firesUp = (type: AlgoType, side: 'BUY' | 'SELL'): boolean =>
  type === 'STOP' || type === 'STOP_MARKET' ? side === 'BUY' : side === 'SELL';

const isMarketType = (type: AlgoType): boolean => type === 'STOP_MARKET' || type === 'TAKE_PROFIT_MARKET';
const decMin = (a: Dec, b: Dec): Dec => (a.lte(b) ? a : b);
const decMax = (a: Dec, b: Dec): Dec => (a.gte(b) ? a : b);
export const isOpenAlgo = (a: AlgoRec): boolean => a.algoStatus === 'NEW' || a.algoStatus === 'TRIGGERING';

/** The new algo order's live record: the caller copies what it hands out (see Simulator.placeAlgoOrder). */
export function placeAlgoOrder(state: EngineState, accountId: string, req: PlaceAlgoOrderRequest): AlgoRec {
  const account = requireAccount(state, accountId);
  const book = requireBook(state, req.symbol);
  commandTime(state);
  checkTradable(book);
  if (!ALGO_TYPES.has(req.type)) throw binanceError(BinanceCode.INVALID_ORDER_TYPE);
  const type = req.type as AlgoType;
  const market = isMarketType(type);
  checkPositionSide(req.positionSide);
  const closePosition = req.closePosition === true;
  if (closePosition) {
    if (req.reduceOnly === true) notRequired('reduceOnly');
    if (req.quantity !== undefined) throw binanceError(BinanceCode.QUANTITY_EXISTS_WITH_CLOSE_POSITION);
    if (!market) notRequired('closePosition');
  }
  const qty = closePosition ? ZERO : requireParam(req.quantity, 'quantity');
  const trigger = requireParam(req.triggerPrice, 'triggerPrice');
  const price = market ? ZERO : requireParam(req.price, 'price');
  if (market && req.price !== undefined) notRequired('price');
  const clientAlgoId = takeClientId(state, account.algoByClientId, req.clientAlgoId, isOpenAlgo);
  const spec = book.spec;
  if (!closePosition) checkQuantity(spec, qty, market);
  checkTriggerPrice(spec, trigger);
  if (!market) checkPrice(spec, price);
  const reduceOnly = req.reduceOnly === true;
  if (!closePosition) checkMinNotional(spec, qty, market ? trigger : price, reduceOnly);
  const workingType = req.workingType ?? 'CONTRACT_PRICE';
  // The trigger as a float once: the immediate-trigger check and its place in the trigger list.
  const level = toFloat(trigger);
  const up = firesUp(type, req.side);
  if (book.hasPrice) {
    const watched = workingType === 'MARK_PRICE' ? book.markF : book.lastF;
    if (up ? watched >= level : watched <= level) {
      throw binanceError(BinanceCode.ORDER_WOULD_IMMEDIATELY_TRIGGER);
    }
  }
  // Conservative where Binance's algo service is undocumented: a reduce-only order that could
  // only increase the position is refused at placement, as on the regular endpoint.
  if (reduceOnly && !reduces(positionOf(state, account, book), req.side)) {
    throw binanceError(BinanceCode.REDUCE_ONLY_REJECT);
  }
  if (account.openAlgos.size >= state.config.maxOpenAlgoOrders)
    throw binanceError(BinanceCode.MAX_STOP_ORDER_EXCEEDED);

  const algo: AlgoRec = {
    accountId: account.id,
    algoId: state.nextAlgoId++,
    clientAlgoId,
    algoType: 'CONDITIONAL',
    orderType: type,
    symbol: book.symbol,
    side: req.side,
    positionSide: 'BOTH',
    timeInForce: closePosition ? 'GTE_GTC' : (req.timeInForce ?? 'GTC'),
    quantity: qty,
    algoStatus: 'NEW',
    triggerPrice: trigger,
    price,
    workingType,
    closePosition,
    priceProtect: req.priceProtect === true,
    reduceOnly,
    createTime: state.now,
    updateTime: state.now,
    // Written a double first (then 0, below): V8 fixes a field's layout by its first value; a
    // first 0 is widened at the first trigger, which throws away the optimised code that read it.
    triggerTime: Number.NaN,
    actualOrderId: null,
    actualPrice: ZERO,
    actualQty: ZERO,
    rejectReason: '',
    account,
    book,
    seq: ++state.seq,
    trigger: null,
    child: null,
  };
  algo.triggerTime = 0;
  state.algos.set(algo.algoId, algo);
  account.algos.set(algo.algoId, algo);
  account.algoByClientId.set(clientAlgoId, algo);
  addOpenAlgo(algo);
  const list = workingType === 'MARK_PRICE' ? (up ? book.markUp : book.markDown) : up ? book.up : book.down;
  algo.trigger = list.insert(level, algo.seq, { kind: 'algo', algo });
  emitAlgoUpdate(state, algo);
  return algo;
}

/** The watched price crossed the trigger: place the child order, or end the algo order. */
export function triggerAlgo(state: EngineState, algo: AlgoRec): void {
  const account = algo.account;
  const book = algo.book;
  removeOpenAlgo(algo);
  algo.trigger = null;
  algo.triggerTime = state.now;
  const pos = positionOf(state, account, book);
  let qty: Dec = algo.quantity;
  let reduceOnly = algo.reduceOnly;
  if (algo.closePosition) {
    if (!reduces(pos, algo.side)) {
      endAlgo(state, algo, 'EXPIRED', 'No position to close.');
      return;
    }
    // abs: a long position's size itself, without decimal.js's copy.
    qty = abs(pos.amt);
    reduceOnly = true;
  } else if (reduceOnly && !reduces(pos, algo.side)) {
    endAlgo(state, algo, 'REJECTED', binanceMessage(BinanceCode.REDUCE_ONLY_REJECT));
    return;
  }
  const market = isMarketType(algo.orderType);
  const immediate = market || isMarketable(book, algo.side, algo.price);
  let fillPrice = immediate ? takerPrice(state, book, algo.side, qty) : algo.price;
  if (!market && immediate) {
    fillPrice = algo.side === 'BUY' ? decMin(fillPrice, algo.price) : decMax(fillPrice, algo.price);
  }
  try {
    checkOrderMargin(account, pos, { side: algo.side, qty, price: fillPrice, reduceOnly, immediate });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    endAlgo(state, algo, 'REJECTED', String(err.details?.exchangeMessage ?? err.message));
    return;
  }
  const child = newOrderRecord(state, account, book, {
    clientOrderId: `trg-${algo.algoId}`,
    side: algo.side,
    type: market ? 'MARKET' : 'LIMIT',
    origType: algo.orderType,
    timeInForce: market ? 'GTC' : algo.timeInForce === 'GTE_GTC' ? 'GTC' : algo.timeInForce,
    price: algo.price,
    qty,
    reduceOnly,
    closePosition: algo.closePosition,
    stopPrice: algo.triggerPrice,
    workingType: algo.workingType,
    priceProtect: algo.priceProtect,
    parent: algo,
  });
  algo.child = child;
  algo.actualOrderId = child.orderId;
  algo.algoStatus = 'TRIGGERED';
  algo.updateTime = state.now;
  emitAlgoUpdate(state, algo);
  addOpenOrder(child);
  emitOrderUpdate(state, child, 'NEW');
  // The parent becomes FINISHED when the child leaves the book (filled, expired or cancelled).
  if (immediate) fillNow(state, child, fillPrice);
  else rest(state, child);
}

export interface AlgoRef {
  algoId?: number;
  clientAlgoId?: string;
  /** When given, an order on another symbol is not found. */
  symbol?: string;
}

export function findAlgo(state: EngineState, accountId: string, ref: AlgoRef): AlgoRec | undefined {
  const account = requireAccount(state, accountId);
  if (ref.algoId === undefined && ref.clientAlgoId === undefined) requireParam(undefined, 'algoId');
  const found =
    ref.algoId !== undefined
      ? account.algos.get(ref.algoId)
      : account.algoByClientId.get(ref.clientAlgoId as string);
  if (found && ref.symbol !== undefined && found.symbol !== ref.symbol) return undefined;
  if (found && ref.clientAlgoId !== undefined && found.clientAlgoId !== ref.clientAlgoId) return undefined;
  return found;
}

export function cancelAlgoOrder(state: EngineState, accountId: string, ref: AlgoRef): SimAlgoOrder {
  const algo = findAlgo(state, accountId, ref);
  commandTime(state);
  if (!algo || !isOpenAlgo(algo))
    throw binanceError(BinanceCode.CANCEL_REJECTED, { message: 'Unknown order sent.' });
  endAlgo(state, algo, 'CANCELED');
  return algoSnapshot(algo);
}

export function cancelAllAlgoOrders(state: EngineState, accountId: string, symbol: string): SimAlgoOrder[] {
  const account = requireAccount(state, accountId);
  const book = requireBook(state, symbol);
  commandTime(state);
  const out: SimAlgoOrder[] = [];
  for (const a of [...openAlgosOn(account, book)]) {
    endAlgo(state, a, 'CANCELED');
    out.push(algoSnapshot(a));
  }
  return out;
}
