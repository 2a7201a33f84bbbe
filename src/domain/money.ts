/**
 * The one decimal helper. Prices, quantities and balances are decimal.js values, never floats:
 * 0.1 + 0.2 must be 0.3 when it is somebody's margin.
 */
import { Decimal } from 'decimal.js';
import type { Brand } from './brand.js';

// 40 significant digits covers 1e15 notionals at 1e-12 precision; ROUND_HALF_UP matches Binance's
// price rounding (ccxt priceToPrecision rounds half up); quantity rounding is explicit below.
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_UP,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Dec = Decimal;

export type DecimalInput = Decimal.Value;

export type Price = Brand<Decimal, 'Price'>;
export type Qty = Brand<Decimal, 'Qty'>;
/** An amount of the quote asset (USDT): balances, margin, notional, PnL, fees. */
export type Money = Brand<Decimal, 'Money'>;

/** Parse a decimal, refusing NaN, Infinity and garbage with a message that names the field. */
export function dec(value: DecimalInput, field = 'value'): Decimal {
  // A finite Dec is returned as it is: decimals are immutable, and a copy would be the same value
  // (the constructor copies a decimal's digits without rounding). Only our own clone qualifies: a
  // decimal of another configuration (precision, rounding) must be copied into ours, so its
  // arithmetic runs at our precision (every clone shares one prototype: `constructor` tells them
  // apart).
  if (typeof value === 'object' && value.constructor === Dec && value.isFinite()) return value;
  let d: Decimal;
  try {
    d = new Dec(value);
  } catch {
    throw new TypeError(`${field}: ${JSON.stringify(value)} is not a decimal number`);
  }
  if (!d.isFinite()) throw new TypeError(`${field}: ${String(value)} is not a finite number`);
  return d;
}

export const price = (value: DecimalInput, field = 'price'): Price => dec(value, field) as Price;
export const qty = (value: DecimalInput, field = 'quantity'): Qty => dec(value, field) as Qty;
export const money = (value: DecimalInput, field = 'amount'): Money => dec(value, field) as Money;

export const ZERO = new Dec(0);

/**
 * `value.gt(0)` read from the sign and digits (decimal.js's comparison first copies 0 into a new
 * decimal): positive and not zero; +Infinity counts, NaN does not.
 */
export const isPositive = (value: Decimal): boolean => value.s > 0 && value.d?.[0] !== 0;

/** `value.lt(0)`, likewise: negative and not zero (-0 is not); -Infinity counts, NaN does not. */
export const isNegative = (value: Decimal): boolean => value.s < 0 && value.d?.[0] !== 0;

/** `value.lte(0)`, likewise: zero (either sign) or negative; NaN is neither. */
export const isNotPositive = (value: Decimal): boolean => value.s < 0 || value.d?.[0] === 0;

/**
 * decimal.js keeps 7 digits a word, and our precision is 40 digits: a finite decimal of at most
 * five words (35 digits) comes back digit for digit from a sum with zero, and a product whose two
 * factors have at most five words between them is exact. What lets a first fill or an unmoved
 * price skip an addition of zero or a division that would give its own value back.
 */
const EXACT_WORDS = 5;

/** Does `value` (finite) come back unchanged from adding or taking away zero? (see EXACT_WORDS) */
export const isShortDecimal = (value: Decimal): boolean =>
  (value.d?.length ?? EXACT_WORDS + 1) <= EXACT_WORDS;

/** Is `a` × `b` (both finite) exact at our precision? (see EXACT_WORDS) */
export const isExactProduct = (a: Decimal, b: Decimal): boolean =>
  (a.d?.length ?? EXACT_WORDS) + (b.d?.length ?? EXACT_WORDS) <= EXACT_WORDS;

/**
 * Are `x + y` and `x - y` exact at our precision (no digit rounded away)? Yes when both are
 * finite nonzero decimals of our configuration and every digit a sum or difference can have lies
 * in one window of 40 (the precision): from the place above the larger first digit (a carry) down
 * to the smaller last significant digit. decimal.js computes the exact digits and rounds them to
 * 40 significant ones, which leaves such a result as it is. A caller that knows z = x - y exactly
 * then knows x - z is y, and x - y is z, without working them out again.
 */
export function isExactSum(x: Decimal, y: Decimal): boolean {
  const xd = x.d;
  const yd = y.d;
  if (!xd || !yd || xd[0] === 0 || yd[0] === 0 || x.constructor !== Dec || y.constructor !== Dec)
    return false;
  const xLast = x.e - significantDigits(xd) + 1;
  const yLast = y.e - significantDigits(yd) + 1;
  const top = Math.max(x.e, y.e) + 1;
  return top - Math.min(xLast, yLast) + 1 <= 40;
}

