/**
 * Division of decimals, the part of the decimal helper (./money.ts) that divides: `divide` is
 * `x.div(y)` digit for digit with one bigint division instead of decimal.js's long division,
 * `divideToFloat` its double, `divideWithFloat` both, and `divideFloorToStep` sizing's quantity (a quotient floored to
 * the step) without the 40-digit quotient when the operands are short.
 */
import type { Decimal } from 'decimal.js';
import { Dec, digitsOf, floorToStep, fromDigits, placesOfPowerOfTen, scaled, toFloat } from './money.js';

/** 10^i as bigints, for i up to twice our precision and a margin. */
const BIG_POW10 = Array.from({ length: 90 }, (_, i) => 10n ** BigInt(i));
const PRECISION = 40;

/** A finite nonzero decimal's coefficient (every significant digit, as an integer). */
function coefficient(words: readonly number[]): bigint {
  // The first two words as one exact double (under 10^14), then a word at a time.
  let c = BigInt(words.length >= 2 ? words[0]! * 1e7 + words[1]! : words[0]!);
  for (let i = 2; i < words.length; i++) c = c * WORD + BigInt(words[i]!);
  return c;
}

const WORD = 10_000_000n;

/**
 * `x.div(y)` at our precision (40 significant digits, ROUND_HALF_UP), with one integer division
 * instead of decimal.js's long division in base 1e7: the same decimal, digit for digit. The
 * coefficients (Cx, Cy: all significant digits as integers) are divided after Cx is scaled to give
 * a quotient of at least 42 digits; its first 40 digits are kept and rounded half up on the 41st
 * (the digits after it and the remainder cannot change a half-up rounding), at the exponent of the
 * last kept digit. decimal.js's division is correctly rounded, so the two agree (property-tested
 * over 45-digit operands). Zeros, NaN, infinities, exponents beyond ±1000 and decimals of another
 * configuration take x.div(y).
 */
export function divide(x: Decimal, y: Decimal): Decimal {
  if (!quotientDigits(x, y)) return x.div(y);
  return fromDigits(x.s === y.s ? 1 : -1, quotient.digits, quotient.exponent);
}

/**
 * `x.div(y).mul(10^scale).toNumber()` (scale a small whole number: 2 for a percentage): the same
 * double, from the quotient's 40 digits without building the decimal (a JavaScript number parsed
 * from a decimal text is correctly rounded, as decimal.js's toNumber is: it parses its own text).
 */
export function divideToFloat(x: Decimal, y: Decimal, scale = 0): number {
  if (!quotientDigits(x, y))
    return x
      .div(y)
      .mul(10 ** scale)
      .toNumber();
  return Number(`${x.s === y.s ? '' : '-'}${quotient.digits}e${quotient.exponent + scale}`);
}

/**
 * `divide(x, y)`, and into `float.value` its double (`toFloat` of the result: the same number,
 * read from the quotient's digits as divideToFloat reads them, without writing the decimal's
 * words back out as text).
 */
export function divideWithFloat(x: Decimal, y: Decimal, float: { value: number }): Decimal {
  if (!quotientDigits(x, y)) {
    const result = x.div(y);
    float.value = toFloat(result);
    return result;
  }
  const sign = x.s === y.s ? 1 : -1;
  float.value = Number(`${sign < 0 ? '-' : ''}${quotient.digits}e${quotient.exponent}`);
  return fromDigits(sign, quotient.digits, quotient.exponent);
}

/** quotientDigits' answer: the quotient is digits x 10^exponent (its sign is the operands'). */
const quotient = { digits: '', exponent: 0 };

/**
 * x / y rounded half up to 40 significant digits, into `quotient`; false when the shortcut does
 * not apply (zeros, NaN, infinities, exponents beyond ±1000, a decimal of another configuration).
 */
