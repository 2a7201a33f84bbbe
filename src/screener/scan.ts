/**
 * scanUniverse: one screening pass over the market a feed shows. Execution-aware selection, the
 * three timeframes of closed candles per symbol from the feed (its candle cache), screened on a
 * pool of worker threads, ranked. (A long-running scheduler keeps its own pool warm instead and
 * feeds it one closed candle at a time: createScreenerPool + update/screen.) A symbol whose candles cannot be had is SKIPPED with the
 * reason; the scan itself fails only when the feed cannot list the universe.
 */
import { availableParallelism } from 'node:os';
import { isDomainError, type MarketSymbol, timeframeMs } from '../domain/index.js';
import type { MarketFeed } from '../market/index.js';
import { resolveScreenerConfig, type ScreenerOverrides } from './config.js';
import { createScreenerPool } from './pool.js';
import { skipped } from './screen.js';
import type { SymbolHistory } from './shard.js';
import { isSkip, type ScreenOutcome, type WhaleSignal } from './types.js';
import { type ExcludedSymbol, selectUniverse, type UniverseOptions } from './universe.js';

export interface ScanOptions extends UniverseOptions {
  config?: ScreenerOverrides | undefined;
  /** Closed candles fetched per timeframe (the trend EMA200 needs 200 + warm-up). Default 500. */
  candles?: number | undefined;
  /** Worker threads; default: none below 100 symbols (start-up costs more than it saves). */
  workers?: number | undefined;
  /** Fresh whale signals by symbol. */
  whales?: Readonly<Record<string, WhaleSignal>> | undefined;
}

export interface ScanReport {
  /** Market time of the scan (the feed's clock). */
  at: number;
  /** Ranked: directional by score, then NEUTRAL, then SKIPPED. Requested-but-excluded symbols are SKIPPED here. */
  results: ScreenOutcome[];
  /** Everything left out of the universe, with the reason (requested ones also appear in results). */
  excluded: ExcludedSymbol[];
}

const RANK = { LONG: 0, SHORT: 0, NEUTRAL: 1, SKIPPED: 2 } as const;

/** Directional results by score (highest first), then NEUTRAL, then SKIPPED; ties by symbol. */
export function rankOutcomes(outcomes: readonly ScreenOutcome[]): ScreenOutcome[] {
  const score = (o: ScreenOutcome) => (isSkip(o) ? -1 : o.direction === 'NEUTRAL' ? o.rawScore : o.score);
  return [...outcomes].sort(
    (a, b) =>
      RANK[a.direction] - RANK[b.direction] ||
      score(b) - score(a) ||
      (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
  );
}

export async function scanUniverse(feed: MarketFeed, options: ScanOptions = {}): Promise<ScanReport> {
  const config = resolveScreenerConfig(options.config);
  const { primary, confirm, trend } = config.timeframes;
  const limit = options.candles ?? 500;
  const [rules, tickers] = await Promise.all([feed.universe(), feed.tickers()]);
  const selection = selectUniverse(rules, tickers, options);
  const outcomes: ScreenOutcome[] = selection.excluded
    .filter((e) => e.requested)
    .map((e) => skipped(e.symbol, e.reason));

  const now = feed.clock.now();
  const histories: SymbolHistory[] = [];
  for (const r of selection.selected) {
    const symbol = r.symbol as MarketSymbol;
    try {
      const [p, c, t] = await Promise.all([
        feed.candleColumns(symbol, primary, { limit }),
        feed.candleColumns(symbol, confirm, { limit }),
        feed.candleColumns(symbol, trend, { limit }),
      ]);
      const n = p.openTime.length;
      const lastClose = n > 0 ? p.openTime[n - 1]! + timeframeMs(primary) : Number.NaN;
      if (n > 0 && now - lastClose >= 2 * timeframeMs(primary)) {
        outcomes.push(
          skipped(symbol, `stale: last ${primary} candle closed ${new Date(lastClose).toISOString()}`),
        );
        continue;
      }
      histories.push({ symbol, primary: p, confirm: c, trend: t });
    } catch (err) {
      if (!isDomainError(err)) throw err;
      outcomes.push(skipped(symbol, `candles unavailable: ${err.message}`));
    }
  }

  const workers = options.workers ?? (histories.length >= 100 ? availableParallelism() : 0);
  const pool = createScreenerPool({ workers, config: options.config });
  try {
    await pool.load(histories);
    outcomes.push(...(await pool.screen({ mode: 'incremental', whales: options.whales })));
  } finally {
    await pool.close();
  }
  return { at: now, results: rankOutcomes(outcomes), excluded: selection.excluded };
}
