/**
 * rankViews: scoreViews' numbers alone (direction, score, penalties), without the metrics and the
 * words: a backtest ranks every symbol at every close and builds the full result for the few it
 * analyses. The numbers come from the same functions as scoreViews' (points.ts), so they are the
 * same; this module only decides how far a rank needs them.
 */
import type { ScreenerConfig } from './config.js';
import { M_LONG_POINTS, M_SHORT_POINTS, MOMENTUM, momentumInto } from './filters/momentum.js';
import { levelInPathHit, marketStructureState, structurePoints } from './filters/structure.js';
import { clamp } from './filters/util.js';
import {
  endsNeutral,
  FACTS,
  FAKE_PENALTY,
  LEVELS_FILTER,
  POINTS,
  pointsInto,
  QUALITY_PENALTY,
  RAW_SCORE,
  SOURCES,
  STRUCTURE_FILTER,
  safePoints,
  sideDead,
  sourcesOf,
  sumPoints,
  usableWhale,
} from './points.js';
import type { ScreenRank, ScreenViews, Side } from './types.js';

/** Where the rank being worked out goes: the caller's object (see rankViews' `into`), or a new one. */
let rankInto: ScreenRank | undefined;

/** A ScreenRank, keys in one order (one object shape for every rank), in `rankInto` if given. */
const rank = (
  symbol: string,
  direction: ScreenRank['direction'],
  score: number,
  rawScore: number,
  qualityPenalty: number,
  fakePenalty: number,
): ScreenRank => {
  const into = rankInto;
  if (into === undefined) return { symbol, direction, score, rawScore, qualityPenalty, fakePenalty };
  into.symbol = symbol;
  into.direction = direction;
  into.score = score;
  into.rawScore = rawScore;
  into.qualityPenalty = qualityPenalty;
  into.fakePenalty = fakePenalty;
  return into;
};

/**
 * `floor`: the score below which the caller has no use for a rank beyond its direction (a
 * backtest analyses no screen under it). A rank whose score is sure to be under it, before the
 * market structure and the levels in the way are looked at (the two dearest filters, whose points
 * lie in known ranges), stops there: its direction is exact, its score and raw score are upper
 * bounds (the score under `floor`), its quality penalty a lower bound, its fake penalty exact.
 * Every other rank is exact. Without a floor, every rank is.
 *
 * `into`: the rank is written into this object and it is returned (a caller ranking one symbol
 * at every close keeps one object per symbol instead of making one per rank); otherwise a new one.
 */
export function rankViews(
  views: ScreenViews,
  config: ScreenerConfig,
  floor: number = Number.NEGATIVE_INFINITY,
  into?: ScreenRank,
): ScreenRank {
  rankInto = into;
  const ranked = evaluateRank(views, config, floor);
  rankInto = undefined;
  return ranked;
}

/**
 * What the structure and the levels can still add: their points' ranges (a clean trend's bonus,
 * chop or a trend against the side, nothing; a level's penalty or nothing), after safePoints.
 * Slots of LATER: the three settings they were worked out from, then the ranges.
 */
const L_CLEAN = 0;
const L_CHOPPY = 1;
const L_PENALTY = 2;
const L_ST_LOW = 3;
const L_ST_HIGH = 4;
const L_LV_LOW = 5;
const L_LV_HIGH = 6;

/**
 * The ranges of the latest config ranked, one per thread: they depend on three settings alone,
 * and working them out took ten calls per rank (a backtest ranks with one config throughout).
 */
const LATER = new Float64Array(7).fill(Number.NaN);

/** LATER for `config` (worked out again only when one of its three settings differs). */
function laterRanges(config: ScreenerConfig): Float64Array {
  const { cleanPoints, choppyPenalty } = config.structure;
  const penalty = config.levels.penalty;
  const later = LATER;
  if (later[L_CLEAN] !== cleanPoints || later[L_CHOPPY] !== choppyPenalty || later[L_PENALTY] !== penalty) {
    const clean = safePoints(cleanPoints);
    const choppy = safePoints(-choppyPenalty);
    const level = safePoints(-penalty);
    later[L_ST_LOW] = Math.min(clean, choppy, 0);
    later[L_ST_HIGH] = Math.max(clean, choppy, 0);
    later[L_LV_LOW] = Math.min(level, 0);
    later[L_LV_HIGH] = Math.max(level, 0);
    later[L_CLEAN] = cleanPoints;
    later[L_CHOPPY] = choppyPenalty;
    later[L_PENALTY] = penalty;
  }
  return later;
}

