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
  const net = structureNet(view, config);
  return Number.isNaN(net) ? { state: 'MIXED', net: 0 } : { state: structureOf(net, config), net };
}

/** marketStructure's state alone (no object: scoreViews reads the state only). */
export function marketStructureState(view: PrimaryView, config: ScreenerConfig): StructureState {
  const net = structureNet(view, config);
  return Number.isNaN(net) ? 'MIXED' : structureOf(net, config);
}

/** The net steps of the last blocks (NaN when the view is shorter than they are). */
function structureNet(view: PrimaryView, config: ScreenerConfig): number {
  const { blocks, blockSize } = config.structure;
  const { high, low, n, first } = view;
  const start = n - blocks * blockSize;
  if (start < first) return Number.NaN;
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
  return net;
}

function structureOf(net: number, config: ScreenerConfig): StructureState {
  const { cleanMinSteps, choppyMaxSteps } = config.structure;
  return net >= cleanMinSteps
    ? 'UP'
    : net <= -cleanMinSteps
      ? 'DOWN'
      : Math.abs(net) <= choppyMaxSteps
        ? 'CHOPPY'
        : 'MIXED';
}

const UP_WORDS = 'higher highs and higher lows';
const DOWN_WORDS = 'lower highs and lower lows';
/**
 * The notes of a clean structure, made once: scoreViews keeps the note of every directional screen,
 * and a template string is a new string per call.
 */
const CLEAN_NOTE = { UP: `clean structure: ${UP_WORDS}`, DOWN: `clean structure: ${DOWN_WORDS}` };
const AGAINST_NOTE = {
  LONG: { UP: `structure against LONG: ${UP_WORDS}`, DOWN: `structure against LONG: ${DOWN_WORDS}` },
  SHORT: { UP: `structure against SHORT: ${UP_WORDS}`, DOWN: `structure against SHORT: ${DOWN_WORDS}` },
};

export function structureScore(side: Side, structure: Structure, config: ScreenerConfig): Scored {
  return {
    points: structurePoints(side, structure.state, config),
    note: structureNote(side, structure.state),
  };
}

/** structureScore's points alone. */
export function structurePoints(side: Side, state: StructureState, config: ScreenerConfig): number {
  const { cleanPoints, choppyPenalty } = config.structure;
  switch (state) {
    case 'UP':
    case 'DOWN':
      return (state === 'UP') === (side === 'LONG') ? cleanPoints : -choppyPenalty;
    case 'CHOPPY':
      return -choppyPenalty;
    default:
      return 0;
  }
}

/** structureScore's note alone (a constant string: nothing is built per screen). */
export function structureNote(side: Side, state: StructureState): string {
  switch (state) {
    case 'UP':
    case 'DOWN':
      return (state === 'UP') === (side === 'LONG') ? CLEAN_NOTE[state] : AGAINST_NOTE[side][state];
    case 'CHOPPY':
      return 'choppy structure: no clear highs/lows progression';
    default:
      return '';
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
 * pivots yet. Only candles of the last swingLookback are searched: rows pivotFrom to pivotTo
 * (two numbers, not a pair: a pair was an array per call where the call was not inlined).
 */
const pivotFrom = (view: PrimaryView, config: ScreenerConfig): number =>
  Math.max(view.first + config.levels.pivotSpan, view.n - config.levels.swingLookback);
const pivotTo = (view: PrimaryView, config: ScreenerConfig): number => view.n - 1 - config.levels.pivotSpan;

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
  const from = pivotFrom(view, config);
  const to = pivotTo(view, config);
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
  const from = pivotFrom(view, config);
  const to = pivotTo(view, config);
  let best = Number.NaN;
  let bestDistance = Number.POSITIVE_INFINITY;
  let fromBand = false;
  const levels = long ? view.high : view.low;
  const band = long ? view.bands.upper : view.bands.lower;
  // A swing level farther than the band loses to it (the band wins when strictly nearer than
  // every swing level), so those are not tested.
  const bandDistance = isNum(band) ? Math.abs(price - band) : Number.POSITIVE_INFINITY;
  for (let i = from; i <= to; i++) {
    // The distance first: the pivot test (up to 2 x span reads) only for a level that would be nearer.
    const d = Math.abs(price - (levels[i] as number));
    if (!(d < bestDistance) || d > bandDistance) continue;
    if (!(long ? isSwingHigh(view.high, i, span) : isSwingLow(view.low, i, span))) continue;
    bestDistance = d;
    best = levels[i] as number;
  }
  if (isNum(band) && Math.abs(price - band) < bestDistance) {
    bestDistance = Math.abs(price - band);
    best = band;
    fromBand = true;
  }
  const pct = (bestDistance / price) * 100;
  const hit = isNum(best) && pct <= config.levels.proximityPct;
  return { points: hit ? -config.levels.penalty : 0, hit, pct, level: best, fromBand };
}

/**
 * nearestLevelInPath's `hit` alone, sooner: whether any level in the trade's path is within
 * proximityPct of `price` (a positive price, or NaN). The distance's percent only grows with the
 * distance, so the nearest level is within it exactly when some level is: the band first, then the
 * swing levels, each pivot-tested only when it is within (ranking a universe never needs which
 * level, or how far).
 */
export function levelInPathHit(
  side: Side,
  price: number,
  view: PrimaryView,
  config: ScreenerConfig,
): boolean {
  const long = side === 'LONG';
  const proximityPct = config.levels.proximityPct;
  const band = long ? view.bands.upper : view.bands.lower;
  if (isNum(band) && (Math.abs(price - band) / price) * 100 <= proximityPct) return true;
  const span = config.levels.pivotSpan;
  const from = pivotFrom(view, config);
  const to = pivotTo(view, config);
  const levels = long ? view.high : view.low;
  for (let i = from; i <= to; i++) {
    if (!((Math.abs(price - (levels[i] as number)) / price) * 100 <= proximityPct)) continue;
    if (long ? isSwingHigh(view.high, i, span) : isSwingLow(view.low, i, span)) return true;
  }
  return false;
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
