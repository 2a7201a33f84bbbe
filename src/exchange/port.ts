/**
 * The Exchange port: everything the execution engine may ask of an exchange. Two implementations,
 * the ccxt adapter (REAL, Binance USDⓈ-M) and the simulator (PAPER, backtests, tests), and no
 * `if (paper)` anywhere. Money is decimal; ids are Binance's; conditional orders are a separate
 * family (the Algo Order API since December 2025) and every call that lists, fetches or cancels
 * says which family it means or covers both.
 *
 * Errors: every method rejects with a DomainError (see ./errors.ts). The codes to expect:
 * EXCHANGE_REJECTED (with details.exchangeCode / exchangeMessage), INSUFFICIENT_MARGIN,
 * BELOW_MIN_NOTIONAL, WOULD_TRIGGER_IMMEDIATELY, REDUCE_ONLY_REJECTED, DUPLICATE_CLIENT_ORDER_ID,
 * RATE_LIMITED (details.retryAfterMs), EXCHANGE_AUTH, ORDER_NOT_FOUND and AMBIGUOUS. AMBIGUOUS
 * means the order may or may not exist: look it up with `fetchOrder` by its client order id, never
 * send it again blindly.
 */
import type {
  ClientOrderId,
  EpochMs,
  MarginMode,
  MarketSymbol,
  Money,
  OrderSide,
  Price,
  Qty,
  SymbolRules,
} from '../domain/index.js';

/** Order types the port can create. */
export type CreatableOrderType = 'MARKET' | 'LIMIT' | 'STOP_MARKET' | 'TAKE_PROFIT_MARKET';
/** Every type an order seen on the exchange can have (liquidations included). */
export type ExchangeOrderType =
  | CreatableOrderType
  | 'STOP'
  | 'TAKE_PROFIT'
  | 'TRAILING_STOP_MARKET'
  | 'LIQUIDATION';
/** GTX = post-only: rejected (-5022) instead of taking liquidity. */
export type TimeInForce = 'GTC' | 'IOC' | 'GTX';
/** What a conditional order's trigger watches. Binance's default is CONTRACT_PRICE (last price). */
export type WorkingType = 'MARK_PRICE' | 'CONTRACT_PRICE';
/** regular = /fapi/v1/order (orderId); algo = /fapi/v1/algoOrder (algoId), the conditional orders. */
export type OrderFamily = 'regular' | 'algo';

export type RegularOrderStatus =
  | 'NEW'
  | 'PARTIALLY_FILLED'
  | 'FILLED'
  | 'CANCELED'
  | 'EXPIRED'
  | 'EXPIRED_IN_MATCH';
/** NEW -> TRIGGERING -> TRIGGERED -> FINISHED, or CANCELED / REJECTED / EXPIRED. */
export type AlgoOrderStatus =
  | 'NEW'
  | 'TRIGGERING'
  | 'TRIGGERED'
  | 'FINISHED'
  | 'CANCELED'
  | 'REJECTED'
  | 'EXPIRED';

export const OPEN_REGULAR_STATUSES: readonly RegularOrderStatus[] = ['NEW', 'PARTIALLY_FILLED'];
export const OPEN_ALGO_STATUSES: readonly AlgoOrderStatus[] = ['NEW', 'TRIGGERING'];

export interface CreateOrderRequest {
  symbol: MarketSymbol;
  side: OrderSide;
  type: CreatableOrderType;
  /** Always ours (deterministic, see deriveClientOrderId): it is how an ambiguous send is settled. */
  clientOrderId: ClientOrderId;
  /** Required, except for STOP_MARKET / TAKE_PROFIT_MARKET with closePosition. */
  qty?: Qty;
  /** LIMIT only. */
  price?: Price;
  /** LIMIT only; GTC when absent. */
  timeInForce?: TimeInForce;
  /** STOP_MARKET / TAKE_PROFIT_MARKET only. */
  triggerPrice?: Price;
  /** Conditional orders only; CONTRACT_PRICE when absent (Binance's default). */
  workingType?: WorkingType;
  reduceOnly?: boolean;
  /** Conditional orders only: close the whole position when triggered; no qty, no reduceOnly. */
  closePosition?: boolean;
  priceProtect?: boolean;
}

interface OrderCommon {
  symbol: MarketSymbol;
  /** orderId (regular) or algoId (algo), as a decimal string. */
  id: string;
  clientOrderId: ClientOrderId;
  side: OrderSide;
  type: ExchangeOrderType;
  timeInForce: string;
  /** Null for closePosition conditional orders (the size is decided at trigger time). */
  qty: Qty | null;
  /** Limit price; null for market-type orders. */
  price: Price | null;
  /** Trigger price of a conditional order (or of the order a conditional order became). */
  triggerPrice: Price | null;
  workingType: WorkingType;
  reduceOnly: boolean;
  closePosition: boolean;
  createdAt: EpochMs;
  updatedAt: EpochMs;
}

export interface RegularOrder extends OrderCommon {
  family: 'regular';
  status: RegularOrderStatus;
  filledQty: Qty;
  /** Null until something filled. */
  avgFillPrice: Price | null;
}

export interface AlgoOrder extends OrderCommon {
  family: 'algo';
  status: AlgoOrderStatus;
  /** The regular order created when it triggered (Binance's actualOrderId). */
  triggeredOrderId: string | null;
  triggeredAt: EpochMs | null;
  /** Why it was REJECTED or EXPIRED at trigger time (Binance's `rm`), when known. */
  rejectReason: string | null;
}

export type ExchangeOrder = RegularOrder | AlgoOrder;

