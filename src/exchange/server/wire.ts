/**
 * REST response bodies in Binance's exact shapes (reference §1.2, §1.3, §2, §4, §6.2, and the
 * official connector's response types): every decimal is a string, never rounded (prices show
 * at least the symbol's price precision, quantities its quantity precision, and every digit the
 * engine holds beyond that), ids are numbers, times are Unix ms numbers.
 */
import { type Dec, type MarginMode, ZERO } from '../../domain/index.js';
import type {
  LeverageBracket,
  SimAccountSummary,
  SimAlgoOrder,
  SimOrder,
  SimPositionRisk,
  SimSymbolConfig,
  SimSymbolSpec,
  SimTrade,
} from '../simulator/index.js';

/** A decimal string with at least `minDecimals` decimals and never fewer than the value has. */
export function fmt(value: Dec, minDecimals = 0): string {
  return value.toFixed(Math.max(minDecimals, value.decimalPlaces()));
}

export interface Precision {
  price: number;
  qty: number;
}

export const precisionOf = (spec: SimSymbolSpec | undefined): Precision => ({
  price: spec?.pricePrecision ?? 0,
  qty: spec?.quantityPrecision ?? 0,
});

/** Money (USDT) amounts: Binance prints 8 decimals. */
export const money = (value: Dec): string => fmt(value, 8);

/** GET/POST/DELETE /fapi/v1/order. */
export function orderJson(o: SimOrder, p: Precision) {
  return {
    orderId: o.orderId,
    symbol: o.symbol,
    status: o.status,
    clientOrderId: o.clientOrderId,
    price: fmt(o.price, p.price),
    avgPrice: fmt(o.avgPrice, p.price),
    origQty: fmt(o.origQty, p.qty),
    executedQty: fmt(o.executedQty, p.qty),
    cumQty: fmt(o.executedQty, p.qty),
    cumQuote: fmt(o.cumQuote, p.price),
    timeInForce: o.timeInForce,
    type: o.type,
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    side: o.side,
    positionSide: o.positionSide,
    stopPrice: fmt(o.stopPrice, p.price),
    workingType: o.workingType,
    priceProtect: o.priceProtect,
    origType: o.origType,
    priceMatch: 'NONE',
    selfTradePreventionMode: 'EXPIRE_MAKER',
    goodTillDate: 0,
    time: o.time,
    updateTime: o.updateTime,
  };
}

/** POST/DELETE /fapi/v1/algoOrder body (B-ALGO response). */
export function algoOrderJson(a: SimAlgoOrder, p: Precision) {
  return {
    algoId: a.algoId,
    clientAlgoId: a.clientAlgoId,
    algoType: a.algoType,
    orderType: a.orderType,
    symbol: a.symbol,
    side: a.side,
    positionSide: a.positionSide,
    timeInForce: a.timeInForce,
    quantity: fmt(a.quantity, p.qty),
    algoStatus: a.algoStatus,
    triggerPrice: fmt(a.triggerPrice, p.price),
    price: fmt(a.price, p.price),
    icebergQuantity: null,
    selfTradePreventionMode: 'EXPIRE_MAKER',
    workingType: a.workingType,
    priceMatch: 'NONE',
    closePosition: a.closePosition,
    priceProtect: a.priceProtect,
    reduceOnly: a.reduceOnly,
    activatePrice: '',
    callbackRate: '',
    createTime: a.createTime,
    updateTime: a.updateTime,
    triggerTime: a.triggerTime,
    goodTillDate: 0,
  };
}

/** GET /fapi/v1/algoOrder, /openAlgoOrders, /allAlgoOrders: the placement fields plus the child order. */
export function algoOrderQueryJson(a: SimAlgoOrder, p: Precision) {
  return {
    ...algoOrderJson(a, p),
    actualOrderId: a.actualOrderId === null ? '' : String(a.actualOrderId),
    actualPrice: fmt(a.actualPrice, p.price),
    actualType: a.actualOrderId === null ? '' : a.orderType.endsWith('_MARKET') ? 'MARKET' : 'LIMIT',
    actualQty: fmt(a.actualQty, p.qty),
    tpOrderType: '',
  };
}

/** GET /fapi/v3/positionRisk row. */
export function positionRiskV3Json(r: SimPositionRisk, p: Precision) {
  return {
    symbol: r.symbol,
    positionSide: r.positionSide,
    positionAmt: fmt(r.positionAmt, p.qty),
    entryPrice: fmt(r.entryPrice, p.price),
    breakEvenPrice: fmt(r.breakEvenPrice, p.price),
    markPrice: fmt(r.markPrice, 8),
    unRealizedProfit: money(r.unRealizedProfit),
    liquidationPrice: fmt(r.liquidationPrice, p.price),
    isolatedMargin: money(r.isolatedMargin),
    notional: money(r.notional),
    marginAsset: 'USDT',
    isolatedWallet: money(r.isolatedWallet),
    initialMargin: money(r.initialMargin),
    maintMargin: money(r.maintMargin),
    positionInitialMargin: money(r.initialMargin),
    openOrderInitialMargin: money(ZERO),
    adl: 0,
    bidNotional: '0',
    askNotional: '0',
    updateTime: r.updateTime,
  };
}

