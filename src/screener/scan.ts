/**
 * scanUniverse: one screening pass over the market a feed shows. Execution-aware selection, the
 * three timeframes of closed candles per symbol from the feed (its candle cache), screened on a
 * pool of worker threads, ranked. (A long-running scheduler keeps its screener warm instead and
 * feeds it only the closed candles that are new: createLiveScreener in live.ts, which shares the
 * selection and the fetch below.) A symbol whose candles cannot be had is SKIPPED with the reason;
 * the scan itself fails only when the feed cannot list the universe.
 */
import { availableParallelism } from 'node:os';
import { isDomainError, type MarketSymbol, type Timeframe, timeframeMs } from '../domain/index.js';
import type { MarketFeed } from '../market/index.js';
import { resolveScreenerConfig, type ScreenerConfig, type ScreenerOverrides } from './config.js';
import { createScreenerPool } from './pool.js';
import { skipped } from './screen.js';
import type { SymbolHistory } from './shard.js';
import { isSkip, type RankOutcome, type ScreenOutcome, type ScreenSkip, type WhaleSignal } from './types.js';
import {
  type ExcludedSymbol,
  selectUniverse,
  type UniverseOptions,
  type UniverseSelection,
} from './universe.js';

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
export function rankOutcomes<T extends RankOutcome>(outcomes: readonly T[]): T[] {
  // Direction rank, then score descending, then symbol: a total order (symbols are unique, scores
  // finite integers), so every stable sort gives the same list. A backtest ranks a few dozen
  // outcomes per scan, tens of thousands of times: for short lists an insertion sort on keys read
  // once per outcome; long lists (a live universe) keep the library sort.
  const n = outcomes.length;
  if (n > INSERTION_SORT_MAX) {
    return [...outcomes].sort(
      (a, b) =>
        RANK[a.direction] - RANK[b.direction] ||
        rankScore(b) - rankScore(a) ||
        (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
    );
  }
  const out: T[] = new Array(n);
  const ranks: number[] = new Array(n);
  const scores: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = outcomes[i] as T;
    const rank = RANK[o.direction];
    const score = rankScore(o);
    let j = i;
    while (j > 0) {
      const p = out[j - 1] as T;
      const byRank = rank - (ranks[j - 1] as number);
      const byScore = (scores[j - 1] as number) - score;
      const c = byRank || byScore || (o.symbol < p.symbol ? -1 : o.symbol > p.symbol ? 1 : 0);
      if (!(c < 0)) break;
      out[j] = p;
      ranks[j] = ranks[j - 1] as number;
      scores[j] = scores[j - 1] as number;
      j--;
    }
    out[j] = o;
    ranks[j] = rank;
    scores[j] = score;
  }
  return out;
}

const INSERTION_SORT_MAX = 64;

const rankScore = (o: RankOutcome): number =>
  isSkip(o) ? -1 : o.direction === 'NEUTRAL' ? o.rawScore : o.score;

/** The start both scans share: the clock, the selection, requested-but-excluded symbols as SKIPPED. */
export interface ScanStart {
  /** Market time of the scan (the feed's clock, read once the universe is in). */
  now: number;
  selection: UniverseSelection;
  outcomes: ScreenOutcome[];
}

export async function startScan(feed: MarketFeed, options: UniverseOptions): Promise<ScanStart> {
  const [rules, tickers] = await Promise.all([feed.universe(), feed.tickers()]);
  const selection = selectUniverse(rules, tickers, options);
  const outcomes: ScreenOutcome[] = selection.excluded
    .filter((e) => e.requested)
    .map((e) => skipped(e.symbol, e.reason));
  return { now: feed.clock.now(), selection, outcomes };
}

/** SKIPPED when the last closed primary candle (its open time) is two candles or more behind `now`. */
export function staleSkip(
  symbol: string,
  primary: Timeframe,
  lastOpenTime: number,
  now: number,
): ScreenSkip | undefined {
  const lastClose = lastOpenTime + timeframeMs(primary);
  if (!(now - lastClose >= 2 * timeframeMs(primary))) return undefined;
  return skipped(symbol, `stale: last ${primary} candle closed ${new Date(lastClose).toISOString()}`);
}

/** A feed's domain error (unknown symbol, bad data) SKIPS the symbol; anything else fails the scan. */
export function unavailableSkip(symbol: string, err: unknown): ScreenSkip {
  if (!isDomainError(err)) throw err;
  return skipped(symbol, `candles unavailable: ${err.message}`);
}

/** The last `limit` closed candles of each role's timeframe, or why the symbol is SKIPPED. */
export async function fetchHistory(
  feed: MarketFeed,
  symbol: MarketSymbol,
  timeframes: ScreenerConfig['timeframes'],
  limit: number,
  now: number,
): Promise<SymbolHistory | ScreenSkip> {
  try {
    const [p, c, t] = await Promise.all([
      feed.candleColumns(symbol, timeframes.primary, { limit }),
      feed.candleColumns(symbol, timeframes.confirm, { limit }),
      feed.candleColumns(symbol, timeframes.trend, { limit }),
    ]);
    const n = p.openTime.length;
    const stale = n > 0 ? staleSkip(symbol, timeframes.primary, p.openTime[n - 1]!, now) : undefined;
    return stale ?? { symbol, primary: p, confirm: c, trend: t };
  } catch (err) {
    return unavailableSkip(symbol, err);
  }
}

export const isHistory = (h: SymbolHistory | ScreenSkip): h is SymbolHistory => !('direction' in h);

export async function scanUniverse(feed: MarketFeed, options: ScanOptions = {}): Promise<ScanReport> {
  const config = resolveScreenerConfig(options.config);
  const limit = options.candles ?? 500;
  const { now, selection, outcomes } = await startScan(feed, options);
  const histories: SymbolHistory[] = [];
  for (const r of selection.selected) {
    const h = await fetchHistory(feed, r.symbol as MarketSymbol, config.timeframes, limit, now);
    if (isHistory(h)) histories.push(h);
    else outcomes.push(h);
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
