/**
 * The compact form in which worker threads send results to the pool. Structured clone writes every
 * property name and string of every object; 500 results with their notes and reasons cost more to
 * copy than to compute. Results travel as rows of numbers in one transferred Float64Array
 * (wire-facts.ts) and are rebuilt on arrival with their words formatted only when read; SKIPPED
 * outcomes (and any result without facts) travel as positional arrays with their words. Either
 * way, decodeOutcomes(encodeOutcomes(x)) reads exactly like x.
 */
import type { ScreenerConfig } from './config.js';
import type { LazyScreenResult } from './result.js';
import type { CandleRow } from './shard.js';
import type {
  ContributionKind,
  FilterContribution,
  FilterName,
  ScreenMetrics,
  ScreenOutcome,
  ScreenResult,
} from './types.js';
import { packResult, ROW, unpackResult } from './wire-facts.js';
import type { DirectionalWords, NeutralWords } from './words.js';

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

/** One outcome with its words (SKIPPED outcomes, and results that carry no facts). */
function encodeWithWords(o: ScreenOutcome): WireOutcome {
  {
    if (o.direction === 'SKIPPED') return [0, o.symbol, o.reason, o.reasons];
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
    return [
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
}

function decodeWithWords(w: WireOutcome): ScreenOutcome {
  {
    if (w[0] === 0) return { symbol: w[1], direction: 'SKIPPED', reason: w[2], reasons: w[3] };
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
    return {
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
}

/**
 * A worker's answer: results as rows of numbers (see wire-facts.ts; `packed` is transferred, not
 * copied), the rare data notes by index, and outcomes without facts (SKIPPED) with their words.
 */
export interface WireBatch {
  symbols: string[];
  packed: Float64Array;
  notes: Record<number, string[]>;
  withWords: Record<number, WireOutcome>;
}

export function encodeOutcomes(outcomes: readonly ScreenOutcome[]): WireBatch {
  const n = outcomes.length;
  const symbols: string[] = new Array(n);
  const packed = new Float64Array(n * ROW);
  const notes: Record<number, string[]> = {};
  const withWords: Record<number, WireOutcome> = {};
  for (let i = 0; i < n; i++) {
    const o = outcomes[i]!;
    symbols[i] = o.symbol;
    if (o.direction !== 'SKIPPED' && packResult(o, packed, i)) {
      const words = (o as LazyScreenResult).words as DirectionalWords | NeutralWords;
      if (words.f.notes.length > 0) notes[i] = words.f.notes;
    } else {
      withWords[i] = encodeWithWords(o);
    }
  }
  return { symbols, packed, notes, withWords };
}

export function decodeOutcomes(batch: WireBatch, config: ScreenerConfig): ScreenOutcome[] {
  const { symbols, packed, notes, withWords } = batch;
  const out: ScreenOutcome[] = new Array(symbols.length);
  for (let i = 0; i < symbols.length; i++) {
    const legacy = withWords[i];
    out[i] = legacy ? decodeWithWords(legacy) : unpackResult(symbols[i]!, notes[i] ?? [], packed, i, config);
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
    const o = i * 6;
    values[o] = c.openTime;
    values[o + 1] = c.open;
    values[o + 2] = c.high;
    values[o + 3] = c.low;
    values[o + 4] = c.close;
    values[o + 5] = c.volume;
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
