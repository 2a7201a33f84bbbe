/**
 * scoreViews: the filters and the score. From the trailing views of one symbol to a ScreenResult.
 * Shared by the batch path (screenSymbol) and the incremental path (createSymbolScreener), so both
 * give the same answer for the same candles.
 *
 * Direction priority when sources disagree: whale, then momentum, then RSI plus trend.
 * Invariant: score and every contribution are finite integers; score is 0..100 and 0 when NEUTRAL.
 */
import type { ScreenerConfig } from './config.js';
import { antiFake } from './filters/anti-fake.js';
import { momentum, momentumSide } from './filters/momentum.js';
import { levelInPath, marketStructure, structureScore } from './filters/structure.js';
import { confirmation, confirmState, rsiTrendSide, rsiZoneScore, trendAlignment } from './filters/trend.js';
import { back, clamp, fmt, isNum, metric } from './filters/util.js';
import { volumeAnomaly, volumeSustain } from './filters/volume.js';
import type {
  DirectionSource,
  FilterContribution,
  FilterName,
  ScreenMetrics,
  ScreenResult,
  ScreenViews,
  Side,
} from './types.js';

const whaleSide = (direction: 'PUMP' | 'DUMP'): Side => (direction === 'PUMP' ? 'LONG' : 'SHORT');

/** Record a filter's points: rounded, and 0 if anything upstream produced a non-finite number. */
function contribute(list: FilterContribution[], filter: FilterName, points: number, note: string): void {
  const safe = isNum(points) ? Math.round(points) : 0;
  list.push({
    filter,
    kind: filter === 'antiFake' ? 'fake' : safe < 0 ? 'quality' : 'bonus',
    points: safe,
    note,
  });
}

