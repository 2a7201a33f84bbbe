/**
 * Margin maths of USDⓈ-M linear contracts (contract size 1), decimal throughout.
 * Sources: Binance FAQ "How to Calculate Liquidation Price" and "Cost Required to Open a Position"
 * (reference §4). One-way mode only: `amt` is signed (positive long, negative short).
 */
import { type Dec, dec, divide, ZERO } from '../../domain/index.js';
import { bracketFor, type LeverageBracket } from './spec.js';

export function unrealizedPnl(amt: Dec, entryPrice: Dec, markPrice: Dec): Dec {
  return amt.isZero() ? ZERO : amt.mul(markPrice.minus(entryPrice));
}

/** MM = notional × MMR − cum, with the bracket the notional falls in. */
export function maintenanceMargin(brackets: readonly LeverageBracket[], notional: Dec): Dec {
  if (notional.isZero()) return ZERO;
  const b = bracketFor(brackets, notional);
  return notional.mul(b.maintMarginRatio).minus(b.cum);
}

/**
 * The mark price at which margin balance equals maintenance margin, for a one-way position whose
 * margin is `walletLike` (isolated wallet, or for cross: cross wallet + other positions' uPnL −
 * their maintenance margin):  LP = (WB + cum − amt·EP) / (|amt|·MMR − amt).
 * The bracket is the one that contains |amt| × LP (the FAQ's "recompute if the bracket differs").
 * Null when the position cannot be liquidated at a positive price (an over-margined long).
 */
export function liquidationPrice(
  brackets: readonly LeverageBracket[],
  amt: Dec,
  entryPrice: Dec,
  walletLike: Dec,
): Dec | null {
  if (amt.isZero()) return null;
  const q = amt.abs();
  let last: Dec | null = null;
  for (const b of brackets) {
    const denominator = q.mul(b.maintMarginRatio).minus(amt);
    if (denominator.isZero()) continue;
    const lp = divide(walletLike.plus(b.cum).minus(amt.mul(entryPrice)), denominator);
    last = lp.gt(0) ? lp : null;
    if (last === null) continue;
    const notional = q.mul(lp);
    if (notional.gte(b.notionalFloor) && notional.lt(b.notionalCap)) return lp;
  }
  // Beyond the table: the last bracket applies (bracketFor does the same).
  return last;
}

/** Price at which the position's loss equals `walletLike` exactly: margin balance zero. */
export function bankruptcyPrice(amt: Dec, entryPrice: Dec, walletLike: Dec): Dec {
  return entryPrice.minus(walletLike.div(amt));
}

/** Break-even: the price where closing at the taker rate nets zero after the opening taker fee. */
export function breakEvenPrice(amt: Dec, entryPrice: Dec, takerRate: Dec): Dec {
  if (amt.isZero()) return ZERO;
  const { up, down } = onePlusMinus(takerRate);
  return amt.gt(0) ? entryPrice.mul(up).div(down) : entryPrice.mul(down).div(up);
}

// 1 + rate and 1 - rate of the last rate asked for (an account's taker rate, the same decimal on
// every fill): the same values as computing them each time, three decimal operations fewer.
let lastRate: Dec | undefined;
let lastFactors = { up: ZERO, down: ZERO };
function onePlusMinus(rate: Dec): { up: Dec; down: Dec } {
  if (rate !== lastRate) {
    const one = dec(1);
    lastFactors = { up: one.plus(rate), down: one.minus(rate) };
    lastRate = rate;
  }
  return lastFactors;
}

/** Float maintenance margin for the hot-path pre-check (exact maths decides). */
export function maintenanceMarginF(
  bracketsF: ReadonlyArray<{ cap: number; mmr: number; cum: number }>,
  notional: number,
): number {
  for (const b of bracketsF) if (notional < b.cap) return notional * b.mmr - b.cum;
  const last = bracketsF[bracketsF.length - 1]!;
  return notional * last.mmr - last.cum;
}
