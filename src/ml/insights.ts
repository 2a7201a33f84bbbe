/**
 * Insights: how closed signals actually did, grouped the ways a trader asks about them — by
 * analyst agreement, combined-confidence bucket, win-probability bucket, whale event, symbol and
 * hour of day. Pure (rows in, tables out); loadInsights reads the rows from the store. Every list
 * in the result is a table (rows of the same shape), which is how the dashboard renders it.
 */
import {
  createMlModelsRepository,
  type Db,
  type LabelledSignalRow,
  type MlModelSummary,
} from '../store/index.js';
import { labelOf, OUTCOME_SOURCES, type OutcomeSource } from './dataset.js';
import { hourOfDay } from './features.js';
import { round4 } from './metrics.js';
import { featuresFromRecord } from './sources.js';

export interface InsightRow extends Record<string, string | number | null> {
  signals: number;
  wins: number;
  losses: number;
  /** wins / signals, 0..1 */
  winRate: number;
  /** Summed closed PnL of the group (quote currency); null when none was recorded. */
  pnl: number | null;
}

export interface Insights {
  summary: {
    signals: number;
    wins: number;
    winRate: number | null;
    pnl: number | null;
    sources: Record<string, number>;
  };
  byAgreement: InsightRow[];
  byConfidence: InsightRow[];
  byWinProbability: InsightRow[];
  byWhale: InsightRow[];
  bySymbol: InsightRow[];
  byHour: InsightRow[];
  /** Recent model versions with their held-out metrics. */
  models: ModelRow[];
  /** The newest model's held-out calibration table (empty without a model). */
  calibration: { bin: string; count: number; predicted: number; observed: number }[];
}

export interface ModelRow extends Record<string, string | number | boolean | null> {
  version: number;
  usable: boolean;
  samples: number;
  auc: number | null;
  brier: number | null;
  brierBaseline: number | null;
  trainedAt: string;
}

/** A closed signal as the insights read it. */
interface Outcome {
  symbol: string;
  combinedConfidence: number;
  winProbability: number | null;
  aiAgreement: number | null;
  whaleAlignment: number | null;
  time: number;
  source: OutcomeSource;
  win: 0 | 1;
  pnl: number | null;
}

function toOutcome(row: LabelledSignalRow): Outcome | null {
  const label = labelOf(row);
  if (!label) return null;
  const features = featuresFromRecord(row);
  return {
    symbol: row.symbol,
    combinedConfidence: row.combinedConfidence,
    winProbability: row.winProbability,
    aiAgreement: features.ai_agreement ?? null,
    whaleAlignment: features.whale_alignment ?? null,
    time: row.candleCloseTime ?? row.createdAt.getTime(),
    ...label,
  };
}

function table(
  outcomes: readonly Outcome[],
  column: string,
  keyOf: (o: Outcome) => string | number,
  order?: readonly (string | number)[],
): InsightRow[] {
  const groups = new Map<string | number, Outcome[]>();
  for (const o of outcomes) {
    const key = keyOf(o);
    const list = groups.get(key);
    if (list) list.push(o);
    else groups.set(key, [o]);
  }
  const keys = order ? order.filter((k) => groups.has(k)) : [...groups.keys()];
  return keys.map((key) => {
    const list = groups.get(key) ?? [];
    const wins = list.reduce((s, o) => s + o.win, 0);
    const priced = list.filter((o) => o.pnl !== null);
    return {
      [column]: key,
      signals: list.length,
      wins,
      losses: list.length - wins,
      winRate: round4(wins / list.length),
      pnl: priced.length === 0 ? null : round4(priced.reduce((s, o) => s + (o.pnl ?? 0), 0)),
    } as InsightRow;
  });
}

const AGREEMENT = [
  'vision agrees',
  'vision disagrees',
  'vision has no direction',
  'no vision analyst',
] as const;
const agreement = (o: Outcome) =>
  o.aiAgreement === null
    ? AGREEMENT[3]
    : o.aiAgreement > 0
      ? AGREEMENT[0]
      : o.aiAgreement < 0
        ? AGREEMENT[1]
        : AGREEMENT[2];

