/**
 * quotientExceeds(x, y, limit): `divideToFloat(x, y) > limit`, the same answer, without the 40-digit
 * division when a double estimate of x / y settles it. validatePlan asks it of every plan (is the
 * target more than maxRewardToRisk risks away?) and the answer is nearly always far from the limit.
 *
 * Why the estimate is safe: each operand is read from its first three words (21 digits), so it is
 * within a relative 1.1e-14 of its value, and their quotient within 3e-14 of x / y. The exact answer
 * is the double nearest to x / y rounded to 40 digits, within a relative 1.2e-16 of x / y. So an
 * estimate more than a relative 1e-9 above (below) the limit means the exact answer is above (not
 * above) it too; anything closer, and every operand the estimate does not cover, takes the division.
 */
import type { Decimal } from 'decimal.js';
import { Dec, divideToFloat } from '../domain/index.js';

/** Exact powers of ten as doubles (10^22 is the largest one a double holds exactly). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Digits of decimal.js's first word (1..7). */
const leadDigits = (w: number): number =>
  w < 10 ? 1 : w < 100 ? 2 : w < 1e3 ? 3 : w < 1e4 ? 4 : w < 1e5 ? 5 : w < 1e6 ? 6 : 7;

/**
 * The first three words (base 1e7, most significant first) as one number: the coefficient's first
 * 15 to 21 digits, the rest dropped (less than one unit of a value of at least 1e14).
 */
const leading = (w: readonly number[]): number =>
  (w[0] as number) * 1e14 +
  (w.length > 1 ? (w[1] as number) * 1e7 : 0) +
  (w.length > 2 ? (w[2] as number) : 0);

/** x / y as a double within a relative 3e-14, or NaN when x or y is not a positive finite decimal. */
function estimate(x: Decimal, y: Decimal): number {
  const xw = x.d;
  const yw = y.d;
  if (x.constructor !== Dec || y.constructor !== Dec) return Number.NaN; // another precision
  if (!xw || !yw || x.s !== 1 || y.s !== 1 || xw[0] === 0 || yw[0] === 0) return Number.NaN;
  // x = leading(xw) x 10^(x.e - leadDigits + 1 - 14), and likewise y.
  const shift = x.e - leadDigits(xw[0] as number) - (y.e - leadDigits(yw[0] as number));
  if (shift > 22 || shift < -22) return Number.NaN;
  const q = leading(xw) / leading(yw);
  return shift >= 0 ? q * (POW10[shift] as number) : q / (POW10[-shift] as number);
}

/**
 * A positive finite decimal as coefficient x 10^exponent with the coefficient a whole number under
 * 2^53 (the padding zeros of decimal.js's last word dropped), into `scaledOut`; false otherwise.
 */
const scaledOut = { coefficient: 0, exponent: 0 };
function scaledShort(v: Decimal): boolean {
  const w = v.d;
  if (!w || v.s !== 1 || w.length > 3 || w[0] === 0 || v.constructor !== Dec) return false;
  // Exact while under 2^53; a larger value stays at least 2^53 when rounded, and is refused.
  const w0 = w[0] as number;
  let c =
    w.length === 1
      ? w0
      : w.length === 2
        ? w0 * 1e7 + (w[1] as number)
        : (w0 * 1e7 + (w[1] as number)) * 1e7 + (w[2] as number);
  if (!(c < 2 ** 53)) return false;
  let exponent = v.e - leadDigits(w[0] as number) - 7 * (w.length - 1) + 1;
  while (c % 10 === 0) {
    c /= 10;
    exponent++;
  }
  scaledOut.coefficient = c;
  scaledOut.exponent = exponent;
  return true;
}

/**
 * `divideToFloat(x, y, scale)`: the double nearest to x / y rounded to 40 digits, times 10^scale.
 * For positive x and y whose coefficients (and the one a power of ten joins) stay whole numbers
 * under 2^53, n / d = (x / y) x 10^scale with n, d such integers, and one IEEE division gives the
 * same double without the 40-digit quotient. Why: the division rounds n / d correctly; the
 * 40-digit rounding moves n / d by at most a relative 5e-40; a midpoint m x 2^(t-1) between two
 * doubles (m odd, 2^53 < m < 2^54, t <= 0 since n / d < 2^53) is either n / d itself, impossible
 * (m would divide n < 2^53), or at least 2^(t-1) / d away, a relative 2^-54 / d > 2^-107 > 5e-40:
 * both land on the same side of every midpoint and round to the same double. Anything else (zero,
 * a sign, long coefficients, another precision) takes divideToFloat.
 */
export function quotientToFloat(x: Decimal, y: Decimal, scale = 0): number {
  if (scaledShort(x)) {
    let n = scaledOut.coefficient;
    const xExponent = scaledOut.exponent;
    if (scaledShort(y)) {
      let d = scaledOut.coefficient;
      const k = xExponent - scaledOut.exponent + scale;
      if (k >= 0 && k <= 22) n *= POW10[k] as number;
      else if (k < 0 && k >= -22) d *= POW10[-k] as number;
      else return divideToFloat(x, y, scale);
      // A product over 2^53 may be rounded: refused (a rounded one is still at least 2^53).
      if (n < 2 ** 53 && d < 2 ** 53) return n / d;
    }
  }
  return divideToFloat(x, y, scale);
}

/** `divideToFloat(x, y) > limit`, exactly (see above). */
export function quotientExceeds(x: Decimal, y: Decimal, limit: number): boolean {
  if (limit > 0 && limit < Number.MAX_VALUE) {
    const q = estimate(x, y);
    if (q > limit * (1 + 1e-9)) return true;
    if (q < limit * (1 - 1e-9)) return false;
  }
  return divideToFloat(x, y) > limit;
}
