/**
 * The Simulator: a Binance USDⓈ-M matching and margin engine for many accounts, driven by price
 * updates. Its methods mirror the REST endpoints (so the HTTP facade is a thin translation) and
 * `account(id)` hands out the Exchange port for one account. Every command and every price update
 * runs to completion, then its user-stream events are delivered in order.
 *
 * Hot path: `onPrice` costs a map lookup and four comparisons when the update crosses nothing
 * (no resting limit, no trigger, no liquidation level in its range, no cross position on the
 * symbol, no funding boundary).
 */
import {
  type Clock,
  createSequentialIds,
  type Dec,
  type DecimalInput,
  dec,
  HOUR_MS,
  type IdGenerator,
  type MarginMode,
  type MarketSymbol,
} from '../../domain/index.js';
import type { Exchange } from '../port.js';
import { type AlgoRef, cancelAlgoOrder, cancelAllAlgoOrders, placeAlgoOrder } from './algo.js';
import { flush } from './event-queue.js';
import { nextBoundary, settleFundingUpTo } from './funding.js';
import { pruneHistory } from './history.js';
import { checkCrossHolders, runPendingChecks } from './liquidation.js';
import { cancelAllOrders, cancelOrder, type OrderRef, placeOrder } from './orders.js';
import { type PathInput, processPath } from './price-path.js';
import * as queries from './queries.js';
import * as settings from './settings.js';
import { createSimulatedExchange } from './sim-exchange.js';
import { rangeVolumeSlippage, type SlippageModel, seededRandom } from './slippage.js';
import { type ExportAccountOptions, exportAccountSnapshot } from './snapshot-export.js';
import { type ImportAccountResult, importAccountSnapshot } from './snapshot-import.js';
import type { SimAccountSnapshot } from './snapshot-schema.js';
import type { SimSymbolSpec } from './spec.js';
import { algoSnapshot, type Book, type EngineState, newBook, orderSnapshot, requireBook } from './state.js';
import type {
  MarketState,
  PlaceAlgoOrderRequest,
  PlaceOrderRequest,
  PriceUpdate,
  SimAccountSummary,
  SimAlgoOrder,
  SimEvent,
  SimEventListener,
  SimLedger,
  SimOrder,
  SimPositionRisk,
  SimSymbolConfig,
  SimTrade,
} from './types.js';

export interface SimulatorOptions {
  clock: Clock;
  symbols?: readonly SimSymbolSpec[];
  /** Seeds the generator slippage models may use. */
  seed?: number;
  /** Generates client ids for orders sent without one. */
  ids?: IdGenerator;
  makerFeeRate?: DecimalInput;
  takerFeeRate?: DecimalInput;
  /** Default: rangeVolumeSlippage(); pass noSlippage for fills exactly at the last price. */
  slippage?: SlippageModel;
  limitFill?: 'touch' | 'through';
  /** Share of each update's volume resting limits may take (partial fills); absent = fill fully. */
  limitFillVolumeShare?: number;
  /** Funding every `intervalHours` (default 8, at 00/08/16 UTC); absent = no funding. */
  funding?: {
    rate: number | ((symbol: MarketSymbol, fundingTime: number) => number);
    intervalHours?: number;
  };
  clientIdUniqueness?: 'open' | 'always';
  defaultLeverage?: number;
  defaultMarginType?: MarginMode;
  maxOpenAlgoOrders?: number;
  /**
   * Where an exception thrown by a user-stream listener goes. Absent: it is rethrown to the
   * caller of the command or price update once every listener has had every event.
   */
  onListenerError?: (error: unknown, event: SimEvent) => void;
  /** First orderId per symbol and first algoId (Binance's are large; any positive start works). */
  orderIdStart?: number;
  algoIdStart?: number;
}

export interface AccountOptions {
  deposit?: DecimalInput;
  makerFeeRate?: DecimalInput;
  takerFeeRate?: DecimalInput;
}

export class Simulator {
  private readonly state: EngineState;
  private readonly orderIdStart: number;
  private readonly points = new Float64Array(4);
  /** The path of the step being processed, rewritten each step (processPath keeps nothing of it). */
  private readonly path: PathInput = {
    points: this.points,
    count: 0,
    firstJump: false,
    mark: Number.NaN,
    high: Number.NaN,
    low: Number.NaN,
    volume: Number.NaN,
  };
  private readonly exchanges = new Map<string, Exchange>();

