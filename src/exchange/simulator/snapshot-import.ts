/**
 * One account out of the engine and back in: `exportAccountSnapshot` copies everything that decides
 * how the account behaves from here on (wallet and ledger, fee rates, positions with their settings,
 * open orders of both families with their trigger priority, the order and fill history a lookup by
 * client order id may ask for, the id counters) into a JSON-safe value; `importAccountSnapshot`
 * validates it completely and only then builds the account into a simulator, so a refused snapshot
 * changes nothing. An import emits no events and trades nothing: resting orders and liquidation
 * levels go back on the book and fire on the next price update that reaches them.
 *
 * What is not account state stays with the simulator: prices, the funding schedule, the slippage
 * generator, the id generator for orders sent without a client id. Caches and float mirrors
 * (open-order margin, cross aggregates) are recomputed on import.
 *
 * Ids: order and trade ids are per symbol and algo ids per simulator, shared by all its accounts.
 * The snapshot carries the counters as they stood for every symbol the account touched, and import
 * raises the simulator's counters to at least those, so restoring every account of a simulator
 * (in any order) hands out no id twice. An id already taken by another account is refused.
 */
import { dec } from '../../domain/index.js';
import { positionLiquidationPrice, refreshCrossAggregates } from './account-math.js';
import { firesUp, isOpenAlgo } from './algo.js';
import { isOpenOrder, rest } from './orders.js';
import {
  parseAccountSnapshot,
  type SimAccountSnapshot,
  type SimAlgoOrderSnapshot,
  type SimOrderSnapshot,
  type SimPositionSnapshot,
  type SimTradeSnapshot,
  snapshotError,
} from './snapshot-schema.js';
import {
  type Account,
  type AlgoRec,
  addOpenAlgo,
  addOpenOrder,
  type Book,
  type EngineState,
  newAccount,
  type OrderRec,
  type Position,
  refreshCrossWallet,
} from './state.js';
import type { SimTrade } from './types.js';

export interface ImportAccountResult {
  accountId: string;
  /**
   * Symbols this simulator does not list, whose history rows (closed orders, fills, a flat
   * position's settings) were left out. Live state on an unlisted symbol refuses the import.
   */
  skippedSymbols: string[];
}

/**
 * Validate `input` as an account snapshot and build the account into the engine as `accountId`
 * (default: the id it was exported from). Throws BAD_DATA naming every problem found, before
 * anything is changed.
 */
export function importAccountSnapshot(
  state: EngineState,
  input: unknown,
  accountId?: string,
): ImportAccountResult {
  const snap = parseAccountSnapshot(input);
  const id = accountId ?? snap.accountId;
  if (state.accounts.has(id)) throw snapshotError([`account "${id}" already exists in this simulator`]);
  const plan = new ImportPlan(state, snap, id);
  plan.build();
  if (plan.problems.length > 0) throw snapshotError(plan.problems);
  plan.commit();
  return { accountId: id, skippedSymbols: [...plan.skipped].sort() };
}

/** Builds the records of an import off to the side, collecting problems; commit() wires them in. */
class ImportPlan {
  readonly problems: string[] = [];
  readonly skipped = new Set<string>();
  readonly account: Account;
  private readonly positions: Position[] = [];
  private readonly liquidationSeqs = new Map<Position, number>();
  private readonly algos: AlgoRec[] = [];
  private readonly orders: OrderRec[] = [];
  private readonly trades: SimTrade[] = [];
  private readonly counters = new Map<string, { nextOrderId: number; nextTradeId: number }>();
  private readonly seqs = new Set<number>();

  constructor(
    private readonly state: EngineState,
    private readonly snap: SimAccountSnapshot,
    id: string,
  ) {
    this.account = newAccount(id, {
      wallet: dec(snap.wallet),
      ledger: {
        deposits: dec(snap.ledger.deposits),
        realizedPnl: dec(snap.ledger.realizedPnl),
        fees: dec(snap.ledger.fees),
        funding: dec(snap.ledger.funding),
      },
      makerRate: dec(snap.makerFeeRate),
      takerRate: dec(snap.takerFeeRate),
    });
  }

  private problem(message: string): void {
    this.problems.push(message);
  }

  /** The book of a row's symbol; a row on an unlisted symbol is a problem when live, else skipped. */
  private book(symbol: string, where: string, live: boolean): Book | undefined {
    const book = this.state.books.get(symbol);
    if (book) return book;
    if (live) this.problem(`${where}: symbol ${symbol} is not listed in this simulator`);
    else this.skipped.add(symbol);
    return undefined;
  }

