/**
 * createLiveScreener: the universe scan kept warm between scans, for a long-running scheduler.
 * Each scan selects the universe exactly as scanUniverse does (same selection, SKIPPED outcomes
 * and reasons, stale check, ranking, ScanReport: the code is shared, see scan.ts). Then:
 * - a symbol it has not seen is loaded from the feed (the last `candles` closed candles per
 *   timeframe, as scanUniverse fetches them);
 * - a symbol that left the selection, went stale or whose candles could not be had is dropped;
 * - a symbol it holds gets only the closed candles newer than the last one held per timeframe,
 *   pushed through its streaming indicators: O(1) per indicator per new candle, where a fresh
 *   scan pushes ~1,500 candles per symbol through them.
 *
 * A known symbol's new candles are fetched as { from: last held + 1, limit: tailCandles }: fewer
 * than the limit is all of them; a full tail may not be (a gap longer than the tail), so the
 * symbol is reloaded instead: no candle is skipped silently. A timeframe whose next candle cannot
 * have closed yet (closed candles only: openTime + timeframe <= now) is not asked for at all.
 *
 * Same numbers as a fresh scan as long as a fresh scan also sees every candle since the symbol
 * was loaded. Past `candles` (500: 5 days of 15m, 83 of 4h) they part in one way: the warm
 * indicators remember every candle since the load, a fresh scan's start from its window's first
 * candle, so the recursive ones (EMA, RSI, ATR) differ by what remains of that start (for the
 * EMA200 over 500 candles, (199/201)^300 ~ 5% of the seed's error; the 9/21/14 periods, none).
 *
 * One scan at a time: overlapping calls are chained.
 */
import { type CandleColumns, candleAt, type MarketSymbol, timeframeMs } from '../domain/index.js';
import type { MarketFeed } from '../market/index.js';
import { resolveScreenerConfig, type ScreenerOverrides } from './config.js';
import type { TimeframeRole } from './incremental.js';
import { createScreenerPool, type ScreenerPool } from './pool.js';
import {
  fetchHistory,
  isHistory,
  rankOutcomes,
  type ScanReport,
  staleSkip,
  startScan,
  unavailableSkip,
} from './scan.js';
import type { CandleRow, SymbolHistory } from './shard.js';
import type { ScreenSkip, WhaleSignal } from './types.js';
import type { UniverseOptions } from './universe.js';

export interface LiveScreenerOptions {
  config?: ScreenerOverrides | undefined;
  /** Closed candles loaded per timeframe for a symbol not held (as scanUniverse). Default 500. */
  candles?: number | undefined;
  /** Most new candles per timeframe fetched for a held symbol; a full tail reloads it. Default 8. */
  tailCandles?: number | undefined;
  /**
   * Worker threads. Default 0: warm, a scan of 500 symbols with one new candle each costs ~1 ms
   * in-process, and messaging a worker costs more than that.
   */
  workers?: number | undefined;
}

export interface LiveScanOptions extends UniverseOptions {
  /** Fresh whale signals by symbol. */
  whales?: Readonly<Record<string, WhaleSignal>> | undefined;
}

/** What a scan did to the warm state (for logs and tests). */
export interface LiveScanStats {
  /** Symbols loaded from a full history (new ones and reloads). */
  loaded: number;
  /** Of those, symbols held before whose gap was longer than the tail. */
  reloaded: number;
  /** Held symbols that got new candles. */
  updated: number;
  /** New candles pushed into held symbols. */
  candles: number;
  /** Symbols dropped (left the selection, went stale, candles unavailable, reloaded). */
  removed: number;
  /** Candle requests made to the feed. */
  requests: number;
}

export interface LiveScreener {
  scan(options?: LiveScanOptions): Promise<ScanReport>;
  /** What the last finished scan did. */
  readonly lastScan: LiveScanStats | undefined;
  /** Symbols held warm. */
  readonly size: number;
  /** Waits for a running scan, then ends the pool (its worker threads, if any). */
  close(): Promise<void>;
}

const ROLES: readonly TimeframeRole[] = ['primary', 'confirm', 'trend'];
/** Open time of the last candle held per role; -Infinity when none. */
type Held = Record<TimeframeRole, number>;
const RELOAD = Symbol('reload');
/** Symbols loaded between two yields to the event loop (~2 ms each in-process). */
const LOAD_CHUNK = 25;

const lastOpenTime = (c: CandleColumns | undefined): number =>
  c && c.openTime.length > 0 ? c.openTime[c.openTime.length - 1]! : Number.NEGATIVE_INFINITY;

