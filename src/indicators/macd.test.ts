import { describe, expect, it } from 'vitest';
import { syntheticCandles } from './fixtures/synthetic-candles.js';
import { createMacdState, ema, macd } from './index.js';

const { close } = syntheticCandles({ seed: 21, length: 300, startPrice: 60, tick: 0.001, volatility: 0.01 });

describe('macd', () => {
  it("reproduces TA-Lib's seeding: the fast EMA starts at index slow - 1 from the SMA of values [slow - fast, slow - 1]", () => {
    const out = macd(close, 12, 26, 9);
    // Independent construction from plain EMAs.
    const slow = ema(close, 26);
    const fast = ema(close.slice(14), 12); // its first value, at 11, is index 25 of close
    const line = close.map((_, i) => (i >= 25 ? fast[i - 14]! - slow[i]! : Number.NaN));
    const signal = ema(line.slice(25), 9); // first value at 8, i.e. index 33 of close
    for (let i = 0; i < close.length; i++) {
      if (i < 33) {
        expect([out.macd[i], out.signal[i], out.histogram[i]].every(Number.isNaN), `index ${i}`).toBe(true);
        continue;
      }
      expect(out.macd[i]).toBe(line[i]);
      expect(out.signal[i]).toBe(signal[i - 25]);
      expect(out.histogram[i]).toBe(line[i]! - signal[i - 25]!);
    }
  });

  it('the defaults are 12/26/9', () => {
    expect(macd(close)).toEqual(macd(close, 12, 26, 9));
  });

  it('signal period 1 makes the signal the MACD line and the histogram 0 (TA-Lib returns garbage there)', () => {
    const out = macd(close, 5, 35, 1);
    expect(out.macd[33]).toBeNaN();
    for (let i = 34; i < close.length; i++) {
      expect(out.signal[i]).toBe(out.macd[i]);
      expect(out.histogram[i]).toBe(0);
    }
  });

  it('streaming peek and update equal the batch point', () => {
    const out = macd(close, 3, 7, 4);
    const state = createMacdState(3, 7, 4);
    close.forEach((c, i) => {
      const expected = { macd: out.macd[i], signal: out.signal[i], histogram: out.histogram[i] };
      expect(state.peek(c)).toEqual(expected);
      expect(state.update(c)).toEqual(expected);
    });
  });
});
