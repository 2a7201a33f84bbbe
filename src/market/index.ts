/**
 * market: the MarketFeed port and its three sources.
 * - createBinanceFeed: live Binance USD-M (ccxt binanceusdm REST within the request-weight budget,
 *   raw WebSocket streams for candles, liquidations, mark prices).
 * - createReplayFeed: recorded candles (and recorded liquidations only) from a folder in the
 *   format of ../shared/data/market; createMemoryFeed: the same over in-memory candles.
 * - createSyntheticFeed: a seeded, deterministic market (BTC-led, clustered volatility, fat tails,
 *   regimes, liquidation cascades).
 * - createMarketFeed(config): the one the configuration names.
 * Also: timeframe aggregation (aggregateCandles, createCandleAggregator), the replay CSV format,
 * downloadHistory (what `neurotrade download` runs), stylized facts of a price series.
 *
 * Driving a simulated feed: pace 'pull' (backtests: `for await` steps the market as you consume),
 * 'manual' (the owner calls `advanceTo(t)` / `step()` and takes events with `sub.drain()`; a
 * caller-owned ManualClock may be passed in and moved first, `advanceTo(clock.now())` catches
 * up), or { speed } (wall-clock paced). Live candles: subscribe first, then read history, and
 * drop updates at or before the last history candle.
 *
 * Invariants: candle history is closed candles only (openTime + timeframe <= clock.now()), every
 * aggregated candle is exact (whole buckets on UTC boundaries; gaps reported, never filled); bad
 * input becomes a BAD_DATA error naming source, symbol and time (or a documented, listed skip),
 * never a NaN passed on; simulated feeds see nothing after their clock (no look-ahead), and the
 * same seed or recording replays the same events in the same order.
 */
export {
  type BinanceFeed,
  type BinanceFeedOptions,
  createBinanceFeed,
  marketStreamUrl,
} from './binance/binance-feed.js';
export { pointUsdmAt } from './binance/ccxt-urls.js';
export { DEFAULT_BINANCE_BASE_URL } from './binance/rest.js';
export {
  BINANCE_WEIGHT_PER_MINUTE,
  createWeightBudget,
  KLINES_PAGE,
  klinesWeight,
  type WeightBudget,
  type WeightBudgetStatus,
  type WeightLane,
} from './binance/weight-budget.js';
export type { BadCandle, BadRowPolicy } from './candle-check.js';
export { CANDLE_CSV_HEADER, formatCandleCsv, parseCandleCsv } from './csv.js';
export {
  type DownloadedFile,
  type DownloadOptions,
  type DownloadProgress,
  downloadHistory,
} from './download.js';
export {
  type CandleQuery,
  type CandleRowWatch,
  DEFAULT_CANDLE_LIMIT,
  type FeedKind,
  type MarketFeed,
  type MarkPrice,
  type Pace,
  type SimulatedFeed,
  type Subscription,
} from './feed.js';
export { createMarketFeed, type MarketConfig, type MarketFeedDeps } from './from-config.js';
export { LIQUIDATION_CSV_HEADER, parseLiquidationCsv, parseUtcTimestamp } from './liquidation-csv.js';
export { createMemoryFeed, type MemoryFeedOptions, type MemorySymbol } from './memory-feed.js';
export { DEFAULT_CANDLE_CACHE_DIR } from './replay/parsed-cache.js';
export {
  createReplayFeed,
  type ReplayFeed,
  type ReplayFeedOptions,
  type ReplayReport,
} from './replay/replay-feed.js';
export { inferRules, RULES_FILE, rulesFromJson, rulesToJson } from './rules-file.js';
export {
  medianFacts,
  type StylizedFacts,
  stylizedFacts,
} from './synthetic/stylized-facts.js';
export {
  createSyntheticFeed,
  SYNTHETIC_DEFAULT_START,
  type SyntheticFeed,
  type SyntheticFeedOptions,
} from './synthetic/synthetic-feed.js';
export { type FakeBinance, type FakeBinanceOptions, startFakeBinance } from './testing/fake-binance.js';
export {
  type Aggregation,
  aggregateCandles,
  bucketOpen,
  CandleBuckets,
  type CandleGap,
  canAggregate,
  columnsToCandles,
  createCandleAggregator,
  emptyColumns,
  findGaps,
  sliceColumns,
} from './timeframes.js';
