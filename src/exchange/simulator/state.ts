/**
 * The engine's mutable state and the small helpers every part of it shares: lookups that answer
 * with Binance's codes, money rounding and snapshots (copies handed out, never the live records).
 * The events a command makes are queued and delivered by ./event-queue.ts.
 */
import {
  type Clock,
  compare,
  type Dec,
  dec,
  decimalOfFloat,
  type IdGenerator,
  type MarginMode,
  type MarketSymbol,
  toFloat,
  ZERO,
} from '../../domain/index.js';
import { BinanceCode, binanceError } from '../errors.js';
import type { SlippageModel } from './slippage.js';
import type { SimSymbolSpec } from './spec.js';
import { type TriggerEntry, TriggerList } from './trigger-list.js';
import type { SimAlgoOrder, SimEvent, SimEventListener, SimLedger, SimOrder, SimTrade } from './types.js';

export interface FundingConfig {
  /** Rate per interval (0.0001 = 0.01 %), fixed or per symbol and funding time. */
  rate: number | ((symbol: MarketSymbol, fundingTime: number) => number);
  intervalMs: number;
}

export interface EngineConfig {
  makerRate: Dec;
  takerRate: Dec;
  slippage: SlippageModel;
  /** touch: a resting limit fills when the price reaches it; through: only when it trades a tick beyond. */
  limitFill: 'touch' | 'through';
  /** Share of an update's volume resting limits may take (partial fills); undefined = no cap. */
  limitFillVolumeShare: number | undefined;
  funding: FundingConfig | undefined;
  /** Binance documents uniqueness among open orders only ('open'); 'always' never reuses an id. */
  clientIdUniqueness: 'open' | 'always';
  defaultLeverage: number;
  defaultMarginType: MarginMode;
  maxOpenAlgoOrders: number;
}

export type Trigger =
  | { kind: 'limit'; order: OrderRec }
  | { kind: 'algo'; algo: AlgoRec }
  | { kind: 'liq'; position: Position; price: Dec }
  /** Just short of an isolated position's liquidation level: where the level is worked out (fills.ts). */
  | { kind: 'liq-guard'; position: Position };

export interface Book {
  spec: SimSymbolSpec;
  symbol: MarketSymbol;
  hasPrice: boolean;
  lastF: number;
  markF: number;
  highF: number;
  lowF: number;
  volumeF: number;
  /** Volume resting limits may still take in the update being processed. */
  volumeBudget: number;
  fundingRate: number | undefined;
  nextOrderId: number;
  nextTradeId: number;
  orders: Map<number, OrderRec>;
  /** Contract-price triggers (resting limits, CONTRACT_PRICE algo orders). */
  up: TriggerList<Trigger>;
  down: TriggerList<Trigger>;
  /** Mark-price triggers (MARK_PRICE algo orders, isolated liquidations). */
  markUp: TriggerList<Trigger>;
  markDown: TriggerList<Trigger>;
  /** Cross positions on this symbol: their accounts are checked for liquidation on every update. */
  crossHolders: Set<Position>;
}

export interface Position {
  account: Account;
  book: Book;
  /** Signed size: positive long, negative short. */
  amt: Dec;
  entryPrice: Dec;
  isolatedWallet: Dec;
  accumulatedRealized: Dec;
  leverage: number;
  marginType: MarginMode;
  amtF: number;
  entryF: number;
  /** Cross only: this position's uPnL and maintenance margin at the mark last checked (floats). */
  upnlF: number;
  mmF: number;
  liqTrigger: TriggerEntry<Trigger> | null;
  updateTime: number;
}

