/**
 * The Exchange port over one simulator account: the same calls, the same families, the same
 * errors (DomainErrors carrying Binance's code) as the ccxt adapter gives against Binance. A
 * translation only: every rule lives in the engine.
 */
import {
  type ClientOrderId,
  DomainError,
  type EpochMs,
  ErrorCode,
  type MarketSymbol,
  type Money,
  type Price,
  type Qty,
  type SymbolRules,
} from '../../domain/index.js';
import { BinanceCode, binanceError, exchangeCodeOf } from '../errors.js';
import type {
  AlgoOrder,
  Balance,
  CancelAllResult,
  CreateOrderRequest,
  Exchange,
  ExchangeOrder,
  ExchangePosition,
  OrderLookup,
  RegularOrder,
  UserStreamEvent,
  UserStreamListener,
} from '../port.js';
import type { Simulator } from './simulator.js';
import type { SimAlgoOrder, SimEvent, SimOrder, SimPositionUpdate } from './types.js';

export function toRegularOrder(o: SimOrder): RegularOrder {
  return {
    family: 'regular',
    symbol: o.symbol,
    id: String(o.orderId),
    clientOrderId: o.clientOrderId as ClientOrderId,
    side: o.side,
    type: o.type,
    timeInForce: o.timeInForce,
    qty: o.origQty as Qty,
    price: o.type === 'LIMIT' ? (o.price as Price) : null,
    triggerPrice: o.stopPrice.isZero() ? null : (o.stopPrice as Price),
    workingType: o.workingType,
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    createdAt: o.time as EpochMs,
    updatedAt: o.updateTime as EpochMs,
    status: o.status,
    filledQty: o.executedQty as Qty,
    avgFillPrice: o.executedQty.isZero() ? null : (o.avgPrice as Price),
  };
}

export function toAlgoOrder(a: SimAlgoOrder): AlgoOrder {
  return {
    family: 'algo',
    symbol: a.symbol,
    id: String(a.algoId),
    clientOrderId: a.clientAlgoId as ClientOrderId,
    side: a.side,
    type: a.orderType,
    timeInForce: a.timeInForce,
    qty: a.closePosition ? null : (a.quantity as Qty),
    price: a.price.isZero() ? null : (a.price as Price),
    triggerPrice: a.triggerPrice as Price,
    workingType: a.workingType,
    reduceOnly: a.reduceOnly,
    closePosition: a.closePosition,
    createdAt: a.createTime as EpochMs,
    updatedAt: a.updateTime as EpochMs,
    status: a.algoStatus,
    triggeredOrderId: a.actualOrderId === null ? null : String(a.actualOrderId),
    triggeredAt: a.triggerTime > 0 ? (a.triggerTime as EpochMs) : null,
    rejectReason: a.rejectReason === '' ? null : a.rejectReason,
  };
}

type PositionStreamEvent = Extract<UserStreamEvent, { type: 'position' }>;

/**
 * The port's position event, whose unrealised PnL is the engine's, worked out when first read
 * (see PositionUpdate in events.ts; no listener here reads it). A class for the same reason as
 * there; JSON carries every field as a plain object did.
 */
class PositionEvent implements PositionStreamEvent {
  readonly type = 'position' as const;
  readonly reason: PositionStreamEvent['reason'];
  readonly symbol: MarketSymbol;
  readonly positionAmt: Qty;
  readonly entryPrice: Price;
  readonly marginMode: PositionStreamEvent['marginMode'];
  readonly isolatedWallet: Money;
  readonly time: EpochMs;
  readonly #update: SimPositionUpdate;

  constructor(reason: PositionStreamEvent['reason'], p: SimPositionUpdate, time: EpochMs) {
    this.reason = reason;
    this.symbol = p.symbol;
    this.positionAmt = p.positionAmt as Qty;
    this.entryPrice = p.entryPrice as Price;
    this.marginMode = p.marginType === 'isolated' ? 'ISOLATED' : 'CROSSED';
    this.isolatedWallet = p.isolatedWallet as Money;
    this.time = time;
    this.#update = p;
  }

  get unrealizedPnl(): Money {
    return this.#update.unrealizedPnl as Money;
  }

  toJSON(): Record<keyof PositionStreamEvent, unknown> {
    return {
      type: this.type,
      reason: this.reason,
      symbol: this.symbol,
      positionAmt: this.positionAmt,
      entryPrice: this.entryPrice,
      unrealizedPnl: this.unrealizedPnl,
      marginMode: this.marginMode,
      isolatedWallet: this.isolatedWallet,
      time: this.time,
    };
  }
}

