import { describe, expect, it } from 'vitest';
import { ema, roc } from '../indicators/index.js';
import { randomWalkColumns } from './fixtures.js';
import { emaLast, emaTail, rocInto } from './kernels.js';

describe('emaTail / emaLast', () => {
  const { close } = randomWalkColumns(300, 7, '15m', 1_700_000_000_000);
  it('give exactly the values of ema() (tail, last), for every length around the period', () => {
    expect(close.length).toBe(300);
    for (const period of [1, 9, 21, 200]) {
      for (const n of [0, 1, period - 1, period, period + 1, 300]) {
        if (n < 0 || n > close.length) continue;
        const x = close.subarray(0, n);
        const full = ema(x, period);
        for (const tail of [0, 1, 5, Math.min(n, 51), n]) {
          if (tail > n) continue;
          expect(Array.from(emaTail(x, period, new Float64Array(tail)))).toEqual(
            Array.from(full.subarray(n - tail)),
          );
        }
        expect(emaLast(x, period)).toBe(n > 0 ? full[n - 1] : Number.NaN);
      }
    }
  });

  it('rocInto gives exactly the values of roc()', () => {
    for (const period of [1, 3, 5]) {
      for (const n of [0, 2, 5, 51]) {
        const x = close.subarray(0, n);
        expect(Array.from(rocInto(x, period, new Float64Array(n)))).toEqual(Array.from(roc(x, period)));
      }
    }
  });
});
