/**
 * Order endpoints of both families (reference §1.1 table): regular orders on /fapi/v1/order,
 * openOrders, allOpenOrders, allOrders, userTrades; conditional orders on /fapi/v1/algoOrder,
 * openAlgoOrders, algoOpenOrders, allAlgoOrders. Parameters are parsed here (Binance's codes for
 * malformed ones); every rule about the order itself is the simulator's.
 */
import type { OrderSide } from '../../domain/index.js';
import { BinanceCode, binanceError, binanceMessage } from '../errors.js';
import type {
  AlgoRef,
  BinanceOrderType,
  OrderRef,
  PositionSide,
  SimTimeInForce,
  WorkingType,
} from '../simulator/index.js';
import { mandatory, type Params } from './params.js';
import { accountOf, type RouteContext, type RouteTable } from './routes.js';
import { algoOrderJson, algoOrderQueryJson, orderJson, tradeJson } from './wire.js';

const SIDES: readonly OrderSide[] = ['BUY', 'SELL'];
const TYPES: readonly BinanceOrderType[] = [
  'LIMIT',
  'MARKET',
  'STOP',
  'STOP_MARKET',
  'TAKE_PROFIT',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
];
const TIFS: readonly SimTimeInForce[] = ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'];
const POSITION_SIDES: readonly PositionSide[] = ['BOTH', 'LONG', 'SHORT'];
const WORKING_TYPES: readonly WorkingType[] = ['MARK_PRICE', 'CONTRACT_PRICE'];
const CANCEL_ALL_DONE = { code: 200, msg: 'The operation of cancel all open order is done.' };

const notRequired = (name: string) =>
  binanceError(BinanceCode.PARAM_NOT_REQUIRED, {
    message: binanceMessage(BinanceCode.PARAM_NOT_REQUIRED, name),
  });

function common(p: Params) {
  const side = p.oneOf('side', SIDES, BinanceCode.INVALID_SIDE);
  if (side === undefined) throw mandatory('side');
  const type = p.oneOf('type', TYPES, BinanceCode.INVALID_ORDER_TYPE);
  if (type === undefined) throw mandatory('type');
  const positionSide = p.oneOf('positionSide', POSITION_SIDES, -4060);
  return {
    symbol: p.requiredSymbol(),
    side,
    type,
    quantity: p.decimal('quantity'),
    price: p.decimal('price'),
    timeInForce: p.oneOf('timeInForce', TIFS, BinanceCode.INVALID_TIF),
    reduceOnly: p.boolean('reduceOnly'),
    closePosition: p.boolean('closePosition'),
    positionSide,
  };
}

function newOrder(ctx: RouteContext) {
  const p = ctx.params;
  const c = common(p);
  const conditional = c.type !== 'LIMIT' && c.type !== 'MARKET';
  if (!conditional) {
    // Deleted from this endpoint with the Algo migration (BCJS CHANGELOG 20.x/30.0.0).
    for (const name of ['stopPrice', 'triggerPrice', 'activationPrice', 'callbackRate', 'workingType']) {
      if (p.has(name)) throw notRequired(name);
    }
  }
  const order = ctx.state.sim.placeOrder(accountOf(ctx), {
    ...c,
    newClientOrderId: p.string('newClientOrderId'),
  });
  return orderJson(order, ctx.state.precision(order.symbol));
}

function orderRef(p: Params): OrderRef {
  const orderId = p.integer('orderId');
  const origClientOrderId = p.string('origClientOrderId');
  if (orderId === undefined && origClientOrderId === undefined) {
    throw binanceError(BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED, {
      message: "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!",
    });
  }
  const ref: OrderRef = {};
  if (orderId !== undefined) ref.orderId = orderId;
  if (origClientOrderId !== undefined) ref.origClientOrderId = origClientOrderId;
  return ref;
}

function algoRef(p: Params): AlgoRef {
  const algoId = p.integer('algoId');
  const clientAlgoId = p.string('clientAlgoId');
  if (algoId === undefined && clientAlgoId === undefined) {
    throw binanceError(BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED, {
      message: "Param 'algoId' or 'clientAlgoId' must be sent, but both were empty/null!",
    });
  }
  const ref: AlgoRef = {};
  if (algoId !== undefined) ref.algoId = algoId;
  if (clientAlgoId !== undefined) ref.clientAlgoId = clientAlgoId;
  const symbol = p.symbol();
  if (symbol !== undefined) ref.symbol = symbol;
  return ref;
}

function newAlgoOrder(ctx: RouteContext) {
  const p = ctx.params;
  const algoType = p.required('algoType');
  if (algoType !== 'CONDITIONAL') throw mandatory('algoType');
  const c = common(p);
  const workingType = p.oneOf('workingType', WORKING_TYPES, BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED);
  const algo = ctx.state.sim.placeAlgoOrder(accountOf(ctx), {
    ...c,
    triggerPrice: p.decimal('triggerPrice'),
    workingType,
    priceProtect: p.boolean('priceProtect'),
    clientAlgoId: p.string('clientAlgoId'),
  });
  return algoOrderJson(algo, ctx.state.precision(algo.symbol));
}

