import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeframeMs } from '../domain/index.js';
import { higherTimeframeProblem, higherTimeframeUsable } from './validate.js';

describe('higherTimeframeUsable', () => {
  it('is true exactly when higherTimeframeProblem finds nothing to say', () => {
    const H = timeframeMs('1h');
    const start = 1_700_000_000_000;
    let usable = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('1h' as const, '4h' as const),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 250 }),
        // The primary close from just after the higher candle's own close to well past its successor's.
        fc.integer({ min: 0, max: 12 }),
        (tf, validCandles, minCandles, hoursLater) => {
          const lastOpenTime = start;
          const primaryClose = start + timeframeMs(tf) + hoursLater * H;
          const ok = higherTimeframeUsable(
            timeframeMs(tf),
            validCandles,
            minCandles,
            lastOpenTime,
            primaryClose,
          );
          const problem = higherTimeframeProblem(
            'trend',
            tf,
            validCandles,
            minCandles,
            lastOpenTime,
            primaryClose,
          );
          expect(ok).toBe(problem === undefined);
          if (ok) usable++;
        },
      ),
      { numRuns: 500, seed: 20261130 },
    );
    expect(usable).toBeGreaterThan(50);
  });
});
