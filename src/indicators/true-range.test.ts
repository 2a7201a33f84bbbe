import { describe, expect, it } from 'vitest';
import { atr, createAtrState, createTrueRangeState, trueRange, trueRangeOf } from './index.js';

const nan = Number.NaN;

describe('trueRange', () => {
  it('is the largest of high - low and the distances from the previous close', () => {
    expect(trueRangeOf(12, 10, 11)).toBe(2); // inside bar
    expect(trueRangeOf(15, 12, 10)).toBe(5); // gap up: prevClose to high
    expect(trueRangeOf(9, 7, 12)).toBe(5); // gap down: prevClose to low
  });

  it('is NaN at index 0 (no previous close, as TA-Lib TRANGE)', () => {
    expect(Array.from(trueRange([12, 15, 9], [10, 12, 7], [11, 13, 8]))).toEqual([nan, 4, 6]);
  });
});

describe('atr', () => {
  // high, low, close; TR from index 1: 4, 6, 2, 3
  const high = [12, 15, 9, 10, 12];
  const low = [10, 12, 7, 8, 9];
  const close = [11, 13, 8, 9, 11];

  it('first value at index `period` is the mean of TR[1..period], then Wilder smoothing', () => {
    // period 2: (4 + 6) / 2 = 5; (5 * 1 + 2) / 2 = 3.5; (3.5 + 3) / 2 = 3.25
    expect(Array.from(atr(high, low, close, 2))).toEqual([nan, nan, 5, 3.5, 3.25]);
  });

  it('period 1 is the true range', () => {
    expect(atr(high, low, close, 1)).toEqual(trueRange(high, low, close));
  });

  it('a candle with any non-finite field restarts the warm-up', () => {
    const h = [...high, nan, 12, 15, 9];
    const l = [...low, 5, 10, 12, 7];
    const c = [...close, 6, 11, 13, 8];
    const out = atr(h, l, c, 2);
    expect(Array.from(out.slice(5))).toEqual([nan, nan, nan, 5]);
  });
});

describe('streaming true range and ATR', () => {
  it('peek and update give the batch value', () => {
    const high = [12, 15, 9, 10, 12, 13, 11];
    const low = [10, 12, 7, 8, 9, 10, 9];
    const close = [11, 13, 8, 9, 11, 12, 10];
    const batchTr = trueRange(high, low, close);
    const batchAtr = atr(high, low, close, 3);
    const tr = createTrueRangeState();
    const a = createAtrState(3);
    close.forEach((c, i) => {
      expect(tr.peek(high[i]!, low[i]!, c)).toEqual(batchTr[i]);
      expect(tr.update(high[i]!, low[i]!, c)).toEqual(batchTr[i]);
      expect(a.peek(high[i]!, low[i]!, c)).toEqual(batchAtr[i]);
      expect(a.update(high[i]!, low[i]!, c)).toEqual(batchAtr[i]);
    });
  });
});
