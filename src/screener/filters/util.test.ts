import { describe, expect, it } from 'vitest';
import { fmt } from './util.js';

describe('fmt (numbers in reasons)', () => {
  it('keeps 4 significant digits and drops trailing zeros', () => {
    expect(fmt(96548.9)).toBe('96549');
    expect(fmt(3348.63)).toBe('3349');
    expect(fmt(2.10553)).toBe('2.106');
    expect(fmt(0.00012345)).toBe('0.0001235');
    expect(fmt(1.5)).toBe('1.5');
    expect(fmt(-0.6014, 3)).toBe('-0.601');
    expect(fmt(9.99996)).toBe('10');
    expect(fmt(0)).toBe('0');
    expect(fmt(110, 6)).toBe('110');
  });

  it('says n/a for what is not a number and prints garbage plainly', () => {
    expect(fmt(Number.NaN)).toBe('n/a');
    expect(fmt(Number.POSITIVE_INFINITY)).toBe('n/a');
    expect(fmt(-5e-324)).toBe('-4.941e-324');
  });

  it('agrees with toPrecision on ordinary values', () => {
    for (const x of [0.1234567, 12.34567, 123.4567, 1234.567, 0.000987654, 42.00001, 7.77777]) {
      expect(fmt(x)).toBe(String(Number(x.toPrecision(4))));
    }
  });
});