/**
 * `x.plus(y)`, the same decimal, without decimal.js's copy when one side is zero: it returns the
 * other side rounded to our precision, which leaves a short decimal as it is (isShortDecimal), so
 * that one is returned itself. Sums that start from zero or add a zero (a first fill's quantity,
 * an opening fill's realised PnL) take this way, and two zeros when the sum is x (decimal.js
 * gives -0 only for two negative zeros, +0 otherwise); long values and decimals of another
 * configuration go to plus.
 */
export function add(x: Decimal, y: Decimal): Decimal {
  const xd = x.d;
  const yd = y.d;
  if (xd && yd && x.constructor === Dec && y.constructor === Dec) {
    if (yd[0] === 0) {
      if (xd[0] !== 0 ? xd.length <= EXACT_WORDS : x.s === y.s || x.s > 0) return x;
    } else if (xd[0] === 0 && yd.length <= EXACT_WORDS) return y;
  }
  return x.plus(y);
}

/**
 * `x.abs()`, without decimal.js's copy for a short decimal that is not negative (+0 included):
 * x itself, the same digits. Negative, long, non-finite values and decimals of another
 * configuration go to abs.
 */
export function abs(x: Decimal): Decimal {
  const d = x.d;
  return x.s > 0 && d && d.length <= EXACT_WORDS && x.constructor === Dec ? x : x.abs();
}

/** Exact powers of ten as doubles (10^22 is the largest one a double holds exactly). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

// digitsOf, scaled, placesOfPowerOfTen and fromDigits read or write decimal.js's
// representation; they are exported for ./division.ts, the rest of the decimal helper.

/** Significant digits of decimal.js's words (base 1e7, most significant first, no leading zeros). */
export function digitsOf(words: readonly number[]): number {
  const first = words[0]!;
  const lead =
    first < 10
      ? 1
      : first < 100
        ? 2
        : first < 1e3
          ? 3
          : first < 1e4
            ? 4
            : first < 1e5
              ? 5
              : first < 1e6
                ? 6
                : 7;
  return lead + 7 * (words.length - 1);
}

/**
 * Significant digits of decimal.js's words without the zeros that pad the last word (digitsOf
 * counts them: a 40-digit quotient often spans 45 word digits).
 */
function significantDigits(words: readonly number[]): number {
  let n = digitsOf(words);
  if (words.length > 1) for (let w = words[words.length - 1]!; w % 10 === 0; w /= 10) n--;
  return n;
}

/** The words as one integer (exact while it has at most 15 digits: callers check digitsOf first). */
function integerOf(words: readonly number[]): number {
  let n = words[0]!;
  for (let i = 1; i < words.length; i++) n = n * 1e7 + words[i]!;
  return n;
}

/**
 * `value.toNumber()`, without its trip through text when the value allows: a decimal of at most
 * 15 significant digits is an integer N < 10^15 times 10^k; for |k| <= 22 both N and 10^|k| are
 * exact doubles, and one IEEE multiplication or division rounds correctly, which is exactly what
 * Number(text) returns (Clinger's fast path). Other finite values are parsed from their digits
 * (textToFloat); NaN and infinities go through toNumber(). Reads decimal.js's documented digits
 * (`d`, base 1e7 words, most significant first), exponent (`e`, base 10) and sign (`s`).
 */
export function toFloat(value: Decimal): number {
  const words = value.d;
  if (!words) return value.toNumber();
  if (words.length > 3) return textToFloat(value, words);
  const first = words[0]!;
  if (first === 0) return value.s < 0 ? -0 : 0;
  const digits = digitsOf(words);
  if (digits > 15) return textToFloat(value, words);
  const n = integerOf(words);
  const k = value.e - digits + 1;
  let x: number;
  if (k >= 0) {
    if (k > 22) return textToFloat(value, words);
    x = n * POW10[k]!;
  } else {
    if (k < -22) return textToFloat(value, words);
    x = n / POW10[-k]!;
  }
  return value.s < 0 ? -x : x;
}

/**
 * A double within 2^-51 of `value` (relative), for float pre-checks whose margins allow that much
 * (toFloat is within 2^-53): a decimal of at most three words (21 digits, a balance of 12
 * decimals) is read as (w0 x 10^7 + w1) x 10^7 + w2 times a power of ten up to 10^22, three
 * roundings of doubles at most (w0 x 10^7 + w1 is exact), without toFloat's text for more than
 * 15 digits. Anything else is toFloat itself.
 */
export function nearFloat(value: Decimal): number {
  const words = value.d;
  if (!words || words.length > 3 || words[0] === 0) return toFloat(value);
  const k = value.e - digitsOf(words) + 1;
  if (k > 22 || k < -22) return toFloat(value);
  const n = integerOf(words);
  const x = k >= 0 ? n * POW10[k]! : n / POW10[-k]!;
  return value.s < 0 ? -x : x;
}