  private claimSeq(seq: number, where: string): void {
    if (seq > this.snap.counters.seq) {
      this.problem(`${where}.seq: ${seq} is beyond counters.seq ${this.snap.counters.seq}`);
    }
    if (this.seqs.has(seq)) this.problem(`${where}.seq: ${seq} is used twice`);
    this.seqs.add(seq);
  }

  build(): void {
    const { snap } = this;
    const acc = this.account;
    const expected = acc.ledger.deposits
      .plus(acc.ledger.realizedPnl)
      .minus(acc.ledger.fees)
      .minus(acc.ledger.funding);
    if (!acc.wallet.eq(expected)) {
      this.problem(
        `wallet: ${snap.wallet} is not deposits + realizedPnl − fees − funding = ${expected.toFixed()}`,
      );
    }
    for (const [i, c] of snap.counters.books.entries()) {
      if (this.counters.has(c.symbol)) this.problem(`counters.books.${i}: ${c.symbol} is listed twice`);
      this.counters.set(c.symbol, { nextOrderId: c.nextOrderId, nextTradeId: c.nextTradeId });
    }
    for (const [i, p] of snap.positions.entries()) this.buildPosition(p, `positions.${i}`);
    const algosById = new Map<number, AlgoRec>();
    for (const [i, a] of snap.algoOrders.entries()) {
      const rec = this.buildAlgo(a, `algoOrders.${i}`, algosById);
      if (rec) algosById.set(rec.algoId, rec);
    }
    const ordersByKey = new Set<string>();
    for (const [i, o] of snap.orders.entries()) this.buildOrder(o, `orders.${i}`, algosById, ordersByKey);
    for (const a of this.algos) {
      if (a.algoStatus === 'TRIGGERED' && (a.child === null || !isOpenOrder(a.child))) {
        this.problem(
          `algoOrders (algoId ${a.algoId}): TRIGGERED but its order ${a.actualOrderId} is not an open order of the snapshot`,
        );
      }
    }
    const tradeKeys = new Set<string>();
    for (const [i, t] of snap.trades.entries()) this.buildTrade(t, `trades.${i}`, tradeKeys);
    this.checkOpenClientIds();
  }

  private buildPosition(p: SimPositionSnapshot, where: string): void {
    const flat = p.side === 'FLAT';
    const book = this.book(p.symbol, where, !flat);
    if (!book) return;
    if (this.account.positions.has(book.symbol)) {
      this.problem(`${where}: ${p.symbol} appears twice`);
      return;
    }
    const qty = dec(p.qty);
    const entry = dec(p.entryPrice);
    const isolatedWallet = dec(p.isolatedWallet);
    if (flat !== qty.isZero()) this.problem(`${where}.qty: ${p.qty} does not fit side ${p.side}`);
    if (flat !== entry.isZero())
      this.problem(`${where}.entryPrice: ${p.entryPrice} does not fit side ${p.side}`);
    if (p.leverage > book.spec.maxLeverage) {
      this.problem(
        `${where}.leverage: ${p.leverage} is above ${p.symbol}'s maximum ${book.spec.maxLeverage}`,
      );
    }
    if ((flat || p.marginType === 'CROSSED') && !isolatedWallet.isZero()) {
      this.problem(`${where}.isolatedWallet: must be 0 for a ${flat ? 'flat' : 'cross'} position`);
    }
    if (p.liquidationSeq !== null) {
      if (flat || p.marginType !== 'ISOLATED') {
        this.problem(`${where}.liquidationSeq: only an open isolated position has a liquidation level`);
      } else {
        this.claimSeq(p.liquidationSeq, where);
      }
    }
    const amt = p.side === 'SHORT' ? qty.neg() : qty;
    const pos: Position = {
      account: this.account,
      book,
      amt,
      entryPrice: entry,
      isolatedWallet,
      accumulatedRealized: dec(p.accumulatedRealized),
      leverage: p.leverage,
      marginType: p.marginType,
      amtF: amt.toNumber(),
      entryF: entry.toNumber(),
      upnlF: 0,
      mmF: 0,
      liqTrigger: null,
      updateTime: p.updateTime,
    };
    this.account.positions.set(book.symbol, pos);
    this.positions.push(pos);
    if (p.liquidationSeq !== null) this.liquidationSeqs.set(pos, p.liquidationSeq);
  }

