/**
 * Screen results as numbers for the trip from a worker thread: one Float64Array row per result
 * (transferred, not copied) holding the result's fields and the facts its words are made of; the
 * pool rebuilds LazyScreenResults whose words are formatted on the main thread only when read.
 * Structured clone of 500 results' notes and reasons cost more than screening them.
 */
import type { ScreenerConfig } from './config.js';
import type { Part } from './filters/momentum.js';
import { structureScore } from './filters/structure.js';
import { LazyScreenResult } from './result.js';
import type { DirectionSource, ScreenMetrics, ScreenResult, Side } from './types.js';
import { DirectionalWords, NeutralWords } from './words.js';

const DIRECTIONS = ['LONG', 'SHORT', 'NEUTRAL'] as const;
const SIDES = ['LONG', 'SHORT'] as const;
const SOURCES = ['whale', 'momentum', 'rsi-trend'] as const;
const WHALES = ['PUMP', 'DUMP'] as const;
const TRENDS = ['UP', 'DOWN'] as const;
const STRUCTURES = ['UP', 'DOWN', 'CHOPPY', 'MIXED'] as const;
/** Numeric metrics in wire order (null travels as NaN: a metric is null or finite, never NaN). */
const NUMERIC = [
  'price',
  'atr',
  'atrPct',
  'rsi',
  'ema9',
  'ema21',
  'ema200',
  'bollingerPosition',
  'bollingerUpper',
  'bollingerLower',
  'volumeRatio',
  'hurst',
  'trendEma200',
  'momentumLong',
  'momentumShort',
] as const satisfies readonly (keyof ScreenMetrics)[];

export const ROW = 90;
const M = 10; // first metric
const F = M + NUMERIC.length + 2; // first fact

const code = <T>(list: readonly T[], value: T | null | undefined): number =>
  value === null || value === undefined ? -1 : list.indexOf(value);
const pick = <T>(list: readonly T[], c: number): T | null => (c < 0 ? null : (list[c] as T));
const mask = (codes: readonly Part[]): number => {
  let m = 0;
  for (const c of codes) m |= 1 << c;
  return m;
};
const unmask = (m: number): Part[] => {
  const out: Part[] = [];
  for (let c = 0; c < 7; c++) if (m & (1 << c)) out.push(c as Part);
  return out;
};

/** Writes result r at row `at` of `w`; false when r carries no facts (the caller sends words). */
export function packResult(r: ScreenResult, w: Float64Array, at: number): boolean {
  if (!(r instanceof LazyScreenResult)) return false;
  const words = r.words;
  const o = at * ROW;
  if (words instanceof DirectionalWords) w[o] = 1;
  else if (words instanceof NeutralWords) w[o] = 2;
  else return false;
  w[o + 1] = code(DIRECTIONS, r.direction);
  w[o + 2] = r.score;
  w[o + 3] = r.rawScore;
  w[o + 4] = r.qualityPenalty;
  w[o + 5] = r.fakePenalty;
  w[o + 6] = r.candleTime;
  w[o + 7] = code(SOURCES, r.source);
  w[o + 8] = code(SIDES, r.proposed);
  const m = r.metrics;
  for (let k = 0; k < NUMERIC.length; k++) w[o + M + k] = m[NUMERIC[k]!] ?? Number.NaN;
  w[o + M + NUMERIC.length] = code(TRENDS, m.confirmTrend);
  w[o + M + NUMERIC.length + 1] = code(STRUCTURES, m.structure);
  const f = o + F;
  if (words instanceof NeutralWords) {
    const n = words.f;
    w[f] = n.rsi;
    w[f + 1] = n.hasTrend ? 1 : 0;
    w[f + 2] = code(WHALES, n.whale?.direction);
    w[f + 3] = n.whale?.confidence ?? Number.NaN;
    return true;
  }
  const d = (words as DirectionalWords).f;
  const v = d.mom.values;
  const facts = [
    code(SIDES, d.fromWhale),
    code(SIDES, d.fromMomentum),
    code(SIDES, d.fromRsiTrend),
    code(WHALES, d.whale?.direction),
    d.whale?.confidence ?? Number.NaN,
    d.whaleLeads ? 1 : 0,
    d.mom.LONG.points,
    mask(d.mom.LONG.codes),
    d.mom.SHORT.points,
    mask(d.mom.SHORT.codes),
    v.rocShort,
    v.rocLong,
    v.above ? 1 : 0,
    v.slope,
    v.up,
    v.down,
    v.hhhl,
    v.lhll,
    d.volumeRatio,
    d.volumeHit ? 1 : 0,
    d.trend ? 1 : 0,
    d.trend?.close ?? Number.NaN,
    d.trend?.emaTrend ?? Number.NaN,
    d.rsi,
    d.confirm ? 1 : 0,
    d.confirm?.emaFast ?? Number.NaN,
    d.confirm?.emaSlow ?? Number.NaN,
    d.confirm?.hurst ?? Number.NaN,
    d.levels.points,
    d.levels.hit ? 1 : 0,
    d.levels.pct,
    d.levels.level,
    d.levels.fromBand ? 1 : 0,
    d.sustainCount,
    d.sustainHit ? 1 : 0,
    d.hurst,
    d.fake.penalty,
    d.fake.killed ? 1 : 0,
    d.fake.singleCandleShare,
    d.fake.wickShare,
    d.fake.fadingVolume ? 1 : 0,
    d.fake.reversalShare,
    d.downgrade ? 1 : 0,
    ...d.points,
  ];
  if (F + facts.length > ROW) throw new RangeError('wire row too short for the facts');
  for (let k = 0; k < facts.length; k++) w[f + k] = facts[k] as number;
  return true;
}

