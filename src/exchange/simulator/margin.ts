/**
 * Margin maths of USDⓈ-M linear contracts (contract size 1), decimal throughout.
 * Sources: Binance FAQ "How to Calculate Liquidation Price" and "Cost Required to Open a Position"
 * (reference §4). One-way mode only: `amt` is signed (positive long, negative short).
 */
import { abs, type Dec, dec, divideWithFloat, isShortDecimal, toFloat, ZERO } from '../../domain/index.js';
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
 * `level`, when given, receives the price as a double (toFloat of the answer; the trigger level).
 */
export function liquidationPrice(
  brackets: readonly LeverageBracket[],
  amt: Dec,
  entryPrice: Dec,
  walletLike: Dec,
  level?: { value: number },
): Dec | null {
  if (amt.isZero()) return null;
  const q = abs(amt);
  const qF = toFloat(q);
  // The same in every bracket (decimals are immutable): once.
  const value = amt.mul(entryPrice);
  let last: Dec | null = null;
  let lastF = Number.NaN;
  for (const b of brackets) {
    const denominator = q.mul(b.maintMarginRatio).minus(amt);
    if (denominator.isZero()) continue;
    // A sum with a zero cum gives a short wallet back as it is (isShortDecimal).
    const margin = b.cum.isZero() && isShortDecimal(walletLike) ? walletLike : walletLike.plus(b.cum);
    const lp = divideWithFloat(margin.minus(value), denominator, quotientFloat);
    const lpF = quotientFloat.value;
    // A positive double is the rounding of a positive decimal (rounding keeps the order, and 0 is
    // a double): only a double at or below zero needs the decimal's own sign.
    last = lpF > 0 || lp.gt(0) ? lp : null;
    if (last === null) continue;
    lastF = lpF;
    if (inBracket(q, qF, lp, lpF, b)) {
      if (level) level.value = lpF;
      return lp;
    }
  }
  // Beyond the table: the last bracket applies (bracketFor does the same).
  if (level) level.value = lastF;
  return last;
}

const quotientFloat = { value: 0 };

/**
 * Is the notional |amt| × LP (rounded to our 40 digits, as q.mul(lp) gives it) within
 * [floor, cap) of the bracket? In doubles first: qF and lpF are the correctly rounded doubles of
 * q and lp, so their product is within 3 × 2^-53 of q × lp, and the decimal product within
 * 5 × 10^-40 of it: the double notional is within 2^-50 of the decimal one. The floor and cap as
 * doubles are within 2^-53 of theirs, and the margins' own roundings are a few 2^-53 more. So a
 * double notional above floor × (1 + 2^-40) and below cap × (1 − 2^-40) puts the decimal one in
 * the bracket (a zero floor: any positive notional, and q and lp are positive here). Nearer the
 * bounds, or at magnitudes where doubles lose their relative precision, the decimals decide.
 */
function inBracket(q: Dec, qF: number, lp: Dec, lpF: number, b: LeverageBracket): boolean {
  const notionalF = qF * lpF;
  if (notionalF > 1e-290 && notionalF < 1e290 && qF > 1e-290 && lpF > 1e-290) {
    const floorF = toFloat(b.notionalFloor);
    const capF = toFloat(b.notionalCap);
    if (notionalF > floorF * (1 + 2 ** -40) && notionalF < capF * (1 - 2 ** -40)) return true;
  }
  const notional = q.mul(lp);
  return notional.gte(b.notionalFloor) && notional.lt(b.notionalCap);
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

/**
 * A double at or before the isolated liquidation level (above it for a long, below for a short),
 * from doubles only, or NaN when unsure. Only when the first bracket certainly decides
 * liquidationPrice: its LP = (W + cum − amt·EP) / (|amt|·MMR − amt) certainly positive and its
 * notional |amt| × LP certainly inside [0, cap). Every input is within 2^-51 of its decimal
 * (relative; the wallet through nearFloat), and with MMR ≤ 0.5 the denominator's magnitude is at
 * least |amt| / 2, so the double LP is within 2^-46 × S / |denominator| of the exact quotient,
 * S = |amt·EP| + |W| + |cum|; the decimal one (40 digits) is nearer still. Moving it by
 * 2^-40 × S / |denominator| towards the mark puts it past the decimal LP, and so past its double
 * (rounding keeps the order): the trigger level liquidationPrice gives.
 */
export function liquidationGuard(
  bracketsF: ReadonlyArray<{ floor: number; cap: number; mmr: number; cum: number }>,
  amtF: number,
  entryF: number,
  walletF: number,
): number {
  const b = bracketsF[0];
  if (b === undefined || b.floor !== 0 || !(b.mmr >= 0 && b.mmr <= 0.5)) return Number.NaN;
  const q = Math.abs(amtF);
  if (!(q > 1e-200 && q < 1e200 && entryF > 1e-200 && entryF < 1e200 && Math.abs(walletF) < 1e200))
    return Number.NaN;
  const value = amtF * entryF;
  const denominator = q * b.mmr - amtF;
  const lp = (walletF + b.cum - value) / denominator;
  const slack = (2 ** -40 * (Math.abs(value) + Math.abs(walletF) + Math.abs(b.cum))) / Math.abs(denominator);
  if (!(lp - slack > 0 && slack < 1e200)) return Number.NaN;
  if (!(q * (lp + slack) * (1 + 2 ** -40) < b.cap * (1 - 2 ** -40))) return Number.NaN;
  return amtF > 0 ? lp + slack : lp - slack;
}
