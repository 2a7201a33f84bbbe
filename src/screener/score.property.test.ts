/**
 * rankViews and scoreViews against the score written out from the filters' own scored objects
 * (momentum, antiFake, confirmation, structure, levelInPath with their words): the score reads
 * the filters as numbers in shared per-thread arrays, and this checks it adds up the same points,
 * penalties and direction on random views, whales, higher timeframes and both conflict policies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveScreenerConfig, type ScreenerConfig } from './config.js';
import { antiFake } from './filters/anti-fake.js';
import { momentum, momentumSide } from './filters/momentum.js';
import { levelInPath, marketStructure, structureScore } from './filters/structure.js';
import { confirmation, rsiTrendSide, rsiZoneScore, trendAlignment } from './filters/trend.js';
import { clamp, isNum } from './filters/util.js';
import { volumeAnomaly, volumeSustain } from './filters/volume.js';
import { viewFrom } from './fixtures.js';
import { rankViews } from './rank.js';
import { scoreViews } from './score.js';
import { FILTER_NAMES, type ScreenViews, type Side } from './types.js';

const safe = (x: number) => (isNum(x) ? Math.round(x) : 0);

/** The score from the filters' objects: direction, score, raw score and penalties. */
function reference(views: ScreenViews, config: ScreenerConfig) {
  const p = views.primary;
  const last = p.n - 1;
  const price = p.close[last] as number;
  const mom = momentum(p, config);
  const rsi = p.rsi[last] as number;
  const whale =
    views.whale && Number.isFinite(views.whale.confidence)
      ? { direction: views.whale.direction, confidence: clamp(views.whale.confidence, 0, 100) }
      : undefined;
  const fromWhale: Side | null =
    whale && whale.confidence >= config.whale.minConfidence
      ? whale.direction === 'PUMP'
        ? 'LONG'
        : 'SHORT'
      : null;
  const side = fromWhale ?? momentumSide(mom, config) ?? rsiTrendSide(rsi, views.trend, config);
  const neutral = { direction: 'NEUTRAL', score: 0, rawScore: 0, qualityPenalty: 0, fakePenalty: 0 };
  if (side === null) return neutral;
  const hurst = views.confirm?.hurst ?? Number.NaN;
  const h = config.hurst;
  const confirm = confirmation(side, views.confirm, whale, config, config.timeframes.confirm);
  const fake = antiFake(side, p, config);
  const points = [
    config.base.points,
    whale && fromWhale === side ? (whale.confidence / 100) * config.whale.maxPoints : 0,
    mom[side].points,
    volumeAnomaly(p, config).points,
    trendAlignment(side, views.trend, config).points,
    rsiZoneScore(side, rsi, config).points,
    confirm.points,
    structureScore(side, marketStructure(p, config), config).points,
    levelInPath(side, price, p, config).points,
    volumeSustain(p, config).points,
    hurst > h.persistentAbove ? h.points : hurst < h.meanRevertingBelow ? -h.penalty : 0,
    -fake.penalty,
  ].map(safe);
  const rawScore = points.reduce((a, b) => a + b, 0);
  const qualityPenalty = points
    .filter((x, i) => x < 0 && FILTER_NAMES[i] !== 'antiFake')
    .reduce((a, b) => a - b, 0);
  const dead = fake.killed || confirm.downgrade || rawScore < config.base.minScore;
  return {
    direction: dead ? 'NEUTRAL' : side,
    score: dead ? 0 : clamp(rawScore, 0, 100),
    rawScore,
    qualityPenalty,
    fakePenalty: fake.penalty,
  };
}

