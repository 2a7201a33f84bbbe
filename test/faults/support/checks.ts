/**
 * The invariants every fault scenario must end with, checked against the exchange (the simulator
 * behind the server, read in-process) and the books:
 * - no second position or order for one signal (and never more exposure than one entry);
 * - every exchange position is in the books;
 * - no position without an accepted stop for longer than the bound (plus the time to close it),
 *   counted only while an engine process is alive;
 * - the books equal the exchange after reconciliation (positions, open orders of both families);
 * - nothing recorded is lost (every order we sent has its write-ahead row; fills are kept).
 */
import { deriveClientOrderId } from '../../../src/domain/index.js';
import type { Simulator } from '../../../src/exchange/index.js';
import type { Books } from './books.js';

const OPEN_BOOK_STATUSES = new Set(['INTENT', 'SENT', 'UNKNOWN', 'NEW', 'PARTIALLY_FILLED', 'TRIGGERING']);

/** Samples the exchange every few ms: the largest position and the longest time without a stop. */
export class ExposureWatch {
  maxQty = 0;
  longestUnprotectedMs = 0;
  private runMs = 0;
  private last = 0;
  private paused = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly sim: Simulator,
    private readonly accountId: string,
    private readonly symbol: string,
  ) {}

  start(): this {
    this.last = performance.now();
    this.timer = setInterval(() => this.sample(), 10);
    return this;
  }

  /** The engine process is down: nobody can protect anything, so the clock stops. */
  pause(): void {
    this.sample();
    this.paused = true;
  }

  resume(): void {
    this.last = performance.now();
    this.paused = false;
  }

  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
  }

  private sample(): void {
    const now = performance.now();
    const dt = now - this.last;
    this.last = now;
    const risk = this.sim.positionRisk(this.accountId, this.symbol)[0];
    const qty = risk ? Math.abs(risk.positionAmt.toNumber()) : 0;
    this.maxQty = Math.max(this.maxQty, qty);
    const guarded = this.sim
      .allAlgoOrders(this.accountId, this.symbol)
      .some(
        (a) => a.orderType === 'STOP_MARKET' && ['NEW', 'TRIGGERING', 'TRIGGERED'].includes(a.algoStatus),
      );
    if (qty === 0 || guarded) {
      this.runMs = 0;
      return;
    }
    if (!this.paused) this.runMs += dt;
    this.longestUnprotectedMs = Math.max(this.longestUnprotectedMs, this.runMs);
  }
}

export interface CheckInput {
  sim: Simulator;
  accountId: string;
  userId: string;
  symbol: string;
  signalIds: readonly string[];
  /** One entry's quantity: the exchange position may never exceed it. */
  entryQty: number;
  books: Books;
  /** Books read before a crash: what they held must still be there. */
  booksBefore?: Books | undefined;
  watch: ExposureWatch;
  unprotectedLimitMs: number;
  /** Fills that happened while no engine was running cannot be on the stream: not required. */
  requireAllFills: boolean;
}

