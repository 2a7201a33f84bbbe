/**
 * The feed the configuration names (MARKET = synthetic | synthetic:SEED | binance | replay:DIR),
 * for the composition root. Simulated feeds run at MARKET_SPEED x real time from `start`
 * (default: the wall clock's now for synthetic, the recording's start for replay).
 */
import type { Config } from '../config/index.js';
import { type Clock, DomainError, ErrorCode, systemClock } from '../domain/index.js';
import type { Logger } from '../logging/index.js';
import { createBinanceFeed } from './binance/binance-feed.js';
import type { WeightBudget } from './binance/weight-budget.js';
import type { MarketFeed, Pace } from './feed.js';
import { createReplayFeed } from './replay/replay-feed.js';
import { createSyntheticFeed } from './synthetic/synthetic-feed.js';

export type MarketConfig = Pick<
  Config,
  'MARKET' | 'SYNTHETIC_SEED' | 'SYNTHETIC_SYMBOLS' | 'MARKET_SPEED' | 'BINANCE_BASE_URL'
>;

export interface MarketFeedDeps {
  /** The wall clock (live time; default the system clock). */
  wallClock?: Clock | undefined;
  logger?: Logger | undefined;
  /** Simulated feeds: override the pace (default { speed: MARKET_SPEED }). */
  pace?: Pace | undefined;
  /** Simulated feeds: market time to start at. */
  start?: number | undefined;
  /** MARKET=binance: the IP's request-weight budget, shared with the REAL users' clients. */
  binanceWeight?: WeightBudget | undefined;
}

export async function createMarketFeed(config: MarketConfig, deps: MarketFeedDeps = {}): Promise<MarketFeed> {
  const wall = deps.wallClock ?? systemClock;
  const pace = deps.pace ?? { speed: config.MARKET_SPEED };
  const spec = config.MARKET;
  if (spec === 'binance') {
    return createBinanceFeed({
      baseUrl: config.BINANCE_BASE_URL,
      clock: wall,
      logger: deps.logger,
      budget: deps.binanceWeight,
    });
  }
  if (spec === 'synthetic' || spec.startsWith('synthetic:')) {
    const seed = spec === 'synthetic' ? config.SYNTHETIC_SEED : Number(spec.slice('synthetic:'.length));
    if (!Number.isInteger(seed) || seed < 0) {
      throw new DomainError(
        ErrorCode.CONFIG_INVALID,
        `MARKET: "${spec}" needs a whole-number seed, like synthetic:42`,
      );
    }
    return createSyntheticFeed({
      seed,
      symbols: config.SYNTHETIC_SYMBOLS,
      pace,
      start: deps.start ?? Math.floor(wall.now() / 60_000) * 60_000,
      wallClock: wall,
    });
  }
  if (spec.startsWith('replay:')) {
    return createReplayFeed({ dir: spec.slice('replay:'.length), pace, start: deps.start, wallClock: wall });
  }
  throw new DomainError(
    ErrorCode.CONFIG_INVALID,
    `MARKET: "${spec}" is not synthetic, synthetic:SEED, binance or replay:DIR`,
  );
}