/**
 * A finite nonzero decimal as a double, parsed from its digits written as an integer with an
 * exponent: the same value as the text toNumber() parses (decimal.js writes it with a point, or
 * zeros, instead), and JavaScript parses any decimal text correctly rounded, so the same double,
 * without decimal.js's formatting on the way.
 */
function textToFloat(value: Decimal, words: readonly number[]): number {
  let digits = String(words[0]);
  for (let i = 1; i < words.length; i++) {
    const w = String(words[i]);
    digits += '0000000'.slice(w.length) + w;
  }
  return Number(`${value.s < 0 ? '-' : ''}${digits}e${value.e - digits.length + 1}`);
}

/** A decimal of at most 15 significant digits as integer x 10^exponent, or null (more digits, NaN, infinite). */
export function scaled(value: Decimal): { integer: number; exponent: number } | null {
  const exponent = shortExponent(value);
  return Number.isNaN(exponent) ? null : { integer: integerOf(value.d), exponent };
}

/**
 * scaled()'s exponent (value = integerOf(value.d) x 10^exponent), or NaN when `value` has more
 * than 15 significant digits or is not finite. Read without an object where a caller only needs
 * the numbers (isMultipleOf, asked by every tick rounding).
 */
function shortExponent(value: Decimal): number {
  const words = value.d;
  if (!words || words.length > 3) return Number.NaN;
  const digits = digitsOf(words);
  return digits > 15 ? Number.NaN : value.e - digits + 1;
}

/**
 * Is `value` a whole multiple of `step` (a price of the tick, a quantity of the step)? The answer
 * of `value.mod(step).isZero()`, without a decimal division when both are short: as integers
 * times powers of ten, brought to the smaller power they are exact integers, and when both stay
 * at most 2^53 the remainder of doubles is exact. Anything else asks decimal.js.
 */
export function isMultipleOf(value: Decimal, step: Decimal): boolean {
  return multipleByIntegers(value, step) ?? value.mod(step).isZero();
}

/** isMultipleOf's exact shortcut: undefined when the values do not fit it (see shortExponent). */
function multipleByIntegers(value: Decimal, step: Decimal): boolean | undefined {
  const vExponent = shortExponent(value);
  const sExponent = step.isZero() ? Number.NaN : shortExponent(step);
  if (Number.isNaN(vExponent) || Number.isNaN(sExponent)) return undefined;
  const vInteger = integerOf(value.d);
  if (vInteger === 0) return true;
  const low = Math.min(vExponent, sExponent);
  const a = vExponent - low;
  const b = sExponent - low;
  if (a > 22 || b > 22) return undefined;
  const x = vInteger * POW10[a]!;
  const y = integerOf(step.d) * POW10[b]!;
  if (x > Number.MAX_SAFE_INTEGER || y > Number.MAX_SAFE_INTEGER) return undefined;
  return x % y === 0;
}

/**
 * A value the shortcut shows to be on the grid already: rounding gives it back as it is. Without
 * the shortcut the rounding below decides (no decimal remainder first: that costs a division).
 */
const onGrid = (value: Decimal, grid: Decimal): boolean => multipleByIntegers(value, grid) === true;

/**
 * Decimal places of a grid that is a power of ten no larger than 1 (0.01 -> 2, 1 -> 0), or -1
 * for any other grid. Reads decimal.js's words: one word that is itself a power of ten is a
 * single significant digit 1.
 */
export function placesOfPowerOfTen(grid: Decimal): number {
  const words = grid.d;
  if (words?.length !== 1 || grid.s !== 1 || grid.e > 0) return -1;
  const w = words[0]!;
  return w === 1 || w === 10 || w === 100 || w === 1e3 || w === 1e4 || w === 1e5 || w === 1e6 ? -grid.e : -1;
}

/**
 * `value.div(grid).<round>().mul(grid)` for a grid of 10^-places, done as one rounding to
 * `places` decimals, or null when that shortcut does not hold. Dividing by a power of ten only
 * moves the point, so with at most 40 significant digits (our precision) the quotient, its
 * rounding and the product are exact and equal a direct rounding to `places` decimals; a value of
 * more digits would first be rounded to 40 by the division, and takes the long way.
 */
function roundToPlaces(value: Decimal, grid: Decimal, mode: Decimal.Rounding): Decimal | null {
  const words = value.d;
  if (!words || significantDigits(words) > 40) return null;
  const places = placesOfPowerOfTen(grid);
  return places < 0 ? null : value.toDecimalPlaces(places, mode);
}

/** Round a quantity DOWN to the symbol's step (never buy more than the margin pays for). */
export function floorToStep<T extends Decimal>(value: T, step: DecimalInput): T {
  const s = dec(step, 'stepSize');
  if (isNotPositive(s)) return value;
  // Already on the step: the division, floor and product would give the same value back.
  if (onGrid(value, s)) return value;
  return (roundToPlaces(value, s, Decimal.ROUND_FLOOR) ?? value.div(s).floor().mul(s)) as T;
}

