import { describe, expect, it } from 'vitest';
import type { ScreenRank } from '../screener/index.js';
import { COMBINE_DEFAULTS, combine, resolveCombineOptions } from '../signals/index.js';
import { scoreFloor } from './strategy.js';

const rank = (score: number, qualityPenalty: number, fakePenalty: number): ScreenRank => ({
  symbol: 'XUSDT',
  direction: 'LONG',
  score,
  rawScore: score,
  qualityPenalty,
  fakePenalty,
});

describe('scoreFloor', () => {
  it('is the lowest score the aggregator accepts with the analysts at the ceiling', () => {
    const atScore = (s: ScreenRank) => s.score;
    expect(scoreFloor(atScore, COMBINE_DEFAULTS)).toBe(75);
    expect(scoreFloor(atScore, resolveCombineOptions({ minConfidence: 0 }))).toBe(0);
    // Screen 40 % + analysts 60 % at 100: 0.4 s + 60 >= 75 from s = 38.
    expect(scoreFloor(() => 100, COMBINE_DEFAULTS)).toBe(38);
    // Analysts at 0: the screen alone reaches 40 at most.
    expect(scoreFloor(() => 0, COMBINE_DEFAULTS)).toBe(101);
  });

  it('leaves no acceptable screen under it, whatever the penalties', () => {
    for (const minConfidence of [0, 30, 75, 100]) {
      const options = resolveCombineOptions({ minConfidence, qualityVetoAt: 0 });
      const ceiling = (s: ScreenRank) => Math.min(100, s.score + 7);
      const floor = scoreFloor(ceiling, options);
      for (let score = 0; score <= 100; score++) {
        for (const penalty of [-10, 0, 20, 40, 60]) {
          const screen = rank(score, penalty, penalty);
          const primary = { analyst: 'x', direction: 'LONG' as const, confidence: ceiling(screen) };
          const accepted = combine({ screen, primary }, options).accepted;
          if (score < floor) expect(accepted).toBe(false);
          // At the floor and above, a screen whose penalties veto nothing is accepted.
          else if (penalty < 0) expect(accepted).toBe(true);
        }
      }
    }
  });
});
