/**
 * The numbers a screen and a rank share: the direction's sources, the filters' points of a side
 * and their sums. scoreViews (score.ts) and rankViews (rank.ts) both work them out here, so they
 * give the same direction, points and penalties for the same views by construction.
 *
 * Two functions rather than one with a flag, and no operation that only some calls reach: V8
 * compiles an operation it has never seen run as a bail-out, and a backtest's first full screens
 * come after thousands of ranks, its higher timeframes' views a few weeks of candles in (the EMA200
 * of 4h candles), its first Hurst class and confirmation conflict with them. Each first time threw
 * the compiled rank away (a deoptimisation, back to slower code until a recompile of the whole of
 * it, 20-60 ms of compiling), several times per run. So the full path is a function of its own,
 * a rank reads its higher timeframes' views whether ready or not (NaN views, see incremental.ts),
 * and the filters on that path read their settings and compare their numbers on every call.
 *
 * The answers are written into per-thread slots (POINTS, FACTS, SOURCES): read them before the
 * next call.
 */
import type { ScreenerConfig } from './config.js';
import { AF_PENALTY, ANTI_FAKE, antiFakeInto, antiFakeKilled } from './filters/anti-fake.js';
import { momentumSideOf } from './filters/momentum.js';
import { confirmationConflict, rsiTrendSide, rsiZonePoints, trendPoints } from './filters/trend.js';
import { clamp, isNum } from './filters/util.js';
import { volumeAnomalyHit, volumeRatio, volumeSustainCount } from './filters/volume.js';
import { FILTER_NAMES, type ScreenViews, type Side, type WhaleSignal } from './types.js';

export const ANTI_FAKE_FILTER = FILTER_NAMES.indexOf('antiFake');
export const STRUCTURE_FILTER = FILTER_NAMES.indexOf('structure');
export const LEVELS_FILTER = FILTER_NAMES.indexOf('levels');

/** NaN as a constant: `Number.NaN` is a property read, compiled as a bail-out until first run. */
const NO_VALUE = Number.NaN;

/** A filter's points as they enter the score: rounded, and 0 if anything upstream was not finite. */
export const safePoints = (points: number): number => (isNum(points) ? Math.round(points) : 0);

/**
 * The filters' points of the latest screen or rank, in FILTER_NAMES order, one array per thread:
 * a rank sums them and keeps nothing; a full result copies them for its words.
 */
export const POINTS = new Float64Array(FILTER_NAMES.length);

/** Slots of FACTS: what pointsInto found besides the points (the words and the sums need them). */
export const VOLUME_RATIO = 0;
export const VOLUME_HIT = 1;
export const SUSTAIN_COUNT = 2;
export const SUSTAIN_HIT = 3;
export const DOWNGRADE = 4;
export const FAKE_PENALTY = 5;
export const RAW_SCORE = 6;
export const QUALITY_PENALTY = 7;
export const FACTS = new Float64Array(8);

/** A whale signal with a usable confidence (clamped to 0..100), or none. */
export type UsableWhale = { direction: WhaleSignal['direction']; confidence: number } | undefined;

export function usableWhale(whale: WhaleSignal | undefined): UsableWhale {
  return whale && Number.isFinite(whale.confidence)
    ? { direction: whale.direction, confidence: clamp(whale.confidence, 0, 100) }
    : undefined;
}

const whaleSide = (direction: 'PUMP' | 'DUMP'): Side => (direction === 'PUMP' ? 'LONG' : 'SHORT');

/** The direction's sources, in priority order (null: silent); one per thread (see sourcesOf). */
export const SOURCES: { fromWhale: Side | null; fromMomentum: Side | null; fromRsiTrend: Side | null } = {
  fromWhale: null,
  fromMomentum: null,
  fromRsiTrend: null,
};

/**
 * Each source's side into SOURCES, and the side they propose (whale, then momentum, then RSI plus
 * trend), or null. A whale signal under its minimum confidence is no source.
 */
export function sourcesOf(
  views: ScreenViews,
  config: ScreenerConfig,
  whale: UsableWhale,
  momLong: number,
  momShort: number,
  rsiNow: number,
): Side | null {
  const fromWhale =
    whale && whale.confidence >= config.whale.minConfidence ? whaleSide(whale.direction) : null;
  const fromMomentum = momentumSideOf(momLong, momShort, config);
  const fromRsiTrend = rsiTrendSide(rsiNow, views.trend, config);
  SOURCES.fromWhale = fromWhale;
  SOURCES.fromMomentum = fromMomentum;
  SOURCES.fromRsiTrend = fromRsiTrend;
  return fromWhale ?? fromMomentum ?? fromRsiTrend;
}

