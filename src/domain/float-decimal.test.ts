import type { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalOf, decimalOfFloat } from './float-decimal.js';
import { Dec } from './money.js';

/** decimal.js's representation: what must be the same, not only the value. */
const parts = (v: Decimal) => ({ s: v.s, e: v.e, d: v.d, constructor: v.constructor });

describe('decimalOf', () => {
  it('lays out c x 10^k as decimal.js parses it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: -40, max: 40 }),
        fc.constantFrom(1, -1),
        (c, k, sign) => {
          expect(parts(decimalOf(sign, c, k))).toEqual(parts(new Dec(`${sign < 0 ? '-' : ''}${c}e${k}`)));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

describe('decimalOfFloat', () => {
  const price = fc
    .tuple(fc.integer({ min: 1, max: 99_999_999_999 }), fc.integer({ min: 0, max: 16 }))
    .map(([n, p]) => n / 10 ** p);

  it('is new Dec(x) for prices, integers and any double', () => {
    fc.assert(
      fc.property(
        fc.oneof(price, fc.double({ noNaN: true }), fc.integer(), fc.double({ min: 1e-9, max: 1e9 })),
        (x) => {
          expect(parts(decimalOfFloat(x))).toEqual(parts(new Dec(x)));
        },
      ),
      { numRuns: 50_000 },
    );
  });

  it('near powers of ten, at 14 and 15 digits, and the values decimal.js treats apart', () => {
    const values = [
      0.1,
      0.3,
      1 - 2 ** -53,
      1 + 2 ** -52,
      10 - 2 ** -49,
      99999999999999,
      99999999999999.9,
      1e14,
      123456789012345,
      12345678901234.5,
      0.12345678901234,
      1.2345678901234e-9,
      5e-324,
      1e-22,
      1e-23,
      0,
      -0,
      -1.5,
      2 ** 53,
      1e21,
      1e22,
      Number.MAX_VALUE,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
    ];
    for (const x of values) expect(parts(decimalOfFloat(x))).toEqual(parts(new Dec(x)));
  });
});
