import { describe, expect, it } from 'vitest';
import { createEmaState, createSmaState, ema, ema9, ema21, ema200, sma, volumeAverage } from './index.js';

const nan = Number.NaN;

describe('sma', () => {
  it('averages the last `period` values, NaN before', () => {
    expect(Array.from(sma([1, 2, 3, 4, 5], 3))).toEqual([nan, nan, 2, 3, 4]);
  });

  it('period 1 is the input itself', () => {
    const values = [3.3, -1, 0, 1e-9, 42];
    expect(Array.from(sma(values, 1))).toEqual(values);
  });

  it('accepts any numeric array-like and returns a new Float64Array', () => {
    const input = new Float64Array([1, 2, 3, 4]);
    const out = sma(input, 2);
    expect(out).toBeInstanceOf(Float64Array);
    expect(out).not.toBe(input);
    expect(Array.from(input)).toEqual([1, 2, 3, 4]);
    expect(Array.from(sma([1, 2, 3, 4], 2))).toEqual(Array.from(out));
    expect(Array.from(sma(new Float32Array([1, 2, 3, 4]), 2))).toEqual(Array.from(out));
  });

  it('a NaN restarts the warm-up after it', () => {
    expect(Array.from(sma([1, 2, nan, 3, 4, 5], 2))).toEqual([nan, 1.5, nan, nan, 3.5, 4.5]);
  });
});

describe('ema', () => {
  it('seeds with the SMA of the first `period` values, then (x - prev) * k + prev', () => {
    // k = 2 / (3 + 1) = 0.5; seed (1 + 2 + 3) / 3 = 2; then 2 + (4 - 2) / 2 = 3; 3 + (8 - 3) / 2 = 5.5
    expect(Array.from(ema([1, 2, 3, 4, 8], 3))).toEqual([nan, nan, 2, 3, 5.5]);
  });

  it('period 1 follows the input', () => {
    expect(Array.from(ema([5, 7, 1], 1))).toEqual([5, 7, 1]);
  });

  it('the ribbon helpers are ema 9, 21 and 200', () => {
    const close = Array.from({ length: 400 }, (_, i) => 100 + Math.sin(i / 9) * 5 + i / 50);
    expect(ema9(close)).toEqual(ema(close, 9));
    expect(ema21(close)).toEqual(ema(close, 21));
    expect(ema200(close)).toEqual(ema(close, 200));
    expect(ema200(close)[198]).toBeNaN();
    expect(ema200(close)[199]).toBeCloseTo(close.slice(0, 200).reduce((a, b) => a + b) / 200, 12);
  });

  it('converges to a constant input and stays there', () => {
    const out = ema(new Array(500).fill(7.25), 50);
    expect(out[499]).toBe(7.25);
  });
});

describe('volumeAverage', () => {
  it('is an SMA of volume, 20 by default; zero volume is a value, not a gap', () => {
    const volume = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 0 : i));
    expect(volumeAverage(volume)).toEqual(sma(volume, 20));
    expect(volumeAverage([0, 0, 0], 2)[2]).toBe(0);
  });
});

describe('streaming SMA and EMA', () => {
  it('update returns the batch value; peek announces it without changing the state', () => {
    const values = [4, 8, 15, 16, 23, 42, 4, 8];
    const smaState = createSmaState(3);
    const emaState = createEmaState(3);
    const smaBatch = sma(values, 3);
    const emaBatch = ema(values, 3);
    values.forEach((v, i) => {
      expect(smaState.peek(v)).toEqual(smaBatch[i]);
      expect(smaState.peek(v)).toEqual(smaBatch[i]);
      expect(smaState.update(v)).toEqual(smaBatch[i]);
      expect(emaState.peek(v)).toEqual(emaBatch[i]);
      expect(emaState.update(v)).toEqual(emaBatch[i]);
    });
  });

  it('a NaN update returns NaN and restarts the warm-up', () => {
    const state = createEmaState(2);
    expect(state.update(1)).toBeNaN();
    expect(state.update(3)).toBe(2);
    expect(state.update(nan)).toBeNaN();
    expect(state.update(10)).toBeNaN();
    expect(state.update(20)).toBe(15);
  });
});
