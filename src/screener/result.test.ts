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
