/**
 * Probability calibration, fitted on a slice of data later than the one the model was trained on:
 * Platt scaling (a logistic curve on the raw score's logit: two parameters, stable on a few hundred
 * outcomes) or isotonic regression (pool-adjacent-violators: any monotone shape, wants more data).
 * A calibrator is plain JSON so it is stored with the model.
 */
import { fitLogistic, logit, sigmoid } from './logistic.js';

export type CalibrationKind = 'platt' | 'isotonic';

export type Calibrator =
  | { kind: 'platt'; a: number; b: number }
  /** Step points: x ascending raw probabilities, y the calibrated ones (non-decreasing). */
  | { kind: 'isotonic'; x: number[]; y: number[] };

/**
 * Platt scaling: p = sigmoid(a * logit(raw) + b). Targets are smoothed as Platt (1999) advises,
 * (positives + 1) / (positives + 2) and 1 / (negatives + 2), so a small slice cannot push a
 * probability to exactly 0 or 1.
 */
export function fitPlatt(raw: readonly number[], labels: readonly number[]): Calibrator {
  const positives = labels.reduce((s, v) => s + v, 0);
  const negatives = labels.length - positives;
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const rows = raw.map((p) => Float64Array.of(logit(p)));
  const targets = labels.map((v) => (v === 1 ? hi : lo));
  const fit = fitLogistic(rows, targets, { l2: 1e-6 });
  return { kind: 'platt', a: fit.weights[0] as number, b: fit.intercept };
}

/** Isotonic regression by pool-adjacent-violators; ties in the raw score are pooled first. */
export function fitIsotonic(raw: readonly number[], labels: readonly number[]): Calibrator {
  const order = raw.map((_, i) => i).sort((i, j) => (raw[i] as number) - (raw[j] as number));
  // Blocks: [sum of labels, count, x of the block's last point]
  const sums: number[] = [];
  const counts: number[] = [];
  const xs: number[] = [];
  for (const i of order) {
    const x = raw[i] as number;
    const label = labels[i] as number;
    if (xs.length > 0 && xs[xs.length - 1] === x) {
      sums[sums.length - 1] = (sums[sums.length - 1] as number) + label;
      counts[counts.length - 1] = (counts[counts.length - 1] as number) + 1;
    } else {
      sums.push(label);
      counts.push(1);
      xs.push(x);
    }
    while (sums.length > 1) {
      const last = sums.length - 1;
      const meanLast = (sums[last] as number) / (counts[last] as number);
      const meanPrev = (sums[last - 1] as number) / (counts[last - 1] as number);
      if (meanPrev <= meanLast) break;
      sums[last - 1] = (sums[last - 1] as number) + (sums[last] as number);
      counts[last - 1] = (counts[last - 1] as number) + (counts[last] as number);
      xs[last - 1] = xs[last] as number;
      sums.pop();
      counts.pop();
      xs.pop();
    }
  }
  // Kept inside [1/(n+2), (n+1)/(n+2)] like Platt's targets, so no block claims a certainty the
  // slice cannot support; one bound for all blocks keeps the steps monotone.
  const n = raw.length;
  const y = sums.map((s, i) => Math.min((n + 1) / (n + 2), Math.max(1 / (n + 2), s / (counts[i] as number))));
  return { kind: 'isotonic', x: xs, y };
}

export function fitCalibrator(kind: CalibrationKind, raw: readonly number[], labels: readonly number[]) {
  return kind === 'platt' ? fitPlatt(raw, labels) : fitIsotonic(raw, labels);
}

export function calibrate(calibrator: Calibrator, raw: number): number {
  if (calibrator.kind === 'platt') return sigmoid(calibrator.a * logit(raw) + calibrator.b);
  const { x, y } = calibrator;
  if (x.length === 0) return raw;
  if (raw <= (x[0] as number)) return y[0] as number;
  if (raw >= (x[x.length - 1] as number)) return y[y.length - 1] as number;
  // Linear interpolation between the blocks' right edges.
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((x[mid] as number) <= raw) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo] as number;
  const x1 = x[hi] as number;
  const t = x1 === x0 ? 0 : (raw - x0) / (x1 - x0);
  return (y[lo] as number) + t * ((y[hi] as number) - (y[lo] as number));
}
