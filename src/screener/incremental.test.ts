/**
 * The incremental screener's own bookkeeping, checked against a recount from scratch: the missing
 * candles of the recent window are counted as rows enter and leave it (not rescanned per screen),
 * and the primary indicators run packed in one array per symbol (primary-states.ts), which must
 * give the createXState objects' values bit for bit.
 */
import { describe, expect, it } from 'vitest';
import type { Candle } from '../domain/index.js';
import {
  createAtrState,
  createBollingerState,
  createEmaState,
  createRocState,
  createRsiState,
  createSmaState,
} from '../indicators/index.js';
import { resolveScreenerConfig, viewLength } from './config.js';
import { createSymbolScreener } from './incremental.js';
import { F, FIELD_COUNT, PrimaryStates } from './primary-states.js';
import { isSkip } from './types.js';
import { countGaps } from './validate.js';

const config = resolveScreenerConfig();
const STEP = 900_000;
const GAP_NOTE = /^15m: (\d+) missing candle\(s\) in the recent window$/;

/** Deterministic pseudo-random numbers in [0, 1). */
function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

function candle(openTime: number, close: number, random: () => number): Candle {
  const open = close * (1 + (random() - 0.5) * 0.01);
  return {
    openTime,
    open,
    high: Math.max(open, close) * (1 + random() * 0.005),
    low: Math.min(open, close) * (1 - random() * 0.005),
    close,
    volume: random() < 0.05 ? 0 : 100 + random() * 1000,
  };
}

describe('incremental missing-candle count', () => {
  it('equals countGaps over the window after every candle, through gaps, bad rows and re-sends', () => {
    const random = seeded(7);
    const inc = createSymbolScreener('GAPUSDT', config);
    const window = viewLength(config);
    // Open times of the valid candles since the last bad row (what the rolling window holds).
    let kept: number[] = [];
    let time = 1_700_000_000_000;
    let close = 100;
    let checked = 0;
    let withGaps = 0;
    for (let i = 0; i < 3000; i++) {
      const r = random();
      // Runs of 0..4 missing candles, now and then a long one.
      time += STEP * (r < 0.985 ? 1 : r < 0.998 ? 2 + Math.floor(random() * 4) : 40);
      close *= 1 + (random() - 0.5) * 0.02;
      const c = candle(time, close, random);
      if (random() < 0.004) {
        inc.push('primary', { ...c, close: Number.NaN });
        kept = [];
        continue;
      }
      inc.push('primary', c);
      kept.push(time);
      // A re-sent candle (not newer) is ignored: it must not count.
      if (random() < 0.02) inc.push('primary', candle(time - STEP, close, random));
      const out = inc.screen();
      if (isSkip(out)) continue;
      const recent = Float64Array.from(kept.slice(-window));
      const expected = countGaps(recent, STEP);
      const note = out.reasons.map((x) => GAP_NOTE.exec(x)).find((m) => m !== null);
      expect(note ? Number(note[1]) : 0, `candle ${i}`).toBe(expected);
      checked++;
      if (expected > 0) withGaps++;
    }
    // The comparison covered windows with and without gaps.
    expect(checked).toBeGreaterThan(2000);
    expect(withGaps).toBeGreaterThan(500);
    expect(checked - withGaps).toBeGreaterThan(100);
  });
});

