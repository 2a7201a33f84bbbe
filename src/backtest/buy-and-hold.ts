/**
 * The buy-and-hold baseline, on the same candles in the same pass: the balance split equally
 * across the symbols, each bought (1x, long) at the close of its first candle in the period and
 * held to the end, taker fee paid on the way in and out. A symbol listed later waits in cash until
 * its first candle. Float arithmetic and no exchange rounding: it is a yardstick, not an order.
 * With a split, each period gets its own round trip per symbol (bought at the period's first
 * close, sold at its last), so both periods read like separate holdings.
 * Funding, when a rate is charged, is paid as the simulator pays it: at the first candle at or
 * after each funding time, by the holdings of the step before, at their last closes.
 */

import type { SplitEquity } from './equity.js';
import { nextFundingTime } from './funding.js';
import type { TradeRecord } from './types.js';

export interface BuyAndHold {
  /** A base candle of symbol `symbolIndex` closed at `close`, at `time`. */
  onCandle(symbolIndex: number, close: number, time: number): void;
  /** Mark the equity after a step. */
  mark(time: number): void;
  /** Close at the last prices; trades of the whole period, and per split period when split. */
  finish(time: number): { whole: TradeRecord[]; inSample: TradeRecord[]; outOfSample: TradeRecord[] };
}

interface Holding {
  qty: number;
  entryTime: number;
  entryPrice: number;
  entryFee: number;
  /** Funding paid up to the split (in-sample) and after it. */
  fundingIn: number;
  fundingOut: number;
  last: number;
  /** Price and time at the split (the in-sample exit and the out-of-sample entry). */
  splitPrice: number;
  splitTime: number;
}

export function createBuyAndHold(
  symbols: readonly string[],
  balance: number,
  takerFeeRate: number,
  equity: SplitEquity,
  splitAt: number | null,
  /** Funding rate per 8 hours, a fraction (0: none). */
  fundingRate = 0,
): BuyAndHold {
  const perSymbol = balance / symbols.length;
  const holdings: (Holding | null)[] = symbols.map(() => null);
  let cash = balance;
  /**
   * Σ qty × last, kept up to date per candle: in a typed array, since a double held in a
   * closure's variable is boxed, a heap number per store (one per base candle).
   */
  const value = new Float64Array(1);
  let held = 0;
  let nextFunding = Number.NaN;

  /** Every funding time up to `time`, paid by the holdings as they stand. */
  const payFunding = (time: number): void => {
    while (time >= nextFunding) {
      const at = nextFunding;
      nextFunding = nextFundingTime(at);
      for (const h of holdings) {
        if (!h) continue;
        const paid = h.qty * h.last * fundingRate;
        cash -= paid;
        if (splitAt !== null && at <= splitAt) h.fundingIn += paid;
        else h.fundingOut += paid;
      }
    }
  };

  const trade = (
    i: number,
    entryTime: number,
    entryPrice: number,
    exitTime: number,
    exitPrice: number,
    qty: number,
    fees: number,
    funding: number,
  ): TradeRecord => {
    const notional = qty * entryPrice;
    const pnl = qty * (exitPrice - entryPrice) - fees - funding;
    return {
      id: i + 1,
      symbol: symbols[i]!,
      direction: 'LONG',
      entryTime,
      exitTime,
      entryPrice,
      exitPrice,
      qty,
      notional,
      pnl,
      fees,
      funding,
      pnlPct: notional > 0 ? (pnl / notional) * 100 : 0,
      rMultiple: null,
      reason: 'end',
      durationMinutes: (exitTime - entryTime) / 60_000,
      ambiguous: false,
      signal: null,
    };
  };

  return {
    onCandle(i, close, time) {
      if (fundingRate !== 0) {
        if (Number.isNaN(nextFunding)) nextFunding = nextFundingTime(time);
        else if (time >= nextFunding) payFunding(time);
      }
      const h = holdings[i];
      if (h) {
        value[0]! += h.qty * (close - h.last);
        h.last = close;
        if (splitAt !== null && time <= splitAt) {
          h.splitPrice = close;
          h.splitTime = time;
        }
        return;
      }
      const fee = perSymbol * takerFeeRate;
      const qty = (perSymbol - fee) / close;
      cash -= perSymbol;
      value[0]! += qty * close;
      held++;
      holdings[i] = {
        qty,
        entryTime: time,
        entryPrice: close,
        entryFee: fee,
        fundingIn: 0,
        fundingOut: 0,
        last: close,
        splitPrice: close,
        splitTime: time,
      };
    },
    mark(time) {
      equity.mark(time, cash + value[0]!, held > 0);
    },
    finish(time) {
      const whole: TradeRecord[] = [];
      const inSample: TradeRecord[] = [];
      const outOfSample: TradeRecord[] = [];
      holdings.forEach((h, i) => {
        if (!h) return;
        const exitFee = h.qty * h.last * takerFeeRate;
        cash += h.qty * h.last - exitFee;
        const funding = h.fundingIn + h.fundingOut;
        whole.push(trade(i, h.entryTime, h.entryPrice, time, h.last, h.qty, h.entryFee + exitFee, funding));
        if (splitAt === null) return;
        if (h.entryTime <= splitAt) {
          inSample.push(
            trade(i, h.entryTime, h.entryPrice, h.splitTime, h.splitPrice, h.qty, h.entryFee, h.fundingIn),
          );
          outOfSample.push(trade(i, h.splitTime, h.splitPrice, time, h.last, h.qty, exitFee, h.fundingOut));
        } else {
          outOfSample.push(
            trade(i, h.entryTime, h.entryPrice, time, h.last, h.qty, h.entryFee + exitFee, funding),
          );
        }
      });
      value[0] = 0;
      held = 0;
      equity.mark(time, cash, false);
      return { whole, inSample, outOfSample };
    },
  };
}