function timeWindow<T extends { time?: number; updateTime?: number }>(
  ctx: RouteContext,
  rows: T[],
  at: (r: T) => number,
) {
  const from = ctx.params.integer('startTime');
  const to = ctx.params.integer('endTime');
  const limit = Math.min(ctx.params.integer('limit') ?? 500, 1000);
  const kept = rows.filter((r) => (from === undefined || at(r) >= from) && (to === undefined || at(r) <= to));
  return kept.slice(Math.max(0, kept.length - limit));
}

export const tradeRoutes: RouteTable = {
  'POST /fapi/v1/order': { security: 'SIGNED', weight: 0, handler: newOrder },
  'GET /fapi/v1/order': {
    security: 'SIGNED',
    weight: 1,
    handler: (ctx) => {
      const symbol = ctx.params.requiredSymbol();
      const o = ctx.state.sim.getOrder(accountOf(ctx), symbol, orderRef(ctx.params));
      return orderJson(o, ctx.state.precision(symbol));
    },
  },
  'DELETE /fapi/v1/order': {
    security: 'SIGNED',
    weight: 1,
    handler: (ctx) => {
      const symbol = ctx.params.requiredSymbol();
      const o = ctx.state.sim.cancelOrder(accountOf(ctx), symbol, orderRef(ctx.params));
      return orderJson(o, ctx.state.precision(symbol));
    },
  },
  'GET /fapi/v1/openOrders': {
    security: 'SIGNED',
    weight: 1,
    handler: (ctx) =>
      ctx.state.sim
        .openOrders(accountOf(ctx), ctx.params.symbol())
        .map((o) => orderJson(o, ctx.state.precision(o.symbol))),
  },
  'DELETE /fapi/v1/allOpenOrders': {
    security: 'SIGNED',
    weight: 1,
    handler: (ctx) => {
      ctx.state.sim.cancelAllOpenOrders(accountOf(ctx), ctx.params.requiredSymbol());
      return CANCEL_ALL_DONE;
    },
  },
  'GET /fapi/v1/allOrders': {
    security: 'SIGNED',
    weight: 5,
    handler: (ctx) => {
      const symbol = ctx.params.requiredSymbol();
      const rows = ctx.state.sim.allOrders(accountOf(ctx), symbol);
      return timeWindow(ctx, rows, (o) => o.time).map((o) => orderJson(o, ctx.state.precision(symbol)));
    },
  },
  'GET /fapi/v1/userTrades': {
    security: 'SIGNED',
    weight: 5,
    handler: (ctx) => {
      const symbol = ctx.params.requiredSymbol();
      const rows = ctx.state.sim.trades(accountOf(ctx), symbol);
      const fromId = ctx.params.integer('fromId');
      const kept = fromId === undefined ? rows : rows.filter((t) => t.id >= fromId);
      return timeWindow(ctx, kept, (t) => t.time).map((t) => tradeJson(t, ctx.state.precision(symbol)));
    },
  },
  'POST /fapi/v1/algoOrder': { security: 'SIGNED', weight: 0, handler: newAlgoOrder },
  'GET /fapi/v1/algoOrder': {
    security: 'SIGNED',
    weight: 1,
    handler: (ctx) => {
      const a = ctx.state.sim.getAlgoOrder(accountOf(ctx), algoRef(ctx.params));
      return algoOrderQueryJson(a, ctx.state.precision(a.symbol));
    },
  },
  'DELETE /fapi/v1/algoOrder': {
    security: 'SIGNED',
    weight: 1,
    handler: (ctx) => {
      const a = ctx.state.sim.cancelAlgoOrder(accountOf(ctx), algoRef(ctx.params));
      // `code` is a string on this endpoint only (reference §1.3).
      return { algoId: a.algoId, clientAlgoId: a.clientAlgoId, code: '200', msg: 'success' };
    },
  },
  'GET /fapi/v1/openAlgoOrders': {
    security: 'SIGNED',
    weight: 1,
    handler: (ctx) =>
      ctx.state.sim
        .openAlgoOrders(accountOf(ctx), ctx.params.symbol())
        .map((a) => algoOrderQueryJson(a, ctx.state.precision(a.symbol))),
  },
  'DELETE /fapi/v1/algoOpenOrders': {
    security: 'SIGNED',
    weight: 1,
    handler: (ctx) => {
      ctx.state.sim.cancelAllAlgoOpenOrders(accountOf(ctx), ctx.params.requiredSymbol());
      return CANCEL_ALL_DONE;
    },
  },
  'GET /fapi/v1/allAlgoOrders': {
    security: 'SIGNED',
    weight: 5,
    handler: (ctx) => {
      const rows = ctx.state.sim.allAlgoOrders(accountOf(ctx), ctx.params.symbol());
      return timeWindow(ctx, rows, (a) => a.createTime).map((a) =>
        algoOrderQueryJson(a, ctx.state.precision(a.symbol)),
      );
    },
  },
};
