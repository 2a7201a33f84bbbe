/**
 * roundMoney and floorMoney against decimal.js's toDecimalPlaces, which they skip for a value
 * already on the money scale: the same decimal (sign, exponent, digits) for every value, on the
 * scale or not, long or short, zero or negative zero.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dec, Dec as DecCtor, dec } from '../../domain/index.js';
import { floorMoney, MONEY_DP, roundMoney } from './money-scale.js';

const parts = (d: Dec) => [d.s, d.e, d.d === null ? null : [...d.d]];

/** Coefficients up to 45 digits at exponents that put the last digit 30 places either side of the point. */
const decimal = fc.oneof(
  fc
    .tuple(fc.bigInt({ min: -(10n ** 45n), max: 10n ** 45n }), fc.integer({ min: -30, max: 30 }))
    .map(([n, e]) => dec(`${n}e${e}`)),
  // Near the scale: 11..14 decimals, with trailing zeros in the last word.
  fc
    .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 11, max: 14 }), fc.nat(6))
    .map(([n, places, zeros]) => dec(`${n}${'0'.repeat(zeros)}e-${places + zeros}`)),
  fc.constantFrom(
    dec(0),
    dec('-0'),
    dec('1e-12'),
    dec('1e-13'),
    dec('-0.000000000001'),
    dec('123.4560000000000'),
  ),
);

describe('money scale', () => {
  it('rounds as toDecimalPlaces(MONEY_DP) does, half even and down', () => {
    fc.assert(
      fc.property(decimal, (v) => {
        expect(parts(roundMoney(v))).toEqual(parts(v.toDecimalPlaces(MONEY_DP, DecCtor.ROUND_HALF_EVEN)));
        expect(parts(floorMoney(v))).toEqual(parts(v.toDecimalPlaces(MONEY_DP, DecCtor.ROUND_DOWN)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('hands back a value already on the scale itself', () => {
    const fee = dec('0.02345678');
    expect(roundMoney(fee)).toBe(fee);
    expect(floorMoney(fee)).toBe(fee);
    expect(roundMoney(dec('0.0000000000015')).toFixed()).toBe('0.000000000002');
  });
});
