import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalText, parts } from '../../test/support/decimals.js';
import {
  abs,
  add,
  Dec,
  dec,
  floorToStep,
  isExactProduct,
  isExactSum,
  isMultipleOf,
  isNegative,
  isNotPositive,
  isPositive,
  isShortDecimal,
  nearFloat,
  roundFloatToTickDirected,
  roundToTick,
  roundToTickDirected,
  toFloat,
} from './money.js';

describe('toFloat', () => {
  it('is toNumber(), bit for bit, for any decimal (fast path and fallback)', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const d = new Dec(text);
        expect(Object.is(toFloat(d), d.toNumber())).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is toNumber() for the results of arithmetic (prices, quantities, quotients)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 0, max: 4 }),
        (p, pd, q, qd) => {
          const price = new Dec(p).div(10 ** pd);
          const qty = new Dec(q).div(10 ** qd);
          for (const d of [price, qty, price.mul(qty), price.div(qty), price.minus(qty), qty.neg()]) {
            expect(Object.is(toFloat(d), d.toNumber())).toBe(true);
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('is toNumber() at the ends of the doubles: overflow, subnormals, underflow, long digits', () => {
    for (const text of [
      '1e400',
      '-1e400',
      '1e-400',
      '-1e-400',
      '4.9e-324',
      '2.4e-324',
      '2.5e-324',
      '2.2250738585072011e-308',
      '2.2250738585072014e-308',
      '1.7976931348623157e308',
      '1.7976931348623158e308',
      '1.8e308',
      '9007199254740993',
      '9007199254740993.00000000000000000000001',
      '0.1000000000000000055511151231257827021181583404541015625',
      '123456789012345678901234567890123456789',
      '-0.000000000000000000000000000000000000012345678901234567',
    ]) {
      const x = new Dec(text);
      expect(Object.is(toFloat(x), x.toNumber()), text).toBe(true);
    }
  });

  it('keeps the edges: zeros with their sign, non-finite values, the largest exact exponents', () => {
    for (const text of ['0', '-0', '1e22', '1e23', '123456789012345e22', '1e-22', '1e-23', '0.1', '-0.3']) {
      const d = new Dec(text);
      expect(Object.is(toFloat(d), d.toNumber())).toBe(true);
    }
    expect(toFloat(new Dec(Number.NaN))).toBeNaN();
    expect(toFloat(new Dec(Number.POSITIVE_INFINITY))).toBe(Number.POSITIVE_INFINITY);
    expect(toFloat(new Dec(Number.NEGATIVE_INFINITY))).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe('short decimals and exact products', () => {
  it('a short decimal comes back digit for digit from a sum with zero; an exact product is the exact one', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (x, y) => {
        const a = new Dec(x);
        const b = new Dec(y);
        if (isShortDecimal(a)) {
          expect(a.plus(0).toFixed(), x).toBe(a.toFixed());
          expect(a.minus(0).toFixed(), x).toBe(a.toFixed());
        }
        if (isExactProduct(a, b)) {
          // At 90 digits every product of two 45-digit numbers is exact.
          const Wide = Decimal.clone({ precision: 90 });
          expect(a.mul(b).toFixed(), `${x} x ${y}`).toBe(new Wide(x).mul(new Wide(y)).toFixed());
          expect(isShortDecimal(a) && isShortDecimal(b)).toBe(true);
        }
      }),
      { numRuns: 20_000 },
    );
    // The bounds: 35 digits are short, 36 are not (a sum with zero would still keep them, but the
    // rule is the five words, which 36 digits exceed).
    expect(isShortDecimal(new Dec('1'.repeat(35)))).toBe(true);
    expect(isShortDecimal(new Dec('1'.repeat(36)))).toBe(false);
    expect(isShortDecimal(new Dec(Number.NaN))).toBe(false);
    expect(isExactProduct(new Dec('1'.repeat(14)), new Dec('1'.repeat(21)))).toBe(true);
    expect(isExactProduct(new Dec(Number.POSITIVE_INFINITY), new Dec(1))).toBe(false);
  });
});

describe('signs', () => {
  it('isPositive, isNegative and isNotPositive answer as gt(0), lt(0) and lte(0)', () => {
    const check = (x: Decimal) => {
      expect(isPositive(x), x.toString()).toBe(x.gt(0));
      expect(isNegative(x), x.toString()).toBe(x.lt(0));
      expect(isNotPositive(x), x.toString()).toBe(x.lte(0));
    };
    fc.assert(
      fc.property(decimalText, (text) => check(new Dec(text))),
      { numRuns: 20_000 },
    );
    for (const text of ['0', '-0', 'Infinity', '-Infinity', 'NaN', '1e-400', '-1e-400', '5', '-5'])
      check(new Dec(text));
  });
});

describe('dec', () => {
  it('hands back a finite decimal of our own configuration as it is, others as ours', () => {
    const own = new Dec('2003.47');
    expect(dec(own)).toBe(own);
    // A decimal of another configuration computes at its own precision: it must come back as ours.
    const Coarse = Decimal.clone({ precision: 5 });
    const coarse = new Coarse('1');
    const copy = dec(coarse);
    expect(copy).not.toBe(coarse);
    expect(copy.div(3).toString()).toBe(new Dec(1).div(3).toString());
    expect(coarse.div(3).toString()).toBe('0.33333');
  });

  it('refuses NaN and infinities whatever their type', () => {
    expect(() => dec(new Dec(Number.NaN), 'price')).toThrow(/price/);
    expect(() => dec(new Dec(Number.POSITIVE_INFINITY), 'qty')).toThrow(/qty/);
    expect(() => dec('abc', 'margin')).toThrow(/margin/);
  });
});

describe('isExactSum', () => {
  it('says exact only when x + y and x - y keep every digit (property, against 120 digits)', () => {
    const Wide = Dec.clone({ precision: 120 });
    const value = fc
      .tuple(
        fc.stringMatching(/^[1-9][0-9]{0,44}$/),
        fc.integer({ min: -40, max: 40 }),
        fc.constantFrom('', '-'),
      )
      .map(([digits, exponent, sign]) => `${sign}${digits}e${exponent}`);
    let exact = 0;
    let inexact = 0;
    fc.assert(
      fc.property(value, value, (a, b) => {
        const x = new Dec(a);
        const y = new Dec(b);
        const sum = new Wide(a).plus(new Wide(b));
        const difference = new Wide(a).minus(new Wide(b));
        const kept = x.plus(y).eq(sum) && x.minus(y).eq(difference);
        if (isExactSum(x, y)) {
          exact++;
          expect(kept).toBe(true);
        } else if (!kept) inexact++;
      }),
      { numRuns: 20_000 },
    );
    expect(exact).toBeGreaterThan(1000);
    expect(inexact).toBeGreaterThan(1000);
    expect(isExactSum(new Dec(0), new Dec(1))).toBe(false);
    expect(isExactSum(new Dec(Number.NaN), new Dec(1))).toBe(false);
    expect(isExactSum(new Decimal(1), new Dec(1))).toBe(false);
  });
});

describe('isMultipleOf', () => {
  it('answers as value.mod(step).isZero() for any decimals', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const value = new Dec(a);
        const step = new Dec(b);
        expect(isMultipleOf(value, step)).toBe(value.mod(step).isZero());
      }),
      { numRuns: 20_000 },
    );
  });

  it('answers as value.mod(step).isZero() for prices and quantities near their tick and step', () => {
    const steps = ['0.1', '0.01', '0.001', '0.0001', '0.00001', '0.5', '0.25', '5', '10', '1e-8', '0.000001'];
    fc.assert(
      fc.property(
        fc.constantFrom(...steps),
        fc.integer({ min: 0, max: 1e12 }),
        fc.constantFrom('0', '1e-9', '-1e-9', '0.000001', '0.5e-8'),
        (stepText, n, nudge) => {
          const step = new Dec(stepText);
          const value = step.mul(n).plus(nudge);
          expect(isMultipleOf(value, step)).toBe(value.mod(step).isZero());
          expect(isMultipleOf(value.neg(), step)).toBe(value.neg().mod(step).isZero());
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('keeps the edges: zero, a zero step, values beyond exact doubles', () => {
    const cases: [string, string][] = [
      ['0', '0.01'],
      ['0.01', '0'],
      ['9007199254740993', '1'],
      ['9007199254740993', '2'],
      ['123456789012345678901234567890', '0.1'],
      ['1e30', '3'],
      ['1.23e-20', '1e-21'],
      ['1.23e-20', '1e-30'],
    ];
    for (const [a, b] of cases) {
      const value = new Dec(a);
      const step = new Dec(b);
      expect(isMultipleOf(value, step)).toBe(value.mod(step).isZero());
    }
  });
});

describe('rounding to the tick and the step', () => {
  // What the helpers computed before their shortcut for values already on the grid.
  const reference = {
    floor: (v: Dec, s: Dec) => v.div(s).floor().mul(s),
    nearest: (v: Dec, t: Dec) => v.div(t).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).mul(t),
    up: (v: Dec, t: Dec) => v.div(t).ceil().mul(t),
    down: (v: Dec, t: Dec) => v.div(t).floor().mul(t),
  };
  const same = (a: Dec, b: Dec) => {
    expect(a.toString()).toBe(b.toString());
    expect(Object.is(a.toNumber(), b.toNumber())).toBe(true);
  };

  it('gives the exact decimal answer, on the grid and off it, rounding half up and down to the step', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('0.1', '0.01', '0.001', '0.00001', '0.5', '0.25', '5', '1e-8'),
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.constantFrom('0', '1e-9', '-1e-9', '0.004', '0.005', '-0.005', '0.5e-8', '0.123456789'),
        (gridText, n, nudgeText) => {
          const grid = new Dec(gridText);
          const value = grid.mul(n).plus(new Dec(nudgeText).mul(grid));
          same(floorToStep(value, grid), reference.floor(value, grid));
          same(roundToTick(value, grid), reference.nearest(value, grid));
          same(roundToTickDirected(value, grid, 'up'), reference.up(value, grid));
          same(roundToTickDirected(value, grid, 'down'), reference.down(value, grid));
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('gives the same answer for any decimal on a power-of-ten grid (one rounding) and on others', () => {
    fc.assert(
      fc.property(
        decimalText,
        fc.constantFrom(
          '1',
          '0.1',
          '0.01',
          '0.001',
          '0.0001',
          '1e-6',
          '1e-7',
          '1e-8',
          '1e-12',
          '10',
          '100',
          '0.5',
          '0.025',
          '2e-5',
        ),
        (text, gridText) => {
          const value = new Dec(text);
          const grid = new Dec(gridText);
          same(floorToStep(value, grid), reference.floor(value, grid));
          same(roundToTick(value, grid), reference.nearest(value, grid));
          same(roundToTickDirected(value, grid, 'up'), reference.up(value, grid));
          same(roundToTickDirected(value, grid, 'down'), reference.down(value, grid));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('rounds quotients of 40 digits (a padded last word) and of 41 as the division did', () => {
    const grid = new Dec('0.001');
    for (const [x, y] of [
      ['500', '30123.4'],
      ['500', '0.000123457'],
      ['1', '3'],
      ['-2', '7'],
      ['99999.99', '1.0000001'],
    ]) {
      const q = new Dec(x!).div(y!);
      for (const value of [
        q,
        q.mul(10),
        q.div(1000),
        new Dec(`${q.toFixed()}7`),
        new Dec(`${q.toFixed()}05`),
      ]) {
        same(floorToStep(value, grid), reference.floor(value, grid));
        same(roundToTick(value, grid), reference.nearest(value, grid));
        same(roundToTickDirected(value, grid, 'up'), reference.up(value, grid));
        same(roundToTickDirected(value, grid, 'down'), reference.down(value, grid));
      }
    }
    // 1.99...9 grid steps of 40 to 44 digits at every alignment of the words: from 41 digits the
    // division rounds to 2 steps before the floor, below it the floor keeps 1.
    for (let zeros = 0; zeros < 8; zeros++) {
      for (let nines = 39; nines <= 43; nines++) {
        const value = new Dec(`0.${'0'.repeat(zeros)}1${'9'.repeat(nines)}`);
        const step = new Dec(`1e-${zeros + 1}`);
        same(floorToStep(value, step), reference.floor(value, step));
        same(roundToTickDirected(value, step, 'down'), reference.down(value, step));
      }
    }
  });

  it('rounds a value of more than 40 digits as the division did (rounded to 40 digits first)', () => {
    const nines = '9'.repeat(45);
    const grid = new Dec('0.001');
    for (const text of [`0.0014${nines}`, `0.0019${nines}`, `-0.0010${nines}`, `12.34${nines}`]) {
      const value = new Dec(text);
      same(floorToStep(value, grid), reference.floor(value, grid));
      same(roundToTick(value, grid), reference.nearest(value, grid));
      same(roundToTickDirected(value, grid, 'up'), reference.up(value, grid));
      same(roundToTickDirected(value, grid, 'down'), reference.down(value, grid));
    }
    // The division's rounding shows: 0.0014999... is 1.5 ticks at 40 digits, so half up gives 2.
    expect(roundToTick(new Dec(`0.0014${nines}`), grid).toString()).toBe('0.002');
  });

  it('rounds a price half up and a quantity down, with the sign of zero kept', () => {
    expect(roundToTick(new Dec('2003.475'), '0.01').toString()).toBe('2003.48');
    expect(roundToTick(new Dec('2003.4749'), '0.01').toString()).toBe('2003.47');
    expect(floorToStep(new Dec('0.24999'), '0.001').toString()).toBe('0.249');
    expect(floorToStep(new Dec('0.249'), '0.001').toString()).toBe('0.249');
    expect(Object.is(floorToStep(new Dec('-0'), '0.001').toNumber(), -0)).toBe(true);
  });
});

describe('roundFloatToTickDirected', () => {
  const TICKS = [
    '1',
    '0.1',
    '0.01',
    '0.001',
    '0.0001',
    '0.00001',
    '0.000001',
    '1e-7',
    '1e-8',
    '0.5',
    '0.0025',
    '10',
  ];
  const same = (value: number, tick: string, direction: 'up' | 'down') => {
    const t = new Dec(tick);
    const got = roundFloatToTickDirected(value, t, direction);
    const want = roundToTickDirected(dec(value), t, direction);
    expect(parts(got), `${value} ${tick} ${direction}`).toEqual(parts(want));
  };

  it('is roundToTickDirected(dec(value)) for prices moved by a slippage fraction', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 8 }),
        fc.double({ min: 0, max: 0.02, noNaN: true }),
        fc.constantFrom(...TICKS),
        fc.boolean(),
        (n, places, fraction, tick, up) => {
          const base = n / 10 ** places;
          same(up ? base * (1 + fraction) : base * (1 - fraction), tick, up ? 'up' : 'down');
          // On the grid and a few ulps beside it: where the shortcut must step aside.
          for (let j = -3; j <= 3; j++) same(base * (1 + j * Number.EPSILON), tick, up ? 'up' : 'down');
        },
      ),
      { numRuns: 50_000 },
    );
    // 400,000 decimal roundings: ~20 s alone on a slow VM, past the suite's 30 s under CI's load.
  }, 120_000);

  it('is roundToTickDirected(dec(value)) for any double, on the grid, beside it and at the edges', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(...TICKS),
        fc.boolean(),
        (value, tick, up) => {
          same(value, tick, up ? 'up' : 'down');
          const next = value * (1 + Number.EPSILON);
          if (Number.isFinite(next)) same(next, tick, up ? 'up' : 'down');
        },
      ),
      { numRuns: 50_000 },
    );
    for (const value of [
      0.1 + 0.2,
      1.0000000000000002,
      2 ** 40 / 10,
      2 ** 40 + 0.5,
      1e-9,
      5e-324,
      0.999999999999,
      123.45,
    ]) {
      for (const tick of TICKS) for (const d of ['up', 'down'] as const) same(value, tick, d);
    }
  });

  it('refuses what dec refuses', () => {
    expect(() => roundFloatToTickDirected(Number.NaN, new Dec('0.01'), 'up')).toThrow(TypeError);
    expect(() => roundFloatToTickDirected(Number.POSITIVE_INFINITY, new Dec('0.01'), 'up')).toThrow(
      TypeError,
    );
  });
});

describe('add', () => {
  const partsOf = (d: Decimal) => [d.constructor, d.s, d.e, d.d === null ? null : [...d.d]];
  const zeroOr = fc.oneof(decimalText, fc.constantFrom('0', '-0', '0e-12', 'Infinity', '-Infinity', 'NaN'));

  it('is x.plus(y), representation and all, for zeros of either sign, short and long values', () => {
    fc.assert(
      fc.property(zeroOr, zeroOr, (a, b) => {
        const x = new Dec(a);
        const y = new Dec(b);
        expect(partsOf(add(x, y))).toEqual(partsOf(x.plus(y)));
        expect(partsOf(add(y, x))).toEqual(partsOf(y.plus(x)));
      }),
      { numRuns: 50_000 },
    );
  });

  it('at the edges: 35 and 36 digits, both zeros, another configuration', () => {
    const long = new Dec(`0.${'7'.repeat(41)}`);
    const words35 = new Dec('1234567.1234567123456712345671234567');
    const words36 = new Dec('1234567.12345671234567123456712345671');
    const Short = Decimal.clone({ precision: 5 });
    for (const [x, y] of [
      [words35, new Dec(0)],
      [words36, new Dec(0)],
      [new Dec(0), words35],
      [new Dec('-0'), words36],
      [long, new Dec('-0')],
      [new Dec('-0'), new Dec(0)],
      [new Dec(0), new Dec('-0')],
      [new Dec('-0'), new Dec('-0')],
      [new Short('1.23456789'), new Dec(0)],
      [new Dec(0), new Short('1.23456789')],
    ] as [Decimal, Decimal][]) {
      expect(partsOf(add(x, y))).toEqual(partsOf(x.plus(y)));
    }
    const qty = new Dec('0.25');
    expect(add(new Dec(0), qty)).toBe(qty);
  });
});

describe('abs', () => {
  const partsOf = (d: Decimal) => [d.constructor, d.s, d.e, d.d === null ? null : [...d.d]];

  it('is x.abs(), representation and all, for any decimal, zeros and infinities', () => {
    fc.assert(
      fc.property(fc.oneof(decimalText, fc.constantFrom('0', '-0', 'Infinity', '-Infinity', 'NaN')), (a) => {
        const x = new Dec(a);
        expect(partsOf(abs(x))).toEqual(partsOf(x.abs()));
      }),
      { numRuns: 30_000 },
    );
  });

  it('gives a short non-negative decimal back itself, and rounds what decimal.js rounds', () => {
    const qty = new Dec('0.25');
    expect(abs(qty)).toBe(qty);
    const long = new Dec(`0.${'7'.repeat(45)}`);
    expect(partsOf(abs(long))).toEqual(partsOf(long.abs()));
    const Short = Decimal.clone({ precision: 5 });
    const other = new Short(3);
    expect(partsOf(abs(other))).toEqual(partsOf(other.abs()));
  });
});

describe('nearFloat', () => {
  // A double's exact decimal (m x 2^k, m a whole number: doublings and halvings are exact).
  const High = Decimal.clone({ precision: 1200 });
  const exact = (v: number): Decimal => {
    let m = Math.abs(v);
    let k = 0;
    while (!Number.isInteger(m)) {
      m *= 2;
      k--;
    }
    while (m >= 2 ** 53) {
      m /= 2;
      k++;
    }
    return new High(m).times(new High(2).pow(k)).times(Math.sign(v));
  };
  const within = (x: Decimal, got: number): boolean => {
    const want = new High(x.toString());
    return exact(got)
      .minus(want)
      .abs()
      .lte(want.abs().times(new High(2).pow(-51)));
  };

  it('is within 2^-51 of the decimal, and toFloat itself beyond three words', () => {
    fc.assert(
      fc.property(decimalText, (a) => {
        const x = new Dec(a);
        const got = nearFloat(x);
        if ((x.d?.length ?? 4) > 3 || x.isZero()) {
          expect(Object.is(got, toFloat(x))).toBe(true);
          return;
        }
        expect(within(x, got), `${a} -> ${got}`).toBe(true);
        expect(Math.sign(got)).toBe(x.s);
      }),
      { numRuns: 50_000 },
    );
  });

  it('for wallets of 12 decimals (what openingFits reads)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 21n - 1n }), fc.boolean(), (n, negative) => {
        const x = new Dec(`${negative ? '-' : ''}${n}e-12`);
        expect(within(x, nearFloat(x)), x.toString()).toBe(true);
      }),
      { numRuns: 30_000 },
    );
  });

  it('the measure itself: toFloat is within it, a double 2^-49 off is not', () => {
    const x = new Dec('123456789012345678901e-12');
    expect(within(x, nearFloat(x))).toBe(true);
    expect(within(x, toFloat(x))).toBe(true);
    expect(within(x, toFloat(x) * (1 + 2 ** -49))).toBe(false);
  });
});
