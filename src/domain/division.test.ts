import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalText, parts } from '../../test/support/decimals.js';
import { divide, divideFloorToStep, divideToFloat, divideWithFloat, plusOne } from './division.js';
import { Dec, floorToStep, toFloat } from './money.js';

describe('divide', () => {
  it('is x.div(y), word for word, for any two decimals of up to 45 digits', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const x = new Dec(a);
        const y = new Dec(b);
        expect(parts(divide(x, y))).toEqual(parts(x.div(y)));
      }),
      { numRuns: 50_000 },
    );
  });

  it('is x.div(y) for prices, quantities and their products (the trade path)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 53 - 1 }),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 0, max: 8 }),
        fc.boolean(),
        (p, pd, q, qd, negative) => {
          const price = new Dec(p).div(10 ** pd);
          const qty = new Dec(q).div(10 ** qd);
          const signed = negative ? qty.neg() : qty;
          for (const [x, y] of [
            [price, qty],
            [signed, price],
            [price.mul(qty), signed],
            [price.mul(qty).plus(1), price.minus(qty).plus('0.5')],
            [new Dec(1), price],
          ] as const) {
            expect(parts(divide(x, y))).toEqual(parts(x.div(y)));
          }
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('rounds half up at the 41st digit, carries past nines, keeps the signs', () => {
    const forty = '1234567890123456789012345678901234567890';
    for (const [a, b] of [
      [`${forty}5`, '1'], // a tie: up
      [`${forty}4999999`, '1'],
      [`-${forty}5`, '1'], // a tie of a negative: away from zero
      ['9'.repeat(41), '1'], // carries to 1e41
      ['-9'.repeat(1) + '9'.repeat(44), '-3'],
      ['2', '3'],
      ['-2', '3'],
      ['1', '-7'],
      ['1e-30', '3e30'],
      ['7e1000', '3'], // beyond the shortcut's exponents: decimal.js decides
      ['0', '3'],
      ['-0', '3'],
      ['3', '0'],
      ['0', '0'],
      ['Infinity', '3'],
      ['3', '-Infinity'],
      ['NaN', '3'],
    ]) {
      const x = new Dec(a!);
      const y = new Dec(b!);
      expect(parts(divide(x, y)), `${a} / ${b}`).toEqual(parts(x.div(y)));
      expect(Object.is(divide(x, y).toNumber(), x.div(y).toNumber())).toBe(true);
    }
  });

  it('leaves a decimal of another configuration to its own division', () => {
    const Short = Decimal.clone({ precision: 5, rounding: Decimal.ROUND_DOWN });
    const x = new Short(2);
    const got = divide(x, new Dec(3));
    expect(got.constructor).toBe(Short);
    expect(got.toString()).toBe('0.66666');
  });
});

describe('divideToFloat', () => {
  it('is x.div(y).mul(10^scale).toNumber(), bit for bit', () => {
    fc.assert(
      fc.property(decimalText, decimalText, fc.integer({ min: 0, max: 4 }), (a, b, scale) => {
        const x = new Dec(a);
        const y = new Dec(b);
        const want = x
          .div(y)
          .mul(10 ** scale)
          .toNumber();
        expect(Object.is(divideToFloat(x, y, scale), want)).toBe(true);
      }),
      { numRuns: 50_000 },
    );
  });

  it('is the same for distances and prices (stop percentages, reward-to-risk)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 53 - 1 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 10 }),
        (p, distance, decimals) => {
          const entry = new Dec(p).div(10 ** decimals);
          const d = new Dec(distance).div(10 ** decimals);
          expect(Object.is(divideToFloat(d, entry, 2), d.div(entry).mul(100).toNumber())).toBe(true);
          expect(Object.is(divideToFloat(entry, d), entry.div(d).toNumber())).toBe(true);
        },
      ),
      { numRuns: 20_000 },
    );
  });
});

