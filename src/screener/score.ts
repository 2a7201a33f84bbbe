/**
 * scoreViews: the filters and the score. From the trailing views of one symbol to a ScreenResult.
 * Shared by the batch path (screenSymbol) and the incremental path (createSymbolScreener), so both
 * give the same answer for the same candles.
 *
 * Direction priority when sources disagree: whale, then momentum, then RSI plus trend.
 * Invariant: score and every contribution are finite integers; score is 0..100 and 0 when NEUTRAL.
 * The points are computed here; the words (notes, reasons) only when a result's `contributions`
 * or `reasons` is first read (see result.ts), from numbers captured now.
 */
import type { ScreenerConfig } from './config.js';
import { AF_PENALTY, ANTI_FAKE, antiFakeFound, antiFakeInto, antiFakeKilled } from './filters/anti-fake.js';
import {
  M_LONG_POINTS,
  M_SHORT_POINTS,
  MOMENTUM,
  type MomentumScore,
  momentumInto,
  momentumSideOf,
  scoredMomentum,
} from './filters/momentum.js';
import {
  levelInPathHit,
  marketStructureState,
  nearestLevelInPath,
  structureNote,
  structurePoints,
} from './filters/structure.js';
import {
  confirmationConflict,
  confirmState,
  rsiTrendSide,
  rsiZonePoints,
  trendPoints,
} from './filters/trend.js';
import { clamp, copyToArray, isNum, metric } from './filters/util.js';
import { volumeAnomalyHit, volumeRatio, volumeSustainCount } from './filters/volume.js';
import { LazyScreenResult } from './result.js';
import {
  type DirectionSource,
  FILTER_NAMES,
  type ScreenMetrics,
  type ScreenRank,
  type ScreenResult,
  type ScreenViews,
  type Side,
} from './types.js';
import { DirectionalWords, NeutralWords } from './words.js';

const ANTI_FAKE_FILTER = FILTER_NAMES.indexOf('antiFake');

const whaleSide = (direction: 'PUMP' | 'DUMP'): Side => (direction === 'PUMP' ? 'LONG' : 'SHORT');

/** The notes of a screen without any (shared: nobody adds to a result's notes). */
const NO_NOTES: string[] = Object.freeze([]) as unknown as string[];

/** A filter's points as they enter the score: rounded, and 0 if anything upstream was not finite. */
const safePoints = (points: number): number => (isNum(points) ? Math.round(points) : 0);

/**
 * The filters' points of the latest screen, in FILTER_NAMES order, one array per thread: a rank
 * sums them and keeps nothing; a full result copies them for its words.
 */
const POINTS = new Float64Array(FILTER_NAMES.length);

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

export function scoreViews(views: ScreenViews, config: ScreenerConfig): ScreenResult {
  return evaluate(views, config, true, Number.NEGATIVE_INFINITY) as ScreenResult;
}

/**
 * scoreViews' numbers alone (direction, score, penalties), without the metrics and the words: a
 * backtest ranks every symbol at every close and builds the full result for the few it analyses.
 * One code path for both, so the numbers are the same.
 *
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
  const ranked = evaluate(views, config, false, floor) as ScreenRank;
  rankInto = undefined;
  return ranked;
}

/** The lowest and highest points a filter of these possible points can add (after safePoints). */
const lowest = (a: number, b: number, c: number): number =>
  Math.min(safePoints(a), safePoints(b), safePoints(c));
const highest = (a: number, b: number, c: number): number =>
  Math.max(safePoints(a), safePoints(b), safePoints(c));

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