export function scoreViews(views: ScreenViews, config: ScreenerConfig): ScreenResult {
  const p = views.primary;
  const { n, first } = p;
  const price = back(p.close, 0, n, first);
  const { upper, lower } = p.bands;
  const width = upper - lower;
  const hurstValue = views.confirm?.hurst ?? Number.NaN;

  const vol = volumeAnomaly(p, config);
  const sustain = volumeSustain(p, config);
  const structure = marketStructure(p, config);
  const mom = momentum(p, config);
  const rsiNow = back(p.rsi, 0, n, first);
  const atrNow = back(p.atr, 0, n, first);
  const confirmTrend = confirmState(views.confirm);

  const metrics: ScreenMetrics = {
    price,
    atr: metric(atrNow),
    atrPct: metric((atrNow / price) * 100),
    rsi: metric(rsiNow),
    ema9: metric(back(p.emaFast, 0, n, first)),
    ema21: metric(back(p.emaSlow, 0, n, first)),
    ema200: metric(back(p.emaTrend, 0, n, first)),
    bollingerPosition: width > 0 ? metric((price - lower) / width) : null,
    bollingerUpper: metric(upper),
    bollingerLower: metric(lower),
    volumeRatio: metric(vol.ratio),
    hurst: metric(hurstValue),
    trendEma200: metric(views.trend?.emaTrend ?? Number.NaN),
    confirmTrend,
    structure: structure.state,
    momentumLong: mom.LONG.points,
    momentumShort: mom.SHORT.points,
  };

  // Sources, in priority order. A whale signal without a usable confidence is no signal.
  const whale =
    views.whale && Number.isFinite(views.whale.confidence)
      ? { direction: views.whale.direction, confidence: clamp(views.whale.confidence, 0, 100) }
      : undefined;
  const fromWhale =
    whale && whale.confidence >= config.whale.minConfidence ? whaleSide(whale.direction) : null;
  const fromMomentum = momentumSide(mom, config);
  const fromRsiTrend = rsiTrendSide(rsiNow, views.trend, config);
  const side = fromWhale ?? fromMomentum ?? fromRsiTrend;
  const source: DirectionSource | null = fromWhale
    ? 'whale'
    : fromMomentum
      ? 'momentum'
      : fromRsiTrend
        ? 'rsi-trend'
        : null;
  const notes = views.notes ?? [];
  const candleTime = back(p.openTime, 0, n, first);

  if (side === null || source === null) {
    const reasons = [
      `NEUTRAL: no direction (momentum ${mom.LONG.points} long / ${mom.SHORT.points} short, ` +
        `RSI ${fmt(rsiNow, 3)}, trend ${views.trend ? 'mixed with RSI' : 'unavailable'}, ` +
        `${whale ? `whale ${whale.direction} ${fmt(whale.confidence, 3)} below ${config.whale.minConfidence}` : 'no whale signal'})`,
      ...notes,
    ];
    return {
      symbol: views.symbol,
      direction: 'NEUTRAL',
      score: 0,
      rawScore: 0,
      source: null,
      proposed: null,
      qualityPenalty: 0,
      fakePenalty: 0,
      metrics,
      contributions: [],
      reasons,
      candleTime,
    };
  }

  const contributions: FilterContribution[] = [];

  contribute(contributions, 'base', config.base.points, '');
  if (whale && fromWhale === side) {
    contribute(
      contributions,
      'whale',
      (clamp(whale.confidence, 0, 100) / 100) * config.whale.maxPoints,
      `whale ${whale.direction} (confidence ${fmt(whale.confidence, 3)})`,
    );
  } else {
    contribute(
      contributions,
      'whale',
      0,
      whale ? `whale ${whale.direction} (confidence ${fmt(whale.confidence, 3)}) below priority` : '',
    );
  }
  const momSide = mom[side];
  contribute(
    contributions,
    'momentum',
    momSide.points,
    momSide.parts.length > 0
      ? `momentum ${momSide.points}/${config.momentum.maxPoints}: ${momSide.parts.join(', ')}`
      : '',
  );
  contribute(contributions, 'volumeAnomaly', vol.points, vol.note);
  const trend = trendAlignment(side, views.trend, config);
  contribute(contributions, 'trend', trend.points, trend.note);
  const zone = rsiZoneScore(side, rsiNow, config);
  contribute(contributions, 'rsiZone', zone.points, zone.note);
  const confirm = confirmation(side, views.confirm, whale, config, config.timeframes.confirm);
  contribute(contributions, 'confirmation', confirm.points, confirm.note);
  const struct = structureScore(side, structure, config);
  contribute(contributions, 'structure', struct.points, struct.note);
  const levels = levelInPath(side, price, p, config);
  contribute(contributions, 'levels', levels.points, levels.note);
  contribute(contributions, 'volumeSustain', sustain.points, sustain.note);
  const h = config.hurst;
  if (hurstValue > h.persistentAbove)
    contribute(contributions, 'hurst', h.points, `Hurst ${fmt(hurstValue, 3)}: trending, moves persist`);
  else if (hurstValue < h.meanRevertingBelow)
    contribute(contributions, 'hurst', -h.penalty, `Hurst ${fmt(hurstValue, 3)}: mean-reverting, moves fade`);
  else
    contribute(
      contributions,
      'hurst',
      0,
      isNum(hurstValue) ? `Hurst ${fmt(hurstValue, 3)}: no clear persistence` : '',
    );
  const fake = antiFake(side, p, config);
  contribute(
    contributions,
    'antiFake',
    -fake.penalty,
    fake.parts.length > 0 ? `fake signs: ${fake.parts.join('; ')}` : '',
  );

  let rawScore = 0;
  let qualityPenalty = 0;
  for (const c of contributions) {
    rawScore += c.points;
    if (c.kind === 'quality') qualityPenalty -= c.points;
  }
  const fakePenalty = fake.penalty;

  const disagreements: string[] = [];
  if (fromWhale && fromMomentum && fromMomentum !== side) disagreements.push(`momentum says ${fromMomentum}`);
  if (fromRsiTrend && fromRsiTrend !== side) disagreements.push(`RSI+trend says ${fromRsiTrend}`);
  const headline =
    `${side} from ${source}` +
    (disagreements.length > 0 ? ` (priority over: ${disagreements.join(', ')})` : '');

  let direction: ScreenResult['direction'] = side;
  const reasons: string[] = [];
  if (fake.killed) {
    direction = 'NEUTRAL';
    reasons.push(
      `NEUTRAL: ${side} killed by anti-fake (penalty ${fakePenalty} >= ${config.antiFake.killAt})`,
    );
  } else if (confirm.downgrade) {
    direction = 'NEUTRAL';
    reasons.push(`NEUTRAL: ${side} downgraded by ${config.timeframes.confirm} confirmation`);
  } else if (rawScore < config.base.minScore) {
    direction = 'NEUTRAL';
    reasons.push(`NEUTRAL: ${side} scores ${rawScore} after penalties (minimum ${config.base.minScore})`);
  }
  reasons.push(headline);
  for (const c of contributions)
    if (c.note !== '') reasons.push(`${c.note} (${c.points >= 0 ? '+' : ''}${c.points})`);
  reasons.push(...notes);

  return {
    symbol: views.symbol,
    direction,
    score: direction === 'NEUTRAL' ? 0 : clamp(rawScore, 0, 100),
    rawScore,
    source,
    proposed: side,
    qualityPenalty,
    fakePenalty,
    metrics,
    contributions,
    reasons,
    candleTime: isNum(candleTime) ? candleTime : 0,
  };
}
