import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare } from './decimal-order.js';
import { Dec } from './money.js';

describe('compare', () => {
  /** Decimals of 1 to 45 digits, any sign, exponents close together (equal ones often). */
  const decimal = fc
    .tuple(fc.constantFrom('', '-'), fc.stringMatching(/^[1-9][0-9]{0,44}$/), fc.integer({ min: -3, max: 3 }))
    .map(([sign, digits, exponent]) => new Dec(`${sign}${digits}e${exponent}`));
  const special = fc
    .constantFrom('0', '-0', 'NaN', 'Infinity', '-Infinity', '1', '-1')
    .map((v) => new Dec(v));

  it('answers as cmp, for prefixes, equal values, zeros, NaN and infinities', () => {
    fc.assert(
      fc.property(fc.oneof(decimal, special), fc.oneof(decimal, special), (a, b) => {
        expect(compare(a, b)).toBe(a.cmp(b));
        // A value and its own prefix or extension: the words' lengths decide.
        const c = a.toSignificantDigits(5);
        expect(compare(a, c)).toBe(a.cmp(c));
        expect(compare(c, a)).toBe(c.cmp(a));
        expect(compare(a, new Dec(a))).toBe(a.cmp(new Dec(a)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('asks decimal.js for a decimal of another configuration', () => {
    const Short = Dec.clone({ precision: 5 });
    expect(compare(new Dec('1.5'), new Short('1.5'))).toBe(new Dec('1.5').cmp(new Short('1.5')));
    expect(compare(new Short('2'), new Dec('1.99999999'))).toBe(1);
  });
});
