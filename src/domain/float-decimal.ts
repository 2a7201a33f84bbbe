/**
 * A float's decimal (what `new Dec(x)` parses from x's shortest text) without printing and parsing
 * that text, for the short decimals prices have: the analyst context's price, made once per
 * candidate of every backtest scan, and the simulator's last and mark prices as decimals (read by
 * every order it takes), where decimal.js's toString-and-parse of a float cost more than the rest
 * of the work around it. The result is laid out as decimal.js lays out its own (words of
 * seven digits aligned on powers of ten 7m..7m+6, no trailing zero word): the property tests
 * compare the representation itself. Anything else parses the text.
 */
import type { Decimal } from 'decimal.js';
import { Dec, decimalOfParts } from './money.js';

/** Exact powers of ten as doubles (10^22 is the largest one a double holds exactly). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Digits of a whole number 1 <= c < 2^53. */
function digitCount(c: number): number {
  let n = 1;
  while (n < 16 && c >= (POW10[n] as number)) n++;
  return n;
}

/**
 * sign x c x 10^k (c a whole number, 0 < c < 2^53) as decimal.js's representation: `e` the
 * exponent of the first digit, the digits in words of seven on aligned powers (7m..7m+6, the last
 * word padded with zeros, no trailing zero word), the sign in `s`. Whole numbers are split by
 * division and product, exact here (no remainder of doubles: `%` on a number past 2^31 is a call).
 */
export function decimalOf(sign: number, c: number, k: number): Decimal {
  const e = digitCount(c) - 1 + k;
  // The last word holds the powers 7m..7m+6 around k: `pad` zeros after c's last digit.
  const pad = ((k % 7) + 7) % 7;
  const size = POW10[7 - pad] as number;
  // floor(c / size) is exact: c / size rounds to the whole number above only when it lies within
  // half an ulp of it, less than 1 / size for c < 2^53; the remainder checks it anyway.
  let rest = Math.floor(c / size);
  let low = c - rest * size;
  if (low < 0) {
    rest--;
    low += size;
  }
  // Words as small integers (| 0: each is under 10^7), the element kind of decimal.js's own
  // arrays: an array of doubles would be a second kind in every decimal.js function.
  const words: number[] = [(low * (POW10[pad] as number)) | 0];
  while (rest > 0) {
    const high = Math.floor(rest / 1e7);
    words.push((rest - high * 1e7) | 0);
    rest = high;
  }
  words.reverse();
  while (words[words.length - 1] === 0) words.pop();
  return decimalOfParts(sign, e, words);
}

/**
 * `new Dec(x)` for a finite double: decimal.js parses x's shortest text (the fewest digits that
 * read back as x). Without the text: the first number of places p whose n = round(x x 10^p) reads
 * back as x (n / 10^p === x: both exact doubles, one correctly rounded division, which is what
 * reading the text "n e-p" gives) is that text when n has at most 14 digits. Why: candidates p
 * places apart are 10^-p >= 10^(E-13) apart (E: x's decimal exponent), more than the width of the
 * doubles that read as x (an ulp, < 2.3 x 10^(E-15)), so at most one reads back at p places; and a
 * shorter text at more places would need 16 or more digits (it could only be shorter by sitting
 * on the other side of a power of ten, an ulp away). Anything else parses the text.
 */
export function decimalOfFloat(x: number): Decimal {
  const ax = x < 0 ? -x : x;
  if (ax > 0 && ax < 1e14) {
    for (let p = 0; p <= 22; p++) {
      const scale = POW10[p] as number;
      const n = Math.round(ax * scale);
      if (n >= 1e14) break;
      if (n > 0 && n / scale === ax) return decimalOf(x < 0 ? -1 : 1, n, -p);
    }
  }
  return new Dec(x);
}