export interface Account {
  id: string;
  wallet: Dec;
  ledger: SimLedger;
  makerRate: Dec;
  takerRate: Dec;
  positions: Map<MarketSymbol, Position>;
  /**
   * Its cross positions that are open (amt not zero), kept with the books' crossHolders: an
   * account without any skips its positions where only cross ones count (availableBalance).
   */
  crossPositions: Set<Position>;
  /** Open regular orders, in creation order, and the same per symbol. */
  openOrders: Set<OrderRec>;
  openByBook: Map<Book, Set<OrderRec>>;
  openAlgos: Set<AlgoRec>;
  algosByBook: Map<Book, Set<AlgoRec>>;
  /** Σ isolated wallets, kept in step with every change to one. */
  isolatedTotal: Dec;
  /** Open-order initial margin per symbol, recomputed only for symbols marked dirty. */
  orderMargin: Map<Book, Dec>;
  orderMarginTotal: Dec;
  orderMarginDirty: Set<Book>;
  orderByClientId: Map<string, OrderRec>;
  /**
   * Every regular order of the account, open or not, in creation order: what an export reads,
   * instead of every book's orders of every account (a PAPER save per change of one account
   * would otherwise cost in proportion to all the accounts' history).
   */
  orders: OrderRec[];
  algoByClientId: Map<string, AlgoRec>;
  algos: Map<number, AlgoRec>;
  trades: SimTrade[];
  /**
   * wallet − Σ isolated wallets as a float, for the cross liquidation pre-check: of the wallet and
   * the isolated total as they were at the latest refreshCrossWallet (crossWalletBasis), worked
   * out when first read (NaN until then; crossWalletFloat reads it).
   */
  crossWalletF: number;
  crossWalletBasis: { wallet: Dec; isolatedTotal: Dec };
  /** Σ upnlF and Σ mmF of the cross positions: the liquidation pre-check reads these in O(1). */
  crossUpnlF: number;
  crossMmF: number;
}