describe('divideFloorToStep', () => {
  const slow = (x: Decimal, y: Decimal, step: Decimal) => floorToStep(divide(x, y), step);
  const steps = ['1', '0.1', '0.01', '0.001', '0.00001', '1e-8', '1e-12', '10', '0.5', '0.0025'].map(
    (s) => new Dec(s),
  );

  // Short integers (the shortcut's) and long ones (the long way).
  const whole = fc.oneof(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 1, max: 2 ** 53 - 1 }));

  it('is floorToStep(divide(x, y), step) for notionals over prices (sizing)', () => {
    fc.assert(
      fc.property(
        whole,
        fc.integer({ min: -4, max: 12 }),
        whole,
        fc.integer({ min: -4, max: 16 }),
        fc.constantFrom(...steps),
        (n, nd, p, pd, step) => {
          const x = new Dec(`${n}e${-nd}`);
          const y = new Dec(`${p}e${-pd}`);
          expect(parts(divideFloorToStep(x, y, step))).toEqual(parts(slow(x, y, step)));
        },
      ),
      { numRuns: 50_000 },
    );
  });

  it('is the same for any two decimals and signs, short or long', () => {
    fc.assert(
      fc.property(decimalText, decimalText, fc.constantFrom(...steps), (a, b, step) => {
        const x = new Dec(a);
        const y = new Dec(b);
        if (y.isZero()) return;
        expect(parts(divideFloorToStep(x, y, step))).toEqual(parts(slow(x, y, step)));
      }),
      { numRuns: 30_000 },
    );
  });

  it('at the boundaries: exact multiples, one step below, below one step, near 2^52', () => {
    const cases: [string, string, string][] = [
      ['1000', '0.25', '1'], // exactly 4000 steps
      ['1000', '0.2500001', '1'], // just below 4000
      ['1000', '0.2499999', '1'], // just above 4000
      ['999.999', '1', '0.001'],
      ['1', '3', '1'], // below one step: zero, the long way
      ['0.000001', '7', '0.001'],
      [String(2 ** 52), '1', '1'],
      [String(2 ** 52 + 2), '1', '1'], // past 2^52: the long way
      [String(2 ** 52 - 1), '3', '1'],
      ['4503599627370495', '4503599627370496', '1e-15'],
      ['1e21', '3', '0.001'],
      ['100', '33.3333333333333', '0.000001'],
      ['-1000', '0.25', '1'],
      ['1000', '-0.25', '1'],
      ['0', '0.25', '1'],
    ];
    for (const [a, b, s] of cases) {
      const x = new Dec(a);
      const y = new Dec(b);
      const step = new Dec(s);
      expect(parts(divideFloorToStep(x, y, step)), `${a} / ${b} to ${s}`).toEqual(parts(slow(x, y, step)));
    }
  });
});

describe('divideWithFloat', () => {
  const check = (x: Decimal, y: Decimal) => {
    const float = { value: Number.NaN };
    const got = divideWithFloat(x, y, float);
    const want = x.div(y);
    expect(parts(got)).toEqual(parts(want));
    expect(Object.is(float.value, toFloat(want))).toBe(true);
    expect(Object.is(float.value, want.toNumber())).toBe(true);
  };

  it('is x.div(y) and its toFloat, bit for bit, for any two decimals of up to 45 digits', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => check(new Dec(a), new Dec(b))),
      { numRuns: 30_000 },
    );
  });

  it('for liquidation prices: (wallet - amt x entry) / (|amt| x rate - amt)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 12 }),
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 1, max: 10 ** 10 }),
        fc.constantFrom('0.004', '0.005', '0.01', '0.025', '0.5'),
        fc.boolean(),
        (wallet, qty, entry, rate, short) => {
          const amt = new Dec(`${short ? '-' : ''}${qty}e-3`);
          const w = new Dec(`${wallet}e-6`);
          check(w.minus(amt.mul(new Dec(`${entry}e-2`))), amt.abs().mul(rate).minus(amt));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('at the edges: zeros, infinities, a carry past nines, far exponents', () => {
    for (const [a, b] of [
      ['9'.repeat(41), '1'],
      ['-2', '3'],
      ['0', '3'],
      ['-0', '3'],
      ['3', '0'],
      ['Infinity', '3'],
      ['NaN', '3'],
      ['7e1000', '3'],
      ['1e-320', '3'],
      ['1e320', '3e-5'],
    ]) {
      check(new Dec(a!), new Dec(b!));
    }
  });
});

describe('plusOne', () => {
  it('is the bigint successor, as text, for any whole number of up to 45 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{0,44}$/), (digits) => {
        expect(plusOne(digits)).toBe((BigInt(digits) + 1n).toString());
      }),
      { numRuns: 20_000 },
    );
    for (const digits of ['9', '99', '9'.repeat(40), '19', '1999', '8', '0', '10', `${'9'.repeat(39)}8`])
      expect(plusOne(digits)).toBe((BigInt(digits) + 1n).toString());
  });
});
