/**
 * Held-out evaluation: AUC, Brier score (with the base-rate forecaster's Brier beside it, so a
 * model that only learned the win rate shows no skill), log loss, a calibration table, and the
 * profit factor of the trades with and without the model's gate.
 */

/** Area under the ROC curve (Mann-Whitney U, ties counted half); null without both classes. */
export function auc(probabilities: readonly number[], labels: readonly number[]): number | null {
  const n = probabilities.length;
  const order = probabilities
    .map((_, i) => i)
    .sort((i, j) => (probabilities[i] as number) - (probabilities[j] as number));
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && probabilities[order[j + 1] as number] === probabilities[order[i] as number]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k] as number] === 1) {
        positives++;
        rankSum += averageRank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function brier(probabilities: readonly number[], labels: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++)
    sum += ((probabilities[i] as number) - (labels[i] as number)) ** 2;
  return probabilities.length === 0 ? Number.NaN : sum / probabilities.length;
}

export function logLoss(probabilities: readonly number[], labels: readonly number[], eps = 1e-12): number {
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(1 - eps, Math.max(eps, probabilities[i] as number));
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return probabilities.length === 0 ? Number.NaN : sum / probabilities.length;
}

export interface CalibrationRow {
  /** "0.4-0.5" */
  bin: string;
  count: number;
  /** Mean predicted probability in the bin. */
  predicted: number;
  /** Observed win rate in the bin. */
  observed: number;
}

/** Equal-width bins over 0..1; empty bins are left out. */
export function calibrationTable(
  probabilities: readonly number[],
  labels: readonly number[],
  bins = 10,
): CalibrationRow[] {
  const count = new Array<number>(bins).fill(0);
  const predicted = new Array<number>(bins).fill(0);
  const wins = new Array<number>(bins).fill(0);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] as number;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p * bins)));
    count[b] = (count[b] as number) + 1;
    predicted[b] = (predicted[b] as number) + p;
    wins[b] = (wins[b] as number) + (labels[i] as number);
  }
  const rows: CalibrationRow[] = [];
  for (let b = 0; b < bins; b++) {
    const c = count[b] as number;
    if (c === 0) continue;
    rows.push({
      bin: `${(b / bins).toFixed(2)}-${((b + 1) / bins).toFixed(2)}`,
      count: c,
      predicted: round4((predicted[b] as number) / c),
      observed: round4((wins[b] as number) / c),
    });
  }
  return rows;
}

/** Gross profit over gross loss; null with no trades or no losing trade (undefined, not infinite). */
export function profitFactor(pnls: readonly number[]): number | null {
  if (pnls.length === 0) return null;
  let profit = 0;
  let loss = 0;
  for (const p of pnls) {
    if (p > 0) profit += p;
    else loss -= p;
  }
  if (loss === 0) return null;
  return profit / loss;
}

export interface GateComparison {
  /** The gate: trades with p(win) >= threshold are taken. */
  threshold: number;
  without: { trades: number; winRate: number | null; profitFactor: number | null; pnl: number };
  with: { trades: number; winRate: number | null; profitFactor: number | null; pnl: number };
}

function tradeStats(pnls: readonly number[], labels: readonly number[]) {
  const wins = labels.reduce((s, v) => s + v, 0);
  return {
    trades: pnls.length,
    winRate: labels.length === 0 ? null : round4(wins / labels.length),
    profitFactor: roundOrNull(profitFactor(pnls)),
    pnl: round4(pnls.reduce((s, v) => s + v, 0)),
  };
}

/** The held-out trades taken as they were, and only those the model would have let through. */
export function compareGate(
  probabilities: readonly number[],
  labels: readonly number[],
  pnls: readonly number[],
  threshold: number,
): GateComparison {
  const keep = probabilities.map((p) => p >= threshold);
  return {
    threshold,
    without: tradeStats(pnls, labels),
    with: tradeStats(
      pnls.filter((_, i) => keep[i]),
      labels.filter((_, i) => keep[i]),
    ),
  };
}

export const round4 = (v: number): number => Math.round(v * 10_000) / 10_000;
const roundOrNull = (v: number | null): number | null => (v === null ? null : round4(v));
