/**
 * Read-only views (the GET endpoints): orders and algo orders, trades, account totals, position
 * risk, symbol config, ledger, market state. Everything returned is a copy.
 */
import { type Dec, ZERO } from '../../domain/index.js';
import { BinanceCode, binanceError } from '../errors.js';
import {
  accountSummary,
  positionInitialMargin,
  positionLiquidationPrice,
  positionMaint,
  positionUpnl,
} from './account-math.js';
import { type AlgoRef, findAlgo } from './algo.js';
import { breakEvenPrice } from './margin.js';
import { findOrder, type OrderRef } from './orders.js';
import { maxNotionalFor } from './spec.js';
import {
  algoSnapshot,
  type EngineState,
  lastOf,
  markOf,
  orderSnapshot,
  requireAccount,
  requireBook,
  roundMoney,
} from './state.js';
import type {
  MarketState,
  SimAccountSummary,
  SimAlgoOrder,
  SimLedger,
  SimOrder,
  SimPositionRisk,
  SimSymbolConfig,
  SimTrade,
} from './types.js';

const notFound = () => binanceError(BinanceCode.NO_SUCH_ORDER);

export function getOrder(state: EngineState, accountId: string, symbol: string, ref: OrderRef): SimOrder {
  const order = findOrder(state, accountId, symbol, ref);
  if (!order) throw notFound();
  return orderSnapshot(order);
}

export function getAlgoOrder(state: EngineState, accountId: string, ref: AlgoRef): SimAlgoOrder {
  const algo = findAlgo(state, accountId, ref);
  if (!algo) throw notFound();
  return algoSnapshot(algo);
}

export function openOrders(state: EngineState, accountId: string, symbol?: string): SimOrder[] {
  const acc = requireAccount(state, accountId);
  if (symbol !== undefined) requireBook(state, symbol);
  return [...acc.openOrders].filter((o) => symbol === undefined || o.symbol === symbol).map(orderSnapshot);
}

export function openAlgoOrders(state: EngineState, accountId: string, symbol?: string): SimAlgoOrder[] {
  const acc = requireAccount(state, accountId);
  if (symbol !== undefined) requireBook(state, symbol);
  return [...acc.openAlgos].filter((a) => symbol === undefined || a.symbol === symbol).map(algoSnapshot);
}

export function allOrders(state: EngineState, accountId: string, symbol: string): SimOrder[] {
  const acc = requireAccount(state, accountId);
  const book = requireBook(state, symbol);
  return [...book.orders.values()].filter((o) => o.account === acc).map(orderSnapshot);
}

export function allAlgoOrders(state: EngineState, accountId: string, symbol?: string): SimAlgoOrder[] {
  const acc = requireAccount(state, accountId);
  return [...acc.algos.values()].filter((a) => symbol === undefined || a.symbol === symbol).map(algoSnapshot);
}

export function trades(state: EngineState, accountId: string, symbol?: string): SimTrade[] {
  const acc = requireAccount(state, accountId);
  return acc.trades.filter((t) => symbol === undefined || t.symbol === symbol).map((t) => ({ ...t }));
}

export function summary(state: EngineState, accountId: string): SimAccountSummary {
  return accountSummary(state, requireAccount(state, accountId));
}

export function positionRisk(state: EngineState, accountId: string, symbol?: string): SimPositionRisk[] {
  const acc = requireAccount(state, accountId);
  const out: SimPositionRisk[] = [];
  for (const p of acc.positions.values()) {
    if (p.amt.isZero() || (symbol !== undefined && p.book.symbol !== symbol)) continue;
    const mark = markOf(p.book);
    const upnl = roundMoney(positionUpnl(p, mark));
    const isolated = p.marginType === 'ISOLATED';
    out.push({
      symbol: p.book.symbol,
      positionSide: 'BOTH',
      positionAmt: p.amt,
      entryPrice: p.entryPrice,
      breakEvenPrice: breakEvenPrice(p.amt, p.entryPrice, acc.takerRate),
      markPrice: mark,
      unRealizedProfit: upnl,
      liquidationPrice: positionLiquidationPrice(p) ?? ZERO,
      isolatedMargin: isolated ? p.isolatedWallet.plus(upnl) : ZERO,
      isolatedWallet: isolated ? p.isolatedWallet : ZERO,
      notional: p.amt.mul(mark),
      initialMargin: roundMoney(positionInitialMargin(p)),
      maintMargin: roundMoney(positionMaint(p, mark)),
      leverage: p.leverage,
      marginType: p.marginType,
      updateTime: p.updateTime,
    });
  }
  return out;
}

export function symbolConfig(state: EngineState, accountId: string, symbol?: string): SimSymbolConfig[] {
  const acc = requireAccount(state, accountId);
  const books = symbol === undefined ? [...state.books.values()] : [requireBook(state, symbol)];
  return books.map((book) => {
    // Defaults for a symbol never touched, without creating its record (a query changes nothing).
    const p = acc.positions.get(book.symbol);
    const leverage = p?.leverage ?? Math.min(state.config.defaultLeverage, book.spec.maxLeverage);
    return {
      symbol: book.symbol,
      marginType: p?.marginType ?? state.config.defaultMarginType,
      leverage,
      maxNotionalValue: maxNotionalFor(book.spec.brackets, leverage),
    };
  });
}

export function ledger(state: EngineState, accountId: string): SimLedger {
  const acc = requireAccount(state, accountId);
  return { ...acc.ledger };
}

/** marketState's last price alone (zero before the symbol's first price), without the rest of it. */
export function lastPrice(state: EngineState, symbol: string): Dec {
  const book = requireBook(state, symbol);
  return book.hasPrice ? lastOf(book) : ZERO;
}

export function marketState(state: EngineState, symbol: string): MarketState {
  const book = requireBook(state, symbol);
  const funding = state.config.funding;
  const rate =
    book.fundingRate ??
    (funding === undefined
      ? 0
      : typeof funding.rate === 'number'
        ? funding.rate
        : funding.rate(book.symbol, state.nextFundingTime));
  return {
    symbol: book.symbol,
    lastPrice: book.hasPrice ? lastOf(book) : ZERO,
    markPrice: book.hasPrice ? markOf(book) : ZERO,
    fundingRate: rate,
    nextFundingTime: Number.isFinite(state.nextFundingTime) ? state.nextFundingTime : 0,
    time: state.now,
  };
}
