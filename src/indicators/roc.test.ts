import { describe, expect, it } from 'vitest';
import { createRocState, roc } from './index.js';

const nan = Number.NaN;

describe('roc', () => {
  it('is the percent change over `period` values, first at index `period`', () => {
    const out = roc([100, 110, 121, 99], 2);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBeNaN();
    expect(out[2]).toBeCloseTo(21, 12);
    expect(out[3]).toBeCloseTo(-10, 12);
  });

  it('a zero base is undefined: NaN (TA-Lib writes 0)', () => {
    expect(Array.from(roc([0, 5, 10], 1))).toEqual([nan, nan, 100]);
  });

  it('negative values are fine (a rate of change of a spread, a return)', () => {
    expect(roc([-2, -1], 1)[1]).toBe(-50);
  });

  it('streaming equals batch', () => {
    const values = [3, 4, 0, 2, 7, 7, 1, 9];
    const batch = roc(values, 3);
    const state = createRocState(3);
    values.forEach((v, i) => {
      expect(state.peek(v)).toEqual(batch[i]);
      expect(state.update(v)).toEqual(batch[i]);
    });
  });
});
