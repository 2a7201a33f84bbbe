/**
 * The trade ledger: round trips assembled from the exchange's own user stream (fills, algo order
 * updates, balances), so it reports what the exchange did whatever executed the orders. A trade
 * opens on the first fill from flat and closes when the position is flat again; its exit reason
 * comes from the order that closed it (a triggered STOP_MARKET or TAKE_PROFIT_MARKET, a
 * liquidation, or a market exit the executor announced). Quantities and PnL are summed as
 * decimals and reported as floats; the open positions are also kept as floats so the equity can
 * be marked to market every step without touching a decimal.
 */
import type { Decimal } from 'decimal.js';
import {
  add,
  compare,
  type Direction,
  divideToFloat,
  isExactProduct,
  isNotPositive,
  isPositive,
  toFloat,
  ZERO,
} from '../domain/index.js';
import type { Exchange, Fill, UserStreamEvent } from '../exchange/index.js';
import type { ExitReason } from './types.js';

export interface LedgerTrade {
  symbol: string;
  direction: Direction;
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  qty: number;
  notional: number;
  /** Net of fees and funding. */
  pnl: number;
  fees: number;
  /** Funding paid while the trade was open (negative: received). */
  funding: number;
  reason: ExitReason;
  ambiguous: boolean;
  /** Client order id of the fill that opened the trade (links it back to its signal). */
  entryClientOrderId: string;
}

/** An open position as floats, for marking to market. */
export interface OpenPosition {
  symbol: string;
  /** Signed: positive long, negative short. */
  qty: number;
  entryPrice: number;
}

interface Working {
  symbol: string;
  direction: Direction;
  entryTime: number;
  entryClientOrderId: string;
  openQty: Decimal;
  entryQty: Decimal;
  entryValue: Decimal;
  exitQty: Decimal;
  /** Exit fills' quote, but for exitUnvalued's. */
  exitValue: Decimal;
  /** The exit price when one fill (of an exact quote) did all the exiting so far, else NaN. */
  exitPrice: number;
  /** That one fill while it is (its quote is not in exitValue: exitPrice needs none). */
  exitUnvalued: Fill | null;
  realized: Decimal;
  fees: Decimal;
  funding: Decimal;
  reason: ExitReason | null;
  ambiguous: boolean;
  position: OpenPosition;
}

export interface TradeLedger {
  /** Wallet balance (deposits + realised PnL - fees - funding) after the latest event. */
  readonly wallet: number;
  readonly openPositions: ReadonlyMap<string, OpenPosition>;
  /** Equity marked at each symbol's latest price (`markOf` returns NaN when unknown: entry used). */
  equity(markOf: (symbol: string) => number): number;
  /** The next market exit with this client order id closes for this reason. */
  expectExit(clientOrderId: string, reason: ExitReason): void;
  /** Names the reason of market exits nobody announced (an executor that cannot announce them). */
  classifyExits(classify: ((clientOrderId: string) => ExitReason | undefined) | undefined): void;
  /**
   * The trade open on `symbol` is being resolved by the conservative intrabar rule (on), or the
   * candle is over and it is still open (off): only a trade closed in that candle keeps the flag.
   */
  flagAmbiguous(symbol: string, on: boolean): void;
  /** Closed trades, in closing order; `take` empties the list. */
  take(): LedgerTrade[];
  close(): void;
}

const num = toFloat;

