/**
 * `ml train --from-backtest`: outcomes from a backtest over recorded (or synthetic) candles instead
 * of the store. The backtest runs the live pipeline; every accepted draft is recorded as it is
 * decided and labelled by its trade's net PnL. With `--evaluate`, the trained model's gate is then
 * measured where it matters: the backtest is run again over the model's held-out period (after
 * everything it was trained and calibrated on), once without and once with the model, side by side.
 */
import { createRuleAnalyst } from '../../analyst/index.js';
import {
  BACKTEST_DEFAULTS,
  type BacktestOptions,
  type JsonMetrics,
  jsonMetrics,
  labelledSamples,
  type PipelineAnalysts,
  runBacktest,
} from '../../backtest/index.js';
import {
  createDraftRecorder,
  featuresFromProposal,
  type LabelledSample,
  predictWin,
  type WinModelSpec,
} from '../../ml/index.js';
import { resolveCombineOptions } from '../../signals/index.js';

export interface BacktestSamples {
  samples: LabelledSample[];
  /** What was played: symbols and period (ISO). */
  symbols: string[];
  from: string;
  to: string;
  trades: number;
  /** Trades whose signal draft was not recorded (should be 0). */
  unmatched: number;
  strategy: JsonMetrics;
}

const iso = (t: number) => new Date(t).toISOString();

/** Run the backtest and label every trade's signal with its closed PnL. */
export async function samplesFromBacktest(options: BacktestOptions): Promise<BacktestSamples> {
  const recorder = createDraftRecorder();
  const report = await runBacktest({ ...options, randomBaseline: false, onScan: recorder.onScan });
  const trades = labelledSamples(report);
  const { samples, unmatched } = recorder.samples(trades);
  return {
    samples,
    symbols: report.market.symbols,
    from: iso(report.params.from),
    to: iso(report.params.to),
    trades: trades.length,
    unmatched,
    strategy: jsonMetrics(report.full.strategy.metrics),
  };
}

export interface GateBacktest {
  /** The period replayed: from the model's first held-out sample to the end. */
  from: string;
  to: string;
  /** Trades with p(win) below this are vetoed (p(win) is not blended into the confidence). */
  minWinProbability: number;
  without: JsonMetrics;
  with: JsonMetrics;
}

/**
 * The same backtest over the held-out period, without and with the model. The model only ever
 * saw outcomes decided before `from` (the time-ordered split guarantees it).
 */
export async function gateBacktest(
  options: BacktestOptions,
  model: WinModelSpec,
  heldOutFrom: number,
  minWinProbability: number,
): Promise<GateBacktest> {
  const period = { ...options, from: heldOutFrom, randomBaseline: false };
  const combine = resolveCombineOptions({
    minConfidence: options.minConfidence ?? BACKTEST_DEFAULTS.minConfidence,
  });
  const without = await runBacktest({
    ...period,
    analysts: { analyst: createRuleAnalyst(), vision: null, combine },
  });
  // The gate alone: a veto below the minimum, p(win) not blended into the confidence (weight 0),
  // so the comparison measures the gate and nothing else.
  const gatedCombine = { ...combine, minWinProbability, weights: { ...combine.weights, winProbability: 0 } };
  // proposeSignal receives the pipeline's analysts as its deps, winProbability included.
  const gated: PipelineAnalysts = Object.assign(
    { analyst: createRuleAnalyst(), vision: null, combine: gatedCombine },
    {
      winProbability: (...args: Parameters<typeof featuresFromProposal>) => {
        const features = featuresFromProposal(...args);
        return features ? predictWin(model, features) : null;
      },
    },
  );
  const withModel = await runBacktest({ ...period, analysts: gated });
  return {
    from: iso(without.params.from),
    to: iso(without.params.to),
    minWinProbability,
    without: jsonMetrics(without.full.strategy.metrics),
    with: jsonMetrics(withModel.full.strategy.metrics),
  };
}
