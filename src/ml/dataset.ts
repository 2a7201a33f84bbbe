/**
 * Labelled samples and the time-ordered split. A sample is a closed signal: its features as they
 * were when it was made, its label (win when the closed PnL is positive) and where the outcome
 * came from (LIVE, PAPER or BACKTEST, kept so training and insights can filter on it).
 *
 * The split never shuffles: train is the oldest slice, calibration the next, test the newest.
 * Samples made within `embargoMs` before a later slice starts are dropped from the earlier one,
 * because their trades were still running (their labels were decided) inside the later period.
 */
import type { FeatureVector } from './features.js';
import { featuresFromRecord, type SignalEvidenceRecord } from './sources.js';

export const OUTCOME_SOURCES = ['LIVE', 'PAPER', 'BACKTEST'] as const;
export type OutcomeSource = (typeof OUTCOME_SOURCES)[number];

export interface LabelledSample {
  id: string;
  symbol: string;
  /** When the signal was made (candle close time, ms): the order of the split. */
  time: number;
  source: OutcomeSource;
  /** 1 = the trade closed with a positive PnL. */
  win: 0 | 1;
  /** Closed PnL (quote currency) when recorded; the profit factor needs it. */
  pnl: number | null;
  features: FeatureVector;
}

/** A stored signal with its outcome (the store's StoredSignal and SignalRecord both fit). */
export interface LabelledRecord extends SignalEvidenceRecord {
  id: string;
  symbol: string;
  outcome: string | null;
  outcomeSource: string | null;
  outcomePnl: { toString(): string } | string | null;
}

const isSource = (v: unknown): v is OutcomeSource => OUTCOME_SOURCES.includes(v as OutcomeSource);

/** A closed signal's label: win when its closed PnL is positive (the WIN/LOSS field without a PnL). */
export function labelOf(
  record: Pick<LabelledRecord, 'outcome' | 'outcomeSource' | 'outcomePnl'>,
): { source: OutcomeSource; win: 0 | 1; pnl: number | null } | null {
  if (!isSource(record.outcomeSource)) return null;
  const pnlNumber = record.outcomePnl === null ? null : Number(String(record.outcomePnl));
  const pnl = pnlNumber !== null && Number.isFinite(pnlNumber) ? pnlNumber : null;
  let win: 0 | 1;
  if (pnl !== null) win = pnl > 0 ? 1 : 0;
  else if (record.outcome === 'WIN') win = 1;
  else if (record.outcome === 'LOSS') win = 0;
  else return null;
  return { source: record.outcomeSource, win, pnl };
}

/** The training sample of a closed signal; null when it has no usable outcome yet. */
export function sampleFromRecord(record: LabelledRecord): LabelledSample | null {
  const label = labelOf(record);
  if (!label) return null;
  return {
    id: record.id,
    symbol: record.symbol,
    time: record.candleCloseTime ?? record.createdAt.getTime(),
    ...label,
    features: featuresFromRecord(record),
  };
}

export interface SplitOptions {
  /** Share of the (time-ordered) samples for training; default 0.6. */
  trainShare: number;
  /** Share for calibration; the rest is the held-out test slice. Default 0.2. */
  calibrationShare: number;
  /** Samples this close before a later slice's first sample are left out; default 4 h. */
  embargoMs: number;
}

export const SPLIT_DEFAULTS: Readonly<SplitOptions> = Object.freeze({
  trainShare: 0.6,
  calibrationShare: 0.2,
  embargoMs: 4 * 3_600_000,
});

export interface TimeSplit<T> {
  train: T[];
  calibration: T[];
  test: T[];
  /** Dropped at the slice boundaries (their trades overlapped the next slice). */
  embargoed: number;
}

/** Move a boundary forward past samples sharing the time of the one before it (no tie straddles). */
function boundary(sorted: readonly { time: number }[], at: number): number {
  let i = Math.max(0, Math.min(sorted.length, at));
  while (i > 0 && i < sorted.length && sorted[i]!.time === sorted[i - 1]!.time) i++;
  return i;
}

export function timeOrderedSplit<T extends { time: number; id: string }>(
  samples: readonly T[],
  options: SplitOptions = SPLIT_DEFAULTS,
): TimeSplit<T> {
  const sorted = [...samples].sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const n = sorted.length;
  const a = boundary(sorted, Math.floor(n * options.trainShare));
  const b = boundary(sorted, Math.max(a, Math.floor(n * (options.trainShare + options.calibrationShare))));
  let train = sorted.slice(0, a);
  let calibration = sorted.slice(a, b);
  const test = sorted.slice(b);
  let embargoed = 0;
  const cut = (slice: T[], next: T[]): T[] => {
    const start = next[0]?.time;
    if (start === undefined) return slice;
    const kept = slice.filter((s) => s.time <= start - options.embargoMs);
    embargoed += slice.length - kept.length;
    return kept;
  };
  train = cut(train, calibration.length > 0 ? calibration : test);
  calibration = cut(calibration, test);
  return { train, calibration, test, embargoed };
}
