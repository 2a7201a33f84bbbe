/**
 * scoreViews: the filters and the score. From the trailing views of one symbol to a ScreenResult.
 * Shared by the batch path (screenSymbol) and the incremental path (createSymbolScreener), so both
 * give the same answer for the same candles.
 *
 * Direction priority when sources disagree: whale, then momentum, then RSI plus trend.
 * Invariant: score and every contribution are finite integers; score is 0..100 and 0 when NEUTRAL.
 * The numbers come from points.ts (shared with rankViews, rank.ts, which gives them alone); the
 * words (notes, reasons) only when a result's `contributions` or `reasons` is first read (see
 * result.ts), from numbers captured now.
 */
import type { ScreenerConfig } from './config.js';
import { antiFakeFound } from './filters/anti-fake.js';
import { M_LONG_POINTS, M_SHORT_POINTS, MOMENTUM, momentumInto, scoredMomentum } from './filters/momentum.js';
import {
  marketStructureState,
  nearestLevelInPath,
  structureNote,
  structurePoints,
} from './filters/structure.js';
import { confirmState } from './filters/trend.js';
import { clamp, copyToArray, isNum, metric } from './filters/util.js';
import { volumeRatio } from './filters/volume.js';
import {
  DOWNGRADE,
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
  SUSTAIN_COUNT,
  SUSTAIN_HIT,
  safePoints,
  sourcesOf,
  sumPoints,
  usableWhale,
  VOLUME_HIT,
  VOLUME_RATIO,
} from './points.js';
import { LazyScreenResult } from './result.js';
import type { DirectionSource, ScreenMetrics, ScreenResult, ScreenViews } from './types.js';
import { DirectionalWords, NeutralWords } from './words.js';

/** The notes of a screen without any (shared: nobody adds to a result's notes). */
const NO_NOTES: string[] = Object.freeze([]) as unknown as string[];

/** The full result: the numbers (see points.ts, shared with rankViews), the metrics, the words. */
export function scoreViews(views: ScreenViews, config: ScreenerConfig): ScreenResult {
  const p = views.primary;
  const { n, first } = p;
  // The newest row, read in place (NaN for an empty view).
  const last = n - 1;
  const has = last >= first;
  const price = has ? (p.close[last] as number) : Number.NaN;
  const { upper, lower } = p.bands;
  const width = upper - lower;
  const hurstValue = views.confirm?.hurst ?? Number.NaN;

  momentumInto(p, config);
  const momLong = MOMENTUM[M_LONG_POINTS] as number;
  const momShort = MOMENTUM[M_SHORT_POINTS] as number;
  const mom = scoredMomentum(config);
  const rsiNow = has ? (p.rsi[last] as number) : Number.NaN;

  const whale = usableWhale(views.whale);
  const side = sourcesOf(views, config, whale, momLong, momShort, rsiNow);
  const { fromWhale, fromMomentum, fromRsiTrend } = SOURCES;
  const source: DirectionSource | null = fromWhale
    ? 'whale'
    : fromMomentum
      ? 'momentum'
      : fromRsiTrend
        ? 'rsi-trend'
        : null;
  const structure = marketStructureState(p, config);
  const atrNow = has ? (p.atr[last] as number) : Number.NaN;
  const notes = views.notes ?? NO_NOTES;
  const candleTime = has ? (p.openTime[last] as number) : Number.NaN;
  const volRatio = volumeRatio(p);
  const metrics: ScreenMetrics = {
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

  if (side === null || source === null) {
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
  pointsInto(views, config, side, whale, whaleLeads, side === 'LONG' ? momLong : momShort, rsiNow);
  const levels = nearestLevelInPath(side, price, p, config);
  const fake = antiFakeFound(side, config);
  const points = POINTS;
  points[STRUCTURE_FILTER] = safePoints(structurePoints(side, structure, config));
  points[LEVELS_FILTER] = safePoints(levels.points);
  sumPoints();
  const rawScore = FACTS[RAW_SCORE] as number;
  const qualityPenalty = FACTS[QUALITY_PENALTY] as number;
  const fakePenalty = FACTS[FAKE_PENALTY] as number;
  const downgrade = FACTS[DOWNGRADE] === 1;

  const direction: ScreenResult['direction'] = endsNeutral(config) ? 'NEUTRAL' : side;
  const score = direction === 'NEUTRAL' ? 0 : clamp(rawScore, 0, 100);

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
      mom,
      volumeRatio: FACTS[VOLUME_RATIO] as number,
      volumeHit: FACTS[VOLUME_HIT] === 1,
      trend: views.trend,
      rsi: rsiNow,
      confirm: views.confirm,
      structureNote: structureNote(side, structure),
      levels,
      sustainCount: FACTS[SUSTAIN_COUNT] as number,
      sustainHit: FACTS[SUSTAIN_HIT] === 1,
      hurst: hurstValue,
      fake,
      points: copyToArray(points),
      rawScore,
      downgrade,
      notes,
    }),
  );
}
