import { describe, expect, it } from 'vitest';
import { runBacktest } from './backtest.js';
import type { BacktestReport } from './types.js';

/** Picks the random-entry baseline reported it could not place (its note), 0 without the note. */
const reportedUnfilled = (r: BacktestReport): number => {
  const note = r.notes.find((n) => n.startsWith('Random entries:'));
  return note ? Number(/(\d+) pick/.exec(note)![1]) : 0;
};

describe('random-entry baseline with a split', () => {
  // One symbol, a low confidence bar and no cooldown: the strategy trades often, so the random
  // entries (which hold longer) cannot place every pick before a part ends.
  it.each([
    [1, 0.3],
    [3, 0.3],
  ])('reports every pick it could not place, in-sample too (seed %i, split %f)', async (seed, split) => {
    const r = await runBacktest({
      market: { kind: 'synthetic', seed: 3, symbols: 1 },
      to: Date.UTC(2026, 0, 8),
      split,
      seed,
      minConfidence: 1,
      cooldownMinutes: 0,
      executor: 'direct',
    });
    const s = r.split!;
    const short =
      s.inSample.strategy.metrics.trades -
      s.inSample.randomEntry!.metrics.trades +
      (s.outOfSample.strategy.metrics.trades - s.outOfSample.randomEntry!.metrics.trades);
    // The case this is about: the in-sample part came up short.
    expect(s.inSample.randomEntry!.metrics.trades).toBeLessThan(s.inSample.strategy.metrics.trades);
    expect(reportedUnfilled(r)).toBe(short);
    expect(r.baselineTrades.randomEntry.length + reportedUnfilled(r)).toBe(r.trades.length);
  });
});
