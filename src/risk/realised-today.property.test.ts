/**
 * createRealisedToday against the plain decimal statement it replaces in the direct executor:
 * `sum = add(sum, realizedPnl).minus(fee)` per fill from zero, and the gate's
 * `sum.negated().gte(limit)`. Limits are drawn at, just around and far from the day's loss, where
 * a guard without its slack answers wrongly (the last test shows this property catching that).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, type Dec, dec, ZERO } from '../domain/index.js';
import { checkOrder } from './gate.js';
import { createRealisedToday } from './realised-today.js';

/** A decimal of up to 12 digits at a scale of 10^-12 .. 10^6 (fees, PnL; tiny and large). */
const amount = fc
  .tuple(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.integer({ min: -12, max: 6 }))
  .map(([n, e]) => dec(`${n}e${e}`));
/** Fees that sum badly in doubles (0.1 + 0.7 < 0.8 there) beside arbitrary ones. */
const fee = fc.oneof(
  fc.constantFrom(...['0.1', '0.2', '0.7', '0.3', '0.01', '0.07'].map((v) => dec(v))),
  amount,
);
const fill = fc.tuple(fc.oneof(fc.constant(ZERO), amount), fee);
/** A step: a fill, or a new day. */
const step = fc.oneof({ arbitrary: fill, weight: 9 }, { arbitrary: fc.constant(null), weight: 1 });
/** Where to put the limit: relative to the loss at the check (exactly, a hair off, far), or any. */
const nudge = fc.constantFrom('0', '1e-30', '-1e-30', '1e-16', '-1e-16', '1e-8', '-1e-8', '1', '-1');
const limitPick = fc.oneof(
  fc.tuple(fc.constant('near' as const), nudge),
  fc.tuple(
    fc.constant('any' as const),
    amount.map((d) => d.toString()),
  ),
);

function run(slackUlps: number, steps: ([Dec, Dec] | null)[], picks: (readonly ['near' | 'any', string])[]) {
  const tracker = createRealisedToday(slackUlps);
  let sum: Dec = ZERO;
  let k = 0;
  const check = () => {
    const [how, v] = picks[k++ % picks.length]!;
    const limit = how === 'near' ? sum.negated().plus(v) : dec(v);
    expect(tracker.lossReaches(limit)).toBe(sum.negated().gte(limit));
  };
  for (const s of steps) {
    if (s === null) {
      tracker.reset();
      sum = ZERO;
    } else {
      tracker.add(s[0], s[1]);
      sum = add(sum, s[0]).minus(s[1]);
    }
    check();
    if (k % 3 === 0) {
      const v = tracker.value();
      expect([v.s, v.e, v.d && [...v.d]]).toEqual([sum.s, sum.e, sum.d && [...sum.d]]);
    }
  }
  check();
}

const property = (slackUlps: number) =>
  fc.property(
    fc.array(step, { maxLength: 40 }),
    fc.array(limitPick, { minLength: 1, maxLength: 8 }),
    (steps, picks) => run(slackUlps, steps, picks),
  );

describe('createRealisedToday', () => {
  it('answers the daily loss limit as the decimal sum does, and sums to the same decimal', () => {
    fc.assert(property(1), { numRuns: 3000 });
  });

  it('is what the gate reads: the same decision and message as with the decimal', () => {
    const tracker = createRealisedToday();
    tracker.add(dec('-30.5'), dec('0.7'));
    tracker.add(dec('-18.4'), dec('0.4'));
    const facts = {
      riskState: 'ACTIVE' as const,
      autoTrade: true,
      minConfidence: 0,
      leverage: 5,
      hasLivePosition: false,
      lastStopOutAt: null,
      symbolTrading: true,
      symbolMaxLeverage: 20,
    };
    const entry = {
      kind: 'entry' as const,
      symbol: 'BTCUSDT',
      direction: 'LONG' as const,
      confidence: 80,
      automatic: true,
    };
    for (const limit of ['50', '50.01', '1e15']) {
      const limits = { cooldownAfterStopOutMs: 0, dailyLossLimit: dec(limit) };
      expect(checkOrder(entry, { ...facts, realisedPnlToday: tracker }, limits, 0)).toEqual(
        checkOrder(entry, { ...facts, realisedPnlToday: dec('-50') }, limits, 0),
      );
    }
  });

  it('would answer wrongly without its slack (this property catches it)', () => {
    const details = fc.check(property(0), { numRuns: 3000, seed: 1 });
    expect(details.failed).toBe(true);
  });
});