export function checkInvariants(input: CheckInput): string[] {
  const v: string[] = [];
  const { sim, accountId, books, symbol } = input;

  // 1. One position, one entry order per signal; never more than one entry's exposure.
  const bySignal = new Map<string, number>();
  for (const p of books.positions)
    if (p.signalId) bySignal.set(p.signalId, (bySignal.get(p.signalId) ?? 0) + 1);
  for (const [signal, n] of bySignal) if (n > 1) v.push(`signal ${signal} has ${n} positions`);
  const entryIds = new Set(
    input.signalIds.map((s) => deriveClientOrderId(input.userId, s, 'entry') as string),
  );
  const entries = sim.allOrders(accountId, symbol).filter((o) => !o.reduceOnly && o.parentAlgoId === null);
  const perId = new Map<string, number>();
  for (const o of entries) perId.set(o.clientOrderId, (perId.get(o.clientOrderId) ?? 0) + 1);
  for (const [id, n] of perId) {
    if (n > 1) v.push(`entry ${id} sent ${n} times`);
    if (!entryIds.has(id)) v.push(`an entry order ${id} belongs to no signal`);
  }
  if (input.watch.maxQty > input.entryQty + 1e-12) {
    v.push(`exposure reached ${input.watch.maxQty}, more than one entry (${input.entryQty})`);
  }

  // 2 + 4. Every exchange position is in the books, and the books hold nothing the exchange does not.
  const held = sim.positionRisk(accountId).filter((p) => !p.positionAmt.isZero());
  const live = books.positions.filter((p) => !['CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED'].includes(p.status));
  for (const p of held) {
    const side = p.positionAmt.gt(0) ? 'LONG' : 'SHORT';
    const match = live.find((b) => b.symbol === p.symbol && b.direction === side);
    if (!match)
      v.push(`exchange position ${p.symbol} ${side} ${p.positionAmt.toFixed()} is not in the books`);
    else if (match.filledQty !== p.positionAmt.abs().toFixed()) {
      v.push(`books ${match.filledQty} vs exchange ${p.positionAmt.abs().toFixed()} on ${p.symbol}`);
    }
  }
  for (const b of live) {
    if (!held.some((p) => p.symbol === b.symbol))
      v.push(`books hold ${b.symbol} ${b.status}; the exchange does not`);
  }

  // 3. Unprotected no longer than the bound (plus the market close it triggers).
  if (input.watch.longestUnprotectedMs > input.unprotectedLimitMs) {
    v.push(
      `a position went ${Math.round(input.watch.longestUnprotectedMs)} ms without a stop (limit ${input.unprotectedLimitMs})`,
    );
  }

  // 4. Open orders: the same on both sides.
  const exOpen = new Set([
    ...sim.openOrders(accountId).map((o) => o.clientOrderId),
    ...sim.openAlgoOrders(accountId).map((a) => a.clientAlgoId),
  ]);
  for (const o of books.orders) {
    if (OPEN_BOOK_STATUSES.has(o.status) && !exOpen.has(o.clientOrderId)) {
      v.push(
        `books say ${o.clientOrderId} (${o.leg}) is ${o.status}; the exchange has it closed or never had it`,
      );
    }
  }
  const booked = new Map(books.orders.map((o) => [o.clientOrderId, o]));
  for (const id of exOpen) {
    const o = booked.get(id);
    if (!o) v.push(`open exchange order ${id} is not in the books`);
    else if (!OPEN_BOOK_STATUSES.has(o.status))
      v.push(`open exchange order ${id} is ${o.status} in the books`);
  }

  // 5. Nothing lost: every order we sent was written ahead; fills are kept; closes have figures.
  const sent = [
    ...sim.allOrders(accountId, symbol).map((o) => o.clientOrderId),
    ...sim.allAlgoOrders(accountId, symbol).map((a) => a.clientAlgoId),
  ].filter((id) => id.startsWith('nt-'));
  for (const id of sent)
    if (!booked.has(id)) v.push(`order ${id} reached the exchange without a write-ahead row`);
  for (const o of books.orders)
    if (o.answers === 0 && o.status !== 'INTENT') v.push(`${o.clientOrderId} has no answer recorded`);
  const fillIds = new Set(books.fills.map((f) => f.tradeId));
  if (input.requireAllFills) {
    for (const t of sim.trades(accountId, symbol)) {
      if (!fillIds.has(String(t.id))) v.push(`trade ${t.id} (${t.clientOrderId}) is not in the books`);
    }
  }
  if (input.booksBefore) {
    for (const f of input.booksBefore.fills)
      if (!fillIds.has(f.tradeId)) v.push(`fill ${f.tradeId} was lost`);
    const ids = new Set(books.orders.map((o) => o.clientOrderId));
    for (const o of input.booksBefore.orders)
      if (!ids.has(o.clientOrderId)) v.push(`order ${o.clientOrderId} was lost`);
  }
  for (const p of books.positions) {
    if (
      (p.status === 'CLOSED_WIN' || p.status === 'CLOSED_LOSS') &&
      (p.pnl === null || p.exitPrice === null)
    ) {
      v.push(`closed position ${p.id} has no PnL or exit price`);
    }
  }
  return v;
}