export function createLiveScreener(feed: MarketFeed, options: LiveScreenerOptions = {}): LiveScreener {
  const config = resolveScreenerConfig(options.config);
  const { timeframes } = config;
  const limit = options.candles ?? 500;
  const tail = Math.floor(options.tailCandles ?? 8);
  if (!(tail >= 2)) throw new RangeError(`tailCandles must be at least 2 (got ${options.tailCandles})`);
  const workers = options.workers ?? 0;
  const newPool = () => createScreenerPool({ workers, config: options.config });
  let pool: ScreenerPool = newPool();
  const held = new Map<string, Held>();
  let lastScan: LiveScanStats | undefined;
  let closed = false;
  let chain: Promise<unknown> = Promise.resolve();

  /** A held symbol's new candles, or RELOAD when they may be more than the tail, or why it is SKIPPED. */
  async function fetchTail(
    symbol: MarketSymbol,
    last: Held,
    now: number,
    stats: LiveScanStats,
  ): Promise<{ rows: CandleRow[]; last: Held } | typeof RELOAD | ScreenSkip> {
    try {
      const parts = await Promise.all(
        ROLES.map(async (role) => {
          const size = timeframeMs(timeframes[role]);
          // The candle after the last one held closes at last + 2 x size: nothing new before then.
          if (now < last[role] + 2 * size) return undefined;
          stats.requests++;
          const from = Number.isFinite(last[role]) ? last[role] + 1 : 0;
          const cols = await feed.candleColumns(symbol, timeframes[role], { from, limit: tail });
          return cols.openTime.length >= tail ? RELOAD : cols;
        }),
      );
      if (parts.includes(RELOAD)) return RELOAD;
      const rows: CandleRow[] = [];
      const next = { ...last };
      ROLES.forEach((role, i) => {
        const c = parts[i] as CandleColumns | undefined;
        if (!c) return;
        for (let j = 0; j < c.openTime.length; j++) {
          const openTime = c.openTime[j]!;
          if (openTime <= next[role]) continue;
          next[role] = openTime;
          rows.push({
            symbol,
            role,
            candle: candleAt(c, j),
          });
        }
      });
      const stale = Number.isFinite(next.primary)
        ? staleSkip(symbol, timeframes.primary, next.primary, now)
        : undefined;
      return stale ?? { rows, last: next };
    } catch (err) {
      return unavailableSkip(symbol, err);
    }
  }

  async function run(scan: LiveScanOptions): Promise<ScanReport> {
    if (closed) throw new Error('the live screener is closed');
    const stats: LiveScanStats = { loaded: 0, reloaded: 0, updated: 0, candles: 0, removed: 0, requests: 0 };
    const { now, selection, outcomes } = await startScan(feed, scan);

    // Fetch first, change nothing: a scan that fails here leaves the warm state as it was.
    const selected = new Set<string>(selection.selected.map((r) => r.symbol));
    const drop = [...held.keys()].filter((s) => !selected.has(s));
    const loads: SymbolHistory[] = [];
    const rows: CandleRow[] = [];
    const moved: [string, Held][] = [];
    for (const r of selection.selected) {
      const symbol = r.symbol as MarketSymbol;
      const last = held.get(symbol);
      if (last) {
        const t = await fetchTail(symbol, last, now, stats);
        if (t !== RELOAD && !('direction' in t)) {
          if (t.rows.length > 0) {
            rows.push(...t.rows);
            moved.push([symbol, t.last]);
            stats.updated++;
          }
          continue;
        }
        drop.push(symbol);
        if (t !== RELOAD) {
          outcomes.push(t);
          continue;
        }
        stats.reloaded++;
      }
      stats.requests += 3;
      const h = await fetchHistory(feed, symbol, timeframes, limit, now);
      if (isHistory(h)) loads.push(h);
      else outcomes.push(h);
    }

    try {
      if (drop.length > 0) await pool.remove(drop);
      for (const s of drop) held.delete(s);
      for (let i = 0; i < loads.length; i += LOAD_CHUNK) {
        // In-process, loading blocks the thread (~2 ms a symbol): a chunk at a time, so that a
        // first scan of the universe does not stall the API for a second.
        if (i > 0) await new Promise((resolve) => setImmediate(resolve));
        const chunk = loads.slice(i, i + LOAD_CHUNK);
        await pool.load(chunk);
        for (const h of chunk)
          held.set(h.symbol, {
            primary: lastOpenTime(h.primary),
            confirm: lastOpenTime(h.confirm),
            trend: lastOpenTime(h.trend),
          });
      }
      for (const [s, last] of moved) held.set(s, last);
      outcomes.push(...(await pool.screen({ rows, whales: scan.whales })));
    } catch (err) {
      // The pool and `held` may disagree now: start cold next time rather than screen half-fed state.
      await pool.close().catch(() => undefined);
      pool = newPool();
      held.clear();
      throw err;
    }
    stats.loaded = loads.length;
    stats.candles = rows.length;
    stats.removed = drop.length;
    lastScan = stats;
    return { at: now, results: rankOutcomes(outcomes), excluded: selection.excluded };
  }

  return {
    scan(scan = {}) {
      const result = chain.then(() => run(scan));
      chain = result.catch(() => undefined);
      return result;
    },
    get lastScan() {
      return lastScan;
    },
    get size() {
      return held.size;
    },
    async close() {
      closed = true;
      await chain;
      await pool.close();
    },
  };
}
