/**
 * The dashboard's one decimal type: the API sends money and prices as decimal strings, and they
 * stay decimal until they are printed (a float would show 0.30000000000000004 of somebody's margin).
 */
import { Decimal } from 'decimal.js';

export const D = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -30,
  toExpPos: 40,
});
export type D = Decimal;

export type DecimalLike = string | number | Decimal;

/** A finite decimal, or undefined for null, '', NaN, Infinity and garbage. */
export function toDecimal(value: DecimalLike | null | undefined): Decimal | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  try {
    const d = new D(value);
    return d.isFinite() ? d : undefined;
  } catch {
    return undefined;
  }
}