function quotientDigits(x: Decimal, y: Decimal): boolean {
  const xw = x.d;
  const yw = y.d;
  if (
    x.constructor !== Dec ||
    !xw ||
    !yw ||
    xw[0] === 0 ||
    yw[0] === 0 ||
    x.e > 1000 ||
    x.e < -1000 ||
    y.e > 1000 ||
    y.e < -1000
  )
    return false;
  const xDigits = digitsOf(xw);
  const yDigits = digitsOf(yw);
  const shift = Math.max(0, PRECISION + 2 + yDigits - xDigits);
  const digits = ((coefficient(xw) * BIG_POW10[shift]!) / coefficient(yw)).toString();
  // The place (power of ten) of the 40th digit of the quotient.
  quotient.exponent = x.e - xDigits + 1 - (y.e - yDigits + 1) - shift + digits.length - PRECISION;
  const kept = digits.slice(0, PRECISION);
  // '5'..'9' after the 40th digit: up (a carry past 9...9 gives 41 digits, 1 and zeros).
  quotient.digits = digits.charCodeAt(PRECISION) >= 53 ? plusOne(kept) : kept;
  return true;
}

/**
 * The text of a whole number's successor (`(BigInt(digits) + 1n).toString()` without the two
 * conversions): the last digit that is not 9 goes up by one and the 9s after it become 0s; all 9s
 * give 1 and as many 0s.
 */
export function plusOne(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits.charCodeAt(i) === 57) i--;
  const zeros = '0'.repeat(digits.length - 1 - i);
  return i < 0 ? `1${zeros}` : digits.slice(0, i) + String.fromCharCode(digits.charCodeAt(i) + 1) + zeros;
}

/**
 * `floorToStep(divide(x, y), step)` (x and y positive, the step a power of ten no larger than 1),
 * without the 40-digit quotient when x and y are short. Proof: write x / (y x step) as X / Y,
 * both whole numbers (the operands' integers brought to a common power of ten), at most 2^52.
 * One division of doubles and a check of the remainder (exact: every product stays below 2^53)
 * give m = floor(X / Y), so m x step <= x / y < (m + 1) x step. Rounding x / y to 40 digits
 * (what divide does) cannot carry it across either bound: both are decimals of at most 17
 * digits (m < 2^53), which rounding to 40 leaves as they are, and rounding is monotone, so the
 * rounded quotient is at least m x step; and (m + 1) x step exceeds x / y by at least step / Y,
 * which is 1 / X >= 2^-52 of x / y, more than the half unit in the 40th digit (at most
 * 5 x 10^-40 of it) by which rounding moves it, so it stays below (m + 1) x step. Flooring the
 * rounded quotient to the step therefore gives m x step, built here as decimal.js parses it
 * (fromDigits). A zero count (a quotient below one step), long operands, other steps and other
 * signs take the long way.
 */
export function divideFloorToStep(x: Decimal, y: Decimal, step: Decimal): Decimal {
  const places = step.constructor === Dec && x.s === 1 && y.s === 1 ? placesOfPowerOfTen(step) : -1;
  if (places >= 0) {
    const n = scaled(x);
    const p = scaled(y);
    if (n !== null && p !== null && n.integer > 0 && p.integer > 0) {
      // y x step = p x 10^(exponent of y - places); both brought to the smaller exponent.
      const yExponent = p.exponent - places;
      const low = Math.min(n.exponent, yExponent);
      const a = n.exponent - low;
      const b = yExponent - low;
      if (a <= 15 && b <= 15) {
        const X = n.integer * 10 ** a;
        const Y = p.integer * 10 ** b;
        if (X <= 2 ** 52 && Y <= 2 ** 52) {
          let m = Math.floor(X / Y);
          // The division of doubles may round up to the next whole number: the remainder says.
          if (m * Y > X) m--;
          else if (X - m * Y >= Y) m++;
          if (m > 0) return fromDigits(1, String(m), -places);
        }
      }
    }
  }
  return floorToStep(divide(x, y), step);
}