  private buildAlgo(a: SimAlgoOrderSnapshot, where: string, byId: Map<number, AlgoRec>): AlgoRec | undefined {
    const open = a.algoStatus === 'NEW' || a.algoStatus === 'TRIGGERING';
    const book = this.book(a.symbol, where, open || a.algoStatus === 'TRIGGERED');
    if (!book) return undefined;
    if (byId.has(a.algoId)) this.problem(`${where}.algoId: ${a.algoId} appears twice`);
    if (a.algoId >= this.snap.counters.nextAlgoId) {
      this.problem(
        `${where}.algoId: ${a.algoId} is not below counters.nextAlgoId ${this.snap.counters.nextAlgoId}`,
      );
    }
    const taken = this.state.algos.get(a.algoId);
    if (taken) {
      this.problem(
        `${where}.algoId: ${a.algoId} is already taken in this simulator by account "${taken.accountId}"`,
      );
    }
    this.claimSeq(a.seq, where);
    const rec: AlgoRec = {
      accountId: this.account.id,
      algoId: a.algoId,
      clientAlgoId: a.clientAlgoId,
      algoType: 'CONDITIONAL',
      orderType: a.orderType,
      symbol: book.symbol,
      side: a.side,
      positionSide: 'BOTH',
      timeInForce: a.timeInForce,
      quantity: dec(a.quantity),
      algoStatus: a.algoStatus,
      triggerPrice: dec(a.triggerPrice),
      price: dec(a.price),
      workingType: a.workingType,
      closePosition: a.closePosition,
      priceProtect: a.priceProtect,
      reduceOnly: a.reduceOnly,
      createTime: a.createTime,
      updateTime: a.updateTime,
      triggerTime: a.triggerTime,
      actualOrderId: a.actualOrderId,
      actualPrice: dec(a.actualPrice),
      actualQty: dec(a.actualQty),
      rejectReason: a.rejectReason,
      account: this.account,
      book,
      seq: a.seq,
      trigger: null,
      child: null,
    };
    this.algos.push(rec);
    return rec;
  }

  private buildOrder(
    o: SimOrderSnapshot,
    where: string,
    algosById: Map<number, AlgoRec>,
    keys: Set<string>,
  ): void {
    const open = o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';
    const book = this.book(o.symbol, where, open);
    if (!book) return;
    const key = `${o.symbol}#${o.orderId}`;
    if (keys.has(key)) this.problem(`${where}: order ${key} appears twice`);
    keys.add(key);
    const counter = this.counters.get(o.symbol);
    if (!counter) this.problem(`${where}: counters.books has no entry for ${o.symbol}`);
    else if (o.orderId >= counter.nextOrderId) {
      this.problem(
        `${where}.orderId: ${o.orderId} is not below ${o.symbol}'s nextOrderId ${counter.nextOrderId}`,
      );
    }
    const taken = book.orders.get(o.orderId);
    if (taken) {
      this.problem(
        `${where}.orderId: ${key} is already taken in this simulator by account "${taken.accountId}"`,
      );
    }
    this.claimSeq(o.seq, where);
    const origQty = dec(o.origQty);
    const executedQty = dec(o.executedQty);
    if (executedQty.gt(origQty))
      this.problem(`${where}.executedQty: ${o.executedQty} is above origQty ${o.origQty}`);
    if (open && o.type !== 'LIMIT') this.problem(`${where}: an open ${o.type} order cannot rest on the book`);
    if (open && !executedQty.lt(origQty))
      this.problem(`${where}: status ${o.status} but nothing is left to fill`);
    const parent = o.parentAlgoId === null ? undefined : algosById.get(o.parentAlgoId);
    if (open && o.parentAlgoId !== null && parent?.algoStatus !== 'TRIGGERED') {
      this.problem(
        `${where}: open order placed by algo order ${o.parentAlgoId}, which is not a TRIGGERED algo order of the snapshot`,
      );
    }
    const rec: OrderRec = {
      accountId: this.account.id,
      symbol: book.symbol,
      orderId: o.orderId,
      clientOrderId: o.clientOrderId,
      side: o.side,
      positionSide: 'BOTH',
      type: o.type,
      origType: o.origType,
      timeInForce: o.timeInForce,
      price: dec(o.price),
      origQty,
      executedQty,
      cumQuote: dec(o.cumQuote),
      avgPrice: dec(o.avgPrice),
      stopPrice: dec(o.stopPrice),
      workingType: o.workingType,
      priceProtect: o.priceProtect,
      reduceOnly: o.reduceOnly,
      closePosition: o.closePosition,
      status: o.status,
      time: o.time,
      updateTime: o.updateTime,
      expiryReason: o.expiryReason,
      parentAlgoId: o.parentAlgoId,
      account: this.account,
      book,
      seq: o.seq,
      trigger: null,
      parent: parent ?? null,
    };
    if (parent && parent.actualOrderId === o.orderId && parent.symbol === book.symbol) parent.child = rec;
    this.orders.push(rec);
  }

