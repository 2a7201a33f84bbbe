/**
 * One scan, as the scheduler runs it: screen the tradable universe (on a screener kept warm
 * across scans, fed only the candles closed since the last one: createLiveScreener), let the
 * analysts propose, validate and aggregate, and store the signals with database deduplication. The same
 * proposeSignal the CLI and backtests use; what is new here is only the I/O around it.
 * Returns the signals that were newly stored (PENDING): those are what the fan-out executes.
 */
import type { Decimal } from 'decimal.js';
import type { AnalystSet } from '../analyst/index.js';
import { type ProposeDeps, proposeSignal } from '../analyst/index.js';
import type { Clock } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../logging/index.js';
import type { MarketFeed } from '../market/index.js';
import {
  createLiveScreener,
  isSkip,
  type LiveScanStats,
  type LiveScreenerOptions,
  resolveScreenerConfig,
  type ScreenerConfig,
  type WhaleSignal,
} from '../screener/index.js';
import type { Repositories, StoredSignal } from '../store/index.js';

export interface ScanPipelineDeps {
  feed: MarketFeed;
  repos: Pick<Repositories, 'signals'>;
  analysts: Pick<AnalystSet, 'analyst' | 'vision' | 'combine'>;
  clock: Clock;
  logger: Logger;
  events?: EventBus | undefined;
  /** SIGNAL_DEDUP_MINUTES in ms. */
  dedupWindowMs: number;
  screener?: Partial<ScreenerConfig> | undefined;
  /** Optional top-N by 24h quote volume. */
  top?: number | undefined;
  /** The ML model's p(win) for a proposal (proposeSignal's deps.winProbability); absent = none. */
  winProbability?: ProposeDeps['winProbability'];
  /** Latest whale signal per symbol (from the whale detector), if one is running. */
  whales?: (() => ReadonlyMap<string, WhaleSignal>) | undefined;
  /** The warm screener's fetch sizes and threads (defaults: see createLiveScreener). */
  live?: Omit<LiveScreenerOptions, 'config'> | undefined;
}

export interface ScanSummary {
  at: number;
  screened: number;
  skipped: number;
  proposed: number;
  stored: StoredSignal[];
  duplicates: number;
  rejected: number;
  expired: number;
  /** What the scan did to the warm screener (symbols loaded, candles pushed, feed requests). */
  screener: LiveScanStats | undefined;
}

export function createScanPipeline(deps: ScanPipelineDeps) {
  const config = resolveScreenerConfig(deps.screener);
  // Kept warm across scans: each scan feeds it only the candles that closed since the last one.
  const screener = createLiveScreener(deps.feed, { ...deps.live, config: deps.screener });
  return {
    /** Scans run one at a time (the screener chains overlapping ones). */
    async run(): Promise<ScanSummary> {
      const now = new Date(deps.clock.now());
      const expired = await deps.repos.signals.expireDue(now);
      const whales = deps.whales?.();
      const report = await screener.scan({
        top: deps.top,
        ...(whales ? { whales: Object.fromEntries(whales) } : {}),
      });
      const tickSizes = new Map<string, Decimal>(
        (await deps.feed.universe()).map((r) => [r.symbol as string, r.tickSize]),
      );
      const screened = report.results.filter((o) => !isSkip(o));
      const outcomes = await Promise.all(
        screened.map((screen) =>
          proposeSignal(
            screen,
            {
              timeframe: config.timeframes.primary,
              tickSize: tickSizes.get(screen.symbol),
              whale: whales?.get(screen.symbol),
            },
            { ...deps.analysts, clock: deps.clock, winProbability: deps.winProbability },
          ),
        ),
      );
      const drafts = outcomes.flatMap((o) => (o.signal ? [o.signal] : []));
      const rejectedDrafts = outcomes.flatMap((o) =>
        !o.signal && o.candidate?.status === 'REJECTED' ? [o.candidate] : [],
      );
      const results = await deps.repos.signals.insertBatch([...drafts, ...rejectedDrafts], {
        now,
        windowMs: deps.dedupWindowMs,
      });
      const stored: StoredSignal[] = [];
      let duplicates = 0;
      for (const r of results) {
        if (!r) continue;
        if (r.inserted) {
          if (r.signal.status === 'PENDING') stored.push(r.signal);
        } else duplicates++;
      }
      for (const signal of stored) {
        deps.events?.publish(null, {
          type: 'signal',
          at: now.getTime(),
          symbol: signal.symbol,
          data: { id: signal.id, direction: signal.direction, confidence: signal.combinedConfidence },
        });
      }
      const summary: ScanSummary = {
        at: report.at,
        screened: screened.length,
        skipped: report.results.length - screened.length,
        proposed: drafts.length,
        stored,
        duplicates,
        rejected: rejectedDrafts.length,
        expired,
        screener: screener.lastScan,
      };
      deps.logger.info(
        {
          ...summary,
          stored: stored.map((s) => `${s.symbol} ${s.direction} ${s.combinedConfidence}`),
        },
        'scan finished',
      );
      return summary;
    },
    /** Ends the warm screener (its worker threads, if it has any). */
    close: () => screener.close(),
  };
}

export type ScanPipeline = ReturnType<typeof createScanPipeline>;
