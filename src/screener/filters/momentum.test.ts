import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveScreenerConfig } from '../config.js';
import { viewFrom } from '../fixtures.js';
import { momentum, momentumScore, momentumSide } from './momentum.js';

const config = resolveScreenerConfig();
const flat = (n: number, x = 100) => Array<number>(n).fill(x);

describe('directional momentum', () => {
  it('scores nothing on a flat market', () => {
    const m = momentum(viewFrom({ close: flat(30) }), config);
    expect(m.LONG.points).toBe(0);
    expect(m.SHORT.points).toBe(0);
    expect(momentumSide(m, config)).toBeNull();
  });

  it('scores ROC over 3 and 5 candles (+5 each)', () => {
    // +0.2% per candle: ROC3 ~0.6% (>= 0.3), ROC5 ~1.0% (>= 0.5).
    const close = [...flat(25), ...Array.from({ length: 5 }, (_, i) => 100 * 1.002 ** (i + 1))];
    const m = momentum(viewFrom({ close, emaFast: flat(30), emaSlow: flat(30) }), config);
    expect(m.rocShort).toBeCloseTo((1.002 ** 3 - 1) * 100, 10);
    expect(m.LONG.parts).toContain('ROC3 +0.601%');
    expect(m.LONG.parts).toContain('ROC5 +1%');
    expect(m.SHORT.points).toBe(0);
  });

  it('gives a fresh EMA 9/21 cross 5 and an old alignment 3', () => {
    const n = 30;
    const emaSlow = flat(n);
    const fresh = momentum(viewFrom({ close: flat(n), emaSlow, emaFast: [...flat(n - 1, 99), 101] }), config);
    expect(fresh.LONG).toEqual({ points: 5, parts: ['fresh EMA9/21 cross (EMA9 above)'] });
    const old = momentum(
      viewFrom({ close: flat(n), emaSlow, emaFast: [...flat(n - 10, 99), ...flat(10, 101)] }),
      config,
    );
    expect(old.LONG).toEqual({ points: 3, parts: ['EMA9 above EMA21'] });
    const below = momentum(viewFrom({ close: flat(n), emaSlow, emaFast: flat(n, 98) }), config);
    expect(below.SHORT).toEqual({ points: 3, parts: ['EMA9 below EMA21'] });
  });

  it('scores an RSI slope of 5 or more over 3 candles (+4)', () => {
    const rsi = [...flat(26, 50), 50, 52, 54, 56];
    expect(momentum(viewFrom({ close: flat(30), rsi }), config).LONG).toEqual({
      points: 4,
      parts: ['RSI rising 6 in 3 candles'],
    });
  });

  it('scores high-volume candles in the direction (+2 each, at most 2)', () => {
    const close = [...flat(27), 99, 98, 97];
    const volume = [...flat(27), 200, 200, 200];
    const m = momentum(viewFrom({ close, volume, emaFast: flat(30), emaSlow: flat(30) }), config);
    expect(m.SHORT.parts).toContain('2 high-volume red candles');
  });

  it('scores 3+ higher-high/higher-low steps in the last 5 candles (+3)', () => {
    const close = flat(30);
    const high = [...flat(25, 101), 101.1, 101.2, 101.3, 101.4, 101.5];
    const low = [...flat(25, 99), 99.1, 99.2, 99.3, 99.4, 99.5];
    expect(momentum(viewFrom({ close, high, low }), config).LONG).toEqual({
      points: 3,
      parts: ['5 higher-high/higher-low steps'.replace('5', '4')],
    });
  });

  it('caps a side at 25 and proposes it only from 12 points up', () => {
    const close = [...flat(25), ...Array.from({ length: 5 }, (_, i) => 100 * 1.01 ** (i + 1))];
    const high = close.map((c, i) => c + 0.5 + i * 0.01);
    const low = close.map((c, i) => c - 0.5 + i * 0.01);
    const m = momentum(
      viewFrom({
        close,
        high,
        low,
        volume: [...flat(27), 300, 300, 300],
        emaSlow: flat(30),
        emaFast: [...flat(28, 99), 101, 102],
        rsi: [...flat(26, 50), 50, 60, 65, 70],
      }),
      config,
    );
    // 5 + 5 + 5 + 4 + 4 + 3 = 26 before the cap.
    expect(m.LONG.parts).toHaveLength(6);
    expect(m.LONG.points).toBe(25);
    expect(momentumSide(m, config)).toBe('LONG');
  });
});

describe('the fresh-cross test', () => {
  /** The test as first written: Math.sign of every step's two gaps, every step of the span. */
  function plainFresh(fast: number[], slow: number[], first: number, n: number, candles: number): boolean {
    const gap = (i: number) => (fast[i] as number) - (slow[i] as number);
    const now = gap(n - 1);
    let fresh = false;
    for (let i = Math.max(first + 1, n - candles); i < n; i++) {
      const before = gap(i - 1);
      const after = gap(i);
      if (
        Number.isFinite(before) &&
        Math.sign(before) !== Math.sign(after) &&
        Math.sign(after) === Math.sign(now)
      )
        fresh = true;
    }
    return fresh;
  }

  it('scores a cross fresh exactly when the plain test does (zero, NaN and sign-changing gaps)', () => {
    const gapValue = fc.constantFrom(-2, -1, -0, 0, 1, 2, Number.NaN);
    fc.assert(
      fc.property(
        fc.array(gapValue, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 1, max: 6 }),
        (gaps, skip, candles) => {
          const n = gaps.length;
          const first = Math.min(skip, n - 1);
          const slow = Array<number>(n).fill(100);
          const fast = gaps.map((g) => 100 + g);
          const cfg = resolveScreenerConfig({ momentum: { freshCrossCandles: candles } });
          const view = {
            ...viewFrom({ close: Array<number>(n).fill(100), emaFast: fast, emaSlow: slow }),
            first,
          };
          const now = (fast[n - 1] as number) - 100;
          const mom = momentumScore(view, cfg);
          const codes = [...mom.LONG.codes, ...mom.SHORT.codes];
          const scored = codes.includes(2) ? 'fresh' : codes.includes(3) ? 'aligned' : 'none';
          const want =
            !Number.isFinite(now) || now === 0
              ? 'none'
              : plainFresh(fast, slow, first, n, candles)
                ? 'fresh'
                : 'aligned';
          expect(scored).toBe(want);
        },
      ),
      { numRuns: 2000, seed: 20261201 },
    );
  });
});