  private buildTrade(t: SimTradeSnapshot, where: string, keys: Set<string>): void {
    const book = this.book(t.symbol, where, false);
    if (!book) return;
    const key = `${t.symbol}#${t.id}`;
    if (keys.has(key)) this.problem(`${where}: trade ${key} appears twice`);
    keys.add(key);
    const counter = this.counters.get(t.symbol);
    if (!counter) this.problem(`${where}: counters.books has no entry for ${t.symbol}`);
    else if (t.id >= counter.nextTradeId) {
      this.problem(`${where}.id: ${t.id} is not below ${t.symbol}'s nextTradeId ${counter.nextTradeId}`);
    }
    this.trades.push({
      accountId: this.account.id,
      symbol: book.symbol,
      id: t.id,
      orderId: t.orderId,
      clientOrderId: t.clientOrderId,
      side: t.side,
      price: dec(t.price),
      qty: dec(t.qty),
      quoteQty: dec(t.quoteQty),
      commission: dec(t.commission),
      commissionAsset: t.commissionAsset,
      realizedPnl: dec(t.realizedPnl),
      maker: t.maker,
      buyer: t.buyer,
      time: t.time,
    });
  }

  /** Binance keeps client ids unique among open orders (per family). */
  private checkOpenClientIds(): void {
    const orders = new Set<string>();
    for (const o of this.orders) {
      if (!isOpenOrder(o)) continue;
      if (orders.has(o.clientOrderId))
        this.problem(`orders: two open orders share clientOrderId ${o.clientOrderId}`);
      orders.add(o.clientOrderId);
    }
    const algos = new Set<string>();
    for (const a of this.algos) {
      if (!isOpenAlgo(a)) continue;
      if (algos.has(a.clientAlgoId))
        this.problem(`algoOrders: two open algo orders share clientAlgoId ${a.clientAlgoId}`);
      algos.add(a.clientAlgoId);
    }
  }

  commit(): void {
    const { state, account } = this;
    state.accounts.set(account.id, account);
    for (const pos of this.positions) {
      account.isolatedTotal = account.isolatedTotal.plus(pos.isolatedWallet);
      if (pos.marginType === 'CROSSED' && !pos.amt.isZero()) {
        pos.book.crossHolders.add(pos);
        account.crossPositions.add(pos);
      }
      const liqSeq = this.liquidationSeqs.get(pos);
      const lp = liqSeq === undefined ? null : positionLiquidationPrice(pos);
      if (liqSeq !== undefined && lp !== null) {
        const list = pos.amt.gt(0) ? pos.book.markDown : pos.book.markUp;
        pos.liqTrigger = list.insert(lp.toNumber(), liqSeq, { kind: 'liq', position: pos, price: lp });
      }
    }
    for (const a of [...this.algos].sort((x, y) => x.seq - y.seq)) {
      state.algos.set(a.algoId, a);
      account.algos.set(a.algoId, a);
      account.algoByClientId.set(a.clientAlgoId, a);
      if (!isOpenAlgo(a)) continue;
      addOpenAlgo(a);
      const book = a.book;
      const up = firesUp(a.orderType, a.side);
      const list =
        a.workingType === 'MARK_PRICE' ? (up ? book.markUp : book.markDown) : up ? book.up : book.down;
      a.trigger = list.insert(a.triggerPrice.toNumber(), a.seq, { kind: 'algo', algo: a });
    }
    for (const o of [...this.orders].sort((x, y) => x.seq - y.seq)) {
      o.book.orders.set(o.orderId, o);
      account.orderByClientId.set(o.clientOrderId, o);
      account.orders.push(o);
      if (!isOpenOrder(o)) continue;
      addOpenOrder(o);
      rest(state, o);
    }
    account.trades = this.trades;
    for (const [symbol, c] of this.counters) {
      const book = state.books.get(symbol);
      if (!book) continue;
      book.nextOrderId = Math.max(book.nextOrderId, c.nextOrderId);
      book.nextTradeId = Math.max(book.nextTradeId, c.nextTradeId);
    }
    state.nextAlgoId = Math.max(state.nextAlgoId, this.snap.counters.nextAlgoId);
    state.seq = Math.max(state.seq, this.snap.counters.seq);
    for (const pos of this.positions) account.orderMarginDirty.add(pos.book);
    refreshCrossWallet(account);
    refreshCrossAggregates(account);
  }
}
