import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, divideToFloat } from '../domain/index.js';
import { quotientExceeds, quotientToFloat } from './quotient-exceeds.js';

/** A decimal of up to 45 digits (more than our precision), exponents -30..30, any sign. */
const decimal = fc
  .tuple(fc.boolean(), fc.stringMatching(/^[1-9][0-9]{0,44}$/), fc.integer({ min: -30, max: 30 }))
  .map(([negative, digits, exponent]) => new Dec(`${negative ? '-' : ''}${digits}e${exponent}`));
const positive = decimal.map((d) => d.abs());

/** The doubles next to x (x > 0). */
const below = (x: number) => x - x * 2 ** -53;
const above = (x: number) => x + x * 2 ** -52;

describe('quotientExceeds', () => {
  it('answers divideToFloat(x, y) > limit, for limits near and far from the quotient', () => {
    fc.assert(
      fc.property(positive, positive, fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (x, y, far) => {
        const q = divideToFloat(x, y);
        for (const limit of [
          q,
          below(q),
          above(q),
          q * (1 + 1e-12),
          q * (1 - 1e-12),
          q * 1.5,
          q / 1.5,
          far,
        ]) {
          expect(quotientExceeds(x, y, limit)).toBe(divideToFloat(x, y) > limit);
        }
      }),
      { numRuns: 20_000 },
    );
  });

  it('answers as the division does for signs, zeros, NaN, infinities and odd limits', () => {
    const values = ['0', '-0', '-2', '3', 'NaN', 'Infinity', '-Infinity', '1e-40', '7e40'].map(
      (v) => new Dec(v),
    );
    const limits = [0, -1, 1, 6, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_VALUE, 5e-324];
    for (const x of values)
      for (const y of values)
        for (const limit of limits) expect(quotientExceeds(x, y, limit)).toBe(divideToFloat(x, y) > limit);
  });

  it('agrees on decimals of another precision and signs mixed with a near limit', () => {
    const Short = Dec.clone({ precision: 5 });
    fc.assert(
      fc.property(decimal, decimal, (x, y) => {
        const q = divideToFloat(x, y);
        for (const limit of [q, above(Math.abs(q)), 6]) {
          expect(quotientExceeds(x, y, limit)).toBe(divideToFloat(x, y) > limit);
          const xs = new Short(x.toString());
          expect(quotientExceeds(xs, y, limit)).toBe(divideToFloat(xs, y) > limit);
        }
      }),
      { numRuns: 5_000 },
    );
  });
});

/** A decimal of up to 17 digits (tick-rounded prices and more), exponents -20..20, any sign. */
const short = fc
  .tuple(fc.boolean(), fc.stringMatching(/^[1-9][0-9]{0,16}$/), fc.integer({ min: -20, max: 20 }))
  .map(([negative, digits, exponent]) => new Dec(`${negative ? '-' : ''}${digits}e${exponent}`));

describe('quotientToFloat', () => {
  it('gives divideToFloat(x, y, scale) for short and long operands, any scale', () => {
    fc.assert(
      fc.property(
        fc.oneof(short, decimal),
        fc.oneof(short, decimal),
        fc.integer({ min: 0, max: 4 }),
        (x, y, scale) => {
          expect(quotientToFloat(x, y, scale)).toBe(divideToFloat(x, y, scale));
        },
      ),
      { numRuns: 50_000 },
    );
  });

  it('prices and distances as the validation divides them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.integer({ min: 1, max: 999_999 }),
        fc.integer({ min: 0, max: 8 }),
        (priceUnits, distanceUnits, places) => {
          const entry = new Dec(`${priceUnits}e-${places}`);
          const distance = new Dec(`${distanceUnits}e-${places}`);
          expect(quotientToFloat(distance, entry, 2)).toBe(divideToFloat(distance, entry, 2));
          expect(quotientToFloat(entry, distance)).toBe(divideToFloat(entry, distance));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('refuses a scaled operand over 2^53, whose double product is rounded', () => {
    // 626462810368644 x 10^5 / 80896 as doubles is 774405175000796; the quotient's own double is
    // 774405175000796.1. Without the 2^53 guard on n x 10^k the shortcut would answer the first.
    const x = new Dec('626462810368644');
    const y = new Dec('0.80896');
    expect((626462810368644 * 1e5) / 80896).toBe(774405175000796);
    expect(quotientToFloat(x, y)).toBe(774405175000796.1);
    expect(quotientToFloat(x, y)).toBe(divideToFloat(x, y));
    // The same for the divisor scaled instead, and coefficients at and past 2^53.
    const big = new Dec('8543734320847098');
    expect(quotientToFloat(big, new Dec('589.788'))).toBe(divideToFloat(big, new Dec('589.788')));
    for (const c of ['9007199254740991', '9007199254740992', '9007199254740993', '12345678901234567891']) {
      expect(quotientToFloat(new Dec(c), new Dec('3'))).toBe(divideToFloat(new Dec(c), new Dec('3')));
      expect(quotientToFloat(new Dec('7'), new Dec(c), 2)).toBe(divideToFloat(new Dec('7'), new Dec(c), 2));
    }
  });

  it('answers as divideToFloat for signs, zeros, NaN, infinities and another precision', () => {
    const values = ['0', '-0', '-2', '3', 'NaN', 'Infinity', '-Infinity', '1e-40', '7e40'].map(
      (v) => new Dec(v),
    );
    for (const x of values)
      for (const y of values) expect(quotientToFloat(x, y, 2)).toBe(divideToFloat(x, y, 2));
    const Short = Dec.clone({ precision: 5 });
    const x = new Short('1.23456789');
    expect(quotientToFloat(x, new Dec('7'))).toBe(divideToFloat(x, new Dec('7')));
  });
});