function evaluate(
  views: ScreenViews,
  config: ScreenerConfig,
  full: boolean,
  floor: number,
): ScreenResult | ScreenRank {
  const p = views.primary;
  const { n, first } = p;
  // The newest row, read in place (NaN for an empty view): a back() the optimiser leaves as a call
  // returns a boxed number, one allocation per read.
  const last = n - 1;
  const has = last >= first;
  const price = has ? (p.close[last] as number) : Number.NaN;
  const { upper, lower } = p.bands;
  const width = upper - lower;
  const hurstValue = views.confirm?.hurst ?? Number.NaN;

  // The filters as numbers, not as their {points, note} objects (the notes are the words' job).
  // The direction's sources first: a rank without one is NEUTRAL whatever the other filters say.
  // As numbers (nothing allocated); the objects the words need only for a full result.
  momentumInto(p, config);
  const momLong = MOMENTUM[M_LONG_POINTS] as number;
  const momShort = MOMENTUM[M_SHORT_POINTS] as number;
  const mom: MomentumScore | null = full ? scoredMomentum(config) : null;
  const rsiNow = has ? (p.rsi[last] as number) : Number.NaN;

  // Sources, in priority order. A whale signal without a usable confidence is no signal.
  const whale =
    views.whale && Number.isFinite(views.whale.confidence)
      ? { direction: views.whale.direction, confidence: clamp(views.whale.confidence, 0, 100) }
      : undefined;
  const fromWhale =
    whale && whale.confidence >= config.whale.minConfidence ? whaleSide(whale.direction) : null;
  const fromMomentum = momentumSideOf(momLong, momShort, config);
  const fromRsiTrend = rsiTrendSide(rsiNow, views.trend, config);
  const side = fromWhale ?? fromMomentum ?? fromRsiTrend;
  const source: DirectionSource | null = fromWhale
    ? 'whale'
    : fromMomentum
      ? 'momentum'
      : fromRsiTrend
        ? 'rsi-trend'
        : null;
  if (!full && (side === null || source === null)) return rank(views.symbol, 'NEUTRAL', 0, 0, 0, 0);
  const volRatio = volumeRatio(p);
  const volHit = volumeAnomalyHit(volRatio, config);
  const sustainCount = volumeSustainCount(p, config);
  const sustainHit = sustainCount >= config.volumeSustain.needed;
  // A rank looks at the structure (and the levels) last, if at all (see rankViews' floor).
  const structure = full ? marketStructureState(p, config) : 'MIXED';
  const atrNow = has ? (p.atr[last] as number) : Number.NaN;

  const metrics: ScreenMetrics | null = !full
    ? null
    : {
        price,
        atr: metric(atrNow),
        atrPct: metric((atrNow / price) * 100),
        rsi: metric(rsiNow),
        ema9: metric(has ? (p.emaFast[last] as number) : Number.NaN),
        ema21: metric(has ? (p.emaSlow[last] as number) : Number.NaN),
        ema200: metric(has ? (p.emaTrend[last] as number) : Number.NaN),
        bollingerPosition: width > 0 ? metric((price - lower) / width) : null,
        bollingerUpper: metric(upper),
        bollingerLower: metric(lower),
        volumeRatio: metric(volRatio),
        hurst: metric(hurstValue),
        trendEma200: metric(views.trend?.emaTrend ?? Number.NaN),
        confirmTrend: confirmState(views.confirm),
        structure,
        momentumLong: momLong,
        momentumShort: momShort,
      };

  const notes = views.notes ?? NO_NOTES;
  const candleTime = has ? (p.openTime[last] as number) : Number.NaN;

  if (side === null || source === null) {
    if (metrics === null) return rank(views.symbol, 'NEUTRAL', 0, 0, 0, 0);
    return new LazyScreenResult(
      {
        symbol: views.symbol,
        direction: 'NEUTRAL',
        score: 0,
        rawScore: 0,
        source: null,
        proposed: null,
        qualityPenalty: 0,
        fakePenalty: 0,
        metrics,
        candleTime,
      },
      new NeutralWords({
        config,
        momentumLong: momLong,
        momentumShort: momShort,
        rsi: rsiNow,
        hasTrend: views.trend !== undefined,
        whale,
        notes,
      }),
    );
  }

  // Points now (in FILTER_NAMES order); the notes only when someone reads them.
  const whaleLeads = whale !== undefined && fromWhale === side;
  const conflict = confirmationConflict(side, views.confirm, whale, config);
  const downgrade = conflict && config.confirmation.onConflict === 'neutral';
  const confirmPoints = conflict && !downgrade ? -config.confirmation.conflictPenalty : 0;
  const levels = full ? nearestLevelInPath(side, price, p, config) : undefined;
  const h = config.hurst;
  const hurstPoints =
    hurstValue > h.persistentAbove ? h.points : hurstValue < h.meanRevertingBelow ? -h.penalty : 0;
  antiFakeInto(side, p, config);
  const fakePenalty = ANTI_FAKE[AF_PENALTY] as number;
  const fake = full ? antiFakeFound(side, config) : null;
  const points = POINTS;
  points[0] = safePoints(config.base.points);
  points[1] = safePoints(
    whale && whaleLeads ? (clamp(whale.confidence, 0, 100) / 100) * config.whale.maxPoints : 0,
  );
  points[2] = safePoints(side === 'LONG' ? momLong : momShort);
  points[3] = safePoints(volHit ? config.volumeAnomaly.points : 0);
  points[4] = safePoints(trendPoints(side, views.trend, config));
  points[5] = safePoints(rsiZonePoints(side, rsiNow, config));
  points[6] = safePoints(confirmPoints);
  points[9] = safePoints(sustainHit ? config.volumeSustain.points : 0);
  points[10] = safePoints(hurstPoints);
  points[11] = safePoints(-fakePenalty);
  if (full) {
    points[7] = safePoints(structurePoints(side, structure, config));
    points[8] = safePoints(levels!.points);
  } else {
    points[7] = 0;
    points[8] = 0;
    if (floor > 0) {
      // What the structure and the levels can still add: their points' ranges (a clean trend's
      // bonus, chop or a trend against the side, nothing; a level's penalty or nothing). Checked
      // before each of the two, the dearer first.
      const st = config.structure;
      const stHigh = highest(st.cleanPoints, -st.choppyPenalty, 0);
      const stLow = lowest(st.cleanPoints, -st.choppyPenalty, 0);
      const lvHigh = highest(-config.levels.penalty, 0, 0);
      const lvLow = lowest(-config.levels.penalty, 0, 0);
      let partial = 0;
      let quality = 0;
      for (let i = 0; i < points.length; i++) {
        const pts = points[i] as number;
        partial += pts;
        if (pts < 0 && i !== ANTI_FAKE_FILTER) quality -= pts;
      }
      const dead = antiFakeKilled(fakePenalty, config) || downgrade;
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
      points[7] = stPoints;
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
      points[7] = safePoints(structurePoints(side, marketStructureState(p, config), config));
    }
    // A rank needs whether a level is in the way, not which (see levelInPathHit).
    points[8] = safePoints(levelInPathHit(side, price, p, config) ? -config.levels.penalty : 0);
  }

  let rawScore = 0;
  let qualityPenalty = 0;
  for (let i = 0; i < points.length; i++) {
    const pts = points[i] as number;
    rawScore += pts;
    if (pts < 0 && i !== ANTI_FAKE_FILTER) qualityPenalty -= pts;
  }

  let direction: ScreenResult['direction'] = side;
  if (antiFakeKilled(fakePenalty, config) || downgrade || rawScore < config.base.minScore)
    direction = 'NEUTRAL';
  const score = direction === 'NEUTRAL' ? 0 : clamp(rawScore, 0, 100);
  if (metrics === null) return rank(views.symbol, direction, score, rawScore, qualityPenalty, fakePenalty);

  return new LazyScreenResult(
    {
      symbol: views.symbol,
      direction,
      score,
      rawScore,
      source,
      proposed: side,
      qualityPenalty,
      fakePenalty,
      metrics,
      candleTime: isNum(candleTime) ? candleTime : 0,
    },
    new DirectionalWords({
      config,
      side,
      source,
      fromWhale,
      fromMomentum,
      fromRsiTrend,
      whale,
      whaleLeads,
      mom: mom!,
      volumeRatio: volRatio,
      volumeHit: volHit,
      trend: views.trend,
      rsi: rsiNow,
      confirm: views.confirm,
      structureNote: structureNote(side, structure),
      levels: levels!,
      sustainCount,
      sustainHit,
      hurst: hurstValue,
      fake: fake!,
      points: copyToArray(points),
      rawScore,
      downgrade,
      notes,
    }),
  );
}
