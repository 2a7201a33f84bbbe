/**
 * Trend filters: price against EMA200 on the trend timeframe, the RSI action zone, and the
 * confirmation timeframe's EMA 9/21 trend (with its whale override).
 */
import type { ScreenerConfig } from '../config.js';
import type { ConfirmView, Side, TrendView, WhaleSignal } from '../types.js';
import { fmt, isNum, sign } from './util.js';

export type TrendState = 'UP' | 'DOWN';

/**
 * +1 when `a` is above `b`, -1 below, 0 when equal or either is not finite (x * 0 is NaN for NaN
 * and ±Infinity).
 *
 * Written so that every operation runs on every call, known or not: a rank's higher timeframes
 * are not ready for its first weeks of candles, and an operation V8 has never seen run is compiled
 * as a bail-out, so the first ready view threw away the compiled rank (see points.ts).
 */
function gapSign(a: number, b: number): number {
  const known = isNum(a * 0 + b * 0);
  const gap = (a > b ? 1 : 0) - (a < b ? 1 : 0);
  return known ? gap : 0;
}

/** trendState as a number: +1 UP, -1 DOWN, 0 unknown (see gapSign). */
export function trendSign(trend: TrendView | undefined): number {
  return trend === undefined ? 0 : gapSign(trend.close, trend.emaTrend);
}

/** Price above EMA200 on the trend timeframe = UP; null when unknown or exactly on it. */
export function trendState(trend: TrendView | undefined): TrendState | null {
  const s = trendSign(trend);
  return s > 0 ? 'UP' : s < 0 ? 'DOWN' : null;
}

export interface Scored {
  points: number;
  note: string;
}

/**
 * `words` false skips formatting the note (the score asks again, with words, only when read); the
 * same goes for rsiZoneScore and confirmation.
 */
export function trendAlignment(
  side: Side,
  trend: TrendView | undefined,
  config: ScreenerConfig,
  words = true,
): Scored {
  const state = trendState(trend);
  if (state === null || !trend) return { points: 0, note: 'trend timeframe unavailable (EMA200 not ready)' };
  const aligned = (state === 'UP') === (side === 'LONG');
  const points = trendPoints(side, trend, config);
  if (!words) return { points, note: '' };
  const where = `price ${state === 'UP' ? 'above' : 'below'} trend EMA200 ${fmt(trend.emaTrend)}`;
  return { points, note: `${where}: ${aligned ? 'with' : 'against'} the trend` };
}

/** trendAlignment's points alone (no object: what scoreViews needs per screen). */
export function trendPoints(side: Side, trend: TrendView | undefined, config: ScreenerConfig): number {
  const { alignedPoints, counterPenalty } = config.trend;
  const withSide = trendSign(trend) * sign(side);
  const against = -counterPenalty;
  return withSide > 0 ? alignedPoints : withSide < 0 ? against : 0;
}

export type RsiZone = 'OVERSOLD' | 'OVERBOUGHT';

export function rsiZone(rsi: number, config: ScreenerConfig): RsiZone | null {
  if (!isNum(rsi)) return null;
  if (rsi <= config.rsiZone.oversold) return 'OVERSOLD';
  if (rsi >= config.rsiZone.overbought) return 'OVERBOUGHT';
  return null;
}

export const zoneSide = (zone: RsiZone): Side => (zone === 'OVERSOLD' ? 'LONG' : 'SHORT');

export function rsiZoneScore(side: Side, rsi: number, config: ScreenerConfig, words = true): Scored {
  const zone = rsiZone(rsi, config);
  if (zone === null) return { points: 0, note: '' };
  if (!words) return { points: rsiZonePoints(side, rsi, config), note: '' };
  return zoneSide(zone) === side
    ? { points: config.rsiZone.points, note: `RSI ${fmt(rsi, 3)} ${zone.toLowerCase()}: supports ${side}` }
    : {
        points: -config.rsiZone.againstPenalty,
        note: `RSI ${fmt(rsi, 3)} ${zone.toLowerCase()}: against ${side}`,
      };
}

