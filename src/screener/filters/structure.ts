/**
 * Price structure: market structure (higher highs and higher lows, or the reverse, versus chop)
 * and key levels (swing highs/lows and Bollinger bands) near the entry.
 */
import type { ScreenerConfig } from '../config.js';
import type { PrimaryView, Side } from '../types.js';
import type { Scored } from './trend.js';
import { fmt, isNum } from './util.js';

export type StructureState = 'UP' | 'DOWN' | 'CHOPPY' | 'MIXED';

export interface Structure {
  state: StructureState;
  /** Net steps: +1 per higher block high and per higher block low, -1 per lower one. */
  net: number;
}

/**
 * The last blocks x blockSize candles are cut into blocks; consecutive block highs and lows are
 * compared. Clean trend when the net steps reach cleanMinSteps; choppy when they cancel out.
 */
export function marketStructure(view: PrimaryView, config: ScreenerConfig): Structure {
  const { blocks, blockSize, cleanMinSteps, choppyMaxSteps } = config.structure;
  const { high, low, n, first } = view;
  const start = n - blocks * blockSize;
  if (start < first) return { state: 'MIXED', net: 0 };
  let net = 0;
  let prevHigh = Number.NaN;
  let prevLow = Number.NaN;
  for (let b = 0; b < blocks; b++) {
    let hi = Number.NEGATIVE_INFINITY;
    let lo = Number.POSITIVE_INFINITY;
    for (let i = start + b * blockSize; i < start + (b + 1) * blockSize; i++) {
      const h = high[i] as number;
      const l = low[i] as number;
      if (h > hi) hi = h;
      if (l < lo) lo = l;
    }
    if (b > 0) {
      net += hi > prevHigh ? 1 : hi < prevHigh ? -1 : 0;
      net += lo > prevLow ? 1 : lo < prevLow ? -1 : 0;
    }
    prevHigh = hi;
    prevLow = lo;
  }
  const state: StructureState =
    net >= cleanMinSteps
      ? 'UP'
      : net <= -cleanMinSteps
        ? 'DOWN'
        : Math.abs(net) <= choppyMaxSteps
          ? 'CHOPPY'
          : 'MIXED';
  return { state, net };
}

export function structureScore(side: Side, structure: Structure, config: ScreenerConfig): Scored {
  const { cleanPoints, choppyPenalty } = config.structure;
  switch (structure.state) {
    case 'UP':
    case 'DOWN': {
      const words = structure.state === 'UP' ? 'higher highs and higher lows' : 'lower highs and lower lows';
      return (structure.state === 'UP') === (side === 'LONG')
        ? { points: cleanPoints, note: `clean structure: ${words}` }
        : { points: -choppyPenalty, note: `structure against ${side}: ${words}` };
    }
    case 'CHOPPY':
      return { points: -choppyPenalty, note: 'choppy structure: no clear highs/lows progression' };
    default:
      return { points: 0, note: '' };
  }
}

export interface Level {
  price: number;
  label: string;
}

export interface KeyLevels {
  resistances: Level[];
  supports: Level[];
}

/**
 * Pivot tests. A swing high is strictly above the pivotSpan candles before it and at least as high
 * as the pivotSpan after it (a flat top counts once); the newest pivotSpan candles cannot be
 * pivots yet. Only candles of the last swingLookback are searched.
 */
function pivotRange(view: PrimaryView, config: ScreenerConfig): [from: number, to: number] {
  const { swingLookback, pivotSpan } = config.levels;
  return [Math.max(view.first + pivotSpan, view.n - swingLookback), view.n - 1 - pivotSpan];
}

function isSwingHigh(high: Float64Array, i: number, span: number): boolean {
  const h = high[i] as number;
  for (let k = i - span; k < i; k++) if ((high[k] as number) >= h) return false;
  for (let k = i + 1; k <= i + span; k++) if ((high[k] as number) > h) return false;
  return true;
}

function isSwingLow(low: Float64Array, i: number, span: number): boolean {
  const l = low[i] as number;
  for (let k = i - span; k < i; k++) if ((low[k] as number) <= l) return false;
  for (let k = i + 1; k <= i + span; k++) if ((low[k] as number) < l) return false;
  return true;
}

/** Every key level: swing highs and lows plus the Bollinger bands. */
export function keyLevels(view: PrimaryView, config: ScreenerConfig): KeyLevels {
  const span = config.levels.pivotSpan;
  const [from, to] = pivotRange(view, config);
  const resistances: Level[] = [];
  const supports: Level[] = [];
  for (let i = from; i <= to; i++) {
    if (isSwingHigh(view.high, i, span))
      resistances.push({ price: view.high[i] as number, label: 'swing high' });
    if (isSwingLow(view.low, i, span)) supports.push({ price: view.low[i] as number, label: 'swing low' });
  }
  if (isNum(view.bands.upper)) resistances.push({ price: view.bands.upper, label: 'upper Bollinger band' });
  if (isNum(view.bands.lower)) supports.push({ price: view.bands.lower, label: 'lower Bollinger band' });
  return { resistances, supports };
}

/** The nearest level in the trade's path, as numbers (what levelInPath scores and describes). */
export interface LevelInPath {
  points: number;
  /** The level is within proximityPct of the entry. */
  hit: boolean;
  /** Distance from the entry, percent of price; the level's price; whether it is a Bollinger band. */
  pct: number;
  level: number;
  fromBand: boolean;
}

/**
 * The level in the trade's path nearest to `price` (resistance for a LONG, support for a SHORT),
 * when it is within proximityPct: -penalty. Same levels as keyLevels, found without building them.
 */
export function nearestLevelInPath(
  side: Side,
  price: number,
  view: PrimaryView,
  config: ScreenerConfig,
): LevelInPath {
  const long = side === 'LONG';
  const span = config.levels.pivotSpan;
  const [from, to] = pivotRange(view, config);
  let best = Number.NaN;
  let bestDistance = Number.POSITIVE_INFINITY;
  let fromBand = false;
  const levels = long ? view.high : view.low;
  for (let i = from; i <= to; i++) {
    if (!(long ? isSwingHigh(view.high, i, span) : isSwingLow(view.low, i, span))) continue;
    const d = Math.abs(price - (levels[i] as number));
    if (d < bestDistance) {
      bestDistance = d;
      best = levels[i] as number;
    }
  }
  const band = long ? view.bands.upper : view.bands.lower;
  if (isNum(band) && Math.abs(price - band) < bestDistance) {
    bestDistance = Math.abs(price - band);
    best = band;
    fromBand = true;
  }
  const pct = (bestDistance / price) * 100;
  const hit = isNum(best) && pct <= config.levels.proximityPct;
  return { points: hit ? -config.levels.penalty : 0, hit, pct, level: best, fromBand };
}

/** The words for a level in the path ('' when it costs nothing). */
export function levelNote(side: Side, l: LevelInPath): string {
  if (!l.hit) return '';
  const long = side === 'LONG';
  const label = l.fromBand ? `${long ? 'upper' : 'lower'} Bollinger band` : `swing ${long ? 'high' : 'low'}`;
  return `entry ${fmt(l.pct, 2)}% from ${long ? 'resistance' : 'support'} ${fmt(l.level, 6)} (${label})`;
}

export function levelInPath(side: Side, price: number, view: PrimaryView, config: ScreenerConfig): Scored {
  const l = nearestLevelInPath(side, price, view, config);
  return { points: l.points, note: levelNote(side, l) };
}
