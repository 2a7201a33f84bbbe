/**
 * The running trading service: the market feed, mark prices, the scan pipeline on its scheduler,
 * and the fan-out of each new signal to the users who trade it. Built by the composition root;
 * `stop()` stops the scheduler (waiting for a scan in flight), then the price stream and feed.
 */

import type { Decimal } from 'decimal.js';
import { type AnalystSet, createAnalysts } from '../analyst/index.js';
import { binanceWeightShare, type Config } from '../config/index.js';
import { type Candle, type MarketSymbol, parseTimeframe, systemClock } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../logging/index.js';
import {
  createMarketFeed,
  createWeightBudget,
  type MarketFeed,
  type WeightBudget,
  type WeightBudgetStatus,
} from '../market/index.js';
import type { Metrics } from '../metrics/index.js';
import { createRetrainHook, createWinProbability, type WinProbability } from '../ml/index.js';
import type { Repositories, Store, StoredSignal } from '../store/index.js';
import { type PriceWatch, startPriceWatch } from './price-watch.js';
import { createScanPipeline, type ScanSummary } from './scan-pipeline.js';
import { createScheduler, type Scheduler } from './scheduler.js';

export interface TradingServiceDeps {
  config: Config;
  store: Store;
  repos: Repositories;
  logger: Logger;
  events: EventBus;
  metrics?: Metrics | undefined;
  /** Acts on newly stored signals (the execution fan-out); absent: signals are only recorded. */
  onSignals?: ((signals: StoredSignal[]) => Promise<void>) | undefined;
  /** Tests: a prepared feed instead of the configured one. */
  feed?: MarketFeed | undefined;
  /**
   * Start the local cron (default: config.SCHEDULER). Off under scale-out (src/jobs): the elected
   * scheduler enqueues scan jobs and whichever worker takes one calls scanNow().
   */
  runScheduler?: boolean | undefined;
}

export interface TradingService {
  feed: MarketFeed;
  /**
   * Binance's request weight for this process's IP (wall time): the live feed's reads and every
   * REAL user's client draw on the same budget (src/exchange/ccxt/ip-weight.ts).
   */
  binanceWeight: WeightBudget;
  prices: PriceWatch;
  analysts: AnalystSet;
  /** The served win-probability model (none until enough outcomes trained one). */
  winProbability: WinProbability;
  scheduler: Scheduler;
  /** One scan now, outside the schedule (it still takes the scan lock). */
  scanNow(): ReturnType<Scheduler['tick']>;
  lastScan(): ScanSummary | undefined;
  /** For /api/health: is the scheduler on, who executes, when the last scan finished. */
  status(): {
    scheduler: boolean;
    executor: string;
    lastScanAt: number | null;
    /** Binance request weight (this process's share of the IP's) used in the last minute. */
    binanceWeight: WeightBudgetStatus;
  };
  /** Candles for the dashboard's chart (the API's MarketDataPort). */
  market: { candles(symbol: string, timeframe: string, limit: number): Promise<Candle[]> };
  /** Latest mark price per symbol (the API's MarkPricePort). */
  markPrices: { markPrice(symbol: string): Decimal | undefined };
  stop(): Promise<void>;
}

export async function startTradingService(deps: TradingServiceDeps): Promise<TradingService> {
  const { config, logger } = deps;
  const binanceWeight = createWeightBudget({
    clock: systemClock,
    limitPerMinute: binanceWeightShare(config),
  });
  const feed = deps.feed ?? (await createMarketFeed(config, { logger, binanceWeight }));
  const prices = await startPriceWatch({ feed, events: deps.events, logger });
  const analysts = createAnalysts(config, { clock: feed.clock, cache: deps.repos.analyses, logger });
  const winProbability = await createWinProbability(deps.store, { logger });
  // Checked after each scan (a count); trains in the background, one process at a time.
  const retrain = createRetrainHook({
    store: deps.store,
    minNewOutcomes: config.ML_RETRAIN_MIN_OUTCOMES,
    logger,
    onModel: () => winProbability.reload(),
  });
  let retraining: Promise<unknown> | undefined;
  const pipeline = createScanPipeline({
    winProbability: winProbability.forProposal,
    feed,
    repos: deps.repos,
    analysts,
    clock: feed.clock,
    logger,
    events: deps.events,
    dedupWindowMs: config.SIGNAL_DEDUP_MINUTES * 60_000,
  });
  let last: ScanSummary | undefined;
  const scheduler = createScheduler({
    store: deps.store,
    logger,
    profile: config.SCAN_PROFILE,
    now: () => Date.now(),
    scan: async () => {
      last = await pipeline.run();
      for (const signal of last.stored)
        deps.metrics?.signals.inc({ direction: signal.direction, status: 'PENDING' });
      if (deps.onSignals && last.stored.length > 0) await deps.onSignals(last.stored);
      retraining ??= retrain
        .maybeRetrain()
        .catch((err: unknown) => logger.error({ err }, 'win-probability retrain failed'))
        .finally(() => {
          retraining = undefined;
        });
    },
    onTick: (outcome) => {
      const label = outcome.ran ? 'ok' : outcome.reason === 'failed' ? 'failed' : 'skipped';
      if (outcome.ran) {
        deps.metrics?.scanDuration.observe(
          { profile: config.SCAN_PROFILE, outcome: label },
          outcome.durationMs / 1000,
        );
      }
      deps.events.publish(null, { type: 'scan', at: feed.clock.now(), data: { outcome: label } });
    },
  });
  if (deps.runScheduler ?? config.SCHEDULER) {
    scheduler.start();
    // The first scan right away, not a minute from now.
    void scheduler.tick();
  }

  return {
    feed,
    binanceWeight,
    prices,
    analysts,
    winProbability,
    scheduler,
    scanNow: () => scheduler.tick(),
    lastScan: () => last,
    status: () => ({
      scheduler: config.SCHEDULER,
      executor: deps.onSignals ? 'engine' : 'none',
      lastScanAt: last?.at ?? null,
      binanceWeight: binanceWeight.status(),
    }),
    market: {
      candles: (symbol, timeframe, limit) =>
        feed.candles(symbol as MarketSymbol, parseTimeframe(timeframe), { limit }),
    },
    markPrices: { markPrice: (symbol) => prices.markPrice(symbol) },
    async stop() {
      await scheduler.stop();
      await retraining;
      await pipeline.close();
      await prices.stop();
      await feed.close();
    },
  };
}