/** rsiZoneScore's points alone. */
export function rsiZonePoints(side: Side, rsi: number, config: ScreenerConfig): number {
  const zone = rsiZone(rsi, config);
  if (zone === null) return 0;
  return zoneSide(zone) === side ? config.rsiZone.points : -config.rsiZone.againstPenalty;
}

/**
 * The RSI-plus-trend source: an RSI zone and the trend agreeing, or either alone, give a side;
 * an RSI zone against the trend (overbought in an uptrend) gives none.
 */
export function rsiTrendSide(rsi: number, trend: TrendView | undefined, config: ScreenerConfig): Side | null {
  const zone = rsiZone(rsi, config);
  const t = trendSign(trend);
  const fromZone = zone ? zoneSide(zone) : null;
  const fromTrend: Side | null = t > 0 ? 'LONG' : t < 0 ? 'SHORT' : null;
  // Compared whether or not both speak (see gapSign: no operation only a ready trend runs).
  const agree = fromZone === fromTrend;
  if (fromZone && fromTrend) return agree ? fromZone : null;
  return fromZone ?? fromTrend;
}

/** confirmState as a number: +1 UP, -1 DOWN, 0 unknown (see gapSign). */
function confirmSign(confirm: ConfirmView | undefined): number {
  return confirm === undefined ? 0 : gapSign(confirm.emaFast, confirm.emaSlow);
}

export function confirmState(confirm: ConfirmView | undefined): TrendState | null {
  const s = confirmSign(confirm);
  return s > 0 ? 'UP' : s < 0 ? 'DOWN' : null;
}

/**
 * confirmation's numbers without its object: whether the confirmation timeframe conflicts with
 * `side` (its EMA9/21 state against the side, not overridden by the whale). A conflict costs
 * conflictPenalty points, or downgrades to NEUTRAL when onConflict is 'neutral'; no conflict, 0.
 */
export function confirmationConflict(
  side: Side,
  confirm: ConfirmView | undefined,
  whale: WhaleSignal | undefined,
  config: ScreenerConfig,
): boolean {
  // Every operation on every call, conflict or not (see gapSign).
  const against = confirmSign(confirm) * sign(side) < 0;
  const overrideAt = config.confirmation.whaleOverrideConfidence;
  const whaleSide = whale ? (whale.direction === 'PUMP' ? 'LONG' : 'SHORT') : null;
  return against && !(whale && whaleSide === side && whale.confidence >= overrideAt);
}

export interface Confirmation extends Scored {
  /** True when the conflict downgrades the symbol to NEUTRAL (onConflict = 'neutral'). */
  downgrade: boolean;
}

export function confirmation(
  side: Side,
  confirm: ConfirmView | undefined,
  whale: WhaleSignal | undefined,
  config: ScreenerConfig,
  label: string,
  words = true,
): Confirmation {
  const state = confirmState(confirm);
  // Without words, no note is built: a template string is a new string per call.
  if (state === null)
    return { points: 0, downgrade: false, note: words ? `${label} confirmation unavailable` : '' };
  if ((state === 'UP' ? 1 : -1) === sign(side)) {
    return {
      points: 0,
      downgrade: false,
      note: words ? `${label} EMA9/21 ${state === 'UP' ? 'up' : 'down'}: confirms` : '',
    };
  }
  const c = config.confirmation;
  const whaleSide = whale ? (whale.direction === 'PUMP' ? 'LONG' : 'SHORT') : null;
  if (whale && whaleSide === side && whale.confidence >= c.whaleOverrideConfidence) {
    return {
      points: 0,
      downgrade: false,
      note: words
        ? `${label} EMA9/21 against ${side}, overridden by whale ${whale.direction} (confidence ${fmt(whale.confidence, 3)})`
        : '',
    };
  }
  if (!words)
    return c.onConflict === 'neutral'
      ? { points: 0, downgrade: true, note: '' }
      : { points: -c.conflictPenalty, downgrade: false, note: '' };
  const note = `${label} EMA9/21 ${state === 'UP' ? 'up' : 'down'}: conflicts with ${side}`;
  return c.onConflict === 'neutral'
    ? { points: 0, downgrade: true, note: `${note}, downgraded to NEUTRAL` }
    : { points: -c.conflictPenalty, downgrade: false, note };
}
