import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveScreenerConfig } from './config.js';
import { universeFixture } from './fixtures.js';
import { LazyScreenResult, toPlainOutcome } from './result.js';
import { screenSymbol } from './screen.js';
import { isSkip, type ScreenResult } from './types.js';

const config = resolveScreenerConfig();
const results = universeFixture(30, 260)
  .map((s) => screenSymbol(s, config))
  .filter((o): o is ScreenResult => !isSkip(o));

describe('LazyScreenResult (words formatted on first read)', () => {
  it('reads like a plain result: same words on every read, same JSON', () => {
    expect(results.length).toBeGreaterThan(10);
    for (const r of results) {
      expect(r).toBeInstanceOf(LazyScreenResult);
      const reasons = r.reasons;
      expect(reasons.length).toBeGreaterThan(0);
      expect(r.reasons).toBe(reasons);
      const plain = toPlainOutcome(r) as ScreenResult;
      expect(Object.keys(plain)).toEqual([
        'symbol',
        'direction',
        'score',
        'rawScore',
        'source',
        'proposed',
        'qualityPenalty',
        'fakePenalty',
        'metrics',
        'contributions',
        'reasons',
        'candleTime',
      ]);
      expect(JSON.stringify(r)).toBe(JSON.stringify(plain));
      const { reasons: destructured, contributions } = r;
      expect(destructured).toEqual(plain.reasons);
      expect(contributions).toEqual(plain.contributions);
    }
  });

  it('takes new words like a plain object would', () => {
    const r = results[0]!;
    r.reasons = ['checked by hand'];
    r.contributions = [];
    expect(r.reasons).toEqual(['checked by hand']);
    expect(JSON.parse(JSON.stringify(r))).toMatchObject({ reasons: ['checked by hand'], contributions: [] });
  });
});

describe('firstReasons (the leading reasons without formatting the rest)', () => {
  const universe = universeFixture(30, 260);
  /** Columns cut to their first `n` rows (a screen at an earlier close, other words). */
  const cut = (c: (typeof universe)[number]['primary'], n: number) => ({
    openTime: c.openTime.slice(0, n),
    open: c.open.slice(0, n),
    high: c.high.slice(0, n),
    low: c.low.slice(0, n),
    close: c.close.slice(0, n),
    volume: c.volume.slice(0, n),
  });
  const configs = [
    config,
    // A conflict downgrades, a high minimum makes NEUTRAL lines, a low kill level kills.
    resolveScreenerConfig({ confirmation: { onConflict: 'neutral' }, base: { minScore: 60 } }),
    resolveScreenerConfig({ antiFake: { killAt: 10 } }),
  ];

  it('is reasons.slice(0, count) for every count, on a fresh result and on one already read', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: universe.length - 1 }),
        fc.integer({ min: 120, max: 260 }),
        fc.integer({ min: 0, max: configs.length - 1 }),
        fc.option(
          fc.record({
            direction: fc.constantFrom<'PUMP' | 'DUMP'>('PUMP', 'DUMP'),
            confidence: fc.integer({ min: 0, max: 100 }),
          }),
          { nil: undefined },
        ),
        (k, rows, c, whale) => {
          const s = universe[k]!;
          const input = { ...s, primary: cut(s.primary, rows), confirm: cut(s.confirm, rows), whale };
          const screen = () => screenSymbol(input, configs[c]!);
          const reference = screen();
          if (isSkip(reference)) return;
          const all = reference.reasons;
          for (let count = 0; count <= all.length + 1; count++) {
            const fresh = screen() as LazyScreenResult;
            expect(fresh.firstReasons(count)).toEqual(all.slice(0, count));
            // Read first, the reasons are what the rest is sliced from.
            expect(fresh.reasons).toEqual(all);
            expect(fresh.firstReasons(count)).toEqual(all.slice(0, count));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('follows contributions set from outside, as reasons does', () => {
    const r = screenSymbol(universe[1]!, config) as LazyScreenResult;
    r.contributions = [{ filter: 'base', kind: 'bonus', points: 30, note: 'set by hand' }];
    expect(r.firstReasons(5)).toEqual(r.reasons.slice(0, 5));
    expect(r.reasons).toContain('set by hand (+30)');
  });
});
