import { describe, expect, it } from 'vitest';
import { seededRandom, syntheticCandles } from './fixtures/synthetic-candles.js';
import { bollinger, createBollingerState, sma, stddev } from './index.js';

const nan = Number.NaN;

function twoPassDeviation(values: ArrayLike<number>, i: number, period: number): number {
  let mean = 0;
  for (let j = i - period + 1; j <= i; j++) mean += values[j]!;
  mean /= period;
  let squares = 0;
  for (let j = i - period + 1; j <= i; j++) squares += (values[j]! - mean) ** 2;
  return Math.sqrt(squares / period);
}

/** Two-pass with the rounding of the mean corrected (Chan, Golub, LeVeque): an exact-enough oracle. */
function correctedTwoPassDeviation(values: ArrayLike<number>, i: number, period: number): number {
  let mean = 0;
  for (let j = i - period + 1; j <= i; j++) mean += values[j]!;
  mean /= period;
  let squares = 0;
  let sum = 0;
  for (let j = i - period + 1; j <= i; j++) {
    const d = values[j]! - mean;
    squares += d * d;
    sum += d;
  }
  return Math.sqrt((squares - (sum * sum) / period) / period);
}

describe('stddev', () => {
  it('is the population deviation (divides by period, as TA-Lib)', () => {
    expect(Array.from(stddev([2, 4, 4, 4, 5, 5, 7, 9], 8))).toEqual([nan, nan, nan, nan, nan, nan, nan, 2]);
  });

  it('is accurate at BTC prices over a long series, where mean(x²) - mean(x)² cancels', () => {
    const { close } = syntheticCandles({
      seed: 3,
      length: 100_000,
      startPrice: 104_000,
      tick: 0.1,
      volatility: 0.001,
    });
    const out = stddev(close, 20);
    let worst = 0;
    for (let i = 19; i < close.length; i += 7) {
      const exact = twoPassDeviation(close, i, 20);
      if (exact > 0) worst = Math.max(worst, Math.abs(out[i]! - exact) / exact);
    }
    // TA-Lib's own STDDEV is off by ~1e-6 relative on a series like this one.
    expect(worst).toBeLessThan(1e-11);
  });

  it('stays within 1e-9 of the exact value on 1M high, slowly trending, nearly flat prices', () => {
    // BTC-like level, a trend of 1000 over the series, and a few ticks of noise: the deviation is
    // ~2e-7 of the price, the worst case for anything that subtracts large running sums.
    const random = seededRandom(11);
    const length = 1_000_000;
    const close = new Float64Array(length);
    for (let i = 0; i < length; i++) close[i] = 104_000 + i * 0.001 + Math.round(random() * 4) * 0.01;
    for (const period of [20, 50]) {
      const out = stddev(close, period);
      let worst = 0;
      let worstRunningSums = 0;
      let sum = 0;
      let sumOfSquares = 0;
      for (let i = 0; i < length; i++) {
        // What a plain running-sum variance (TA-Lib's STDDEV) gives here, to show the series is hard.
        sum += close[i]!;
        sumOfSquares += close[i]! * close[i]!;
        if (i >= period) {
          sum -= close[i - period]!;
          sumOfSquares -= close[i - period]! * close[i - period]!;
        }
        if (i < period - 1 || i % 101 !== 0) continue;
        const exact = correctedTwoPassDeviation(close, i, period);
        worst = Math.max(worst, Math.abs(out[i]! - exact) / exact);
        const mean = sum / period;
        const naive = Math.sqrt(Math.max(0, sumOfSquares / period - mean * mean));
        worstRunningSums = Math.max(worstRunningSums, Math.abs(naive - exact) / exact);
      }
      expect(worstRunningSums, `period ${period}: running sums`).toBeGreaterThan(1e-3);
      expect(worst, `period ${period}`).toBeLessThan(1e-9);
      const bands = bollinger(close, period, 2);
      for (let i = length - 1000; i < length; i++) {
        expect(bands.upper[i]).toBe(bands.middle[i]! + 2 * out[i]!);
      }
    }
  });

  it('a flat window is exactly 0, even after a volatile history at a high price', () => {
    const { close } = syntheticCandles({
      seed: 4,
      length: 5000,
      startPrice: 104_000,
      tick: 0.1,
      volatility: 0.01,
    });
    const series = [...close, ...new Array(60).fill(close[close.length - 1])];
    const out = stddev(series, 20);
    for (let i = series.length - 41; i < series.length; i++) expect(out[i]).toBe(0);
    const bands = bollinger(series);
    const last = series.length - 1;
    expect(bands.upper[last]).toBe(bands.middle[last]);
    expect(bands.lower[last]).toBe(bands.middle[last]);
  });
});

describe('bollinger', () => {
  const { close } = syntheticCandles({
    seed: 8,
    length: 500,
    startPrice: 2500,
    tick: 0.01,
    volatility: 0.004,
  });

  it('middle is the SMA bit for bit; bands are middle ± stdDev × deviation', () => {
    const bands = bollinger(close, 20, 2);
    expect(bands.middle).toEqual(sma(close, 20));
    const deviation = stddev(close, 20);
    for (let i = 19; i < close.length; i++) {
      expect(bands.upper[i]).toBe(bands.middle[i]! + 2 * deviation[i]!);
      expect(bands.lower[i]).toBe(bands.middle[i]! - 2 * deviation[i]!);
    }
    expect(bands.upper[18]).toBeNaN();
  });

  it('stdDev 0 collapses the bands onto the middle', () => {
    const bands = bollinger(close, 20, 0);
    expect(bands.upper).toEqual(bands.middle);
    expect(bands.lower).toEqual(bands.middle);
  });

  it('the streaming state returns frozen all-NaN points during warm-up, then the batch values', () => {
    const bands = bollinger(close, 5, 1.5);
    const state = createBollingerState(5, 1.5);
    close.slice(0, 50).forEach((c, i) => {
      const point = state.update(c);
      expect(point).toEqual({ upper: bands.upper[i], middle: bands.middle[i], lower: bands.lower[i] });
    });
    const fresh = createBollingerState(5, 1.5);
    const warm = fresh.update(1);
    expect(Object.isFrozen(warm)).toBe(true);
    expect(warm.middle).toBeNaN();
  });
});
