/**
 * The engine's money scale: every amount that enters a balance is rounded to MONEY_DP decimals, so
 * sums of them are exact. Most amounts already are (a fee of a short quote at a short rate, a
 * realised PnL of short prices): those are returned themselves, without decimal.js's copy and
 * rounding pass (toDecimalPlaces copies its operand first), the same value and digits (decimals
 * are immutable), and checked against toDecimalPlaces in money-scale.property.test.ts.
 */
import { type Dec, Dec as DecCtor } from '../../domain/index.js';

/** Internal money scale: every amount that enters a balance has at most 12 decimals, so sums are exact. */
export const MONEY_DP = 12;

/**
 * Does a finite decimal have at most MONEY_DP decimals? decimal.js's decimalPlaces, from its
 * documented representation (base-1e7 words `d`, exponent `e`): the last word's place, less its
 * trailing zeros.
 */
function withinScale(value: Dec): boolean {
  const words = value.d;
  if (!words || value.constructor !== DecCtor) return false;
  const last = words.length - 1;
  let places = (last - Math.floor(value.e / 7)) * 7;
  if (places <= MONEY_DP) return true;
  let w = words[last]!;
  if (w === 0) return true;
  while (w % 10 === 0 && places > MONEY_DP) {
    w /= 10;
    places--;
  }
  return places <= MONEY_DP;
}

/** value.toDecimalPlaces(MONEY_DP, ROUND_HALF_EVEN): a value already on the scale is itself. */
export const roundMoney = (value: Dec): Dec =>
  withinScale(value) ? value : value.toDecimalPlaces(MONEY_DP, DecCtor.ROUND_HALF_EVEN);

/** value.toDecimalPlaces(MONEY_DP, ROUND_DOWN): a value already on the scale is itself. */
export const floorMoney = (value: Dec): Dec =>
  withinScale(value) ? value : value.toDecimalPlaces(MONEY_DP, DecCtor.ROUND_DOWN);
