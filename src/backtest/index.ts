/**
 * backtest: the live pipeline on a simulated clock over recorded (or synthetic) history, with a
 * report a trader can check. What differs from live is only the clock, the market feed (a replay
 * of candles) and the exchange (the simulator); the screener, the analysts (rule, or recorded LLM
 * answers), validation, aggregation, deduplication, risk gate, sizing and order flow are the same.
 *
 * Entry points:
 * - runBacktest(options) -> BacktestReport: pass 1 plays the period through the pipeline with
 *   buy-and-hold alongside, pass 2 replays it for the random-entry baseline; metrics for the
 *   whole period and, with `split`, in-sample / out-of-sample side by side.
 * - toJsonSummary(report) (what `neurotrade backtest --json` prints), renderHtmlReport(report)
 *   (one self-contained HTML file with equity and drawdown charts), labelledSamples(report) (the
 *   ML engineer's labelled examples: each trade's signal features and its outcome).
 * - computeMetrics / perSymbolMetrics / sharpeRatio / sortinoRatio / maxDrawdownPct: pure metrics.
 * - The Executor seam, with two executors that make the same trades: options.executor 'engine'
 *   (createEngineExecutor: the live execution engine on the simulated clock, its books in an
 *   in-memory PGlite; what `neurotrade backtest` runs) and 'direct' (createDirectExecutor: the
 *   same decisions straight through the Exchange port, in memory; the programmatic default,
 *   several times faster when trades are many); and driveCandle, the conservative intrabar rule.
 *
 * Invariants: no look-ahead (the strategy only ever sees closed candles, published by the feed
 * when they close; orders fill on later prices); when one candle could have reached both a stop
 * and a target the stop is assumed, counted and reported; a missing LLM answer is counted, never
 * invented; runs are deterministic for the same data, options and seed; memory per step is
 * constant (equity keeps one value per day and a bounded chart sample). With the built-in rule
 * analyst, a screen the aggregator would refuse whatever the analyst said is not analysed
 * (counted: pipeline.belowCeiling; exact, see ./strategy.ts): the main cost of a run otherwise.
 */

export { runBacktest } from './backtest.js';
export { createEngineExecutor, type EngineExecutorOptions } from './engine-executor.js';
export { openBacktestStore } from './engine-store.js';
export { EquityTracker, SplitEquity } from './equity.js';
export { createDirectExecutor, type DirectExecutorOptions } from './executor.js';
export { FUNDING_INTERVAL_MS, MAX_FUNDING_RATE_PCT, tradesAcrossFunding } from './funding.js';
export { renderHtmlReport } from './html.js';
export { driveCandle, reachesBoth } from './intrabar.js';
export { createTradeLedger, type LedgerTrade, type TradeLedger } from './ledger.js';
export { type MarketSpec, SYNTHETIC_DEFAULT_DAYS } from './market.js';
export {
  computeMetrics,
  type EquityStats,
  maxDrawdownPct,
  perSymbolMetrics,
  sharpeRatio,
  sortinoRatio,
} from './metrics.js';
export {
  BACKTEST_DEFAULTS,
  type BacktestOptions,
  type ExecutorChoice,
  type ExecutorContext,
  type ExecutorFactory,
  type SlippageSpec,
} from './options.js';
export {
  type JsonMetrics,
  jsonMetrics,
  type LabelledSample,
  labelledSamples,
  toJsonSummary,
} from './report.js';
export type {
  BacktestSignal,
  ExecutionOutcome,
  Executor,
  ExecutorStats,
  WorkingLevels,
} from './seam.js';
export { createSignalBook, type SignalBook } from './signal-book.js';
export type { PipelineAnalysts } from './strategy.js';
export type * from './types.js';