const CONFIDENCE = ['< 60', '60-70', '70-80', '80-90', '90-100'] as const;
const confidenceBucket = (o: Outcome) => {
  const c = o.combinedConfidence;
  return c < 60
    ? CONFIDENCE[0]
    : c < 70
      ? CONFIDENCE[1]
      : c < 80
        ? CONFIDENCE[2]
        : c < 90
          ? CONFIDENCE[3]
          : CONFIDENCE[4];
};

const PROBABILITY = ['no model', '< 0.40', '0.40-0.50', '0.50-0.60', '0.60-0.70', '>= 0.70'] as const;
const probabilityBucket = (o: Outcome) => {
  const p = o.winProbability;
  if (p === null) return PROBABILITY[0];
  return p < 0.4
    ? PROBABILITY[1]
    : p < 0.5
      ? PROBABILITY[2]
      : p < 0.6
        ? PROBABILITY[3]
        : p < 0.7
          ? PROBABILITY[4]
          : PROBABILITY[5];
};

const WHALE = ['whale with the trade', 'whale against the trade', 'no whale event', 'unknown'] as const;
const whale = (o: Outcome) =>
  o.whaleAlignment === null
    ? WHALE[3]
    : o.whaleAlignment > 0
      ? WHALE[0]
      : o.whaleAlignment < 0
        ? WHALE[1]
        : WHALE[2];

const HOURS = Array.from({ length: 24 }, (_, h) => h);

function modelRow(m: MlModelSummary): ModelRow {
  const metrics = (m.metrics ?? {}) as Record<string, unknown>;
  const numberOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    version: m.version,
    usable: m.usable,
    samples: m.samples,
    auc: numberOrNull(metrics.auc),
    brier: numberOrNull(metrics.brier),
    brierBaseline: numberOrNull(metrics.brierBaseline),
    trainedAt: m.createdAt.toISOString(),
  };
}

/** The insight tables of these closed signals (and, when given, the recent models). */
export function computeInsights(
  rows: readonly LabelledSignalRow[],
  models: readonly MlModelSummary[] = [],
): Insights {
  const outcomes = rows.map(toOutcome).filter((o): o is Outcome => o !== null);
  const wins = outcomes.reduce((s, o) => s + o.win, 0);
  const priced = outcomes.filter((o) => o.pnl !== null);
  const sources: Record<string, number> = {};
  for (const s of OUTCOME_SOURCES) {
    const n = outcomes.filter((o) => o.source === s).length;
    if (n > 0) sources[s] = n;
  }
  const newestCalibration = (models[0]?.metrics as { calibration?: unknown } | null | undefined)?.calibration;
  const calibration = Array.isArray(newestCalibration) ? (newestCalibration as Insights['calibration']) : [];
  return {
    summary: {
      signals: outcomes.length,
      wins,
      winRate: outcomes.length === 0 ? null : round4(wins / outcomes.length),
      pnl: priced.length === 0 ? null : round4(priced.reduce((s, o) => s + (o.pnl ?? 0), 0)),
      sources,
    },
    byAgreement: table(outcomes, 'agreement', agreement, AGREEMENT),
    byConfidence: table(outcomes, 'confidence', confidenceBucket, CONFIDENCE),
    byWinProbability: table(outcomes, 'winProbability', probabilityBucket, PROBABILITY),
    byWhale: table(outcomes, 'whale', whale, WHALE),
    bySymbol: table(outcomes, 'symbol', (o) => o.symbol).sort(
      (a, b) => b.signals - a.signals || String(a.symbol).localeCompare(String(b.symbol)),
    ),
    byHour: table(outcomes, 'hourUtc', (o) => hourOfDay(o.time), HOURS),
    models: models.map(modelRow),
    calibration,
  };
}

/** Read the closed signals (optionally of some sources) and the recent models, and tabulate. */
export async function loadInsights(
  db: Db,
  filter: { sources?: readonly string[] | undefined } = {},
): Promise<Insights> {
  const repo = createMlModelsRepository(db);
  const [rows, models] = await Promise.all([repo.labelledSignals(filter), repo.list(10)]);
  return computeInsights(rows, models);
}