/**
 * The points of `side` of every filter but the structure and the levels (the dearest two, left to
 * the caller) into POINTS (those two set to 0), and what was found into FACTS.
 */
export function pointsInto(
  views: ScreenViews,
  config: ScreenerConfig,
  side: Side,
  whale: UsableWhale,
  whaleLeads: boolean,
  momentumPoints: number,
  rsiNow: number,
): void {
  const p = views.primary;
  const volRatio = volumeRatio(p);
  const volHit = volumeAnomalyHit(volRatio, config);
  const sustainCount = volumeSustainCount(p, config);
  const sustainHit = sustainCount >= config.volumeSustain.needed;
  // The settings read before the tests that need them, on every call (see the header).
  const { onConflict, conflictPenalty } = config.confirmation;
  const conflict = confirmationConflict(side, views.confirm, whale, config);
  const downgrade = conflict && onConflict === 'neutral';
  const confirmPoints = conflict && !downgrade ? -conflictPenalty : 0;
  // Hurst counts as a class only: persistent, mean-reverting, or neither.
  const confirm = views.confirm;
  const hurstValue = confirm === undefined ? NO_VALUE : confirm.hurst;
  const h = config.hurst;
  const persistent = h.points;
  const meanReverting = -h.penalty;
  const hurstPoints =
    hurstValue > h.persistentAbove ? persistent : hurstValue < h.meanRevertingBelow ? meanReverting : 0;
  antiFakeInto(side, p, config);
  const fakePenalty = ANTI_FAKE[AF_PENALTY] as number;
  const points = POINTS;
  points[0] = safePoints(config.base.points);
  points[1] = safePoints(
    whale && whaleLeads ? (clamp(whale.confidence, 0, 100) / 100) * config.whale.maxPoints : 0,
  );
  points[2] = safePoints(momentumPoints);
  points[3] = safePoints(volHit ? config.volumeAnomaly.points : 0);
  points[4] = safePoints(trendPoints(side, views.trend, config));
  points[5] = safePoints(rsiZonePoints(side, rsiNow, config));
  points[6] = safePoints(confirmPoints);
  points[7] = 0;
  points[8] = 0;
  points[9] = safePoints(sustainHit ? config.volumeSustain.points : 0);
  points[10] = safePoints(hurstPoints);
  points[11] = safePoints(-fakePenalty);
  const facts = FACTS;
  facts[VOLUME_RATIO] = volRatio;
  facts[VOLUME_HIT] = volHit ? 1 : 0;
  facts[SUSTAIN_COUNT] = sustainCount;
  facts[SUSTAIN_HIT] = sustainHit ? 1 : 0;
  facts[DOWNGRADE] = downgrade ? 1 : 0;
  facts[FAKE_PENALTY] = fakePenalty;
}

/** POINTS summed into FACTS: the raw score, and the quality penalty (the negative points but the anti-fake's). */
export function sumPoints(): void {
  const points = POINTS;
  let rawScore = 0;
  let qualityPenalty = 0;
  for (let i = 0; i < points.length; i++) {
    const pts = points[i] as number;
    rawScore += pts;
    if (pts < 0 && i !== ANTI_FAKE_FILTER) qualityPenalty -= pts;
  }
  FACTS[RAW_SCORE] = rawScore;
  FACTS[QUALITY_PENALTY] = qualityPenalty;
}

/**
 * After pointsInto: the side is NEUTRAL whatever the points (killed by the anti-fake, or
 * downgraded by a confirmation conflict).
 */
export const sideDead = (config: ScreenerConfig): boolean =>
  antiFakeKilled(FACTS[FAKE_PENALTY] as number, config) || FACTS[DOWNGRADE] === 1;

/** After sumPoints: the screen ends NEUTRAL (its side dead, or its raw score under the minimum). */
export const endsNeutral = (config: ScreenerConfig): boolean =>
  sideDead(config) || (FACTS[RAW_SCORE] as number) < config.base.minScore;
