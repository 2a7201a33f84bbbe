/**
 * WebSocket payloads in Binance's shapes (reference §5.2, §5.3): the user-data events
 * ORDER_TRADE_UPDATE, ACCOUNT_UPDATE, ALGO_UPDATE, ACCOUNT_CONFIG_UPDATE and listenKeyExpired,
 * and the market events kline, markPriceUpdate and forceOrder. Decimals are strings, as on the wire.
 */
import type { Liquidation } from '../../domain/index.js';
import type { SimEvent, SimSymbolSpec } from '../simulator/index.js';
import type { Candle1m } from './candles.js';
import { fmt, money, type Precision } from './wire.js';

export function userEventJson(e: SimEvent, p: Precision): Record<string, unknown> {
  switch (e.type) {
    case 'ORDER_TRADE_UPDATE': {
      const o = e.order;
      const filled = e.executionType === 'TRADE' || e.executionType === 'CALCULATED';
      return {
        e: 'ORDER_TRADE_UPDATE',
        E: e.eventTime,
        T: e.transactionTime,
        o: {
          s: o.symbol,
          c: o.clientOrderId,
          S: o.side,
          o: o.type,
          f: o.timeInForce,
          q: fmt(o.origQty, p.qty),
          p: fmt(o.price, p.price),
          ap: fmt(o.avgPrice, p.price),
          sp: fmt(o.stopPrice, p.price),
          x: e.executionType,
          X: o.status,
          i: o.orderId,
          l: fmt(e.lastFilledQty, p.qty),
          z: fmt(o.executedQty, p.qty),
          L: fmt(e.lastFilledPrice, p.price),
          ...(filled ? { N: e.commissionAsset, n: money(e.commission) } : {}),
          T: e.transactionTime,
          t: e.tradeId,
          b: '0',
          a: '0',
          m: e.maker,
          R: o.reduceOnly,
          wt: o.workingType,
          ot: o.origType,
          ps: o.positionSide,
          cp: o.closePosition,
          rp: money(e.realizedProfit),
          pP: o.priceProtect,
          si: 0,
          ss: 0,
          V: 'EXPIRE_MAKER',
          pm: 'NONE',
          gtd: 0,
          er: String(o.expiryReason),
        },
      };
    }
    case 'ACCOUNT_UPDATE':
      return {
        e: 'ACCOUNT_UPDATE',
        E: e.eventTime,
        T: e.transactionTime,
        a: {
          m: e.reason,
          B: e.balances.map((b) => ({
            a: b.asset,
            wb: money(b.walletBalance),
            cw: money(b.crossWalletBalance),
            bc: money(b.balanceChange),
          })),
          P: e.positions.map((x) => ({
            s: x.symbol,
            pa: fmt(x.positionAmt, p.qty),
            ep: fmt(x.entryPrice, p.price),
            bep: fmt(x.breakEvenPrice, p.price),
            cr: money(x.accumulatedRealized),
            up: money(x.unrealizedPnl),
            mt: x.marginType,
            iw: money(x.isolatedWallet),
            ps: x.positionSide,
            ma: 'USDT',
          })),
        },
      };
    case 'ALGO_UPDATE': {
      const a = e.algo;
      // B-ALGOUPD's example labels T "Event Time" and E "Transaction Time"; both are equal here.
      return {
        e: 'ALGO_UPDATE',
        T: e.transactionTime,
        E: e.eventTime,
        o: {
          caid: a.clientAlgoId,
          aid: a.algoId,
          at: a.algoType,
          o: a.orderType,
          s: a.symbol,
          S: a.side,
          ps: a.positionSide,
          f: a.timeInForce,
          q: fmt(a.quantity, p.qty),
          X: a.algoStatus,
          ai: a.actualOrderId === null ? '' : String(a.actualOrderId),
          ap: fmt(a.actualPrice, p.price),
          aq: fmt(a.actualQty, p.qty),
          act: a.actualOrderId === null ? '' : a.orderType.endsWith('_MARKET') ? 'MARKET' : 'LIMIT',
          tp: fmt(a.triggerPrice, p.price),
          p: fmt(a.price, p.price),
          V: 'EXPIRE_MAKER',
          wt: a.workingType,
          pm: 'NONE',
          cp: a.closePosition,
          pP: a.priceProtect,
          R: a.reduceOnly,
          tt: a.triggerTime,
          gtd: 0,
          rm: a.rejectReason,
        },
      };
    }
    case 'ACCOUNT_CONFIG_UPDATE':
      return {
        e: 'ACCOUNT_CONFIG_UPDATE',
        E: e.eventTime,
        T: e.transactionTime,
        ac: { s: e.symbol, l: e.leverage },
      };
  }
}

export const listenKeyExpiredJson = (listenKey: string, time: number) => ({
  e: 'listenKeyExpired',
  E: time,
  listenKey,
});

export function klineJson(
  symbol: string,
  interval: string,
  c: Candle1m,
  closeTime: number,
  closed: boolean,
  spec: SimSymbolSpec | undefined,
  eventTime: number,
) {
  const px = (v: number) => v.toFixed(spec?.pricePrecision ?? 8);
  const vol = (v: number) => fmtFloat(v, spec?.quantityPrecision ?? 8);
  return {
    e: 'kline',
    E: eventTime,
    s: symbol,
    k: {
      t: c.openTime,
      T: closeTime,
      s: symbol,
      i: interval,
      f: 0,
      L: 0,
      o: px(c.open),
      c: px(c.close),
      h: px(c.high),
      l: px(c.low),
      v: vol(c.volume),
      n: c.trades,
      x: closed,
      q: fmtFloat(c.quoteVolume, 8),
      V: '0',
      Q: '0',
      B: '0',
    },
  };
}

export function markPriceJson(
  symbol: string,
  mark: string,
  fundingRate: number,
  nextFundingTime: number,
  eventTime: number,
) {
  return {
    e: 'markPriceUpdate',
    E: eventTime,
    s: symbol,
    p: mark,
    ap: mark,
    i: mark,
    P: mark,
    r: fundingRate.toFixed(8),
    T: nextFundingTime,
  };
}

export function forceOrderJson(l: Liquidation, spec: SimSymbolSpec | undefined, eventTime: number) {
  const px = l.price.toFixed(spec?.pricePrecision ?? 8);
  const q = fmtFloat(l.qty, spec?.quantityPrecision ?? 8);
  return {
    e: 'forceOrder',
    E: eventTime,
    o: { s: l.symbol, S: l.side, o: 'LIMIT', f: 'IOC', q, p: px, ap: px, X: 'FILLED', l: q, z: q, T: l.time },
  };
}

/** A float as a plain decimal string with at most `decimals` decimals, trailing zeros dropped. */
export function fmtFloat(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
