/**
 * The stored model: everything needed to turn a feature vector into a calibrated p(win), as plain
 * JSON (the database keeps it versioned). Missing values are imputed with the training median and
 * flagged in a `<name>__missing` column, both learned from the training slice only and recorded
 * here, so an old record without vision or screen data is seen as "unknown", never as a measured 0.
 */
import { type Calibrator, calibrate } from './calibration.js';
import type { FeatureVector } from './features.js';
import { predictLogistic } from './logistic.js';

export const MODEL_FORMAT = 1;

export interface WinModelSpec {
  format: typeof MODEL_FORMAT;
  kind: 'logistic';
  /** Input features, in order. */
  features: string[];
  /** Training-slice median of each feature: the value a missing one is imputed with. */
  impute: Record<string, number>;
  /** Features that were missing in some training samples: each gets a 0/1 `__missing` column. */
  missingIndicators: string[];
  /** Features never known in training (no information): imputed, carry no weight. */
  neverObserved: string[];
  /** Design columns (features, then indicators), their standardisation and weights. */
  columns: string[];
  center: number[];
  scale: number[];
  intercept: number;
  weights: number[];
  l2: number;
  calibrator: Calibrator;
  /** More than this share of features missing: no opinion (null) rather than a guess. */
  maxMissingShare: number;
}

export interface DesignLayout {
  features: string[];
  impute: Record<string, number>;
  missingIndicators: string[];
  neverObserved: string[];
  columns: string[];
  center: number[];
  scale: number[];
}

const known = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The unstandardised design row: features (imputed) then missing indicators. */
function rawRow(layout: Omit<DesignLayout, 'center' | 'scale' | 'columns'>, f: FeatureVector): Float64Array {
  const row = new Float64Array(layout.features.length + layout.missingIndicators.length);
  layout.features.forEach((name, j) => {
    const v = f[name];
    row[j] = known(v) ? v : (layout.impute[name] ?? 0);
  });
  const offset = layout.features.length;
  layout.missingIndicators.forEach((name, j) => {
    row[offset + j] = known(f[name]) ? 0 : 1;
  });
  return row;
}

/** Learn imputation, indicators and standardisation from the training slice only. */
export function fitDesign(features: readonly string[], train: readonly FeatureVector[]): DesignLayout {
  const impute: Record<string, number> = {};
  const missingIndicators: string[] = [];
  const neverObserved: string[] = [];
  for (const name of features) {
    const seen = train.map((f) => f[name]).filter(known);
    if (seen.length === 0) neverObserved.push(name);
    else if (seen.length < train.length) missingIndicators.push(name);
    impute[name] = seen.length === 0 ? 0 : median(seen);
  }
  const partial = { features: [...features], impute, missingIndicators, neverObserved };
  const rows = train.map((f) => rawRow(partial, f));
  const width = features.length + missingIndicators.length;
  const center = new Array<number>(width).fill(0);
  const scale = new Array<number>(width).fill(1);
  for (let j = 0; j < width; j++) {
    let sum = 0;
    for (const row of rows) sum += row[j] as number;
    const mean = rows.length === 0 ? 0 : sum / rows.length;
    let sq = 0;
    for (const row of rows) sq += ((row[j] as number) - mean) ** 2;
    const sd = rows.length === 0 ? 0 : Math.sqrt(sq / rows.length);
    center[j] = mean;
    // A constant column standardises to all zeros and so gets no weight.
    scale[j] = sd > 1e-12 ? sd : 1;
  }
  return {
    ...partial,
    columns: [...features, ...missingIndicators.map((n) => `${n}__missing`)],
    center,
    scale,
  };
}

export function designRow(layout: DesignLayout, f: FeatureVector): Float64Array {
  const row = rawRow(layout, f);
  for (let j = 0; j < row.length; j++)
    row[j] = ((row[j] as number) - (layout.center[j] as number)) / (layout.scale[j] as number);
  return row;
}

export function missingShare(spec: Pick<WinModelSpec, 'features'>, f: FeatureVector): number {
  if (spec.features.length === 0) return 1;
  return spec.features.filter((n) => !known(f[n])).length / spec.features.length;
}

/** The model's uncalibrated probability. */
export const rawProbability = (spec: WinModelSpec, f: FeatureVector): number =>
  predictLogistic(spec, designRow(spec, f));

/** Calibrated p(win) in 0..1, or null when too much of the vector is unknown to say anything. */
export function predictWin(spec: WinModelSpec, f: FeatureVector): number | null {
  if (missingShare(spec, f) > spec.maxMissingShare) return null;
  const p = calibrate(spec.calibrator, rawProbability(spec, f));
  return Number.isFinite(p) ? Math.min(1, Math.max(0, p)) : null;
}

/** A stored model's JSON back into a spec; throws RangeError when it is not one this code reads. */
export function parseModelSpec(value: unknown): WinModelSpec {
  const v = value as Partial<WinModelSpec> | null;
  if (!v || typeof v !== 'object' || v.format !== MODEL_FORMAT || v.kind !== 'logistic') {
    throw new RangeError(`not a win-probability model of format ${MODEL_FORMAT}`);
  }
  const width = (v.features?.length ?? -1) + (v.missingIndicators?.length ?? 0);
  if (
    !Array.isArray(v.weights) ||
    v.weights.length !== width ||
    v.center?.length !== width ||
    v.scale?.length !== width ||
    !v.calibrator ||
    typeof v.intercept !== 'number'
  ) {
    throw new RangeError('win-probability model is inconsistent (columns, weights, calibrator)');
  }
  return v as WinModelSpec;
}