describe('PrimaryStates (packed primary indicators)', () => {
  it('gives the createXState values bit for bit, through restarts', () => {
    const p = config.periods;
    const m = config.momentum;
    const make = () => ({
      emaFast: createEmaState(p.emaFast),
      emaSlow: createEmaState(p.emaSlow),
      emaTrend: createEmaState(p.emaTrend),
      rsi: createRsiState(p.rsi),
      atr: createAtrState(p.atr),
      volumeAvg: createSmaState(p.volumeAverage),
      rocShort: createRocState(m.rocShortCandles),
      rocLong: createRocState(m.rocLongCandles),
      bands: createBollingerState(p.bollinger, p.bollingerStdDev),
    });
    let ref = make();
    const packed = new PrimaryStates(config);
    const row = new Float64Array(FIELD_COUNT);
    const random = seeded(11);
    let close = 50;
    let defined = 0;
    for (let i = 0; i < 5000; i++) {
      if (random() < 0.003) {
        ref = make();
        packed.reset();
      }
      // Flat stretches too (a zero deviation, an undefined RSI).
      if (!(i % 700 < 40)) close *= 1 + (random() - 0.5) * 0.02;
      const c = candle(i * STEP, close, random);
      packed.update(c, row, 0, 1);
      const bands = ref.bands.update(c.close);
      const expected: [number, number][] = [
        [row[F.emaFast]!, ref.emaFast.update(c.close)],
        [row[F.emaSlow]!, ref.emaSlow.update(c.close)],
        [row[F.emaTrend]!, ref.emaTrend.update(c.close)],
        [row[F.rsi]!, ref.rsi.update(c.close)],
        [row[F.atr]!, ref.atr.update(c.high, c.low, c.close)],
        [row[F.volumeAvg]!, ref.volumeAvg.update(c.volume)],
        [row[F.rocShort]!, ref.rocShort.update(c.close)],
        [row[F.rocLong]!, ref.rocLong.update(c.close)],
        [packed.upper, bands.upper],
        [packed.lower, bands.lower],
      ];
      for (const [k, [got, want]] of expected.entries()) {
        if (!Object.is(got, want)) expect({ i, k, got }).toEqual({ i, k, got: want });
        if (!Number.isNaN(want)) defined++;
      }
    }
    expect(defined).toBeGreaterThan(5000 * 8);
  });
});

describe('incremental rank', () => {
  it("gives screen()'s direction, score and penalties after every candle (what a backtest ranks on)", () => {
    const random = seeded(11);
    const inc = createSymbolScreener('RANKUSDT', config);
    let close = 100;
    let directional = 0;
    for (let i = 0; i < 3000; i++) {
      close *= 1 + (random() - 0.5) * 0.02;
      const c = candle(1_700_000_000_000 + i * STEP, close, random);
      inc.push('primary', c);
      // The higher timeframes: every 4th and 16th candle stands in for their closes.
      if (i % 4 === 3) inc.push('confirm', { ...c, openTime: c.openTime - 3 * STEP });
      if (i % 16 === 15) inc.push('trend', { ...c, openTime: c.openTime - 15 * STEP });
      const full = inc.screen();
      const ranked = inc.rank();
      if (isSkip(full)) {
        expect(ranked).toEqual(full);
        continue;
      }
      const { symbol, direction, score, rawScore, qualityPenalty, fakePenalty } = full;
      expect(ranked).toEqual({ symbol, direction, score, rawScore, qualityPenalty, fakePenalty });
      if (direction !== 'NEUTRAL') directional++;
    }
    expect(directional).toBeGreaterThan(100);
  });

  it("gives screen()'s numbers while its higher timeframes become ready, go stale and restart", () => {
    // A short trend EMA, so that both higher timeframes become ready within the run; then their
    // candles stop for a while (stale), then one is invalid (a restart, not ready again for a while).
    const short = resolveScreenerConfig({ periods: { emaTrend: 12 } });
    const random = seeded(12);
    const inc = createSymbolScreener('READYUSDT', short);
    let close = 100;
    const ready = { confirm: 0, trend: 0 };
    for (let i = 0; i < 2400; i++) {
      close *= 1 + (random() - 0.5) * 0.02;
      const c = candle(1_700_000_000_000 + i * STEP, close, random);
      inc.push('primary', c);
      const paused = i >= 1200 && i < 1500;
      if (i % 4 === 3 && !paused) {
        const bad = i === 1803;
        inc.push('confirm', { ...c, openTime: c.openTime - 3 * STEP, close: bad ? Number.NaN : c.close });
      }
      if (i % 16 === 15 && !paused) {
        const bad = i === 1999;
        inc.push('trend', { ...c, openTime: c.openTime - 15 * STEP, close: bad ? Number.NaN : c.close });
      }
      const full = inc.screen();
      const ranked = inc.rank();
      if (isSkip(full)) {
        expect(ranked).toEqual(full);
        continue;
      }
      if (full.metrics.confirmTrend !== null) ready.confirm++;
      if (full.metrics.trendEma200 !== null) ready.trend++;
      const { symbol, direction, score, rawScore, qualityPenalty, fakePenalty } = full;
      expect({ i, ranked }).toEqual({
        i,
        ranked: { symbol, direction, score, rawScore, qualityPenalty, fakePenalty },
      });
    }
    // Both ready for most of the run, and not for a stretch of it.
    expect(ready.confirm).toBeGreaterThan(1200);
    expect(ready.confirm).toBeLessThan(2200);
    expect(ready.trend).toBeGreaterThan(1200);
    expect(ready.trend).toBeLessThan(2200);
  });
});
