/**
 * trainWinModel: labelled samples in, a calibrated model and its held-out report out (or the
 * reason there is none). The seam every source of outcomes uses: the store's closed signals,
 * a backtest's trades, a test's synthetic samples.
 *
 * Steps, all on time-ordered slices (oldest -> newest): fit the design (imputation, indicators,
 * scaling) and the regression on `train`; choose the L2 penalty and fit the calibrator on
 * `calibration`; measure everything on `test`, which nothing before has seen. A model is
 * `usable` only when it beats the base rate on the test slice (Brier below the base-rate
 * forecaster's and AUC above the minimum): a model without skill would only pull every
 * confidence towards the average win rate.
 */
import { type CalibrationKind, calibrate, fitCalibrator } from './calibration.js';
import {
  type LabelledSample,
  OUTCOME_SOURCES,
  SPLIT_DEFAULTS,
  type SplitOptions,
  timeOrderedSplit,
} from './dataset.js';
import { FEATURE_NAMES } from './features.js';
import { fitLogistic, predictLogistic } from './logistic.js';
import {
  auc,
  brier,
  type CalibrationRow,
  calibrationTable,
  compareGate,
  type GateComparison,
  logLoss,
  round4,
} from './metrics.js';
import { designRow, fitDesign, MODEL_FORMAT, type WinModelSpec } from './model.js';

export interface TrainOptions extends SplitOptions {
  /** Fewer labelled samples than this: no model. */
  minSamples: number;
  /** Each slice needs at least this many wins and this many losses. */
  minPerClass: number;
  calibration: CalibrationKind;
  /** L2 penalties tried; the one with the lowest calibrated log loss on the calibration slice wins. */
  l2Grid: readonly number[];
  /**
   * The gate compared on the test slice: trades with p(win) >= this are taken. null = the
   * training slice's win rate (take only what the model rates above average).
   */
  gateThreshold: number | null;
  /** Minimum held-out AUC for the model to be usable. */
  minAuc: number;
  /** See WinModelSpec.maxMissingShare. */
  maxMissingShare: number;
}

export const TRAIN_DEFAULTS: Readonly<TrainOptions> = Object.freeze({
  ...SPLIT_DEFAULTS,
  minSamples: 150,
  minPerClass: 10,
  calibration: 'platt' as CalibrationKind,
  l2Grid: Object.freeze([0.3, 3, 30, 300]),
  gateThreshold: null,
  minAuc: 0.55,
  maxMissingShare: 0.5,
});

interface SliceInfo {
  count: number;
  wins: number;
  from: string | null;
  to: string | null;
}

export interface TrainReport {
  samples: number;
  slices: { train: SliceInfo; calibration: SliceInfo; test: SliceInfo; embargoed: number };
  sources: Record<string, number>;
  l2: number;
  calibrationMethod: CalibrationKind;
  /** In-sample AUC on the training slice (optimistic): near 0.5 means the features carry nothing. */
  trainAuc: number | null;
  /** Held-out (test slice) metrics. */
  auc: number | null;
  brier: number;
  /** Brier of always predicting the training win rate: the bar to beat. */
  brierBaseline: number;
  logLoss: number;
  baseRate: number;
  calibration: CalibrationRow[];
  gate: GateComparison;
  usable: boolean;
  /** Why the model is or is not usable, in words. */
  verdict: string;
}

export type TrainResult =
  | { ok: true; model: WinModelSpec; report: TrainReport }
  | {
      ok: false;
      code: 'TOO_FEW_OUTCOMES';
      reason: string;
      samples: number;
      wins: number;
      losses: number;
    };

const round2 = (v: number) => Math.round(v * 100) / 100;
const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
const info = (slice: readonly LabelledSample[]): SliceInfo => ({
  count: slice.length,
  wins: slice.reduce((s, x) => s + x.win, 0),
  from: iso(slice[0]?.time),
  to: iso(slice.at(-1)?.time),
});