/** Round a price to the nearest tick, half up, as Binance and ccxt do. */
export function roundToTick<T extends Decimal>(value: T, tick: DecimalInput): T {
  const t = dec(tick, 'tickSize');
  if (isNotPositive(t)) return value;
  if (onGrid(value, t)) return value;
  return (roundToPlaces(value, t, Decimal.ROUND_HALF_UP) ??
    value.div(t).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).mul(t)) as T;
}

/** Round a price to a tick in the direction that keeps a stop or target conservative. */
export function roundToTickDirected<T extends Decimal>(
  value: T,
  tick: DecimalInput,
  direction: 'up' | 'down',
): T {
  const t = dec(tick, 'tickSize');
  if (isNotPositive(t)) return value;
  if (onGrid(value, t)) return value;
  const quick = roundToPlaces(value, t, direction === 'up' ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR);
  if (quick !== null) return quick as T;
  const steps = value.div(t);
  return (direction === 'up' ? steps.ceil() : steps.floor()).mul(t) as T;
}

/**
 * `roundToTickDirected(dec(value), tick, direction)` for a float (a price the slippage moved),
 * without parsing the float's text when the answer is plain: for a positive value and a tick of
 * 10^-p, y = value x 10^p is one correctly rounded product, and the decimal of the value's text
 * (within half an ulp of it) times 10^p lies within 1.5 ulps of y. When y is farther than that
 * from the nearest whole number (checked with a margin: 2^-49 of y), the decimal answer and y
 * round to the same whole number k, and the answer is k x 10^-p. Anything else (a value on or
 * near the grid, another tick, zero, NaN, a y beyond 2^40) takes the decimal way.
 */
export function roundFloatToTickDirected(value: number, tick: Decimal, direction: 'up' | 'down'): Decimal {
  const places = tick.constructor === Dec ? placesOfPowerOfTen(tick) : -1;
  if (places >= 0 && places <= 22 && value > 0) {
    const y = value * POW10[places]!;
    if (y < 2 ** 40) {
      const below = Math.floor(y);
      const margin = y * 2 ** -49;
      if (y - below > margin && below + 1 - y > margin) {
        const k = direction === 'up' ? below + 1 : below;
        if (k > 0) return fromDigits(1, String(k), -places);
      }
    }
  }
  return roundToTickDirected(dec(value), tick, direction);
}

/**
 * The decimal sign x digits x 10^exponent (digits: a nonzero integer's text), built as decimal.js
 * builds a parsed one: trailing zeros dropped, `e` the exponent of the first digit, the digits in
 * words of seven aligned on the decimal point (decimal.js's parseDecimal), the last word padded.
 * Writing the three properties saves the parse of a text (~1 µs); the property tests compare them
 * with decimal.js's own results.
 */
export function fromDigits(sign: number, digits: string, exponent: number): Decimal {
  let len = digits.length;
  while (digits.charCodeAt(len - 1) === 48) len--;
  const e = exponent + (digits.length - 1);
  // Digits in the first word: (e + 1) mod 7, a whole word (7) when that is 0.
  let room = (e + 1) % 7;
  if (room <= 0) room += 7;
  const words: number[] = [];
  // Each word read digit by digit (no substring per word); the last one padded with zeros.
  let word = 0;
  for (let i = 0; i < len; i++) {
    word = word * 10 + (digits.charCodeAt(i) - 48);
    if (--room === 0) {
      words.push(word);
      word = 0;
      room = 7;
    }
  }
  if (room !== 7) words.push((word * POW10[room]!) | 0);
  return decimalOfParts(sign, e, words);
}

/**
 * A decimal from decimal.js's documented representation: sign `s`, exponent `e` of the first
 * digit, digits `d` in words of seven on aligned powers of ten (no trailing zero word). For
 * callers that computed those parts themselves; they are not checked.
 */
export function decimalOfParts(sign: number, exponent: number, words: number[]): Decimal {
  // decimal.js declares the three read-only (they are its documented representation, which
  // callers are not meant to change); this one is ours until it is returned.
  const result = new Dec(0) as unknown as { s: number; e: number; d: number[] };
  result.s = sign;
  result.e = exponent;
  result.d = words;
  return result as unknown as Decimal;
}

/** Decimal places a step or tick size implies ("0.001" -> 3), for formatting exchange strings. */
export function decimalsOf(step: DecimalInput): number {
  return dec(step, 'step').decimalPlaces();
}

/** Exchange wire format: plain decimal string, no exponent, no trailing zeros beyond the step. */
export function toWire(value: Decimal, step?: DecimalInput): string {
  return step === undefined ? value.toFixed() : value.toFixed(decimalsOf(step));
}
