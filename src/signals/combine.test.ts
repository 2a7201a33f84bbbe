import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combine, resolveCombineOptions } from './combine.js';
import { canTransition, collapseBatch, isLiveSignal, LIVE_SIGNAL_STATUSES } from './lifecycle.js';
import type { CombineInput } from './types.js';

const input = (overrides: Partial<CombineInput> = {}): CombineInput => ({
  screen: { direction: 'LONG', score: 80, qualityPenalty: 0, fakePenalty: 0 },
  primary: { analyst: 'rule', direction: 'LONG', confidence: 80 },
  ...overrides,
});
const screen = (s: Partial<CombineInput['screen']>) => ({ ...input().screen, ...s });

describe('combine', () => {
  it.each([
    // label, input, combined confidence, accepted
    ['screen and analyst agree', input(), 80, true],
    [
      'analyst less sure',
      input({ primary: { analyst: 'llm', direction: 'LONG', confidence: 60 } }),
      68,
      false,
    ],
    [
      'vision agrees at 100',
      input({ vision: { analyst: 'vision', direction: 'LONG', confidence: 100 } }),
      88,
      true,
    ],
    [
      'vision agrees at 50',
      input({ vision: { analyst: 'vision', direction: 'LONG', confidence: 50 } }),
      84,
      true,
    ],
    [
      'vision has no view',
      input({ vision: { analyst: 'vision', direction: 'NONE', confidence: 40 } }),
      80,
      true,
    ],
    ['whale pump with a LONG', input({ whale: { direction: 'PUMP', confidence: 100 } }), 90, true],
    ['whale dump against a LONG', input({ whale: { direction: 'DUMP', confidence: 60 } }), 71, false],
    [
      'whale dump with a SHORT',
      input({
        screen: screen({ direction: 'SHORT' }),
        primary: { analyst: 'rule', direction: 'SHORT', confidence: 80 },
        whale: { direction: 'DUMP', confidence: 50 },
      }),
      85,
      true,
    ],
    ['win probability 0.9', input({ winProbability: 0.9 }), 83, true],
    ['win probability 0.2', input({ winProbability: 0.2 }), 62, false],
    [
      'everything at once, clamped',
      input({
        screen: screen({ score: 100 }),
        primary: { analyst: 'rule', direction: 'LONG', confidence: 100 },
        vision: { analyst: 'vision', direction: 'LONG', confidence: 100 },
        whale: { direction: 'PUMP', confidence: 100 },
      }),
      100,
      true,
    ],
    ['quality penalty just under the veto', input({ screen: screen({ qualityPenalty: 39 }) }), 80, true],
  ] as const)('%s -> %s', (_label, given, confidence, accepted) => {
    const decision = combine(given);
    expect(decision.combinedConfidence).toBe(confidence);
    expect(decision.accepted).toBe(accepted);
    if (!accepted) expect(decision.rejection).toMatch(/< minimum 75|vetoed/);
  });

  it.each([
    ['quality penalty 40', input({ screen: screen({ qualityPenalty: 40 }) }), /quality penalty 40 >= 40/],
    ['fake penalty 55', input({ screen: screen({ fakePenalty: 55 }) }), /fake penalty 55 >= 40/],
    [
      'vision disagrees',
      input({ vision: { analyst: 'vision', direction: 'SHORT', confidence: 30 } }),
      /rule says LONG, vision says SHORT/,
    ],
    [
      'another logic analyst disagrees',
      input({ others: [{ analyst: 'llm', direction: 'SHORT', confidence: 70 }] }),
      /rule says LONG, llm says SHORT/,
    ],
    [
      'analyst against the screen',
      input({ primary: { analyst: 'llm', direction: 'SHORT', confidence: 95 } }),
      /llm says SHORT against the screen's LONG/,
    ],
    ['win probability below its minimum', input({ winProbability: 0.5 }), /win probability 50% < 55%/],
  ] as const)('vetoes: %s', (_label, given, veto) => {
    const decision = combine(given, resolveCombineOptions({ minWinProbability: 0.55 }));
    expect(decision.accepted).toBe(false);
    expect(decision.vetoes.join('; ')).toMatch(veto);
    expect(decision.rejection).toMatch(/^vetoed: /);
  });

  it('records ai_agreement and the other features', () => {
    const agree = combine(
      input({
        vision: { analyst: 'vision', direction: 'LONG', confidence: 70 },
        whale: { direction: 'DUMP', confidence: 40 },
        winProbability: 0.6,
      }),
    );
    expect(agree.features).toMatchObject({
      ai_agreement: 1,
      vision_confidence: 70,
      whale_alignment: -0.4,
      win_probability: 0.6,
      screen_score: 80,
      analyst_confidence: 80,
    });
    expect(
      combine(input({ vision: { analyst: 'vision', direction: 'SHORT', confidence: 70 } })).features
        .ai_agreement,
    ).toBe(-1);
    expect(
      combine(input({ vision: { analyst: 'vision', direction: 'NONE', confidence: 0 } })).features
        .ai_agreement,
    ).toBe(0);
    expect(combine(input()).features.ai_agreement).toBeNull();
  });

  it('a declined proposal is never accepted', () => {
    const decision = combine(input({ primary: { analyst: 'llm', direction: 'NONE', confidence: 99 } }));
    expect(decision).toMatchObject({ direction: null, accepted: false, rejection: 'llm proposes no trade' });
  });

  it('respects a stricter minimum confidence', () => {
    expect(combine(input(), resolveCombineOptions({ minConfidence: 85 })).rejection).toBe(
      'combined confidence 80 < minimum 85',
    );
    expect(() => resolveCombineOptions({ minConfidence: 120 })).toThrow(RangeError);
  });

  it('always gives a finite 0..100 confidence, whatever comes in (property)', () => {
    const anyNumber = fc.oneof(fc.double(), fc.constant(Number.NaN), fc.integer({ min: -500, max: 500 }));
    const dir = fc.constantFrom('LONG' as const, 'SHORT' as const, 'NONE' as const);
    fc.assert(
      fc.property(
        anyNumber,
        anyNumber,
        anyNumber,
        dir,
        dir,
        fc.option(anyNumber),
        (score, conf, visionConf, d1, d2, p) => {
          const decision = combine(
            input({
              screen: screen({ score }),
              primary: { analyst: 'a', direction: d1, confidence: conf },
              vision: { analyst: 'v', direction: d2, confidence: visionConf },
              whale: { direction: 'PUMP', confidence: conf },
              winProbability: p,
            }),
          );
          expect(Number.isFinite(decision.combinedConfidence)).toBe(true);
          expect(decision.combinedConfidence).toBeGreaterThanOrEqual(0);
          expect(decision.combinedConfidence).toBeLessThanOrEqual(100);
          if (decision.accepted) expect(decision.vetoes).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('lifecycle and dedup policy', () => {
  it('allows PENDING -> EXECUTED / EXPIRED / REJECTED and nothing back', () => {
    expect(['EXECUTED', 'EXPIRED', 'REJECTED'].every((to) => canTransition('PENDING', to as never))).toBe(
      true,
    );
    expect(canTransition('EXPIRED', 'PENDING')).toBe(false);
    expect(canTransition('REJECTED', 'EXECUTED')).toBe(false);
    expect(canTransition('EXECUTED', 'EXPIRED')).toBe(false);
    expect(['PENDING', 'EXECUTED'].every((s) => isLiveSignal(s as never))).toBe(true);
    expect(isLiveSignal('EXPIRED')).toBe(false);
    for (const status of ['PENDING', 'EXECUTED', 'EXPIRED', 'REJECTED'] as const)
      expect(isLiveSignal(status)).toBe(LIVE_SIGNAL_STATUSES.includes(status));
  });

  it('collapses a batch to the most confident signal per symbol and direction', () => {
    const batch = [
      { symbol: 'A', direction: 'LONG' as const, combinedConfidence: 80 },
      { symbol: 'A', direction: 'SHORT' as const, combinedConfidence: 90 },
      { symbol: 'A', direction: 'LONG' as const, combinedConfidence: 85 },
      { symbol: 'B', direction: 'LONG' as const, combinedConfidence: 70 },
    ];
    expect(collapseBatch(batch).keptIndexOf).toEqual([2, 1, 2, 3]);
    expect(collapseBatch(batch.slice(3)).keptIndexOf).toEqual([0]);
    expect(collapseBatch([]).keptIndexOf).toEqual([]);
  });
});