/** GET /fapi/v2/positionRisk row: one per symbol, flat ones included, with leverage and margin type. */
export function positionRiskV2Json(
  r: SimPositionRisk | undefined,
  config: SimSymbolConfig,
  mark: Dec,
  p: Precision,
) {
  const zero = ZERO;
  return {
    symbol: config.symbol,
    positionAmt: fmt(r?.positionAmt ?? zero, p.qty),
    entryPrice: fmt(r?.entryPrice ?? zero, p.price),
    breakEvenPrice: fmt(r?.breakEvenPrice ?? zero, p.price),
    markPrice: fmt(r?.markPrice ?? mark, 8),
    unRealizedProfit: money(r?.unRealizedProfit ?? zero),
    liquidationPrice: fmt(r?.liquidationPrice ?? zero, p.price),
    leverage: String(config.leverage),
    maxNotionalValue: fmt(config.maxNotionalValue),
    marginType: marginTypeLower(config.marginType),
    isolatedMargin: money(r?.isolatedMargin ?? zero),
    isAutoAddMargin: 'false',
    positionSide: 'BOTH',
    notional: money(r?.notional ?? zero),
    isolatedWallet: money(r?.isolatedWallet ?? zero),
    updateTime: r?.updateTime ?? 0,
  };
}

export const marginTypeLower = (m: MarginMode): 'isolated' | 'cross' =>
  m === 'ISOLATED' ? 'isolated' : 'cross';

function assetJson(s: SimAccountSummary) {
  return {
    asset: s.asset,
    walletBalance: money(s.walletBalance),
    unrealizedProfit: money(s.unrealizedPnl),
    marginBalance: money(s.marginBalance),
    maintMargin: money(s.maintMargin),
    initialMargin: money(s.initialMargin),
    positionInitialMargin: money(s.positionInitialMargin),
    openOrderInitialMargin: money(s.openOrderInitialMargin),
    crossWalletBalance: money(s.crossWalletBalance),
    crossUnPnl: money(s.crossUnrealizedPnl),
    availableBalance: money(s.availableBalance),
    maxWithdrawAmount: money(s.maxWithdrawAmount),
    updateTime: s.updateTime,
  };
}

function totalsJson(s: SimAccountSummary) {
  return {
    totalInitialMargin: money(s.initialMargin),
    totalMaintMargin: money(s.maintMargin),
    totalWalletBalance: money(s.walletBalance),
    totalUnrealizedProfit: money(s.unrealizedPnl),
    totalMarginBalance: money(s.marginBalance),
    totalPositionInitialMargin: money(s.positionInitialMargin),
    totalOpenOrderInitialMargin: money(s.openOrderInitialMargin),
    totalCrossWalletBalance: money(s.crossWalletBalance),
    totalCrossUnPnl: money(s.crossUnrealizedPnl),
    availableBalance: money(s.availableBalance),
    maxWithdrawAmount: money(s.maxWithdrawAmount),
  };
}

/** GET /fapi/v3/account: totals, assets, and the open positions only. */
export function accountV3Json(
  s: SimAccountSummary,
  positions: readonly SimPositionRisk[],
  prec: (symbol: string) => Precision,
) {
  return {
    ...totalsJson(s),
    assets: [assetJson(s)],
    positions: positions.map((r) => {
      const p = prec(r.symbol);
      return {
        symbol: r.symbol,
        positionSide: r.positionSide,
        positionAmt: fmt(r.positionAmt, p.qty),
        unrealizedProfit: money(r.unRealizedProfit),
        isolatedMargin: money(r.isolatedMargin),
        notional: money(r.notional),
        isolatedWallet: money(r.isolatedWallet),
        initialMargin: money(r.initialMargin),
        maintMargin: money(r.maintMargin),
        updateTime: r.updateTime,
      };
    }),
  };
}

/** GET /fapi/v2/account: account flags, totals, assets and one row per symbol. */
export function accountV2Json(
  s: SimAccountSummary,
  positions: readonly SimPositionRisk[],
  configs: readonly SimSymbolConfig[],
  prec: (symbol: string) => Precision,
) {
  const bySymbol = new Map(positions.map((r) => [r.symbol as string, r]));
  const zero = ZERO;
  return {
    feeTier: 0,
    feeBurn: false,
    canTrade: true,
    canDeposit: true,
    canWithdraw: true,
    updateTime: 0,
    multiAssetsMargin: false,
    tradeGroupId: -1,
    ...totalsJson(s),
    assets: [{ ...assetJson(s), marginAvailable: true }],
    positions: configs.map((c) => {
      const r = bySymbol.get(c.symbol);
      const p = prec(c.symbol);
      return {
        symbol: c.symbol,
        initialMargin: money(r?.initialMargin ?? zero),
        maintMargin: money(r?.maintMargin ?? zero),
        unrealizedProfit: money(r?.unRealizedProfit ?? zero),
        positionInitialMargin: money(r?.initialMargin ?? zero),
        openOrderInitialMargin: money(zero),
        leverage: String(c.leverage),
        isolated: c.marginType === 'ISOLATED',
        entryPrice: fmt(r?.entryPrice ?? zero, p.price),
        breakEvenPrice: fmt(r?.breakEvenPrice ?? zero, p.price),
        maxNotional: fmt(c.maxNotionalValue),
        positionSide: 'BOTH',
        positionAmt: fmt(r?.positionAmt ?? zero, p.qty),
        notional: money(r?.notional ?? zero),
        isolatedWallet: money(r?.isolatedWallet ?? zero),
        updateTime: r?.updateTime ?? 0,
        bidNotional: '0',
        askNotional: '0',
      };
    }),
  };
}