/** A new account's record with empty books: what createAccount and a snapshot import start from. */
export function newAccount(
  id: string,
  money: Pick<Account, 'wallet' | 'ledger' | 'makerRate' | 'takerRate'>,
): Account {
  // The float fields written a double (NaN) first, then their zeros: see newPosition.
  const account: Account = {
    id,
    ...money,
    positions: new Map(),
    crossPositions: new Set(),
    openOrders: new Set(),
    openByBook: new Map(),
    openAlgos: new Set(),
    algosByBook: new Map(),
    isolatedTotal: ZERO,
    orderMargin: new Map(),
    orderMarginTotal: ZERO,
    orderMarginDirty: new Set(),
    orderByClientId: new Map(),
    orders: [],
    algoByClientId: new Map(),
    algos: new Map(),
    trades: [],
    crossWalletF: Number.NaN,
    crossWalletBasis: { wallet: ZERO, isolatedTotal: ZERO },
    crossUpnlF: Number.NaN,
    crossMmF: Number.NaN,
  };
  account.crossWalletF = 0;
  account.crossUpnlF = 0;
  account.crossMmF = 0;
  return account;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface OrderRec extends Mutable<SimOrder> {
  account: Account;
  book: Book;
  seq: number;
  trigger: TriggerEntry<Trigger> | null;
  parent: AlgoRec | null;
}

export interface AlgoRec extends Mutable<SimAlgoOrder> {
  account: Account;
  book: Book;
  seq: number;
  trigger: TriggerEntry<Trigger> | null;
  child: OrderRec | null;
}

export interface EngineState {
  config: EngineConfig;
  clock: Clock;
  ids: IdGenerator;
  random: () => number;
  books: Map<string, Book>;
  accounts: Map<string, Account>;
  algos: Map<number, AlgoRec>;
  nextAlgoId: number;
  seq: number;
  now: number;
  nextFundingTime: number;
  events: SimEvent[];
  listeners: Set<SimEventListener>;
  accountListeners: Map<string, Set<SimEventListener>>;
  /** Positions whose liquidation must be checked once the current step is done. */
  pendingChecks: Set<Position>;
  flushing: boolean;
  /** Where a listener's exception goes; absent: rethrown to the caller once delivery is done. */
  onListenerError: ((error: unknown, event: SimEvent) => void) | undefined;
}

export { floorMoney, MONEY_DP, roundMoney } from './money-scale.js';

export function requireBook(state: EngineState, symbol: string): Book {
  const book = state.books.get(symbol);
  if (!book) throw binanceError(BinanceCode.BAD_SYMBOL);
  return book;
}

export function requireAccount(state: EngineState, accountId: string): Account {
  const account = state.accounts.get(accountId);
  if (!account) {
    // The facade authenticates first, so an unknown account here is a programming error upstream.
    throw binanceError(BinanceCode.REJECTED_MBX_KEY, { message: `Unknown account "${accountId}".` });
  }
  return account;
}

export function positionOf(state: EngineState, account: Account, book: Book): Position {
  let pos = account.positions.get(book.symbol);
  if (!pos) {
    const leverage = Math.min(state.config.defaultLeverage, book.spec.maxLeverage);
    pos = newPosition(account, book, leverage, state.config.defaultMarginType);
    account.positions.set(book.symbol, pos);
  }
  return pos;
}

/** A flat position of `account` on `book` (not yet in the account's positions). */
export function newPosition(
  account: Account,
  book: Book,
  leverage: number,
  marginType: MarginMode,
): Position {
  // The float fields and the time written a double (NaN) first, then their zeros: V8 fixes a
  // field's layout by the first value it holds, and a first 0 fixes it for small integers, widened
  // at the first fractional size or price (or the first time); when that comes after V8 optimised
  // the functions that read the field, their code is thrown away.
  const pos: Position = {
    account,
    book,
    amt: ZERO,
    entryPrice: ZERO,
    isolatedWallet: ZERO,
    accumulatedRealized: ZERO,
    leverage,
    marginType,
    amtF: Number.NaN,
    entryF: Number.NaN,
    upnlF: Number.NaN,
    mmF: Number.NaN,
    liqTrigger: null,
    updateTime: Number.NaN,
  };
  pos.amtF = 0;
  pos.entryF = 0;
  pos.upnlF = 0;
  pos.mmF = 0;
  pos.updateTime = 0;
  return pos;
}

/** A listed symbol's empty book, before its first price; its order ids start at `firstOrderId`. */
export function newBook(spec: SimSymbolSpec, firstOrderId: number): Book {
  return {
    spec,
    symbol: spec.symbol,
    hasPrice: false,
    lastF: Number.NaN,
    markF: Number.NaN,
    highF: Number.NaN,
    lowF: Number.NaN,
    volumeF: Number.NaN,
    volumeBudget: Number.POSITIVE_INFINITY,
    fundingRate: undefined,
    nextOrderId: firstOrderId,
    nextTradeId: 1,
    orders: new Map(),
    up: new TriggerList('up'),
    down: new TriggerList('down'),
    markUp: new TriggerList('up'),
    markDown: new TriggerList('down'),
    crossHolders: new Set(),
  };
}

/** Engine time for a command: the injected clock, never going backwards. */
export function commandTime(state: EngineState): number {
  const t = state.clock.now();
  if (t > state.now) state.now = t;
  return state.now;
}

// The decimal of the latest price read: a command reads the last and mark prices of one book
// several times (checks, margin, events) while they stay the same number. One entry, keyed by the
// number itself (0 is not cached, so -0 keeps its sign). A finite price is made by decimalOfFloat,
// the same decimal as dec(value) (new Dec(value), decimal.js's parse of the float's shortest
// text) without printing and parsing that text; NaN and infinities still meet dec's refusal.
let cachedPrice = Number.NaN;
let cachedPriceDec: Dec = ZERO;
function priceDec(value: number): Dec {
  if (value === cachedPrice && value !== 0) return cachedPriceDec;
  const d = Number.isFinite(value) ? decimalOfFloat(value) : dec(value);
  cachedPrice = value;
  cachedPriceDec = d;
  return d;
}

export const markOf = (book: Book): Dec => priceDec(book.markF);
export const lastOf = (book: Book): Dec => priceDec(book.lastF);

// Every fill refreshes it and only accounts with cross positions read it: the subtraction and
// its conversion (a slow one when the wallet has more than 15 digits) wait for a reader.
export function refreshCrossWallet(account: Account): void {
  const basis = account.crossWalletBasis;
  basis.wallet = account.wallet;
  basis.isolatedTotal = account.isolatedTotal;
  account.crossWalletF = Number.NaN;
}

/** The account's cross wallet as of its latest refreshCrossWallet, as a float. */
export function crossWalletFloat(account: Account): number {
  if (Number.isNaN(account.crossWalletF)) {
    const basis = account.crossWalletBasis;
    account.crossWalletF = toFloat(basis.wallet.minus(basis.isolatedTotal));
  }
  return account.crossWalletF;
}

/** The only way an isolated wallet changes, so the account's total stays exact. */
export function setIsolatedWallet(pos: Position, value: Dec): void {
  const account = pos.account;
  // Taking away or adding zero gives the total (a decimal result, of 40 digits at most) back as
  // it is: an opening fill only adds, a closing one only takes away.
  let total = account.isolatedTotal;
  // The last isolated wallet released leaves zero (+0, as the slower subtraction would).
  if (!pos.isolatedWallet.isZero())
    total = compare(total, pos.isolatedWallet) === 0 ? ZERO : total.minus(pos.isolatedWallet);
  if (!value.isZero()) total = total.plus(value);
  account.isolatedTotal = total;
  pos.isolatedWallet = value;
}

const EMPTY: ReadonlySet<never> = new Set();

export function openOrdersOn(account: Account, book: Book): ReadonlySet<OrderRec> {
  return account.openByBook.get(book) ?? EMPTY;
}

export function openAlgosOn(account: Account, book: Book): ReadonlySet<AlgoRec> {
  return account.algosByBook.get(book) ?? EMPTY;
}

export function addOpenOrder(order: OrderRec): void {
  const account = order.account;
  account.openOrders.add(order);
  let set = account.openByBook.get(order.book);
  if (!set) {
    set = new Set();
    account.openByBook.set(order.book, set);
  }
  set.add(order);
  account.orderMarginDirty.add(order.book);
}

export function removeOpenOrder(order: OrderRec): void {
  const account = order.account;
  if (!account.openOrders.delete(order)) return;
  account.openByBook.get(order.book)?.delete(order);
  account.orderMarginDirty.add(order.book);
}

export function addOpenAlgo(algo: AlgoRec): void {
  const account = algo.account;
  account.openAlgos.add(algo);
  let set = account.algosByBook.get(algo.book);
  if (!set) {
    set = new Set();
    account.algosByBook.set(algo.book, set);
  }
  set.add(algo);
}

export function removeOpenAlgo(algo: AlgoRec): void {
  const account = algo.account;
  if (!account.openAlgos.delete(algo)) return;
  account.algosByBook.get(algo.book)?.delete(algo);
}

export function orderSnapshot(o: SimOrder): SimOrder {
  return {
    accountId: o.accountId,
    symbol: o.symbol,
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    side: o.side,
    positionSide: o.positionSide,
    type: o.type,
    origType: o.origType,
    timeInForce: o.timeInForce,
    price: o.price,
    origQty: o.origQty,
    executedQty: o.executedQty,
    cumQuote: o.cumQuote,
    avgPrice: o.avgPrice,
    stopPrice: o.stopPrice,
    workingType: o.workingType,
    priceProtect: o.priceProtect,
    reduceOnly: o.reduceOnly,
    closePosition: o.closePosition,
    status: o.status,
    time: o.time,
    updateTime: o.updateTime,
    expiryReason: o.expiryReason,
    parentAlgoId: o.parentAlgoId,
  };
}

export function algoSnapshot(a: SimAlgoOrder): SimAlgoOrder {
  return {
    accountId: a.accountId,
    algoId: a.algoId,
    clientAlgoId: a.clientAlgoId,
    algoType: a.algoType,
    orderType: a.orderType,
    symbol: a.symbol,
    side: a.side,
    positionSide: a.positionSide,
    timeInForce: a.timeInForce,
    quantity: a.quantity,
    algoStatus: a.algoStatus,
    triggerPrice: a.triggerPrice,
    price: a.price,
    workingType: a.workingType,
    closePosition: a.closePosition,
    priceProtect: a.priceProtect,
    reduceOnly: a.reduceOnly,
    createTime: a.createTime,
    updateTime: a.updateTime,
    triggerTime: a.triggerTime,
    actualOrderId: a.actualOrderId,
    actualPrice: a.actualPrice,
    actualQty: a.actualQty,
    rejectReason: a.rejectReason,
  };
}
