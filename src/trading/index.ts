/**
 * trading: the orchestrator. The scan scheduler (one scan at a time, across processes too), the
 * scan pipeline (screen -> analysts -> validation/aggregation -> deduplicated signals), mark prices
 * for live PnL, and the fan-out of new signals to the users who trade them.
 * Entry point: startTradingService(deps); parts: createScheduler, createScanPipeline, startPriceWatch.
 */

export { type ExecutionService, startExecution } from './execution.js';
export {
  createFanOut,
  FAN_OUT_CONCURRENCY,
  type FanOut,
  type FanOutResult,
  planFanOut,
  type UserSignals,
} from './fan-out.js';
export { type PaperExchanges, startPaperExchanges } from './paper.js';
export { type PriceWatch, startPriceWatch } from './price-watch.js';
export { createScanPipeline, type ScanPipeline, type ScanSummary } from './scan-pipeline.js';
export { createScheduler, SCAN_CRON, SCAN_LOCK, type Scheduler, type TickOutcome } from './scheduler.js';
export { startTradingService, type TradingService, type TradingServiceDeps } from './service.js';
