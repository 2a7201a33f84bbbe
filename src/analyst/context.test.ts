import { describe, expect, it } from 'vitest';
import {
  isSkip,
  LazyScreenResult,
  resolveScreenerConfig,
  type ScreenResult,
  screenSymbol,
  universeFixture,
} from '../screener/index.js';
import { contextFromScreen, leadingReasons } from './context.js';
import { ruleProposal } from './rule-analyst.js';

const config = resolveScreenerConfig();
const screens = () =>
  universeFixture(30, 260)
    .map((s) => screenSymbol(s, config))
    .filter((o): o is ScreenResult => !isSkip(o) && o.direction !== 'NEUTRAL');

describe('contextFromScreen: the screen reasons, read when read', () => {
  it('gives the result’s reasons, to a read and to JSON alike, and takes new ones', () => {
    const results = screens();
    expect(results.length).toBeGreaterThan(5);
    for (const r of results) {
      const built = contextFromScreen(r, { timeframe: '15m' });
      if (!built.ok) continue;
      const view = built.context.screen;
      expect(view.reasons).toBe(r.reasons);
      expect(JSON.parse(JSON.stringify(view))).toEqual({
        direction: r.direction,
        score: r.score,
        qualityPenalty: r.qualityPenalty,
        fakePenalty: r.fakePenalty,
        source: r.source,
        reasons: r.reasons,
      });
      view.reasons = ['set by hand'];
      expect(view.reasons).toEqual(['set by hand']);
      expect(leadingReasons(view, 3)).toEqual(['set by hand']);
      expect(r.reasons).not.toEqual(['set by hand']);
    }
  });

  it('does not read them itself', () => {
    const [r] = screens();
    let reads = 0;
    const counted = Object.create(r!, {
      reasons: {
        get() {
          reads++;
          return r!.reasons;
        },
      },
    }) as ScreenResult;
    const built = contextFromScreen(counted, { timeframe: '15m' });
    expect(built.ok && reads).toBe(0);
    expect(built.ok && built.context.screen.reasons).toEqual(r!.reasons);
    expect(reads).toBe(1);
  });
});

describe('leadingReasons', () => {
  const universe = universeFixture(30, 260);
  /** A fresh context of the symbol's screen: its result's words not formatted yet. */
  const freshContext = (symbol: string) => {
    const fresh = screenSymbol(universe.find((s) => s.symbol === symbol)!, config);
    expect(fresh).toBeInstanceOf(LazyScreenResult);
    const built = contextFromScreen(fresh as ScreenResult, { timeframe: '15m' });
    return built.ok ? built.context : null;
  };

  it('is reasons.slice(0, count): for a context made here, from a fresh result, and for any other', () => {
    for (const r of screens()) {
      for (const count of [0, 1, 2, 3, 50]) {
        const context = freshContext(r.symbol);
        if (context === null) continue;
        expect(leadingReasons(context.screen, count)).toEqual(r.reasons.slice(0, count));
        // Not a view made here (a plain copy): the slice of its own reasons.
        const copy = { ...context.screen, reasons: ['a', 'b', 'c', 'd'] };
        expect(leadingReasons(copy, count)).toEqual(['a', 'b', 'c', 'd'].slice(0, count));
      }
    }
  });

  it('gives the rule analyst the same reasoning as the full list would', () => {
    for (const r of screens()) {
      const context = freshContext(r.symbol);
      if (context === null) continue;
      const lazy = ruleProposal(context);
      // The same context as a plain object (its reasons an array): leadingReasons slices it.
      const plain = { ...context, screen: { ...context.screen, reasons: r.reasons.slice() } };
      expect(lazy).toEqual(ruleProposal(plain));
      expect(lazy.reasoning).toContain(r.reasons[0]);
    }
  });
});
