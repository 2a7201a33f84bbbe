import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededNormal } from './fixtures/synthetic-candles.js';
import { createHurstState, hurst, MIN_HURST_WINDOW } from './index.js';

/** Rescaled-range Hurst written plainly from the definition in hurst.ts, to check the kernel. */
function referenceHurst(prices: number[]): number {
  const returns = prices.slice(1).map((p, i) => Math.log(p / prices[i]!));
  const points: Array<[number, number]> = [];
  for (let size = 8; size <= returns.length; size *= 2) {
    const ratios: number[] = [];
    for (
      let end = returns.length;
      end - size >= 0 && ratios.length < Math.floor(returns.length / size);
      end -= size
    ) {
      const chunk = returns.slice(end - size, end);
      const mean = chunk.reduce((a, b) => a + b, 0) / size;
      const meanAbs = chunk.reduce((a, b) => a + Math.abs(b), 0) / size;
      let running = 0;
      const path = [0, ...chunk.map((r) => (running += r - mean))];
      const range = Math.max(...path) - Math.min(...path);
      const deviation = Math.sqrt(chunk.reduce((a, r) => a + (r - mean) ** 2, 0) / size);
      if (deviation > meanAbs * 1e-9) ratios.push(range / deviation);
    }
    if (ratios.length > 0)
      points.push([Math.log(size), Math.log(ratios.reduce((a, b) => a + b, 0) / ratios.length)]);
  }
  if (points.length < 2) return Number.NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
}

/**
 * The kernel as first written (one chunk at a time: its mean and mean absolute return summed
 * together, then its cumulative deviations; the fit in that order): the streaming state and the
 * batch kernel skip work this does (the mean absolute return of a chunk that surely moves, the
 * first half of a chunk's sum) and must give its numbers bit for bit.
 */
function plainKernelHurst(prices: number[], window: number): number[] {
  return prices.map((_, i) => {
    let start = i;
    while (start > 0 && prices[start - 1]! > 0 && Number.isFinite(prices[start - 1]!)) start--;
    if (!(prices[i]! > 0 && Number.isFinite(prices[i]!)) || i - start + 1 < window) return Number.NaN;
    const r: number[] = [];
    for (let j = i - window + 2; j <= i; j++) r.push(Math.log(prices[j]! / prices[j - 1]!));
    const count = r.length;
    let levels = 0;
    let sumX = 0;
    let sumY = 0;
    let sumXX = 0;
    let sumXY = 0;
    for (let size = 8; size <= count; size *= 2) {
      let sumRs = 0;
      let usable = 0;
      for (let c = 0; c < Math.floor(count / size); c++) {
        const begin = count - (c + 1) * size;
        let mean = 0;
        let meanAbs = 0;
        for (let j = begin; j < begin + size; j++) {
          mean += r[j]!;
          meanAbs += Math.abs(r[j]!);
        }
        mean /= size;
        meanAbs /= size;
        let cumulative = 0;
        let highest = 0;
        let lowest = 0;
        let squares = 0;
        for (let j = begin; j < begin + size; j++) {
          const d = r[j]! - mean;
          cumulative += d;
          if (cumulative > highest) highest = cumulative;
          else if (cumulative < lowest) lowest = cumulative;
          squares += d * d;
        }
        const deviation = Math.sqrt(squares / size);
        if (deviation <= meanAbs * 1e-9) continue;
        sumRs += (highest - lowest) / deviation;
        usable++;
      }
      if (usable > 0) {
        const lx = Math.log(size);
        const ly = Math.log(sumRs / usable);
        levels++;
        sumX += lx;
        sumY += ly;
        sumXX += lx * lx;
        sumXY += lx * ly;
      }
    }
    if (levels < 2) return Number.NaN;
    return (levels * sumXY - sumX * sumY) / (levels * sumXX - sumX * sumX);
  });
}

/** Prices whose log returns follow an AR(1) with coefficient phi. */
function ar1Prices(length: number, phi: number, seed: number): number[] {
  const normal = seededNormal(seed);
  const prices = [100];
  let r = 0;
  for (let i = 1; i < length; i++) {
    r = phi * r + 0.01 * normal();
    prices.push(prices[i - 1]! * Math.exp(r));
  }
  return prices;
}

function meanDefined(values: Float64Array): number {
  const defined = Array.from(values).filter((v) => !Number.isNaN(v));
  return defined.reduce((a, b) => a + b, 0) / defined.length;
}