export function trainWinModel(
  samples: readonly LabelledSample[],
  overrides: Partial<TrainOptions> = {},
): TrainResult {
  const options: TrainOptions = { ...TRAIN_DEFAULTS, ...overrides };
  const wins = samples.reduce((s, x) => s + x.win, 0);
  const tooFew = (reason: string): TrainResult => ({
    ok: false,
    code: 'TOO_FEW_OUTCOMES',
    reason: `${reason}; the aggregator runs without a model`,
    samples: samples.length,
    wins,
    losses: samples.length - wins,
  });
  if (samples.length < options.minSamples) {
    return tooFew(
      `not enough closed signals to train: ${samples.length} (${wins} wins, ${samples.length - wins} losses), need at least ${options.minSamples}`,
    );
  }
  const split = timeOrderedSplit(samples, options);
  for (const [name, slice] of Object.entries({
    train: split.train,
    calibration: split.calibration,
    test: split.test,
  })) {
    const w = slice.reduce((s, x) => s + x.win, 0);
    if (w < options.minPerClass || slice.length - w < options.minPerClass) {
      return tooFew(
        `the ${name} slice has ${w} wins and ${slice.length - w} losses, need at least ${options.minPerClass} of each`,
      );
    }
  }

  const layout = fitDesign(
    FEATURE_NAMES,
    split.train.map((s) => s.features),
  );
  const trainRows = split.train.map((s) => designRow(layout, s.features));
  const trainY = split.train.map((s) => s.win);
  const calibrationRows = split.calibration.map((s) => designRow(layout, s.features));
  const calibrationY = split.calibration.map((s) => s.win);

  let best: {
    l2: number;
    fit: ReturnType<typeof fitLogistic>;
    calibrator: WinModelSpec['calibrator'];
    loss: number;
  } | null = null;
  for (const l2 of options.l2Grid) {
    const fit = fitLogistic(trainRows, trainY, { l2 });
    const raw = calibrationRows.map((row) => predictLogistic(fit, row));
    const calibrator = fitCalibrator(options.calibration, raw, calibrationY);
    const loss = logLoss(
      raw.map((p) => calibrate(calibrator, p)),
      calibrationY,
    );
    if (!best || loss < best.loss) best = { l2, fit, calibrator, loss };
  }
  if (!best) throw new RangeError('trainWinModel: l2Grid is empty');

  // Through JSON once, so the model evaluated below is bit for bit the one the store keeps.
  const model: WinModelSpec = JSON.parse(
    JSON.stringify({
      format: MODEL_FORMAT,
      kind: 'logistic',
      ...layout,
      intercept: best.fit.intercept,
      weights: best.fit.weights,
      l2: best.l2,
      calibrator: best.calibrator,
      maxMissingShare: options.maxMissingShare,
    } satisfies WinModelSpec),
  );

  const testY = split.test.map((s) => s.win);
  const p = split.test.map((s) =>
    calibrate(model.calibrator, predictLogistic(model, designRow(model, s.features))),
  );
  const baseRate = trainY.reduce((s: number, v) => s + v, 0) / trainY.length;
  const testAuc = auc(p, testY);
  const trainAuc = auc(
    trainRows.map((row) => predictLogistic(model, row)),
    trainY,
  );
  const testBrier = brier(p, testY);
  const brierBaseline = brier(
    testY.map(() => baseRate),
    testY,
  );
  const skill = testBrier < brierBaseline;
  const discriminates = testAuc !== null && testAuc >= options.minAuc;
  const usable = skill && discriminates;
  const verdict = usable
    ? `usable: held-out AUC ${round4(testAuc ?? 0)} >= ${options.minAuc} and Brier ${round4(testBrier)} < base rate's ${round4(brierBaseline)}`
    : `not usable, the aggregator will not use it: held-out AUC ${testAuc === null ? 'n/a' : round4(testAuc)}${discriminates ? '' : ` < ${options.minAuc}`}, Brier ${round4(testBrier)} ${skill ? '<' : '>='} base rate's ${round4(brierBaseline)}`;

  const sources: Record<string, number> = {};
  for (const s of OUTCOME_SOURCES) {
    const count = samples.filter((x) => x.source === s).length;
    if (count > 0) sources[s] = count;
  }
  // The profit factor needs real PnL: test trades without a recorded one are left out of the gate.
  const priced = split.test.flatMap((s, i) =>
    s.pnl === null ? [] : [{ p: p[i] as number, win: s.win, pnl: s.pnl }],
  );
  return {
    ok: true,
    model,
    report: {
      samples: samples.length,
      slices: {
        train: info(split.train),
        calibration: info(split.calibration),
        test: info(split.test),
        embargoed: split.embargoed,
      },
      sources,
      l2: best.l2,
      calibrationMethod: options.calibration,
      trainAuc: trainAuc === null ? null : round4(trainAuc),
      auc: testAuc === null ? null : round4(testAuc),
      brier: round4(testBrier),
      brierBaseline: round4(brierBaseline),
      logLoss: round4(logLoss(p, testY)),
      baseRate: round4(baseRate),
      calibration: calibrationTable(p, testY),
      gate: compareGate(
        priced.map((x) => x.p),
        priced.map((x) => x.win),
        priced.map((x) => x.pnl),
        options.gateThreshold ?? round2(baseRate),
      ),
      usable,
      verdict,
    },
  };
}
