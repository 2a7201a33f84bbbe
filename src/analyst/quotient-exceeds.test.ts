import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, divideToFloat } from '../domain/index.js';
import { quotientExceeds } from './quotient-exceeds.js';

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
