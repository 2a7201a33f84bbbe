import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, dec, price } from '../domain/index.js';
import { testContext } from './test-context.js';
import type { RawPlan } from './types.js';
import { atrPlan, smartEntry, VALIDATION_DEFAULTS, validatePlan } from './validate.js';

const d = (v: string | number | null) => (v === null ? null : new Dec(v));
const plan = (
  direction: 'LONG' | 'SHORT',
  entry: string | number | null,
  stop: string | number | null,
  target: string | number | null,
): RawPlan => ({
  direction,
  confidence: 80,
  entry: d(entry),
  stopLoss: d(stop),
  takeProfit: d(target),
});

describe('smart entry', () => {
  const book = { bid: price('99.9'), ask: price('100.1') };
  it.each([
    // direction, rsi, bollinger position, screen source, book, type, entry
    ['LONG', 30, 0.5, 'rsi-trend', undefined, 'LIMIT', '99.8'],
    ['SHORT', 70, 0.5, 'rsi-trend', undefined, 'LIMIT', '100.2'],
    ['LONG', 30, 1.2, 'momentum', undefined, 'LIMIT', '99.8'], // a dip wins over momentum
    ['LONG', 50, 1.1, 'rsi-trend', undefined, 'MARKET', '100'],
    ['SHORT', 50, -0.1, 'rsi-trend', undefined, 'MARKET', '100'],
    ['LONG', 50, 0.5, 'momentum', book, 'MARKET', '100'],
    ['LONG', 50, 0.5, 'rsi-trend', book, 'LIMIT', '99.9'],
    ['SHORT', 50, 0.5, 'whale', book, 'LIMIT', '100.1'],
    ['LONG', 50, 0.5, 'rsi-trend', undefined, 'LIMIT', '100'],
    ['LONG', 70, 0.5, 'rsi-trend', undefined, 'LIMIT', '100'], // overbought is not a LONG dip
    ['SHORT', 30, 0.5, 'rsi-trend', undefined, 'LIMIT', '100'],
    ['LONG', null, null, null, undefined, 'LIMIT', '100'],
    ['LONG', 50, 0.5, 'rsi-trend', { bid: price('50'), ask: price('51') }, 'LIMIT', '100'], // stale book
  ] as const)('%s rsi %s bb %s source %s book %o -> %s %s', (direction, rsi, bb, source, bk, type, entry) => {
    const context = testContext({
      rsi,
      bollingerPosition: bb,
      atr: 1,
      book: bk,
      screen: { ...testContext().screen, source },
    });
    const chosen = smartEntry(context, direction);
    expect(chosen.entryType).toBe(type);
    expect(chosen.entry.toFixed()).toBe(dec(entry).toFixed());
  });

  it('follows a change of the dip distance in a rules object already used', () => {
    const rules = { ...VALIDATION_DEFAULTS, smartEntry: { ...VALIDATION_DEFAULTS.smartEntry } };
    const context = testContext({ rsi: 30, atr: 1 });
    expect(smartEntry(context, 'LONG', rules).entry.toFixed()).toBe('99.8');
    rules.smartEntry.dipAtr = 0.35;
    expect(smartEntry(context, 'LONG', rules).entry.toFixed()).toBe('99.65');
    rules.smartEntry = { ...rules.smartEntry, dipAtr: 0.1 };
    expect(smartEntry(context, 'LONG', rules).entry.toFixed()).toBe('99.9');
  });
});

describe('atrPlan', () => {
  it.each([
    // atr, direction, stop, target: 1 ATR kept inside 0.5%..2.5% of 100, target 2R
    [1, 'LONG', '99', '102'],
    [1, 'SHORT', '101', '98'],
    [0.1, 'LONG', '99.5', '101'],
    [7, 'SHORT', '102.5', '95'],
  ] as const)('ATR %s %s -> stop %s target %s', (atr, direction, stop, target) => {
    const result = atrPlan(direction, dec('100'), atr);
    expect(result.stopLoss.toFixed()).toBe(stop);
    expect(result.takeProfit.toFixed()).toBe(target);
  });
});

