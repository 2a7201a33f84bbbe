import { describe, expect, it } from 'vitest';
import { resolveScreenerConfig } from './config.js';
import { viewFrom } from './fixtures.js';
import { scoreViews } from './score.js';
import type { ScreenResult, ScreenViews } from './types.js';

const config = resolveScreenerConfig();
const flat = (n: number, x = 100) => Array<number>(n).fill(x);
const N = 60;
/** A steady fall: ROC3/ROC5 negative, EMA9 under EMA21, RSI falling, lower highs and lows. */
const falling = () => {
  const close = Array.from({ length: N }, (_, i) => 100 * 0.997 ** i);
  return viewFrom({
    close,
    high: close.map((c, i) => (i === 0 ? c : (close[i - 1] as number)) * 1.001),
    low: close.map((c) => c * 0.9985),
    emaFast: close.map((c) => c * 1.002),
    emaSlow: close.map((c) => c * 1.004),
    rsi: Array.from({ length: N }, (_, i) => 60 - i * 0.5),
  });
};
const rising = () => {
  const close = Array.from({ length: N }, (_, i) => 100 * 1.003 ** i);
  return viewFrom({
    close,
    high: close.map((c) => c * 1.0015),
    low: close.map((c, i) => (i === 0 ? c : (close[i - 1] as number)) * 0.999),
    emaFast: close.map((c) => c * 0.998),
    emaSlow: close.map((c) => c * 0.996),
    rsi: Array.from({ length: N }, (_, i) => 40 + i * 0.5),
  });
};
const views = (v: Partial<ScreenViews>): ScreenViews => ({
  symbol: 'TESTUSDT',
  primary: viewFrom({ close: flat(N) }),
  ...v,
});
const points = (r: ScreenResult, filter: string) => r.contributions.find((c) => c.filter === filter)?.points;

describe('scoreViews', () => {
  it('is NEUTRAL with score 0 when no source proposes a direction', () => {
    const r = scoreViews(views({}), config);
    expect(r).toMatchObject({
      direction: 'NEUTRAL',
      score: 0,
      source: null,
      proposed: null,
      contributions: [],
    });
    expect(r.reasons[0]).toMatch(/^NEUTRAL: no direction/);
  });

  it('puts the whale first when sources disagree', () => {
    const r = scoreViews(views({ primary: falling(), whale: { direction: 'PUMP', confidence: 60 } }), config);
    expect(r.metrics.momentumShort).toBeGreaterThanOrEqual(12);
    expect(r).toMatchObject({ direction: 'LONG', source: 'whale', proposed: 'LONG' });
    expect(r.reasons[0]).toBe('LONG from whale (priority over: momentum says SHORT)');
    expect(points(r, 'whale')).toBe(12); // 60% of 20
    expect(points(r, 'momentum')).toBe(r.metrics.momentumLong);
  });

  it('ignores a whale below its minimum confidence', () => {
    const r = scoreViews(views({ primary: falling(), whale: { direction: 'PUMP', confidence: 49 } }), config);
    expect(r).toMatchObject({ direction: 'SHORT', source: 'momentum' });
    expect(points(r, 'whale')).toBe(0);
  });

  it('puts momentum before RSI plus trend', () => {
    const r = scoreViews(views({ primary: rising(), trend: { close: 90, emaTrend: 100 } }), config);
    expect(r).toMatchObject({ direction: 'LONG', source: 'momentum' });
    expect(r.reasons[0]).toBe('LONG from momentum (priority over: RSI+trend says SHORT)');
    expect(points(r, 'trend')).toBe(-10);
  });

  it('takes the direction from RSI plus trend when nothing else speaks', () => {
    const primary = viewFrom({ close: flat(N), rsi: flat(N, 25) });
    const r = scoreViews(views({ primary, trend: { close: 110, emaTrend: 100 } }), config);
    expect(r).toMatchObject({ direction: 'LONG', source: 'rsi-trend' });
    expect(points(r, 'trend')).toBe(15);
    expect(points(r, 'rsiZone')).toBe(10);
  });

  it('adds up: raw score = sum of contributions, penalties = the negative ones', () => {
    const r = scoreViews(
      views({
        primary: rising(),
        trend: { close: 90, emaTrend: 100 },
        confirm: { emaFast: 99, emaSlow: 100, hurst: 0.4 },
      }),
      config,
    );
    const sum = r.contributions.reduce((s, c) => s + c.points, 0);
    expect(r.rawScore).toBe(sum);
    const quality = r.contributions.filter((c) => c.kind === 'quality').reduce((s, c) => s - c.points, 0);
    expect(r.qualityPenalty).toBe(quality);
    expect(points(r, 'confirmation')).toBe(-25);
    expect(points(r, 'hurst')).toBe(-5);
    expect(r.qualityPenalty).toBeGreaterThanOrEqual(40);
    expect(r.score).toBe(Math.max(0, Math.min(100, sum)));
    for (const c of r.contributions.filter((x) => x.note !== '')) {
      expect(r.reasons).toContain(`${c.note} (${c.points > 0 ? '+' : ''}${c.points})`);
    }
  });

  it('clamps the score at 100', () => {
    const r = scoreViews(
      views({
        primary: rising(),
        whale: { direction: 'PUMP', confidence: 100 },
        trend: { close: 200, emaTrend: 100 },
        confirm: { emaFast: 101, emaSlow: 100, hurst: 0.8 },
      }),
      config,
    );
    expect(r.rawScore).toBeGreaterThan(100);
    expect(r.score).toBe(100);
  });

  it('kills a signal with a fake penalty of 40 or more', () => {
    const primary = viewFrom({ close: [...flat(N - 2), 106, 102.5] });
    const r = scoreViews(views({ primary, whale: { direction: 'PUMP', confidence: 90 } }), config);
    expect(r).toMatchObject({ direction: 'NEUTRAL', score: 0, proposed: 'LONG', fakePenalty: 40 });
    expect(r.reasons[0]).toBe('NEUTRAL: LONG killed by anti-fake (penalty 40 >= 40)');
    expect(points(r, 'antiFake')).toBe(-40);
  });

  it('downgrades a 1h conflict to NEUTRAL when configured so, unless a strong whale agrees', () => {
    const neutral = resolveScreenerConfig({ confirmation: { onConflict: 'neutral' } });
    const bearish1h = { emaFast: 99, emaSlow: 100, hurst: Number.NaN };
    const r = scoreViews(views({ primary: rising(), confirm: bearish1h }), neutral);
    expect(r).toMatchObject({ direction: 'NEUTRAL', score: 0, proposed: 'LONG' });
    expect(r.reasons[0]).toBe('NEUTRAL: LONG downgraded by 1h confirmation');
    const whale = scoreViews(
      views({ primary: rising(), confirm: bearish1h, whale: { direction: 'PUMP', confidence: 85 } }),
      neutral,
    );
    expect(whale.direction).toBe('LONG');
  });

  it('carries data notes into the reasons', () => {
    const r = scoreViews(views({ notes: ['trend timeframe 4h: last candle is stale'] }), config);
    expect(r.reasons).toContain('trend timeframe 4h: last candle is stale');
  });
});