/** One engine event as the port's stream events, in the same order. */
export function toStreamEvents(e: SimEvent): UserStreamEvent[] {
  const time = e.eventTime as EpochMs;
  switch (e.type) {
    case 'ORDER_TRADE_UPDATE': {
      const order = toRegularOrder(e.order);
      const out: UserStreamEvent[] = [{ type: 'order', order, time }];
      if (e.executionType === 'TRADE' || e.executionType === 'CALCULATED') {
        out.push({
          type: 'fill',
          time,
          fill: {
            symbol: e.order.symbol,
            family: 'regular',
            orderId: order.id,
            clientOrderId: order.clientOrderId,
            tradeId: String(e.tradeId),
            side: e.order.side,
            qty: e.lastFilledQty as Qty,
            price: e.lastFilledPrice as Price,
            fee: e.commission as Money,
            feeAsset: e.commissionAsset,
            realizedPnl: e.realizedProfit as Money,
            maker: e.maker,
            liquidation: e.executionType === 'CALCULATED',
            time,
          },
        });
      }
      return out;
    }
    case 'ALGO_UPDATE':
      return [{ type: 'order', order: toAlgoOrder(e.algo), time }];
    case 'ACCOUNT_UPDATE': {
      // Filled in loops, not by map: map's array is holey, the other cases' packed, and a
      // listener loop that met both kinds would be optimized twice (V8 deoptimizes on the second).
      const out: UserStreamEvent[] = [];
      for (const b of e.balances) {
        out.push({
          type: 'balance',
          reason: e.reason,
          asset: b.asset,
          walletBalance: b.walletBalance as Money,
          crossWalletBalance: b.crossWalletBalance as Money,
          balanceChange: b.balanceChange as Money,
          time,
        });
      }
      for (const p of e.positions) out.push(new PositionEvent(e.reason, p, time));
      return out;
    }
    case 'ACCOUNT_CONFIG_UPDATE':
      return [{ type: 'leverage', symbol: e.symbol, leverage: e.leverage, time }];
  }
}

const isNotFound = (err: unknown): boolean =>
  err instanceof DomainError && err.code === ErrorCode.ORDER_NOT_FOUND;

