/**
 * Directional momentum (the pump/dump predictor), up to maxPoints per side: rate of change over a
 * short and a longer span, the EMA 9/21 cross, the RSI slope, high-volume candles in the
 * direction, and higher-high/higher-low steps in the last few candles.
 */
import type { ScreenerConfig } from '../config.js';
import type { PrimaryView, Side } from '../types.js';
import { back, fmt, isNum } from './util.js';
import { volumeBaseline } from './volume.js';

export interface MomentumSide {
  points: number;
  parts: string[];
}

export interface Momentum {
  LONG: MomentumSide;
  SHORT: MomentumSide;
  rocShort: number;
  rocLong: number;
}

function add(side: MomentumSide, points: number, part: string): void {
  side.points += points;
  side.parts.push(part);
}

/** Signed EMA9 - EMA21 gap at i (NaN before the view). */
function emaGap(view: PrimaryView, i: number): number {
  return (view.emaFast[i] as number) - (view.emaSlow[i] as number);
}

export function momentum(view: PrimaryView, config: ScreenerConfig): Momentum {
  const m = config.momentum;
  const { close, open, high, low, volume, rsi, n, first } = view;
  const long: MomentumSide = { points: 0, parts: [] };
  const short: MomentumSide = { points: 0, parts: [] };

  const rocShort = back(view.rocShort, 0, n, first);
  const rocLong = back(view.rocLong, 0, n, first);
  if (rocShort >= m.rocShortPct) add(long, m.rocShortPoints, `ROC${m.rocShortCandles} +${fmt(rocShort, 3)}%`);
  if (rocShort <= -m.rocShortPct)
    add(short, m.rocShortPoints, `ROC${m.rocShortCandles} ${fmt(rocShort, 3)}%`);
  if (rocLong >= m.rocLongPct) add(long, m.rocLongPoints, `ROC${m.rocLongCandles} +${fmt(rocLong, 3)}%`);
  if (rocLong <= -m.rocLongPct) add(short, m.rocLongPoints, `ROC${m.rocLongCandles} ${fmt(rocLong, 3)}%`);

  const now = n > first ? emaGap(view, n - 1) : Number.NaN;
  if (isNum(now) && now !== 0) {
    // Fresh: the gap changed sign (to today's sign) within the last freshCrossCandles candles.
    let fresh = false;
    for (let i = Math.max(first + 1, n - m.freshCrossCandles); i < n; i++) {
      const before = emaGap(view, i - 1);
      const after = emaGap(view, i);
      if (isNum(before) && Math.sign(before) !== Math.sign(after) && Math.sign(after) === Math.sign(now))
        fresh = true;
    }
    const side = now > 0 ? long : short;
    const words = now > 0 ? 'above' : 'below';
    if (fresh) add(side, m.freshCrossPoints, `fresh EMA9/21 cross (EMA9 ${words})`);
    else add(side, m.emaAlignedPoints, `EMA9 ${words} EMA21`);
  }

  const slope = back(rsi, 0, n, first) - back(rsi, m.rsiSlopeCandles, n, first);
  if (slope >= m.rsiSlopeMin)
    add(long, m.rsiSlopePoints, `RSI rising ${fmt(slope, 3)} in ${m.rsiSlopeCandles} candles`);
  if (slope <= -m.rsiSlopeMin) {
    add(short, m.rsiSlopePoints, `RSI falling ${fmt(-slope, 3)} in ${m.rsiSlopeCandles} candles`);
  }

  const base = volumeBaseline(view, m.volumeCandleWindow);
  if (isNum(base)) {
    let up = 0;
    let down = 0;
    for (let i = Math.max(first, n - m.volumeCandleWindow); i < n; i++) {
      if ((volume[i] as number) <= m.volumeCandleRatio * base) continue;
      if ((close[i] as number) > (open[i] as number)) up++;
      else if ((close[i] as number) < (open[i] as number)) down++;
    }
    up = Math.min(up, m.volumeCandleMax);
    down = Math.min(down, m.volumeCandleMax);
    if (up > 0) add(long, up * m.volumeCandlePoints, `${up} high-volume green candle${up > 1 ? 's' : ''}`);
    if (down > 0)
      add(short, down * m.volumeCandlePoints, `${down} high-volume red candle${down > 1 ? 's' : ''}`);
  }

  let hhhl = 0;
  let lhll = 0;
  for (let i = Math.max(first + 1, n - m.patternCandles + 1); i < n; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const ph = high[i - 1] as number;
    const pl = low[i - 1] as number;
    if (h > ph && l > pl) hhhl++;
    if (h < ph && l < pl) lhll++;
  }
  if (hhhl >= m.patternMinSteps) add(long, m.patternPoints, `${hhhl} higher-high/higher-low steps`);
  if (lhll >= m.patternMinSteps) add(short, m.patternPoints, `${lhll} lower-high/lower-low steps`);

  long.points = Math.min(long.points, m.maxPoints);
  short.points = Math.min(short.points, m.maxPoints);
  return { LONG: long, SHORT: short, rocShort, rocLong };
}

/** The side momentum proposes: enough points and more than the other side. */
export function momentumSide(mom: Momentum, config: ScreenerConfig): Side | null {
  const l = mom.LONG.points;
  const s = mom.SHORT.points;
  if (Math.max(l, s) < config.momentum.minDirectionalPoints || l === s) return null;
  return l > s ? 'LONG' : 'SHORT';
}