export function isOpenOrder(order: ExchangeOrder): boolean {
  return order.family === 'regular'
    ? OPEN_REGULAR_STATUSES.includes(order.status)
    : OPEN_ALGO_STATUSES.includes(order.status);
}

export interface Balance {
  asset: string;
  /** deposits + realised PnL - fees - funding. */
  walletBalance: Money;
  /** Wallet balance not locked in isolated positions. */
  crossWalletBalance: Money;
  unrealizedPnl: Money;
  /** walletBalance + unrealizedPnl: the equity. */
  marginBalance: Money;
  /** What a new order can use (may be negative when over-committed). */
  availableBalance: Money;
  /** Position initial margin plus open-order initial margin. */
  initialMargin: Money;
  maintMargin: Money;
  updatedAt: EpochMs;
}

export interface ExchangePosition {
  symbol: MarketSymbol;
  side: 'LONG' | 'SHORT';
  /** Absolute size, never zero (flat positions are not listed). */
  qty: Qty;
  entryPrice: Price;
  breakEvenPrice: Price;
  markPrice: Price;
  unrealizedPnl: Money;
  /** |qty| × mark. */
  notional: Money;
  leverage: number;
  marginMode: MarginMode;
  /** Isolated: the isolated wallet (margin put in); cross: 0. */
  isolatedWallet: Money;
  maintMargin: Money;
  /** Null when the position cannot be liquidated at any positive price. */
  liquidationPrice: Price | null;
  updatedAt: EpochMs;
}

export interface Fill {
  symbol: MarketSymbol;
  family: 'regular';
  orderId: string;
  clientOrderId: ClientOrderId;
  tradeId: string;
  side: OrderSide;
  qty: Qty;
  price: Price;
  /** Commission in `feeAsset`, positive = paid. */
  fee: Money;
  feeAsset: string;
  /** Realised PnL of this fill (before the fee). */
  realizedPnl: Money;
  maker: boolean;
  /** A forced liquidation (client id autoclose-…). */
  liquidation: boolean;
  time: EpochMs;
}

export type BalanceChangeReason =
  | 'ORDER'
  | 'FUNDING_FEE'
  | 'DEPOSIT'
  | 'WITHDRAW'
  | 'MARGIN_TYPE_CHANGE'
  | 'ADJUSTMENT';

/** The user stream, in Binance's order: an order update with its fill, then balance and positions. */
export type UserStreamEvent =
  | { type: 'order'; order: ExchangeOrder; time: EpochMs }
  | { type: 'fill'; fill: Fill; time: EpochMs }
  | {
      type: 'balance';
      reason: BalanceChangeReason;
      asset: string;
      walletBalance: Money;
      crossWalletBalance: Money;
      /** Change other than realised PnL and commission (funding paid is negative). */
      balanceChange: Money;
      time: EpochMs;
    }
  | {
      type: 'position';
      reason: BalanceChangeReason;
      symbol: MarketSymbol;
      /** Signed: positive long, negative short, zero flat. */
      positionAmt: Qty;
      entryPrice: Price;
      unrealizedPnl: Money;
      marginMode: MarginMode;
      isolatedWallet: Money;
      time: EpochMs;
    }
  | { type: 'leverage'; symbol: MarketSymbol; leverage: number; time: EpochMs }
  /** The stream itself: `lost` means events may have been missed; reconcile over REST. */
  | { type: 'stream'; state: 'open' | 'lost'; time: EpochMs };

export type UserStreamListener = (event: UserStreamEvent) => void;
export type Unsubscribe = () => void;

export interface OrderLookup {
  symbol: MarketSymbol;
  clientOrderId: ClientOrderId;
  /** Absent: regular first, then algo. */
  family?: OrderFamily;
}

export interface CancelAllResult {
  regular: number;
  algo: number;
}

export interface LeverageResult {
  symbol: MarketSymbol;
  leverage: number;
  /** Largest position notional allowed at this leverage. */
  maxNotional: Money;
}

export interface Exchange {
  /** Symbols and their trading rules (tick, step, min notional, max leverage). */
  markets(): Promise<readonly SymbolRules[]>;
  balance(): Promise<Balance>;
  /** Open (non-zero) positions, optionally for one symbol. */
  positions(symbol?: MarketSymbol): Promise<readonly ExchangePosition[]>;
  /** Open orders of both families: regular NEW/PARTIALLY_FILLED and algo NEW/TRIGGERING. */
  openOrders(symbol?: MarketSymbol): Promise<readonly ExchangeOrder[]>;
  /** MARKET and LIMIT go to the regular family, STOP_MARKET / TAKE_PROFIT_MARKET to the algo family. */
  createOrder(request: CreateOrderRequest): Promise<ExchangeOrder>;
  /** Rejects ORDER_NOT_FOUND when no open order has this client id. */
  cancelOrder(lookup: OrderLookup): Promise<ExchangeOrder>;
  /** Cancels both families on the symbol (Binance needs two calls; the port makes it one). */
  cancelAllOrders(symbol: MarketSymbol): Promise<CancelAllResult>;
  /** Undefined when the exchange has no order with this client id. */
  fetchOrder(lookup: OrderLookup): Promise<ExchangeOrder | undefined>;
  setLeverage(symbol: MarketSymbol, leverage: number): Promise<LeverageResult>;
  /** Idempotent: setting the mode the symbol already has succeeds (Binance's -4046 is swallowed). */
  setMarginMode(symbol: MarketSymbol, mode: MarginMode): Promise<void>;
  /** Order updates, fills, balance and position changes, in the exchange's order. */
  subscribe(listener: UserStreamListener): Unsubscribe;
}