  constructor(options: SimulatorOptions) {
    const interval = (options.funding?.intervalHours ?? 8) * HOUR_MS;
    this.orderIdStart = options.orderIdStart ?? 1;
    this.state = {
      config: {
        makerRate: dec(options.makerFeeRate ?? '0.0002', 'makerFeeRate'),
        takerRate: dec(options.takerFeeRate ?? '0.0005', 'takerFeeRate'),
        slippage: options.slippage ?? rangeVolumeSlippage(),
        limitFill: options.limitFill ?? 'touch',
        limitFillVolumeShare: options.limitFillVolumeShare,
        funding: options.funding ? { rate: options.funding.rate, intervalMs: interval } : undefined,
        clientIdUniqueness: options.clientIdUniqueness ?? 'open',
        defaultLeverage: options.defaultLeverage ?? 20,
        defaultMarginType: options.defaultMarginType ?? 'ISOLATED',
        maxOpenAlgoOrders: options.maxOpenAlgoOrders ?? 200,
      },
      clock: options.clock,
      ids: options.ids ?? createSequentialIds('sim'),
      random: seededRandom(options.seed ?? 1),
      books: new Map(),
      accounts: new Map(),
      algos: new Map(),
      nextAlgoId: options.algoIdStart ?? 1,
      seq: 0,
      now: options.clock.now(),
      nextFundingTime: options.funding
        ? nextBoundary(options.clock.now(), interval)
        : Number.POSITIVE_INFINITY,
      events: [],
      listeners: new Set(),
      accountListeners: new Map(),
      pendingChecks: new Set(),
      flushing: false,
      onListenerError: options.onListenerError,
    };
    for (const spec of options.symbols ?? []) this.addSymbol(spec);
  }

  // --- setup ---------------------------------------------------------------------------------

  addSymbol(spec: SimSymbolSpec): void {
    if (this.state.books.has(spec.symbol)) throw new RangeError(`symbol ${spec.symbol} is already listed`);
    const book = newBook(spec, this.orderIdStart);
    this.state.books.set(spec.symbol, book);
  }

  symbols(): SimSymbolSpec[] {
    return [...this.state.books.values()].map((b) => b.spec);
  }

  symbol(symbol: string): SimSymbolSpec {
    return requireBook(this.state, symbol).spec;
  }

  createAccount(accountId: string, options: AccountOptions = {}): void {
    settings.createAccount(this.state, accountId, options);
    this.done();
  }

  hasAccount(accountId: string): boolean {
    return this.state.accounts.has(accountId);
  }

  deposit(accountId: string, amount: DecimalInput): void {
    this.run(() => settings.transfer(this.state, accountId, dec(amount, 'amount'), 'DEPOSIT'));
  }

  withdraw(accountId: string, amount: DecimalInput): void {
    this.run(() => settings.transfer(this.state, accountId, dec(amount, 'amount'), 'WITHDRAW'));
  }

  /** One account's complete state as a JSON-safe value (see snapshot.ts); changes nothing. */
  exportAccount(accountId: string, options?: ExportAccountOptions): SimAccountSnapshot {
    return exportAccountSnapshot(this.state, accountId, options);
  }

  /**
   * Forget the account's closed orders and closed algo orders beyond the `historyLimit` most
   * recently updated of each family, with their fills: what an export with that limit keeps,
   * and so what a restart restores (see history.ts). Emits no events.
   */
  pruneHistory(accountId: string, historyLimit: number): { orders: number; algoOrders: number } {
    return pruneHistory(this.state, accountId, historyLimit);
  }

  /**
   * Restore an exported account, as `accountId` (default: the id it was exported from). The input
   * is validated first (BAD_DATA naming each problem; nothing changes then). Emits no events.
   */
  importAccount(snapshot: unknown, accountId?: string): ImportAccountResult {
    return importAccountSnapshot(this.state, snapshot, accountId);
  }

  /** The Exchange port for one account (created with createAccount first). */
  account(accountId: string): Exchange {
    settings.account(this.state, accountId);
    let ex = this.exchanges.get(accountId);
    if (!ex) {
      ex = createSimulatedExchange(this, accountId);
      this.exchanges.set(accountId, ex);
    }
    return ex;
  }

  // --- commands (the REST surface) -----------------------------------------------------------

  /**
   * `copy` makes what is handed back of the new order, as the command left it (before its events
   * go out): a SimOrder by default; the Exchange port makes its own order straight from it.
   */
  placeOrder<T = SimOrder>(
    accountId: string,
    request: PlaceOrderRequest,
    copy: (order: SimOrder) => T = orderSnapshot as (order: SimOrder) => T,
  ): T {
    return this.run(() => copy(placeOrder(this.state, accountId, request)));
  }

  /** `copy` as for placeOrder. */
  placeAlgoOrder<T = SimAlgoOrder>(
    accountId: string,
    request: PlaceAlgoOrderRequest,
    copy: (algo: SimAlgoOrder) => T = algoSnapshot as (algo: SimAlgoOrder) => T,
  ): T {
    return this.run(() => copy(placeAlgoOrder(this.state, accountId, request)));
  }