/**
 * A rank sure to score under `floor` (see rankViews), or null: `partial` points so far (`quality`
 * its quality penalty), the filters still to come adding between `low` and `high`. `dead`: killed
 * by the anti-fake or downgraded by a conflict, NEUTRAL whatever the points.
 */
function stopShort(
  symbol: string,
  side: Side,
  dead: boolean,
  partial: number,
  quality: number,
  low: number,
  high: number,
  fakePenalty: number,
  config: ScreenerConfig,
  floor: number,
): ScreenRank | null {
  const most = partial + high;
  const minScore = config.base.minScore;
  if (dead || most < minScore) return rank(symbol, 'NEUTRAL', 0, most, quality, fakePenalty);
  const bound = clamp(most, 0, 100);
  if (partial + low >= minScore && bound < floor)
    return rank(symbol, side, bound, most, quality, fakePenalty);
  return null;
}

function evaluateRank(views: ScreenViews, config: ScreenerConfig, floor: number): ScreenRank {
  const p = views.primary;
  const last = p.n - 1;
  const has = last >= p.first;
  const price = has ? (p.close[last] as number) : Number.NaN;
  const rsiNow = has ? (p.rsi[last] as number) : Number.NaN;

  // The direction's sources first: a rank without one is NEUTRAL whatever the other filters say.
  momentumInto(p, config);
  const momLong = MOMENTUM[M_LONG_POINTS] as number;
  const momShort = MOMENTUM[M_SHORT_POINTS] as number;
  const whale = usableWhale(views.whale);
  const side = sourcesOf(views, config, whale, momLong, momShort, rsiNow);
  if (side === null) return rank(views.symbol, 'NEUTRAL', 0, 0, 0, 0);
  const whaleLeads = whale !== undefined && SOURCES.fromWhale === side;
  pointsInto(views, config, side, whale, whaleLeads, side === 'LONG' ? momLong : momShort, rsiNow);
  const fakePenalty = FACTS[FAKE_PENALTY] as number;
  const points = POINTS;
  if (floor > 0) {
    // What the structure and the levels can still add (see laterRanges), checked before each of
    // the two, the dearer first.
    const later = laterRanges(config);
    const stHigh = later[L_ST_HIGH] as number;
    const stLow = later[L_ST_LOW] as number;
    const lvHigh = later[L_LV_HIGH] as number;
    const lvLow = later[L_LV_LOW] as number;
    sumPoints();
    let partial = FACTS[RAW_SCORE] as number;
    let quality = FACTS[QUALITY_PENALTY] as number;
    const dead = sideDead(config);
    const before = stopShort(
      views.symbol,
      side,
      dead,
      partial,
      quality,
      stLow + lvLow,
      stHigh + lvHigh,
      fakePenalty,
      config,
      floor,
    );
    if (before !== null) return before;
    const stPoints = safePoints(structurePoints(side, marketStructureState(p, config), config));
    points[STRUCTURE_FILTER] = stPoints;
    partial += stPoints;
    if (stPoints < 0) quality -= stPoints;
    const between = stopShort(
      views.symbol,
      side,
      false,
      partial,
      quality,
      lvLow,
      lvHigh,
      fakePenalty,
      config,
      floor,
    );
    if (between !== null) return between;
  } else {
    points[STRUCTURE_FILTER] = safePoints(structurePoints(side, marketStructureState(p, config), config));
  }
  // A rank needs whether a level is in the way, not which (see levelInPathHit).
  points[LEVELS_FILTER] = safePoints(levelInPathHit(side, price, p, config) ? -config.levels.penalty : 0);
  sumPoints();
  const rawScore = FACTS[RAW_SCORE] as number;
  const qualityPenalty = FACTS[QUALITY_PENALTY] as number;
  const neutral = endsNeutral(config);
  const score = neutral ? 0 : clamp(rawScore, 0, 100);
  return rank(views.symbol, neutral ? 'NEUTRAL' : side, score, rawScore, qualityPenalty, fakePenalty);
}