describe('hurst', () => {
  it('matches a plain implementation of the rescaled-range definition', () => {
    const prices = ar1Prices(400, 0.1, 1);
    for (const window of [17, 64, 100, 257]) {
      const out = hurst(prices, window);
      expect(out[window - 2]).toBeNaN();
      for (let i = window - 1; i < prices.length; i += 13) {
        expect(out[i]).toBeCloseTo(referenceHurst(prices.slice(i - window + 1, i + 1)), 10);
      }
    }
  });

  it('reads about 0.5-0.65 for a random walk, higher when trending, lower when mean-reverting', () => {
    const walk = meanDefined(hurst(ar1Prices(6000, 0, 2), 256));
    const trending = meanDefined(hurst(ar1Prices(6000, 0.5, 2), 256));
    const reverting = meanDefined(hurst(ar1Prices(6000, -0.5, 2), 256));
    expect(walk).toBeGreaterThan(0.45);
    expect(walk).toBeLessThan(0.65);
    expect(trending).toBeGreaterThan(walk + 0.07);
    expect(reverting).toBeLessThan(walk - 0.07);
  });

  it('is NaN, not a division by zero, on a flat or perfectly geometric series', () => {
    expect(Array.from(hurst(new Array(100).fill(42.5), 50)).every(Number.isNaN)).toBe(true);
    const geometric = Array.from({ length: 100 }, (_, i) => 100 * 1.01 ** i);
    expect(Array.from(hurst(geometric, 50)).every(Number.isNaN)).toBe(true);
  });

  it('leaves out flat chunks but uses the ones that move', () => {
    // 40 flat candles then a random walk: the window mixes both and H is still defined.
    const prices = [...new Array(40).fill(100), ...ar1Prices(60, 0, 3)];
    const out = hurst(prices, 100);
    expect(out[99]).not.toBeNaN();
    expect(out[99]).toBeCloseTo(referenceHurst(prices), 10);
  });

  it('a non-positive or non-finite price restarts the window', () => {
    const prices = ar1Prices(120, 0, 4);
    prices[50] = 0;
    const out = hurst(prices, 30);
    expect(out[78]).toBeNaN(); // window 49..78 contains index 50
    expect(out[80]).toBeCloseTo(referenceHurst(prices.slice(51, 81)), 10);
  });

  it('needs at least 17 prices (two chunk sizes of 8 returns)', () => {
    expect(MIN_HURST_WINDOW).toBe(17);
    expect(() => hurst([1, 2, 3], 16)).toThrow(RangeError);
  });

  it('streaming equals batch', () => {
    const prices = ar1Prices(300, 0.2, 5);
    const batch = hurst(prices, 40);
    const state = createHurstState(40);
    prices.forEach((p, i) => {
      expect(state.peek(p)).toEqual(batch[i]);
      expect(state.update(p)).toEqual(batch[i]);
    });
  });

  it('streaming equals batch bit for bit, across restarts and windows (its chunks come from a ring)', () => {
    // Runs of prices (returns of a few sizes, and flat stretches: chunks left out), each run
    // ended by a bad price that restarts the window.
    const move = fc.oneof(
      { weight: 30, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((k) => [k * 5e-5]) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((k) => new Array<number>(k).fill(0)) },
    );
    const run = fc.record({
      moves: fc.array(move, { minLength: 1, maxLength: 320 }),
      bad: fc.constantFrom(Number.NaN, 0, -5, Number.POSITIVE_INFINITY),
    });
    fc.assert(
      fc.property(
        // Windows whose returns are a whole number of chunks too (the oldest chunk then ends with
        // the run's first chunk), and any other.
        fc.oneof(fc.constantFrom(17, 25, 33, 65, 129), fc.integer({ min: MIN_HURST_WINDOW, max: 140 })),
        fc.array(run, { minLength: 1, maxLength: 4 }),
        (window, runs) => {
          const prices = pricesOfRuns(runs);
          const batch = hurst(prices, window);
          const state = createHurstState(window);
          return prices.every((p, i) => Object.is(state.update(p), batch[i]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('batch and streaming give the plain kernel numbers bit for bit (flat, near-flat and moving chunks)', () => {
    // Moves of a few sizes, runs of one repeated move (a geometric stretch: a chunk whose returns
    // differ by rounding alone, |mean| far above its deviation, flat or not by the full test) and
    // of no move, ended by bad prices.
    const move = fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((k) => [k * 5e-5]) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.integer({ min: 1, max: 70 }), fc.integer({ min: -1000, max: 1000 }))
          .map(([k, m]) => new Array<number>(k).fill(m * 1e-4)),
      },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }).map((k) => new Array<number>(k).fill(0)) },
    );
    const run = fc.record({
      moves: fc.array(move, { minLength: 1, maxLength: 200 }),
      bad: fc.constantFrom(Number.NaN, 0, -5),
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(17, 33, 65, 100), fc.integer({ min: MIN_HURST_WINDOW, max: 140 })),
        fc.array(run, { minLength: 1, maxLength: 3 }),
        (window, runs) => {
          const prices = pricesOfRuns(runs);
          const want = plainKernelHurst(prices, window);
          const batch = hurst(prices, window);
          const state = createHurstState(window);
          prices.forEach((p, i) => {
            expect(Object.is(batch[i], want[i])).toBe(true);
            expect(Object.is(state.update(p), want[i])).toBe(true);
          });
        },
      ),
      { numRuns: 150, seed: 20261201 },
    );
  });
});

/** Runs of log moves from 100, each ended by a bad price (a restart of the indicator). */
function pricesOfRuns(runs: readonly { moves: readonly number[][]; bad: number }[]): number[] {
  const prices: number[] = [];
  for (const { moves, bad } of runs) {
    let price = 100;
    for (const m of moves.flat()) {
      price *= Math.exp(m);
      prices.push(price);
    }
    prices.push(bad);
  }
  return prices;
}