  cancelOrder(accountId: string, symbol: string, ref: OrderRef): SimOrder {
    return this.run(() => cancelOrder(this.state, accountId, symbol, ref));
  }

  cancelAlgoOrder(accountId: string, ref: AlgoRef): SimAlgoOrder {
    return this.run(() => cancelAlgoOrder(this.state, accountId, ref));
  }

  cancelAllOpenOrders(accountId: string, symbol: string): SimOrder[] {
    return this.run(() => cancelAllOrders(this.state, accountId, symbol));
  }

  cancelAllAlgoOpenOrders(accountId: string, symbol: string): SimAlgoOrder[] {
    return this.run(() => cancelAllAlgoOrders(this.state, accountId, symbol));
  }

  setLeverage(accountId: string, symbol: string, leverage: number): SimSymbolConfig {
    return this.run(() => settings.setLeverage(this.state, accountId, symbol, leverage));
  }

  setMarginType(accountId: string, symbol: string, marginType: MarginMode): void {
    this.run(() => settings.setMarginType(this.state, accountId, symbol, marginType));
  }

  // --- queries --------------------------------------------------------------------------------

  /** GET /fapi/v1/order; throws -2013 when unknown. */
  getOrder(accountId: string, symbol: string, ref: OrderRef): SimOrder {
    return queries.getOrder(this.state, accountId, symbol, ref);
  }

  /** GET /fapi/v1/algoOrder; throws -2013 when unknown. */
  getAlgoOrder(accountId: string, ref: AlgoRef): SimAlgoOrder {
    return queries.getAlgoOrder(this.state, accountId, ref);
  }

  openOrders(accountId: string, symbol?: string): SimOrder[] {
    return queries.openOrders(this.state, accountId, symbol);
  }

  openAlgoOrders(accountId: string, symbol?: string): SimAlgoOrder[] {
    return queries.openAlgoOrders(this.state, accountId, symbol);
  }

  allOrders(accountId: string, symbol: string): SimOrder[] {
    return queries.allOrders(this.state, accountId, symbol);
  }

  allAlgoOrders(accountId: string, symbol?: string): SimAlgoOrder[] {
    return queries.allAlgoOrders(this.state, accountId, symbol);
  }

  trades(accountId: string, symbol?: string): SimTrade[] {
    return queries.trades(this.state, accountId, symbol);
  }

  accountSummary(accountId: string): SimAccountSummary {
    return queries.summary(this.state, accountId);
  }

  /** Non-zero positions (GET /fapi/v3/positionRisk). */
  positionRisk(accountId: string, symbol?: string): SimPositionRisk[] {
    return queries.positionRisk(this.state, accountId, symbol);
  }

  symbolConfig(accountId: string, symbol?: string): SimSymbolConfig[] {
    return queries.symbolConfig(this.state, accountId, symbol);
  }

  /** GET /fapi/v1/commissionRate. */
  commissionRate(accountId: string): { makerCommissionRate: Dec; takerCommissionRate: Dec } {
    const account = settings.account(this.state, accountId);
    return { makerCommissionRate: account.makerRate, takerCommissionRate: account.takerRate };
  }

  ledger(accountId: string): SimLedger {
    return queries.ledger(this.state, accountId);
  }

  marketState(symbol: string): MarketState {
    return queries.marketState(this.state, symbol);
  }

  /**
   * marketState(symbol).lastPrice without the rest of the state (its mark, funding rate and
   * times): what sizing a MARKET entry reads, once per signal.
   */
  lastPrice(symbol: string): Dec {
    return queries.lastPrice(this.state, symbol);
  }

  /** Engine time: the latest of the clock at the last command and the last update's time. */
  now(): number {
    return this.state.now;
  }

  // --- user stream ----------------------------------------------------------------------------

  /** Every account's events. */
  subscribe(listener: SimEventListener): () => void {
    this.state.listeners.add(listener);
    return () => this.state.listeners.delete(listener);
  }

