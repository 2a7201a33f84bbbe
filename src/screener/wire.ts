/**
 * The compact form in which worker threads send results to the pool. Structured clone writes every
 * property name of every object; 500 results with 12 contributions each cost more to copy than to
 * compute. Here the fixed fields travel as positional arrays and are rebuilt on arrival, so
 * decodeOutcomes(encodeOutcomes(x)) deep-equals x.
 */
import type { CandleRow } from './shard.js';
import type {
  ContributionKind,
  FilterContribution,
  FilterName,
  ScreenMetrics,
  ScreenOutcome,
  ScreenResult,
} from './types.js';

const METRIC_KEYS = [
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
  'confirmTrend',
  'structure',
  'momentumLong',
  'momentumShort',
] as const satisfies readonly (keyof ScreenMetrics)[];

type Metric = ScreenMetrics[keyof ScreenMetrics];

export type WireOutcome =
  | [0, string, string, string[]]
  | [
      1,
      string,
      ScreenResult['direction'],
      number,
      number,
      ScreenResult['source'],
      ScreenResult['proposed'],
      number,
      number,
      number,
      Metric[],
      FilterName[],
      ContributionKind[],
      number[],
      string[],
      string[],
    ];

export function encodeOutcomes(outcomes: readonly ScreenOutcome[]): WireOutcome[] {
  const out: WireOutcome[] = new Array(outcomes.length);
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i]!;
    if (o.direction === 'SKIPPED') {
      out[i] = [0, o.symbol, o.reason, o.reasons];
      continue;
    }
    const r = o as ScreenResult;
    const metrics: Metric[] = new Array(METRIC_KEYS.length);
    for (let k = 0; k < METRIC_KEYS.length; k++) metrics[k] = r.metrics[METRIC_KEYS[k]!];
    const c = r.contributions;
    const filters: FilterName[] = new Array(c.length);
    const kinds: ContributionKind[] = new Array(c.length);
    const points: number[] = new Array(c.length);
    const notes: string[] = new Array(c.length);
    for (let k = 0; k < c.length; k++) {
      filters[k] = c[k]!.filter;
      kinds[k] = c[k]!.kind;
      points[k] = c[k]!.points;
      notes[k] = c[k]!.note;
    }
    out[i] = [
      1,
      r.symbol,
      r.direction,
      r.score,
      r.rawScore,
      r.source,
      r.proposed,
      r.qualityPenalty,
      r.fakePenalty,
      r.candleTime,
      metrics,
      filters,
      kinds,
      points,
      notes,
      r.reasons,
    ];
  }
  return out;
}

export function decodeOutcomes(wire: readonly WireOutcome[]): ScreenOutcome[] {
  const out: ScreenOutcome[] = new Array(wire.length);
  for (let i = 0; i < wire.length; i++) {
    const w = wire[i]!;
    if (w[0] === 0) {
      out[i] = { symbol: w[1], direction: 'SKIPPED', reason: w[2], reasons: w[3] };
      continue;
    }
    const [
      ,
      symbol,
      direction,
      score,
      rawScore,
      source,
      proposed,
      quality,
      fake,
      candleTime,
      m,
      f,
      k,
      p,
      n,
      reasons,
    ] = w;
    const metrics = {} as Record<string, Metric>;
    for (let j = 0; j < METRIC_KEYS.length; j++) metrics[METRIC_KEYS[j]!] = m[j]!;
    const contributions: FilterContribution[] = new Array(f.length);
    for (let j = 0; j < f.length; j++)
      contributions[j] = { filter: f[j]!, kind: k[j]!, points: p[j]!, note: n[j]! };
    out[i] = {
      symbol,
      direction,
      score,
      rawScore,
      source,
      proposed,
      qualityPenalty: quality,
      fakePenalty: fake,
      metrics: metrics as unknown as ScreenMetrics,
      contributions,
      reasons,
      candleTime,
    };
  }
  return out;
}

const ROLE_CODES = ['primary', 'confirm', 'trend'] as const;

/** Candle rows as three flat arrays (symbols, role codes, 6 numbers per candle). */
export interface WireRows {
  symbols: string[];
  roles: Uint8Array;
  values: Float64Array;
}

export function encodeRows(rows: readonly CandleRow[]): WireRows {
  const symbols: string[] = new Array(rows.length);
  const roles = new Uint8Array(rows.length);
  const values = new Float64Array(rows.length * 6);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    symbols[i] = r.symbol;
    roles[i] = ROLE_CODES.indexOf(r.role);
    const c = r.candle;
    values.set([c.openTime, c.open, c.high, c.low, c.close, c.volume], i * 6);
  }
  return { symbols, roles, values };
}

export function decodeRows(wire: WireRows): CandleRow[] {
  const { symbols, roles, values } = wire;
  const out: CandleRow[] = new Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    const o = i * 6;
    out[i] = {
      symbol: symbols[i]!,
      role: ROLE_CODES[roles[i]!]!,
      candle: {
        openTime: values[o]!,
        open: values[o + 1]!,
        high: values[o + 2]!,
        low: values[o + 3]!,
        close: values[o + 4]!,
        volume: values[o + 5]!,
      },
    };
  }
  return out;
}