export function createTradeLedger(exchange: Exchange, startWallet: number): TradeLedger {
  const open = new Map<string, Working>();
  const positions = new Map<string, OpenPosition>();
  /** Per symbol: the order id a triggered conditional order placed -> what it was (no key text per exit). */
  const triggered = new Map<string, Map<string, ExitReason>>();
  const announced = new Map<string, ExitReason>();
  let closed: LedgerTrade[] = [];
  let wallet = startWallet;
  /**
   * The latest balance event's wallet while `wallet` is not yet its float: converted when read
   * (the equity, once a step), so fills of one step convert one wallet (its long decimal goes
   * through text).
   */
  let walletBalance: Decimal | null = null;
  const walletNow = (): number => {
    if (walletBalance !== null) {
      wallet = toFloat(walletBalance);
      walletBalance = null;
    }
    return wallet;
  };
  /**
   * Funding of the ACCOUNT_UPDATE being read: its balance comes first, then (isolated margin, as
   * both executors trade) the one position that paid it, which names the trade (see onEvent).
   */
  let fundingPaid: Decimal | null = null;
  let classify: ((clientOrderId: string) => ExitReason | undefined) | undefined;

  function onFill(fill: Fill): void {
    const symbol = fill.symbol as string;
    const side: Direction = fill.side === 'BUY' ? 'LONG' : 'SHORT';
    let w = open.get(symbol);
    if (!w) {
      // Written a double (NaN) first, then 0: V8 fixes a field's layout by its first value, and a
      // first 0 is widened at the first fractional size or price (see newPosition in the simulator).
      const position: OpenPosition = { symbol, qty: Number.NaN, entryPrice: Number.NaN };
      position.qty = 0;
      position.entryPrice = 0;
      w = {
        symbol,
        direction: side,
        entryTime: fill.time,
        entryClientOrderId: fill.clientOrderId,
        openQty: ZERO,
        entryQty: ZERO,
        entryValue: ZERO,
        exitQty: ZERO,
        exitValue: ZERO,
        exitPrice: Number.NaN,
        exitUnvalued: null,
        realized: ZERO,
        fees: ZERO,
        funding: ZERO,
        reason: null,
        ambiguous: false,
        position,
      };
      open.set(symbol, w);
      positions.set(symbol, position);
    }
    // add: sums from zero, and an opening fill's zero PnL, without decimal.js's copies.
    w.fees = add(w.fees, fill.fee);
    w.realized = add(w.realized, fill.realizedPnl);
    // A side's first fill of an exact value (isExactProduct): so value / quantity, the side's average price, is the fill's price itself.
    const exact = isExactProduct(fill.qty, fill.price);
    if (side === w.direction) {
      const first = exact && w.entryQty.isZero();
      w.entryQty = add(w.entryQty, fill.qty);
      w.entryValue = add(w.entryValue, fill.qty.mul(fill.price));
      w.openQty = add(w.openQty, fill.qty);
      // The average entry moves with entry fills only (an exit leaves its decimals as they were).
      w.position.entryPrice = first ? num(fill.price) : divideToFloat(w.entryValue, w.entryQty);
    } else {
      if (exact && w.exitQty.isZero()) {
        // One exact exit fill gives the exit price; its value only matters if another exit fill
        // follows (their average), and is added then, in the same order as fill by fill.
        w.exitPrice = num(fill.price);
        w.exitUnvalued = fill;
      } else {
        const before = w.exitUnvalued;
        if (before !== null) {
          w.exitValue = add(w.exitValue, before.qty.mul(before.price));
          w.exitUnvalued = null;
        }
        w.exitPrice = Number.NaN;
        w.exitValue = add(w.exitValue, fill.qty.mul(fill.price));
      }
      w.exitQty = add(w.exitQty, fill.qty);
      // The exit of what is open leaves zero (+0, as the subtraction would, more slowly).
      w.openQty = compare(fill.qty, w.openQty) === 0 ? ZERO : w.openQty.minus(fill.qty);
      const triggeredHere = triggered.get(symbol);
      w.reason ??= fill.liquidation
        ? 'liquidation'
        : (triggeredHere?.get(fill.orderId) ??
          announced.get(fill.clientOrderId) ??
          classify?.(fill.clientOrderId) ??
          'market');
      triggeredHere?.delete(fill.orderId);
      announced.delete(fill.clientOrderId);
    }
    const sign = w.direction === 'LONG' ? 1 : -1;
    w.position.qty = sign * num(w.openQty);
    if (isNotPositive(w.openQty)) finish(w, fill.time);
  }

  function finish(w: Working, time: number): void {
    open.delete(w.symbol);
    positions.delete(w.symbol);
    const entryQty = num(w.entryQty);
    closed.push({
      symbol: w.symbol,
      direction: w.direction,
      entryTime: w.entryTime,
      exitTime: time,
      // entryValue / entryQty, as the last entry fill left it.
      entryPrice: w.position.entryPrice,
      exitPrice: !isPositive(w.exitQty)
        ? Number.NaN
        : Number.isNaN(w.exitPrice)
          ? divideToFloat(w.exitValue, w.exitQty)
          : w.exitPrice,
      qty: entryQty,
      notional: num(w.entryValue),
      // No funding (most trades): realized - fees itself, the digits `minus` of a zero copies.
      pnl: num(w.funding.isZero() ? w.realized.minus(w.fees) : w.realized.minus(w.fees).minus(w.funding)),
      fees: num(w.fees),
      funding: num(w.funding),
      reason: w.reason ?? 'market',
      ambiguous: w.ambiguous,
      entryClientOrderId: w.entryClientOrderId,
    });
  }

  function onEvent(event: UserStreamEvent): void {
    switch (event.type) {
      case 'fill':
        onFill(event.fill);
        return;
      case 'order': {
        const o = event.order;
        // Its TRIGGERED update comes before the order it placed fills (FINISHED, after: not kept).
        if (o.family === 'algo' && o.status === 'TRIGGERED' && o.triggeredOrderId !== null) {
          const reason: ExitReason =
            o.type === 'STOP_MARKET' || o.type === 'STOP'
              ? 'stop'
              : o.type === 'TAKE_PROFIT_MARKET' || o.type === 'TAKE_PROFIT'
                ? 'target'
                : 'market';
          let triggeredHere = triggered.get(o.symbol);
          if (!triggeredHere) {
            triggeredHere = new Map();
            triggered.set(o.symbol, triggeredHere);
          }
          triggeredHere.set(o.triggeredOrderId, reason);
        }
        return;
      }
      case 'balance':
        walletBalance = event.walletBalance;
        fundingPaid = event.reason === 'FUNDING_FEE' ? event.balanceChange.neg() : null;
        return;
      case 'position': {
        // Cross margin would carry no position: its funding stays in the wallet (the equity) only.
        if (event.reason !== 'FUNDING_FEE' || fundingPaid === null) return;
        const w = open.get(event.symbol as string);
        if (w) w.funding = add(w.funding, fundingPaid);
        fundingPaid = null;
        return;
      }
      default:
        return;
    }
  }

  const unsubscribe = exchange.subscribe(onEvent);

  return {
    get wallet() {
      return walletNow();
    },
    openPositions: positions,
    equity(markOf) {
      let e = walletNow();
      for (const p of positions.values()) {
        const mark = markOf(p.symbol);
        if (Number.isFinite(mark)) e += p.qty * (mark - p.entryPrice);
      }
      return e;
    },
    expectExit(clientOrderId, reason) {
      announced.set(clientOrderId, reason);
    },
    classifyExits(fn) {
      classify = fn;
    },
    flagAmbiguous(symbol, on) {
      const w = open.get(symbol);
      if (w) w.ambiguous = on;
    },
    take() {
      const out = closed;
      closed = [];
      return out;
    },
    close() {
      unsubscribe();
    },
  };
}
