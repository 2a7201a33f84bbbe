/**
 * Sizing: from a user's fixed margin and leverage to an order the exchange will accept, decided
 * entirely before anything is sent. notional = margin x leverage; qty = notional / price, rounded
 * DOWN to the step (never commit more margin than the user set); prices rounded to the tick.
 */
import type { Decimal } from 'decimal.js';
import {
  compare,
  Dec,
  type DecimalInput,
  dec,
  divideFloorToStep,
  isNotPositive,
  type Price,
  type Qty,
  roundToTick,
  type SymbolRules,
} from '../domain/index.js';

export type SizingResult =
  | { ok: true; qty: Qty; price: Price; notional: Decimal }
  | {
      ok: false;
      reason: 'BELOW_MIN_NOTIONAL' | 'BELOW_MIN_QTY' | 'LEVERAGE_ABOVE_LIMIT' | 'ABOVE_MAX_QTY' | 'BAD_INPUT';
      message: string;
    };

export interface SizingInput {
  rules: SymbolRules;
  margin: DecimalInput;
  leverage: number;
  /** The price the order is sized at: the limit price, or the current price for MARKET. */
  price: DecimalInput;
  type: 'MARKET' | 'LIMIT';
}

export function sizeEntry(input: SizingInput): SizingResult {
  const { rules } = input;
  let margin: Decimal;
  let rawPrice: Decimal;
  try {
    margin = dec(input.margin, 'margin');
    rawPrice = dec(input.price, 'price');
  } catch (err) {
    return { ok: false, reason: 'BAD_INPUT', message: (err as Error).message };
  }
  if (
    isNotPositive(margin) ||
    isNotPositive(rawPrice) ||
    !Number.isInteger(input.leverage) ||
    input.leverage < 1
  ) {
    return {
      ok: false,
      reason: 'BAD_INPUT',
      message: `margin and price must be positive and leverage a whole number >= 1 (got margin ${margin}, price ${rawPrice}, leverage ${input.leverage})`,
    };
  }
  if (input.leverage > rules.maxLeverage) {
    return {
      ok: false,
      reason: 'LEVERAGE_ABOVE_LIMIT',
      message: `leverage ${input.leverage}x is above ${rules.symbol}'s limit of ${rules.maxLeverage}x`,
    };
  }
  const price = roundToTick(rawPrice, rules.tickSize) as Price;
  const notionalWanted = notionalOf(margin, input.leverage);
  const qty = divideFloorToStep(notionalWanted, price, dec(rules.stepSize, 'stepSize')) as Qty;
  const notional = qty.mul(price);

  // compare: decimal.js's lt and gt without their copy of the right-hand side.
  if (compare(qty, rules.minQty) < 0 || isNotPositive(qty) || compare(notional, rules.minNotional) < 0) {
    const smallest = smallestMargin(rules, price, input.leverage);
    const what = qty.lt(rules.minQty) || qty.lte(0) ? 'BELOW_MIN_QTY' : 'BELOW_MIN_NOTIONAL';
    return {
      ok: false,
      reason: what,
      message:
        `${rules.symbol}: ${margin.toFixed()} USDT x ${input.leverage} buys ${qty.toFixed()} (${notional.toFixed(2)} USDT notional), ` +
        `below the exchange minimum of ${rules.minNotional.toFixed()} USDT / ${rules.minQty.toFixed()} qty. ` +
        `The smallest margin that works at ${input.leverage}x is ${smallest.toFixed(2)} USDT.`,
    };
  }
  const maxQty = input.type === 'MARKET' ? rules.marketMaxQty : rules.maxQty;
  if (compare(qty, maxQty) > 0) {
    return {
      ok: false,
      reason: 'ABOVE_MAX_QTY',
      message: `${rules.symbol}: quantity ${qty.toFixed()} is above the exchange maximum of ${maxQty.toFixed()} for ${input.type} orders`,
    };
  }
  return { ok: true, qty, price, notional };
}

// margin x leverage of the last sizing: a user's margin and leverage are the same decimal and
// number order after order, and the product the same value (one multiplication per entry fewer).
let lastMargin: Decimal | undefined;
let lastLeverage = 0;
let lastNotional: Decimal = new Dec(0);
function notionalOf(margin: Decimal, leverage: number): Decimal {
  if (margin !== lastMargin || leverage !== lastLeverage) {
    lastNotional = margin.mul(leverage);
    lastMargin = margin;
    lastLeverage = leverage;
  }
  return lastNotional;
}

/**
 * The smallest margin (rounded up to the cent) whose floored quantity still meets both the minimum
 * quantity and the minimum notional at this price and leverage.
 */
export function smallestMargin(rules: SymbolRules, price: Decimal, leverage: number): Decimal {
  // The smallest step multiple whose notional reaches minNotional, and at least minQty.
  const stepsForNotional = rules.minNotional.div(price).div(rules.stepSize).ceil();
  const qtyByNotional = stepsForNotional.mul(rules.stepSize);
  const qty = Dec.max(qtyByNotional, rules.minQty);
  return qty.mul(price).div(leverage).toDecimalPlaces(2, Dec.ROUND_UP);
}
