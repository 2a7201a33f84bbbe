import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EquityTracker, SplitEquity } from './equity.js';

const DAY = 86_400_000;
const MIN = 60_000;
const t0 = Date.UTC(2026, 0, 1);

const extremes = (eq: EquityTracker) => {
  const s = eq.samples();
  return {
    deepest: Math.max(...s.map((x) => x.drawdownPct)),
    lowest: Math.min(...s.map((x) => x.equity)),
    highest: Math.max(...s.map((x) => x.equity)),
  };
};

describe('EquityTracker chart samples', () => {
  it('keep the deepest drawdown, the lowest and the highest equity, whichever marks they fall on', () => {
    // 10 days of minute marks, 100 samples at most: about one mark in 144 could be drawn. A
    // one-minute trough at 05:00 and a one-minute spike at 07:01 fall between sample times.
    const eq = new EquityTracker(t0, t0 + 10 * DAY, 1000, 100);
    for (let t = t0 + MIN; t <= t0 + 10 * DAY; t += MIN) {
      const e = t === t0 + 300 * MIN ? 700 : t === t0 + 421 * MIN ? 1500 : 1000 + Math.sin(t / 1e7) * 10;
      eq.mark(t, e, false);
    }
    const stats = eq.stats();
    // From the 1500 spike back to about 990.
    expect(stats.maxDrawdownPct).toBeGreaterThan(33);
    const chart = extremes(eq);
    // What the chart shows is what the report says: the drawdown chart reaches the max drawdown.
    expect(chart.deepest).toBe(stats.maxDrawdownPct);
    expect(chart.lowest).toBe(700);
    expect(chart.highest).toBe(1500);
    const samples = eq.samples();
    expect(samples.length).toBeLessThanOrEqual(102);
    expect(samples[0]).toEqual({ time: t0, equity: 1000, drawdownPct: 0 });
    expect(samples[samples.length - 1]!.time).toBe(t0 + 10 * DAY);
    for (let i = 1; i < samples.length; i++)
      expect(samples[i]!.time).toBeGreaterThanOrEqual(samples[i - 1]!.time);
  });

  it('for any path: bounded, in time order, ending at the last mark, and as deep as the max drawdown', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.05, max: 0.05, noNaN: true }), {
          minLength: 1,
          maxLength: 3000,
          size: 'large',
        }),
        fc.integer({ min: 3, max: 300 }),
        (steps, maxSamples) => {
          const to = t0 + steps.length * 5 * MIN;
          const eq = new EquityTracker(t0, to, 1000, maxSamples);
          let e = 1000;
          steps.forEach((r, i) => {
            e *= 1 + r;
            eq.mark(t0 + (i + 1) * 5 * MIN, e, false);
          });
          const samples = eq.samples();
          expect(samples.length).toBeLessThanOrEqual(maxSamples + 2);
          for (let i = 1; i < samples.length; i++)
            expect(samples[i]!.time).toBeGreaterThanOrEqual(samples[i - 1]!.time);
          expect(samples[samples.length - 1]).toMatchObject({ time: to, equity: e });
          expect(extremes(eq).deepest).toBe(eq.stats().maxDrawdownPct);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ends at the equity of the last mark when two marks share the last time (closed at the end)', () => {
    // One sample every 5 minutes: every mark at its own sample time, the last one too.
    const eq = new EquityTracker(t0, t0 + DAY, 1000, 288);
    for (let t = t0 + 5 * MIN; t <= t0 + DAY; t += 5 * MIN) eq.mark(t, 1010, true);
    eq.mark(t0 + DAY, 1009.5, false);
    const samples = eq.samples();
    expect(samples[samples.length - 1]).toMatchObject({ time: t0 + DAY, equity: 1009.5 });
    expect(eq.stats().endEquity).toBe(1009.5);
  });
});

describe('EquityTracker daily returns', () => {
  it('counts days without a mark (a gap in the data) as days of zero return', () => {
    const eq = new EquityTracker(t0, t0 + 5 * DAY, 1000);
    eq.mark(t0 + 12 * 3_600_000, 1010, true); // day 1
    eq.mark(t0 + DAY, 1020, true); // closes day 1
    // nothing on days 2 and 3; day 4 closes lower, day 5 flat
    eq.mark(t0 + 3 * DAY + 3_600_000, 969, false);
    eq.mark(t0 + 4 * DAY, 969, false);
    eq.mark(t0 + 5 * DAY, 969, false);
    const s = eq.stats();
    expect(s.dailyReturns.map((r) => Number(r.toFixed(12)))).toEqual([0.02, 0, 0, -0.05, 0]);
    // exposed from 12:00 on day 1 until the first mark after the gap (the position was open)
    expect(s.exposedMs).toBe(3 * DAY - 11 * 3_600_000);
  });
});

describe('SplitEquity', () => {
  const at = t0 + 2 * DAY;

  it('counts a position open across the split in both parts: exposure adds up to the whole', () => {
    const split = new SplitEquity(t0, t0 + 4 * DAY, 1000, at);
    split.mark(at - 10 * MIN, 1000, false);
    split.mark(at - 5 * MIN, 1000, true); // opened at the close 5 minutes before the split
    split.mark(at, 1001, true);
    split.mark(at + 5 * MIN, 1002, true);
    split.mark(at + 10 * MIN, 1003, false); // closed in the candle that ends 10 minutes after
    split.mark(t0 + 4 * DAY, 1003, false);
    expect(split.whole.stats().exposedMs).toBe(15 * MIN);
    expect(split.inSample!.stats().exposedMs).toBe(5 * MIN);
    expect(split.outOfSample!.stats().exposedMs).toBe(10 * MIN);
  });

  it('for any sequence of marks, the parts add up to the whole (exposure, time, return)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gap: fc.integer({ min: 1, max: 300 }),
            exposed: fc.boolean(),
            r: fc.double({ min: -0.02, max: 0.02, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 400,
          },
        ),
        fc.integer({ min: 1, max: 99 }),
        (marks, share) => {
          const total = marks.reduce((s, m) => s + m.gap, 0) * 5 * MIN;
          const to = t0 + total;
          const splitAt = t0 + Math.round((total * share) / 100 / (5 * MIN)) * 5 * MIN;
          const split = new SplitEquity(t0, to, 1000, splitAt);
          let t = t0;
          let e = 1000;
          for (const m of marks) {
            t += m.gap * 5 * MIN;
            e *= 1 + m.r;
            split.mark(t, e, m.exposed);
          }
          const whole = split.whole.stats();
          const is = split.inSample!.stats();
          const oos = split.outOfSample!.stats();
          expect(is.exposedMs + oos.exposedMs).toBe(whole.exposedMs);
          expect(is.spanMs + oos.spanMs).toBe(whole.spanMs);
          expect(oos.startEquity).toBe(is.endEquity);
          expect((is.endEquity / is.startEquity) * (oos.endEquity / oos.startEquity)).toBeCloseTo(
            whole.endEquity / whole.startEquity,
            12,
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