/** The result at row `at` of `w` (written by packResult), words formatted on first read. */
export function unpackResult(
  symbol: string,
  notes: string[],
  w: Float64Array,
  at: number,
  config: ScreenerConfig,
): ScreenResult {
  const o = at * ROW;
  const m = o + M;
  /** A nullable metric: NaN on the wire is null. */
  const nul = (k: number): number | null => {
    const x = w[m + k] as number;
    return Number.isNaN(x) ? null : x;
  };
  // Key order as scoreViews writes it (NUMERIC order, with the two codes before the momentum).
  const ordered: ScreenMetrics = {
    price: w[m] as number,
    atr: nul(1),
    atrPct: nul(2),
    rsi: nul(3),
    ema9: nul(4),
    ema21: nul(5),
    ema200: nul(6),
    bollingerPosition: nul(7),
    bollingerUpper: nul(8),
    bollingerLower: nul(9),
    volumeRatio: nul(10),
    hurst: nul(11),
    trendEma200: nul(12),
    confirmTrend: pick(TRENDS, w[m + NUMERIC.length] as number),
    structure: pick(STRUCTURES, w[m + NUMERIC.length + 1] as number) as ScreenMetrics['structure'],
    momentumLong: w[m + 13] as number,
    momentumShort: w[m + 14] as number,
  };
  const numbers = {
    symbol,
    direction: pick(DIRECTIONS, w[o + 1] as number) as ScreenResult['direction'],
    score: w[o + 2] as number,
    rawScore: w[o + 3] as number,
    source: pick(SOURCES, w[o + 7] as number) as DirectionSource | null,
    proposed: pick(SIDES, w[o + 8] as number) as Side | null,
    qualityPenalty: w[o + 4] as number,
    fakePenalty: w[o + 5] as number,
    metrics: ordered,
    candleTime: w[o + 6] as number,
  };
  const f = o + F;
  const x = (k: number) => w[f + k] as number;
  const whaleOf = (c: number, confidence: number) =>
    c < 0 ? undefined : { direction: WHALES[c] as 'PUMP' | 'DUMP', confidence };
  if (w[o] === 2) {
    return new LazyScreenResult(
      numbers,
      new NeutralWords({
        config,
        momentumLong: ordered.momentumLong,
        momentumShort: ordered.momentumShort,
        rsi: x(0),
        hasTrend: x(1) === 1,
        whale: whaleOf(x(2), x(3)),
        notes,
      }),
    );
  }
  const side = numbers.proposed as Side;
  const values = {
    m: config.momentum,
    rocShort: x(10),
    rocLong: x(11),
    above: x(12) === 1,
    slope: x(13),
    up: x(14),
    down: x(15),
    hhhl: x(16),
    lhll: x(17),
  };
  const points: number[] = new Array(12);
  for (let k = 0; k < 12; k++) points[k] = x(43 + k);
  return new LazyScreenResult(
    numbers,
    new DirectionalWords({
      config,
      side,
      source: numbers.source as DirectionSource,
      fromWhale: pick(SIDES, x(0)),
      fromMomentum: pick(SIDES, x(1)),
      fromRsiTrend: pick(SIDES, x(2)),
      whale: whaleOf(x(3), x(4)),
      whaleLeads: x(5) === 1,
      mom: {
        LONG: { points: x(6), codes: unmask(x(7)) },
        SHORT: { points: x(8), codes: unmask(x(9)) },
        values,
      },
      volumeRatio: x(18),
      volumeHit: x(19) === 1,
      trend: x(20) === 1 ? { close: x(21), emaTrend: x(22) } : undefined,
      rsi: x(23),
      confirm: x(24) === 1 ? { emaFast: x(25), emaSlow: x(26), hurst: x(27) } : undefined,
      structureNote: structureScore(side, { state: ordered.structure, net: 0 }, config).note,
      levels: { points: x(28), hit: x(29) === 1, pct: x(30), level: x(31), fromBand: x(32) === 1 },
      sustainCount: x(33),
      sustainHit: x(34) === 1,
      hurst: x(35),
      fake: {
        penalty: x(36),
        killed: x(37) === 1,
        side,
        singleCandleShare: x(38),
        wickShare: x(39),
        fadingVolume: x(40) === 1,
        reversalShare: x(41),
      },
      points,
      rawScore: numbers.rawScore,
      downgrade: x(42) === 1,
      notes,
    }),
  );
}
