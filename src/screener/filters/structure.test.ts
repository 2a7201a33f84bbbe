import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveScreenerConfig } from '../config.js';
import { viewFrom } from '../fixtures.js';
import {
  keyLevels,
  levelInPath,
  levelInPathHit,
  marketStructure,
  nearestLevelInPath,
  structureScore,
} from './structure.js';

const config = resolveScreenerConfig();
/** A view with these highs and lows (closes in the middle). */
const hl = (high: number[], low: number[], bands?: { upper: number; lower: number }) =>
  viewFrom({ close: high.map((h, i) => (h + low[i]!) / 2), high, low }, bands);
/** 4 blocks of 5 candles with the given block highs and lows. */
const blocks = (highs: number[], lows: number[]) =>
  hl(
    highs.flatMap((h) => [h - 1, h, h - 1, h - 2, h - 1]),
    lows.flatMap((l) => [l + 1, l, l + 1, l + 2, l + 1]),
  );

describe('market structure', () => {
  it('calls higher highs and higher lows a clean uptrend: +15 LONG, -15 SHORT', () => {
    const v = blocks([101, 102, 103, 104], [91, 92, 93, 94]);
    const s = marketStructure(v, config);
    expect(s).toEqual({ state: 'UP', net: 6 });
    expect(structureScore('LONG', s, config)).toEqual({
      points: 15,
      note: 'clean structure: higher highs and higher lows',
    });
    expect(structureScore('SHORT', s, config).points).toBe(-15);
  });

  it('calls lower highs and lower lows a clean downtrend', () => {
    const v = blocks([104, 103, 102, 101], [94, 93, 92, 91]);
    expect(marketStructure(v, config).state).toBe('DOWN');
    expect(structureScore('SHORT', marketStructure(v, config), config).points).toBe(15);
  });

  it('calls alternating swings choppy: -15 either way', () => {
    const v = blocks([105, 100, 105, 100], [95, 100, 95, 100]);
    const s = marketStructure(v, config);
    expect(s).toEqual({ state: 'CHOPPY', net: 0 });
    expect(structureScore('LONG', s, config).points).toBe(-15);
    expect(structureScore('SHORT', s, config).points).toBe(-15);
  });

  it('leaves a half-trend (higher highs, flat lows) unscored', () => {
    const v = blocks([101, 102, 103, 104], [90, 90, 90, 90]);
    const s = marketStructure(v, config);
    expect(s).toEqual({ state: 'MIXED', net: 3 });
    expect(structureScore('LONG', s, config).points).toBe(0);
  });

  it('reads only the last 20 candles', () => {
    const v = blocks([101, 102, 103, 104], [91, 92, 93, 94]);
    const older = hl([...Array(10).fill(500), ...v.high], [...Array(10).fill(1), ...v.low]);
    expect(marketStructure(older, config).state).toBe('UP');
  });
});

describe('support/resistance proximity (0.3% -> -10)', () => {
  // One swing high at 110 (index 10) and one swing low at 90 (index 20) in flat 100/99 candles.
  const high = Array.from({ length: 30 }, (_, i) => (i === 10 ? 110 : 100));
  const low = Array.from({ length: 30 }, (_, i) => (i === 20 ? 90 : 99));

  it('finds swing highs and lows (a flat stretch is not a swing)', () => {
    const levels = keyLevels(hl(high, low), config);
    expect(levels.resistances).toEqual([{ price: 110, label: 'swing high' }]);
    expect(levels.supports).toEqual([{ price: 90, label: 'swing low' }]);
  });

  it('adds the Bollinger bands as levels', () => {
    const levels = keyLevels(hl(high, low, { upper: 104, lower: 96 }), config);
    expect(levels.resistances.map((l) => l.label)).toEqual(['swing high', 'upper Bollinger band']);
    expect(levels.supports.map((l) => l.price)).toEqual([90, 96]);
  });

  it('costs 10 when a LONG entry sits within 0.3% of resistance', () => {
    const view = hl(high, low);
    const r = levelInPath('LONG', 109.7, view, config);
    expect(r.points).toBe(-10);
    expect(r.note).toBe('entry 0.27% from resistance 110 (swing high)');
    expect(levelInPath('LONG', 109.6, view, config).points).toBe(0); // 0.36% away
  });

  it('judges only the levels in the trade path', () => {
    const view = hl(high, low);
    expect(levelInPath('SHORT', 109.9, view, config).points).toBe(0); // resistance does not block a short
    expect(levelInPath('SHORT', 90.2, view, config).points).toBe(-10); // support does
    expect(levelInPath('LONG', 90.2, view, config).points).toBe(0);
  });

  it('treats a Bollinger band like any level', () => {
    const view = hl(high, low, { upper: 100.5, lower: 98 });
    expect(levelInPath('LONG', 100.4, view, config)).toEqual({
      points: -10,
      note: 'entry 0.1% from resistance 100.5 (upper Bollinger band)',
    });
  });

  it('cannot confirm a pivot in the newest 2 candles', () => {
    const h = [...Array(28).fill(100), 120, 100];
    expect(keyLevels(hl(h, h), config).resistances).toEqual([]);
  });
});

describe('levelInPathHit', () => {
  it("answers nearestLevelInPath's hit: random highs, lows, bands, prices near them and configs", () => {
    const tick = fc.integer({ min: -40, max: 40 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(tick, fc.integer({ min: 0, max: 30 })), { minLength: 1, maxLength: 80 }),
        fc.record({
          upper: fc.option(fc.integer({ min: 9_000, max: 11_000 }), { nil: Number.NaN }),
          lower: fc.option(fc.integer({ min: 9_000, max: 11_000 }), { nil: Number.NaN }),
        }),
        fc.integer({ min: 0, max: 79 }),
        fc.integer({ min: -60, max: 60 }),
        fc.constantFrom(0, 0.05, 0.3, 1),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 5, max: 60 }),
        (rows, bands, near, offset, proximityPct, pivotSpan, swingLookback) => {
          // Highs as a walk of ticks (ties included), each low `width` ticks under its high.
          let h = 10_000;
          const high: number[] = [];
          const low: number[] = [];
          for (const [move, width] of rows) {
            h += move;
            high.push(h / 100);
            low.push((h - width) / 100);
          }
          const view = hl(high, low, { upper: bands.upper / 100, lower: bands.lower / 100 });
          const at = Math.min(near, high.length - 1);
          const price = (high[at]! + low[at]!) / 2 + offset / 1000;
          const c = resolveScreenerConfig({ levels: { proximityPct, pivotSpan, swingLookback } });
          for (const side of ['LONG', 'SHORT'] as const) {
            if (levelInPathHit(side, price, view, c) !== nearestLevelInPath(side, price, view, c).hit)
              return false;
          }
          return true;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
