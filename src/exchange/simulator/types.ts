/**
 * The simulator's public vocabulary, in Binance's own terms and field names so the HTTP/WS facade
 * can serve it one to one: requests as /fapi/v1/order and /fapi/v1/algoOrder take them, order
 * snapshots as GET /fapi/v1/order and /fapi/v1/algoOrder return them, and user-stream events
 * with every field ORDER_TRADE_UPDATE, ACCOUNT_UPDATE and ALGO_UPDATE carry. Values are decimal.
 */
import type { Dec, MarginMode, MarketSymbol, OrderSide } from '../../domain/index.js';
import type { AlgoOrderStatus, RegularOrderStatus, WorkingType } from '../port.js';

export type { AlgoOrderStatus, RegularOrderStatus, WorkingType };

export type BinanceOrderType =
  | 'LIMIT'
  | 'MARKET'
  | 'STOP'
  | 'STOP_MARKET'
  | 'TAKE_PROFIT'
  | 'TAKE_PROFIT_MARKET'
  | 'TRAILING_STOP_MARKET';
export type SimTimeInForce = 'GTC' | 'IOC' | 'FOK' | 'GTX' | 'GTD' | 'GTE_GTC';
export type PositionSide = 'BOTH' | 'LONG' | 'SHORT';

/** POST /fapi/v1/order, already parsed from strings (the facade reports -1102/-1100 itself). */
export interface PlaceOrderRequest {
  symbol: string;
  side: OrderSide;
  type: BinanceOrderType;
  quantity?: Dec;
  price?: Dec;
  timeInForce?: SimTimeInForce;
  reduceOnly?: boolean;
  /** Not a parameter of /fapi/v1/order any more: sending it answers -1106. */
  closePosition?: boolean;
  /** Generated (from the injected id generator) when absent, as Binance does. */
  newClientOrderId?: string;
  positionSide?: PositionSide;
}

/** POST /fapi/v1/algoOrder (algoType CONDITIONAL). */
export interface PlaceAlgoOrderRequest {
  symbol: string;
  side: OrderSide;
  type: BinanceOrderType;
  quantity?: Dec;
  /** Limit price of STOP / TAKE_PROFIT (the order placed at trigger). */
  price?: Dec;
  triggerPrice?: Dec;
  timeInForce?: SimTimeInForce;
  workingType?: WorkingType;
  reduceOnly?: boolean;
  closePosition?: boolean;
  priceProtect?: boolean;
  clientAlgoId?: string;
  positionSide?: PositionSide;
}

/** expiry reason `er` of ORDER_TRADE_UPDATE. */
export const ExpiryReason = {
  NONE: 0,
  IOC_UNFILLED: 2,
  REDUCE_ONLY_KNOCKED_OUT: 4,
  LIQUIDATION: 5,
  MARKET_NOT_FULLY_FILLED: 9,
} as const;

/** A regular order as GET /fapi/v1/order shows it. */
export interface SimOrder {
  accountId: string;
  symbol: MarketSymbol;
  orderId: number;
  clientOrderId: string;
  side: OrderSide;
  positionSide: 'BOTH';
  /** LIQUIDATION for the engine's forced closes (client id autoclose-…). */
  type: 'LIMIT' | 'MARKET' | 'LIQUIDATION';
  /** For an order placed by a triggered algo order: STOP_MARKET, TAKE_PROFIT_MARKET, STOP or TAKE_PROFIT. */
  origType: BinanceOrderType | 'LIQUIDATION';
  timeInForce: SimTimeInForce;
  price: Dec;
  origQty: Dec;
  executedQty: Dec;
  cumQuote: Dec;
  avgPrice: Dec;
  /** Trigger price of the algo order that placed it, else 0. */
  stopPrice: Dec;
  workingType: WorkingType;
  priceProtect: boolean;
  reduceOnly: boolean;
  closePosition: boolean;
  status: RegularOrderStatus;
  time: number;
  updateTime: number;
  /** `er`: 0 none, 2 IOC remainder, 4 reduce-only knocked out, 9 market not fully filled. */
  expiryReason: number;
  /** The algo order that placed this one, if any. */
  parentAlgoId: number | null;
}

/** A conditional order as GET /fapi/v1/algoOrder shows it. */
export interface SimAlgoOrder {
  accountId: string;
  algoId: number;
  clientAlgoId: string;
  algoType: 'CONDITIONAL';
  orderType: 'STOP' | 'STOP_MARKET' | 'TAKE_PROFIT' | 'TAKE_PROFIT_MARKET';
  symbol: MarketSymbol;
  side: OrderSide;
  positionSide: 'BOTH';
  timeInForce: SimTimeInForce;
  /** 0 for closePosition orders. */
  quantity: Dec;
  algoStatus: AlgoOrderStatus;
  triggerPrice: Dec;
  price: Dec;
  workingType: WorkingType;
  closePosition: boolean;
  priceProtect: boolean;
  reduceOnly: boolean;
  createTime: number;
  updateTime: number;
  triggerTime: number;
  /** The regular order placed at trigger; null until then. */
  actualOrderId: number | null;
  actualPrice: Dec;
  actualQty: Dec;
  /** `rm`: why it was rejected or expired at trigger time; '' otherwise. */
  rejectReason: string;
}