export function createSimulatedExchange(sim: Simulator, accountId: string): Exchange {
  const regularRef = (l: OrderLookup) => ({ origClientOrderId: l.clientOrderId });
  const algoRef = (l: OrderLookup) => ({ clientAlgoId: l.clientOrderId, symbol: l.symbol });
  // The engine hands each event to every listener in turn: it is translated for the first and the
  // same port events go to the others, as the ccxt adapter gives one event to all its listeners.
  let lastEvent: SimEvent | undefined;
  let lastStreamEvents: UserStreamEvent[] = [];

  return {
    async markets(): Promise<readonly SymbolRules[]> {
      return sim.symbols().map(
        (s): SymbolRules => ({
          symbol: s.symbol,
          baseAsset: s.baseAsset,
          quoteAsset: s.quoteAsset,
          status: s.status,
          tickSize: s.tickSize,
          stepSize: s.stepSize,
          minQty: s.minQty,
          maxQty: s.maxQty,
          marketMaxQty: s.marketMaxQty,
          minNotional: s.minNotional,
          maxLeverage: s.maxLeverage,
        }),
      );
    },

    async balance(): Promise<Balance> {
      const s = sim.accountSummary(accountId);
      return {
        asset: s.asset,
        walletBalance: s.walletBalance as Money,
        crossWalletBalance: s.crossWalletBalance as Money,
        unrealizedPnl: s.unrealizedPnl as Money,
        marginBalance: s.marginBalance as Money,
        availableBalance: s.availableBalance as Money,
        initialMargin: s.initialMargin as Money,
        maintMargin: s.maintMargin as Money,
        updatedAt: s.updateTime as EpochMs,
      };
    },

    async positions(symbol?: MarketSymbol): Promise<readonly ExchangePosition[]> {
      return sim.positionRisk(accountId, symbol).map((p) => ({
        symbol: p.symbol,
        side: p.positionAmt.gt(0) ? 'LONG' : 'SHORT',
        qty: p.positionAmt.abs() as Qty,
        entryPrice: p.entryPrice as Price,
        breakEvenPrice: p.breakEvenPrice as Price,
        markPrice: p.markPrice as Price,
        unrealizedPnl: p.unRealizedProfit as Money,
        notional: p.notional.abs() as Money,
        leverage: p.leverage,
        marginMode: p.marginType,
        isolatedWallet: p.isolatedWallet as Money,
        maintMargin: p.maintMargin as Money,
        liquidationPrice: p.liquidationPrice.isZero() ? null : (p.liquidationPrice as Price),
        updatedAt: p.updateTime as EpochMs,
      }));
    },

    async openOrders(symbol?: MarketSymbol): Promise<readonly ExchangeOrder[]> {
      return [
        ...sim.openOrders(accountId, symbol).map(toRegularOrder),
        ...sim.openAlgoOrders(accountId, symbol).map(toAlgoOrder),
      ];
    },

    async createOrder(r: CreateOrderRequest): Promise<ExchangeOrder> {
      if (r.type === 'MARKET' || r.type === 'LIMIT') {
        if (r.triggerPrice !== undefined)
          throw binanceError(BinanceCode.PARAM_NOT_REQUIRED, {
            message: "Parameter 'triggerPrice' sent when not required.",
          });
        return sim.placeOrder(
          accountId,
          {
            symbol: r.symbol,
            side: r.side,
            type: r.type,
            quantity: r.qty,
            price: r.price,
            timeInForce: r.type === 'LIMIT' ? (r.timeInForce ?? 'GTC') : undefined,
            reduceOnly: r.reduceOnly,
            closePosition: r.closePosition,
            newClientOrderId: r.clientOrderId,
          },
          toRegularOrder,
        );
      }
      return sim.placeAlgoOrder(
        accountId,
        {
          symbol: r.symbol,
          side: r.side,
          type: r.type,
          quantity: r.qty,
          // The port's conditional types take no limit price: the engine answers -1106 if one is sent.
          price: r.price,
          triggerPrice: r.triggerPrice,
          workingType: r.workingType,
          reduceOnly: r.reduceOnly,
          closePosition: r.closePosition,
          priceProtect: r.priceProtect,
          clientAlgoId: r.clientOrderId,
        },
        toAlgoOrder,
      );
    },

    async cancelOrder(l: OrderLookup): Promise<ExchangeOrder> {
      if (l.family !== 'algo') {
        try {
          return toRegularOrder(sim.cancelOrder(accountId, l.symbol, regularRef(l)));
        } catch (err) {
          if (l.family === 'regular' || !isNotFound(err)) throw err;
        }
      }
      return toAlgoOrder(sim.cancelAlgoOrder(accountId, algoRef(l)));
    },

    async cancelAllOrders(symbol: MarketSymbol): Promise<CancelAllResult> {
      const regular = sim.cancelAllOpenOrders(accountId, symbol).length;
      const algo = sim.cancelAllAlgoOpenOrders(accountId, symbol).length;
      return { regular, algo };
    },

    async fetchOrder(l: OrderLookup): Promise<ExchangeOrder | undefined> {
      if (l.family !== 'algo') {
        try {
          return toRegularOrder(sim.getOrder(accountId, l.symbol, regularRef(l)));
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
        if (l.family === 'regular') return undefined;
      }
      try {
        return toAlgoOrder(sim.getAlgoOrder(accountId, algoRef(l)));
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    async setLeverage(symbol: MarketSymbol, leverage: number) {
      const r = sim.setLeverage(accountId, symbol, leverage);
      return { symbol: r.symbol, leverage: r.leverage, maxNotional: r.maxNotionalValue as Money };
    },

    async setMarginMode(symbol: MarketSymbol, mode): Promise<void> {
      try {
        sim.setMarginType(accountId, symbol, mode);
      } catch (err) {
        if (exchangeCodeOf(err) !== BinanceCode.NO_NEED_TO_CHANGE_MARGIN_TYPE) throw err;
      }
    },

    subscribe(listener: UserStreamListener) {
      return sim.subscribeAccount(accountId, (e) => {
        // Translated once per event (see lastEvent), here rather than in a helper: every listener
        // of every event passes here.
        if (e !== lastEvent) {
          lastStreamEvents = toStreamEvents(e);
          lastEvent = e;
        }
        const events = lastStreamEvents;
        for (let i = 0; i < events.length; i++) listener(events[i]!);
      });
    },
  };
}