/** GET /fapi/v2/balance and /fapi/v3/balance. */
export function balanceJson(s: SimAccountSummary, accountAlias: string) {
  return [
    {
      accountAlias,
      asset: s.asset,
      balance: money(s.walletBalance),
      crossWalletBalance: money(s.crossWalletBalance),
      crossUnPnl: money(s.crossUnrealizedPnl),
      availableBalance: money(s.availableBalance),
      maxWithdrawAmount: money(s.maxWithdrawAmount),
      marginAvailable: true,
      updateTime: s.updateTime,
    },
  ];
}

/** GET /fapi/v1/leverageBracket entry (numbers, as Binance sends them). */
export function bracketsJson(symbol: string, brackets: readonly LeverageBracket[]) {
  return {
    symbol,
    notionalCoef: 1,
    brackets: brackets.map((b) => ({
      bracket: b.bracket,
      initialLeverage: b.initialLeverage,
      notionalCap: b.notionalCap.toNumber(),
      notionalFloor: b.notionalFloor.toNumber(),
      maintMarginRatio: b.maintMarginRatio.toNumber(),
      cum: b.cum.toNumber(),
    })),
  };
}

/** GET /fapi/v1/userTrades row. */
export function tradeJson(t: SimTrade, p: Precision) {
  return {
    buyer: t.buyer,
    commission: money(t.commission),
    commissionAsset: t.commissionAsset,
    id: t.id,
    maker: t.maker,
    orderId: t.orderId,
    price: fmt(t.price, p.price),
    qty: fmt(t.qty, p.qty),
    quoteQty: fmt(t.quoteQty, p.price),
    realizedPnl: money(t.realizedPnl),
    side: t.side,
    positionSide: 'BOTH',
    symbol: t.symbol,
    time: t.time,
  };
}

/** GET /fapi/v1/symbolConfig row. */
export function symbolConfigJson(c: SimSymbolConfig) {
  return {
    symbol: c.symbol,
    marginType: c.marginType,
    isAutoAddMargin: false,
    leverage: c.leverage,
    maxNotionalValue: fmt(c.maxNotionalValue),
  };
}

/** One exchangeInfo symbol with its filters (reference §2). */
export function exchangeInfoSymbolJson(s: SimSymbolSpec, onboardDate: number) {
  return {
    symbol: s.symbol,
    pair: s.symbol,
    contractType: 'PERPETUAL',
    deliveryDate: 4133404800000,
    onboardDate,
    status: s.status,
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: s.baseAsset,
    quoteAsset: s.quoteAsset,
    marginAsset: s.quoteAsset,
    pricePrecision: s.pricePrecision,
    quantityPrecision: s.quantityPrecision,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    settlePlan: 0,
    triggerProtect: '0.0500',
    liquidationFee: fmt(s.liquidationFeeRate, 6),
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: fmt(s.minPrice),
        maxPrice: fmt(s.maxPrice),
        tickSize: fmt(s.tickSize),
      },
      { filterType: 'LOT_SIZE', minQty: fmt(s.minQty), maxQty: fmt(s.maxQty), stepSize: fmt(s.stepSize) },
      {
        filterType: 'MARKET_LOT_SIZE',
        minQty: fmt(s.minQty),
        maxQty: fmt(s.marketMaxQty),
        stepSize: fmt(s.stepSize),
      },
      { filterType: 'MAX_NUM_ORDERS', limit: s.maxOpenOrders },
      { filterType: 'MIN_NOTIONAL', notional: fmt(s.minNotional) },
      {
        filterType: 'PERCENT_PRICE',
        multiplierUp: fmt(s.multiplierUp, 4),
        multiplierDown: fmt(s.multiplierDown, 4),
        multiplierDecimal: '4',
      },
    ],
    orderTypes: [
      'LIMIT',
      'MARKET',
      'STOP',
      'STOP_MARKET',
      'TAKE_PROFIT',
      'TAKE_PROFIT_MARKET',
      'TRAILING_STOP_MARKET',
    ],
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
    permissionSets: ['GRID', 'COPY'],
  };
}
