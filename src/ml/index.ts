/**
 * ml: which setups win. Learns from every closed signal a calibrated p(win), serves it to the
 * aggregator, and tabulates how signals actually did.
 *
 * Entry points:
 * - extractFeatures(source) / featuresFromRecord(storedSignal) / featuresFromProposal(ctx, proposal,
 *   { screen, vision }): the one feature function (FEATURE_NAMES, 35 features) for serving and training.
 * - trainWinModel(samples, options?) -> { ok, model, report } | { ok: false, code: 'TOO_FEW_OUTCOMES' }:
 *   the seam every source of outcomes uses (store, backtest, tests). sampleFromRecord(storedSignal).
 * - trainFromStore(store, options?) / trainAndStore(db, samples, options?): train and keep the model
 *   versioned in ml_models with its held-out metrics. createDraftRecorder(): labelled samples from a
 *   backtest (its onScan hook records the drafts, samples(trades) labels them by closed PnL).
 * - createWinProbability(store) -> (features) -> p | null, with .forProposal (proposeSignal's
 *   deps.winProbability), .version and .reload().
 * - createRetrainHook({ store, minNewOutcomes }) -> { maybeRetrain() }: the scheduled retrain.
 * - computeInsights(rows) / loadInsights(db, { sources }): win rate and count by analyst agreement,
 *   confidence, win probability, whale event, symbol and hour.
 *
 * Invariants: features are computed only from what the signal recorded when it was made, by the
 * same function at serving and training time; unknown features are imputed with the training
 * median and flagged in a missing-indicator column, never read as 0; the split is time-ordered
 * (train < calibration < test, with an embargo at each boundary), never random; calibration is
 * fitted on a later slice than the model; metrics are measured on the newest slice only; a model
 * serves only when it beat the base rate there; every failure to predict is null, never a throw.
 */
export {
  type CalibrationKind,
  type Calibrator,
  calibrate,
  fitCalibrator,
  fitIsotonic,
  fitPlatt,
} from './calibration.js';
export {
  type LabelledRecord,
  type LabelledSample,
  labelOf,
  OUTCOME_SOURCES,
  type OutcomeSource,
  SPLIT_DEFAULTS,
  type SplitOptions,
  sampleFromRecord,
  type TimeSplit,
  timeOrderedSplit,
} from './dataset.js';
export {
  CONTRIBUTION_FILTERS,
  extractFeatures,
  FEATURE_NAMES,
  type FeatureName,
  type FeatureSource,
  type FeatureVector,
  hourOfDay,
  type ScreenEvidence,
} from './features.js';
export { type ClosedTrade, createDraftRecorder, type DraftRecorder } from './from-trades.js';
export { computeInsights, type InsightRow, type Insights, loadInsights, type ModelRow } from './insights.js';
export { fitLogistic, type LogisticFit, logit, predictLogistic, sigmoid } from './logistic.js';
export {
  auc,
  brier,
  type CalibrationRow,
  calibrationTable,
  compareGate,
  type GateComparison,
  logLoss,
  profitFactor,
} from './metrics.js';
export { MODEL_FORMAT, parseModelSpec, predictWin, rawProbability, type WinModelSpec } from './model.js';
export {
  createRetrainHook,
  createWinProbability,
  type RetrainCheck,
  type RetrainHook,
  type RetrainHookOptions,
  samplesFromStore,
  type TrainAndStoreOptions,
  type TrainOutcome,
  trainAndStore,
  trainFromStore,
  type WinProbability,
} from './service.js';
export {
  featuresFromProposal,
  featuresFromRecord,
  type ProposalEvidence,
  type SignalEvidenceRecord,
  screenFromRecord,
  sourceFromProposal,
  sourceFromRecord,
} from './sources.js';
export {
  TRAIN_DEFAULTS,
  type TrainOptions,
  type TrainReport,
  type TrainResult,
  trainWinModel,
} from './train.js';