describe('validatePlan', () => {
  // Momentum context: MARKET at the price, so the entry stays where the analyst put it (100).
  const context = testContext();

  it.each([
    // direction, entry, stop, target, expected entry/stop/target, fix pattern (or null)
    ['LONG', 100, 99, 102, ['100', '99', '102'], null],
    ['SHORT', 100, 101, 98, ['100', '101', '98'], null],
    ['LONG', 0, 99, 102, ['100', '99', '102'], /entry 0: replaced by the current price 100/],
    ['LONG', null, null, null, ['100', '99', '102'], /entry missing: replaced/],
    ['SHORT', -5, 101, 98, ['100', '101', '98'], /entry -5: replaced/],
    ['LONG', 150, 140, 170, ['100', '99', '102'], /entry 150 is 50.00% from price 100/],
    ['LONG', 100, null, 102, ['100', '99', '102'], /stop-loss missing: set 1 ATR/],
    ['LONG', 100, -3, 102, ['100', '99', '102'], /stop-loss -3: set 1 ATR/],
    ['LONG', 100, 99, null, ['100', '99', '102'], /take-profit missing: set at 2x risk/],
    ['LONG', 100, 99.8, 102, ['100', '99.5', '102'], /stop distance 0.20% widened to 0.50%/],
    ['SHORT', 100, 100.1, 97, ['100', '100.5', '97'], /widened to 0.50%/],
    ['LONG', 100, 95, 110, ['100', '97.5', '110'], /stop distance 5.00% narrowed to 2.50%/],
    ['LONG', 100, 99, 120, ['100', '99', '106'], /more than 6x risk: capped at 106/],
    ['LONG', 100, 99, 1e12, ['100', '99', '106'], /capped/],
    ['LONG', 100, 99, 101.3, ['100', '99', '101.3'], null], // RR exactly 1.3
    // within 1% of price the analyst's entry is kept, then moved to the smart entry with its distances
    ['LONG', 100.5, 99.5, 102.5, ['100', '99', '102'], null],
  ] as const)('%s entry %s stop %s target %s -> %o', (direction, entry, stop, target, expected, fix) => {
    const result = validatePlan(plan(direction, entry, stop, target), context);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { plan: p } = result;
    expect([p.entry.toFixed(), p.stopLoss.toFixed(), p.takeProfit.toFixed()]).toEqual(expected);
    expect(p.entryType).toBe('MARKET');
    if (fix === null) expect(p.fixes).toEqual([]);
    else expect(p.fixes.join(' | ')).toMatch(fix);
  });

  it.each([
    ['LONG', 100, 101, 102, /stop-loss 101 is on the wrong side of entry 100 for LONG/],
    ['SHORT', 100, 99, 98, /stop-loss 99 is on the wrong side of entry 100 for SHORT/],
    ['LONG', 100, 100, 102, /stop-loss 100 is on the wrong side/],
    ['LONG', 100, 99, 98, /take-profit 98 is on the wrong side of entry 100 for LONG/],
    ['SHORT', 100, 101, 103, /take-profit 103 is on the wrong side/],
    ['LONG', 100, 99, 101.2, /reward-to-risk 1.20 below 1.3/],
    // narrowing a 10% stop to 2.5% leaves a 2% target at RR 0.8
    ['LONG', 100, 90, 102, /reward-to-risk 0.80 below 1.3/],
  ] as const)('%s entry %s stop %s target %s is rejected', (direction, entry, stop, target, reason) => {
    const result = validatePlan(plan(direction, entry, stop, target), context);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('rounds to the tick, keeping the stop inside the band and the reward', () => {
    const ctx = testContext({ price: price('1.23456'), atr: 0.0123, tickSize: dec('0.001') });
    const result = validatePlan(plan('LONG', '1.23456', '1.2222', '1.26'), ctx);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.plan.entry.toFixed()).toBe('1.235');
    for (const v of [result.plan.entry, result.plan.stopLoss, result.plan.takeProfit]) {
      expect(v.mod('0.001').isZero()).toBe(true);
    }
    expect(result.plan.stopPct).toBeGreaterThanOrEqual(0.5);
    expect(result.plan.stopPct).toBeLessThanOrEqual(2.5);
  });

  it('rejects when the tick is too coarse to keep the stop within 0.5%..2.5%', () => {
    const ctx = testContext({ tickSize: dec('5') });
    const result = validatePlan(plan('LONG', 100, 99, 102), ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/cannot be kept within 0.5%..2.5%/);
  });

  it('a dip LIMIT moves stop and target with the entry', () => {
    const ctx = testContext({ rsi: 28, atr: 1, screen: { ...testContext().screen, source: 'rsi-trend' } });
    const result = validatePlan(plan('LONG', 100, 99, 102), ctx);
    expect(
      result.ok && [
        result.plan.entryType,
        result.plan.entry.toFixed(),
        result.plan.stopLoss.toFixed(),
        result.plan.takeProfit.toFixed(),
      ],
    ).toEqual(['LIMIT', '99.8', '98.8', '101.8']);
  });

  it('never lets an invalid price through, whatever the analyst says (property)', () => {
    const num = fc.oneof(
      fc.constant(null),
      fc.constant(Number.NaN),
      fc.double({ min: -1e6, max: 1e9, noNaN: true }),
      fc.double({ min: 90, max: 110, noNaN: true }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom('LONG' as const, 'SHORT' as const),
        num,
        num,
        num,
        fc.double({ min: 1e-6, max: 50, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 100, noNaN: true })),
        fc.constantFrom('0.01', '0.1', '0.0001'),
        (direction, entry, stop, target, atr, rsi, tick) => {
          const ctx = testContext({
            atr,
            rsi,
            tickSize: dec(tick),
            screen: { ...testContext().screen, source: 'rsi-trend' },
          });
          const result = validatePlan(plan(direction, entry, stop, target), ctx);
          if (!result.ok) return;
          const { entry: e, stopLoss: s, takeProfit: t } = result.plan;
          const sgn = direction === 'LONG' ? 1 : -1;
          expect(e.gt(0) && s.gt(0) && t.gt(0)).toBe(true);
          expect(s.sub(e).mul(sgn).lt(0)).toBe(true);
          expect(t.sub(e).mul(sgn).gt(0)).toBe(true);
          const stopPct = e.sub(s).abs().div(e).mul(100).toNumber();
          expect(stopPct).toBeGreaterThanOrEqual(VALIDATION_DEFAULTS.minStopPct - 1e-9);
          expect(stopPct).toBeLessThanOrEqual(VALIDATION_DEFAULTS.maxStopPct + 1e-9);
          expect(t.sub(e).abs().div(e.sub(s).abs()).toNumber()).toBeGreaterThanOrEqual(1.3);
          for (const v of [e, s, t]) expect(v.mod(tick).isZero()).toBe(true);
          // entry within 1% of the price (plus the 0.2 ATR dip offset)
          expect(e.sub(100).abs().toNumber()).toBeLessThanOrEqual(1 + 0.2 * atr + 0.01);
        },
      ),
      { numRuns: 500 },
    );
  });
});
