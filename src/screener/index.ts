/**
 * screener: which symbols deserve an analyst's attention, and in which direction, with the reasons.
 *
 * Entry points:
 * - screenSymbol(input, config): pure batch path, full candle histories of the primary (15m),
 *   confirmation (1h) and trend (4h) timeframes -> ScreenResult (or ScreenSkip with the reason).
 * - createSymbolScreener(symbol, config): the same filters fed one closed candle at a time through
 *   streaming indicators (O(1) per indicator per candle, Hurst O(window log window)); its rank()
 *   gives screen()'s direction, score and penalties without the metrics and words (a backtest
 *   ranks every close and builds the full result only for what it analyses).
 * - SCREENER_DEFAULTS / resolveScreenerConfig(overrides): the one table of weights and thresholds.
 * - selectUniverse(rules, tickers, options): execution-aware selection (tradable USDT perpetuals,
 *   optional top N by 24h quote volume; exclusions with reasons).
 * - createScreenerPool({ workers }): shards of incremental screeners on worker threads; load
 *   histories once, then update/screen one closed candle at a time.
 * - scanUniverse(feed, options): one ranked pass over a MarketFeed (what `neurotrade scan` runs).
 * - createLiveScreener(feed, options).scan(options): the same pass kept warm between scans (what
 *   the scheduler runs): new symbols loaded, departed ones dropped, held ones fed only their new
 *   closed candles.
 * - universeFixture / randomWalkColumns / columnsFromRows: seeded candle fixtures for tests and bench.
 * - LazyScreenResult / toPlainOutcome: results keep their words (contribution notes, reasons) as
 *   numbers until `contributions` or `reasons` is first read; reading is unchanged, JSON.stringify
 *   gives the plain object, and toPlainOutcome makes a copy with own properties (for spreads,
 *   structuredClone and deep equality, which see only own properties).
 *
 * Invariants: pure (no I/O, no clock) apart from the pool's worker threads; the batch and
 * incremental paths give the same directions, scores, contributions and reasons for the same
 * candles (metrics agree to float rounding); a score is a finite integer 0..100 and 0 when NEUTRAL;
 * NaN or Infinity never reaches a score or a contribution (metrics that cannot be computed are
 * null); priority when sources disagree: whale, momentum, RSI plus trend; the screener acts on
 * closed candles only (the caller's feed guarantees it). Hurst is measured on the confirmation
 * timeframe (trend persistence over ~4 days of 1h closes), which keeps its O(window log window)
 * off the 15m path.
 */
export {
  resolveScreenerConfig,
  SCREENER_DEFAULTS,
  type ScreenerConfig,
  type ScreenerOverrides,
  viewLength,
} from './config.js';
export {
  columnsFromRows,
  type FixtureSymbol,
  type Row,
  randomWalkColumns,
  rowsFromCloses,
  seededRandom,
  universeFixture,
} from './fixtures.js';
export { createSymbolScreener, type SymbolScreener, type TimeframeRole } from './incremental.js';
export {
  createLiveScreener,
  type LiveScanOptions,
  type LiveScanStats,
  type LiveScreener,
  type LiveScreenerOptions,
} from './live.js';
export { createScreenerPool, type ScreenerPool, type ScreenerPoolOptions } from './pool.js';
export { LazyScreenResult, toPlainOutcome, toPlainResult } from './result.js';
export { rankOutcomes, type ScanOptions, type ScanReport, scanUniverse } from './scan.js';
export { scoreViews } from './score.js';
export { type ScreenInput, screenSymbol, skipped } from './screen.js';
export type { CandleRow, ScreenMode, ScreenRequest, SymbolHistory } from './shard.js';
export * from './types.js';
export {
  type ExcludedSymbol,
  selectUniverse,
  type UniverseOptions,
  type UniverseSelection,
} from './universe.js';