  subscribeAccount(accountId: string, listener: SimEventListener): () => void {
    let set = this.state.accountListeners.get(accountId);
    if (!set) {
      set = new Set();
      this.state.accountListeners.set(accountId, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  // --- market ---------------------------------------------------------------------------------

  /** A price update: last price, optional mark, optional range/volume of the interval. */
  onPrice(symbol: string, u: PriceUpdate): void {
    const state = this.state;
    const book = state.books.get(symbol) ?? requireBook(state, symbol);
    const time = u.time ?? state.clock.now();
    if (time > state.now) state.now = time;
    if (u.fundingRate !== undefined) book.fundingRate = u.fundingRate;
    const last = u.last;
    const high = u.high ?? last;
    const low = u.low ?? last;
    const mark = u.mark;
    if (time < state.nextFundingTime && book.hasPrice) {
      const markHigh = mark === undefined ? high : mark;
      const markLow = mark === undefined ? low : mark;
      if (
        high < book.up.head &&
        low > book.down.head &&
        markHigh < book.markUp.head &&
        markLow > book.markDown.head
      ) {
        // Nothing on the book is crossed: move the prices; only cross accounts need a look.
        const previousMark = book.markF;
        book.lastF = last;
        book.markF = mark ?? last;
        book.highF = high;
        book.lowF = low;
        book.volumeF = u.volume ?? Number.NaN;
        if (book.crossHolders.size > 0) {
          // A range traded from the previous mark; a bare tick or a separate mark jumped.
          const ranged = mark === undefined && (u.high !== undefined || u.low !== undefined);
          const lo = ranged && previousMark < markLow ? previousMark : markLow;
          const hi = ranged && previousMark > markHigh ? previousMark : markHigh;
          checkCrossHolders(state, lo, hi, book.markF, book.crossHolders);
          if (state.pendingChecks.size > 0) runPendingChecks(state);
          if (state.events.length > 0) flush(state);
        }
        return;
      }
    }
    const points = this.points;
    let n = 0;
    if (u.high !== undefined || u.low !== undefined) {
      const up = !book.hasPrice || last >= book.lastF;
      points[n++] = up ? low : high;
      points[n++] = up ? high : low;
    }
    points[n++] = last;
    // A bare tick jumps from the previous price; a range starts from it and trades through.
    this.step(book, time, n, n === 1, mark ?? Number.NaN, high, low, u.volume ?? Number.NaN);
  }

  /**
   * A bare tick: the price jumped to `last` at `time`, exactly what `onPrice(symbol, { last, time })`
   * does. A method of its own so that a backtest hands onPrice one shape of update only (the
   * runner's ranges): where the shape varies, V8 makes a new heap object of every number onPrice
   * reads from an update (~50 bytes a candle, a quarter of what a backtest pass allocated).
   */
  onJump(symbol: string, last: number, time: number): void {
    const state = this.state;
    const book = state.books.get(symbol) ?? requireBook(state, symbol);
    if (time > state.now) state.now = time;
    if (
      time < state.nextFundingTime &&
      book.hasPrice &&
      last < book.up.head &&
      last > book.down.head &&
      last < book.markUp.head &&
      last > book.markDown.head
    ) {
      // onPrice's quiet move with high = low = mark = last and no volume; a jump is not a range.
      book.lastF = last;
      book.markF = last;
      book.highF = last;
      book.lowF = last;
      book.volumeF = Number.NaN;
      if (book.crossHolders.size > 0) {
        checkCrossHolders(state, last, last, last, book.crossHolders);
        if (state.pendingChecks.size > 0) runPendingChecks(state);
        if (state.events.length > 0) flush(state);
      }
      return;
    }
    this.points[0] = last;
    this.step(book, time, 1, true, Number.NaN, last, last, Number.NaN);
  }

  /** A candle step: open → low/high (by direction) → close, at `time` (default the candle's open time). */
  onCandle(
    symbol: string,
    candle: { open: number; high: number; low: number; close: number; volume?: number; openTime?: number },
    time?: number,
  ): void {
    const state = this.state;
    const book = state.books.get(symbol) ?? requireBook(state, symbol);
    const at = time ?? candle.openTime ?? state.clock.now();
    if (at > state.now) state.now = at;
    const points = this.points;
    const up = candle.close >= candle.open;
    points[0] = candle.open;
    points[1] = up ? candle.low : candle.high;
    points[2] = up ? candle.high : candle.low;
    points[3] = candle.close;
    this.step(book, at, 4, true, Number.NaN, candle.high, candle.low, candle.volume ?? Number.NaN);
  }

  private step(
    book: Book,
    time: number,
    count: number,
    firstJump: boolean,
    mark: number,
    high: number,
    low: number,
    volume: number,
  ): void {
    const state = this.state;
    if (time >= state.nextFundingTime) {
      settleFundingUpTo(state, time);
      runPendingChecks(state);
    }
    const path = this.path;
    path.count = count;
    path.firstJump = firstJump;
    path.mark = mark;
    path.high = high;
    path.low = low;
    path.volume = volume;
    processPath(state, book, path);
    flush(state);
  }

  /** Run a command, then settle liquidations it caused and deliver its events. */
  private run<T>(command: () => T): T {
    const state = this.state;
    try {
      const time = state.clock.now();
      if (time >= state.nextFundingTime) settleFundingUpTo(state, time);
      const result = command();
      runPendingChecks(this.state);
      return result;
    } finally {
      this.done();
    }
  }

  private done(): void {
    flush(this.state);
  }
}
