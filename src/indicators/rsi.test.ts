import { describe, expect, it } from 'vitest';
import { createRsiState, rsi } from './index.js';

const nan = Number.NaN;

describe('rsi', () => {
  it("Wilder's smoothing with TA-Lib's seeding, worked by hand", () => {
    // changes +1, -1, +1, +1; period 2.
    // seed at index 2: gain 1/2, loss 1/2 -> 50
    // index 3: gain (0.5 * 1 + 1) / 2 = 0.75, loss 0.5 / 2 = 0.25 -> 75
    // index 4: gain (0.75 + 1) / 2 = 0.875, loss 0.125 -> 87.5
    expect(Array.from(rsi([1, 2, 1, 2, 3], 2))).toEqual([nan, nan, 50, 75, 87.5]);
  });

  it('first value at index `period`', () => {
    const close = Array.from({ length: 40 }, (_, i) => 100 + Math.sin(i) * 3);
    const out = rsi(close);
    expect(out[13]).toBeNaN();
    expect(out[14]).not.toBeNaN();
  });

  it('only gains read 100, only losses 0', () => {
    const up = Array.from({ length: 30 }, (_, i) => 10 + i);
    expect(rsi(up)[29]).toBe(100);
    expect(rsi(up.slice().reverse())[29]).toBe(0);
  });

  it('a market flat since the run began is undefined: NaN (TA-Lib says 0)', () => {
    const out = rsi(new Array(30).fill(5), 14);
    expect(Array.from(out).every(Number.isNaN)).toBe(true);
    // One move defines it again.
    const moved = rsi([...new Array(20).fill(5), 6], 14);
    expect(moved[20]).toBe(100);
  });

  it('does not depend on the price scale (TA-Lib floors tiny averages to 0)', () => {
    const close = Array.from({ length: 200 }, (_, i) => 100 + ((i * 7919) % 13) - 6);
    const subCent = close.map((c) => c * 1e-9);
    const a = rsi(close);
    const b = rsi(subCent);
    for (let i = 14; i < 200; i++) expect(b[i]).toBeCloseTo(a[i]!, 9);
  });
});

describe('createRsiState', () => {
  it('peek then update equal the batch value at every step', () => {
    const close = [
      44.3389, 44.0902, 44.1497, 43.6124, 44.2778, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931,
      46.0328, 45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439,
    ];
    const batch = rsi(close);
    const state = createRsiState();
    close.forEach((c, i) => {
      expect(state.peek(c)).toEqual(batch[i]);
      expect(state.update(c)).toEqual(batch[i]);
    });
    // StockCharts' published RSI worked example (same data, Wilder's seeding), to 2 decimals.
    expect(Array.from(batch.slice(14), (v) => Math.round(v * 100) / 100)).toEqual([
      70.53, 66.32, 66.55, 69.41, 66.36, 57.97,
    ]);
  });
});
