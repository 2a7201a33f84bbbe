/**
 * Decimals for property tests of the money code: any decimal as text, and decimal.js's
 * representation of one (what two ways of computing a decimal must agree on, not only its value).
 */
import type { Decimal } from 'decimal.js';
import fc from 'fast-check';

/** A decimal written as text: sign, up to 45 digits, a point anywhere, an exponent. */
export const decimalText = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^[0-9]{1,45}$/),
    fc.nat({ max: 45 }),
    fc.integer({ min: -40, max: 40 }),
  )
  .map(([negative, digits, point, exponent]) => {
    const at = Math.min(point, digits.length);
    const body = at === 0 ? digits : `${digits.slice(0, at)}.${digits.slice(at)}`;
    return `${negative ? '-' : ''}${body}e${exponent}`;
  });

/** Sign, exponent and words of a decimal. */
export const parts = (d: Decimal) => [d.s, d.e, d.d === null ? null : [...d.d]];