const N = 64;
/** A random walk with bursts of volume, RSI and EMAs that follow it, and optional bands. */
const arbViews = fc
  .record({
    steps: fc.array(fc.double({ min: -0.02, max: 0.02, noNaN: true }), { minLength: N, maxLength: N }),
    wicks: fc.array(fc.double({ min: 0, max: 0.01, noNaN: true }), { minLength: N, maxLength: N }),
    volumes: fc.array(fc.integer({ min: 1, max: 400 }), { minLength: N, maxLength: N }),
    rsiDrift: fc.double({ min: -2, max: 2, noNaN: true }),
    emaLag: fc.double({ min: -0.01, max: 0.01, noNaN: true }),
    bands: fc.option(fc.double({ min: 0.001, max: 0.03, noNaN: true }), { nil: undefined }),
    whale: fc.option(
      fc.record({
        direction: fc.constantFrom('PUMP' as const, 'DUMP' as const),
        confidence: fc.integer({ min: 0, max: 100 }),
      }),
      { nil: undefined },
    ),
    confirm: fc.option(
      fc.record({
        emaFast: fc.double({ min: 90, max: 110, noNaN: true }),
        emaSlow: fc.double({ min: 90, max: 110, noNaN: true }),
        hurst: fc.double({ min: 0.2, max: 0.8, noNaN: true }),
      }),
      { nil: undefined },
    ),
    trend: fc.option(
      fc.record({
        close: fc.double({ min: 90, max: 110, noNaN: true }),
        emaTrend: fc.double({ min: 90, max: 110, noNaN: true }),
      }),
      { nil: undefined },
    ),
    neutralOnConflict: fc.boolean(),
  })
  .map((r) => {
    const close: number[] = [];
    let c = 100;
    for (const s of r.steps) {
      c *= 1 + s;
      close.push(c);
    }
    const primary = viewFrom(
      {
        close,
        high: close.map(
          (x, i) => Math.max(x, i > 0 ? (close[i - 1] as number) : x) * (1 + (r.wicks[i] as number)),
        ),
        low: close.map(
          (x, i) => Math.min(x, i > 0 ? (close[i - 1] as number) : x) * (1 - (r.wicks[i] as number)),
        ),
        volume: r.volumes,
        volumeAvg: r.volumes.map(
          (_, i) => r.volumes.slice(Math.max(0, i - 19), i + 1).reduce((a, b) => a + b, 0) / 20,
        ),
        emaFast: close.map((x) => x * (1 + r.emaLag)),
        emaSlow: close.map((x) => x * (1 - r.emaLag)),
        rsi: close.map((_, i) => clamp(50 + r.rsiDrift * (i - N / 2), 0, 100)),
      },
      r.bands === undefined
        ? undefined
        : {
            upper: (close[N - 1] as number) * (1 + r.bands),
            lower: (close[N - 1] as number) * (1 - r.bands),
          },
    );
    const views: ScreenViews = {
      symbol: 'PROPUSDT',
      primary,
      confirm: r.confirm,
      trend: r.trend,
      whale: r.whale,
      notes: undefined,
    };
    const config = resolveScreenerConfig({
      confirmation: { onConflict: r.neutralOnConflict ? 'neutral' : 'penalty' },
    });
    return { views, config };
  });

describe('rankViews and scoreViews', () => {
  it('add up the filters as their scored objects do (direction, score, raw score, penalties)', () => {
    let directional = 0;
    fc.assert(
      fc.property(arbViews, ({ views, config }) => {
        const want = reference(views, config);
        const ranked = rankViews(views, config);
        const full = scoreViews(views, config);
        expect(ranked).toEqual({ symbol: 'PROPUSDT', ...want });
        const { direction, score, rawScore, qualityPenalty, fakePenalty } = full;
        expect({ direction, score, rawScore, qualityPenalty, fakePenalty }).toEqual(want);
        if (want.direction !== 'NEUTRAL') {
          directional++;
          // The words' contributions carry the same points.
          expect(full.contributions.reduce((a, x) => a + x.points, 0)).toBe(rawScore);
        }
      }),
      { numRuns: 400, seed: 20261130 },
    );
    expect(directional).toBeGreaterThan(40);
  });
});

describe('rankViews with a floor', () => {
  it('is exact at or above the floor; under it, the direction is exact and the numbers bounds', () => {
    let stoppedShort = 0;
    let exactDirectional = 0;
    fc.assert(
      fc.property(
        arbViews,
        fc.integer({ min: -5, max: 110 }),
        fc.integer({ min: -20, max: 70 }),
        ({ views, config: base }, floor, minScore) => {
          const config: ScreenerConfig = { ...base, base: { ...base.base, minScore } };
          const want = reference(views, config);
          const ranked = rankViews(views, config, floor);
          expect(ranked.symbol).toBe('PROPUSDT');
          expect(ranked.direction).toBe(want.direction);
          if (want.score >= floor) {
            expect(ranked).toEqual({ symbol: 'PROPUSDT', ...want });
            if (want.direction !== 'NEUTRAL') exactDirectional++;
            return;
          }
          expect(ranked.score).toBeLessThan(floor);
          expect(ranked.score).toBeGreaterThanOrEqual(want.score);
          expect(ranked.rawScore).toBeGreaterThanOrEqual(want.rawScore);
          expect(ranked.qualityPenalty).toBeLessThanOrEqual(want.qualityPenalty);
          expect(ranked.fakePenalty).toBe(want.fakePenalty);
          if (ranked.rawScore !== want.rawScore || ranked.qualityPenalty !== want.qualityPenalty)
            stoppedShort++;
        },
      ),
      { numRuns: 600, seed: 20261130 },
    );
    // Both ways are taken: ranks that stop short and directional ranks worked out in full.
    expect(stoppedShort).toBeGreaterThan(30);
    expect(exactDirectional).toBeGreaterThan(20);
  });
});