/** GET /fapi/v1/userTrades row. */
export interface SimTrade {
  accountId: string;
  symbol: MarketSymbol;
  id: number;
  orderId: number;
  clientOrderId: string;
  side: OrderSide;
  price: Dec;
  qty: Dec;
  quoteQty: Dec;
  commission: Dec;
  commissionAsset: string;
  realizedPnl: Dec;
  maker: boolean;
  buyer: boolean;
  time: number;
}

/** One row of ACCOUNT_UPDATE.a.P. */
export interface SimPositionUpdate {
  symbol: MarketSymbol;
  positionAmt: Dec;
  entryPrice: Dec;
  breakEvenPrice: Dec;
  /** Pre-fee accumulated realised PnL (`cr`). */
  accumulatedRealized: Dec;
  unrealizedPnl: Dec;
  marginType: 'isolated' | 'cross';
  isolatedWallet: Dec;
  positionSide: 'BOTH';
}

export type AccountUpdateReason =
  | 'ORDER'
  | 'FUNDING_FEE'
  | 'DEPOSIT'
  | 'WITHDRAW'
  | 'MARGIN_TYPE_CHANGE'
  | 'ADJUSTMENT';

export interface OrderTradeUpdateEvent {
  type: 'ORDER_TRADE_UPDATE';
  accountId: string;
  eventTime: number;
  transactionTime: number;
  /** `x`: CALCULATED is a liquidation fill. */
  executionType: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED' | 'CALCULATED';
  order: SimOrder;
  lastFilledQty: Dec;
  lastFilledPrice: Dec;
  commission: Dec;
  commissionAsset: string;
  /** 0 when nothing filled. */
  tradeId: number;
  maker: boolean;
  realizedProfit: Dec;
}

export interface AccountUpdateEvent {
  type: 'ACCOUNT_UPDATE';
  accountId: string;
  eventTime: number;
  transactionTime: number;
  reason: AccountUpdateReason;
  balances: Array<{ asset: string; walletBalance: Dec; crossWalletBalance: Dec; balanceChange: Dec }>;
  /** Only the positions this change touched. */
  positions: SimPositionUpdate[];
}

export interface AlgoUpdateEvent {
  type: 'ALGO_UPDATE';
  accountId: string;
  eventTime: number;
  transactionTime: number;
  algo: SimAlgoOrder;
}

export interface AccountConfigUpdateEvent {
  type: 'ACCOUNT_CONFIG_UPDATE';
  accountId: string;
  eventTime: number;
  transactionTime: number;
  symbol: MarketSymbol;
  leverage: number;
}

export type SimEvent =
  | OrderTradeUpdateEvent
  | AccountUpdateEvent
  | AlgoUpdateEvent
  | AccountConfigUpdateEvent;
export type SimEventListener = (event: SimEvent) => void;

/** GET /fapi/v3/account totals for the one margin asset. */
export interface SimAccountSummary {
  accountId: string;
  asset: string;
  walletBalance: Dec;
  crossWalletBalance: Dec;
  unrealizedPnl: Dec;
  crossUnrealizedPnl: Dec;
  marginBalance: Dec;
  positionInitialMargin: Dec;
  openOrderInitialMargin: Dec;
  initialMargin: Dec;
  maintMargin: Dec;
  availableBalance: Dec;
  maxWithdrawAmount: Dec;
  updateTime: number;
}

/** GET /fapi/v3/positionRisk row (plus leverage and margin type, which v3 leaves to symbolConfig). */
export interface SimPositionRisk {
  symbol: MarketSymbol;
  positionSide: 'BOTH';
  positionAmt: Dec;
  entryPrice: Dec;
  breakEvenPrice: Dec;
  markPrice: Dec;
  unRealizedProfit: Dec;
  liquidationPrice: Dec;
  isolatedMargin: Dec;
  isolatedWallet: Dec;
  notional: Dec;
  initialMargin: Dec;
  maintMargin: Dec;
  leverage: number;
  marginType: MarginMode;
  updateTime: number;
}

export interface SimSymbolConfig {
  symbol: MarketSymbol;
  marginType: MarginMode;
  leverage: number;
  maxNotionalValue: Dec;
}

/** Money flows per account: walletBalance = deposits + realizedPnl − fees − funding, always. */
export interface SimLedger {
  deposits: Dec;
  realizedPnl: Dec;
  /** Commissions and liquidation clearance fees. */
  fees: Dec;
  /** Net funding paid (negative = received). */
  funding: Dec;
}

export interface PriceUpdate {
  /** Last (contract) price. */
  last: number;
  /** Mark price; the contract path is used as mark when absent. */
  mark?: number;
  /** Range of the interval since the previous update (a candle's high/low). */
  high?: number;
  low?: number;
  /** Base volume of the interval: feeds slippage and the optional limit-fill volume cap. */
  volume?: number;
  /** Market time of the update; the injected clock's time when absent. */
  time?: number;
  /** Funding rate to apply at the next funding time (overrides the configured rate). */
  fundingRate?: number;
}

export interface MarketState {
  symbol: MarketSymbol;
  lastPrice: Dec;
  markPrice: Dec;
  fundingRate: number;
  nextFundingTime: number;
  time: number;
}
