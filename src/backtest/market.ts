/**
 * Opening the market a backtest plays: recorded candles (a folder in the ../shared/data/market
 * format), the seeded synthetic market, or candles in memory (tests). The feed is positioned at
 * the start of the period with its history visible, the universe is selected the way a live scan
 * selects it (tradable USDT perpetuals, optionally the top N by 24h quote volume as of the start),
 * and the same candles can be replayed from the start for the baseline pass.
 */
import { performance } from 'node:perf_hooks';
import {
  type Candle,
  type CandleColumns,
  DAY_MS,
  DomainError,
  ErrorCode,
  type MarketSymbol,
  type SymbolRules,
  type Timeframe,
  timeframeMs,
  toColumns,
} from '../domain/index.js';
import {
  createMemoryFeed,
  createReplayFeed,
  createSyntheticFeed,
  type MemorySymbol,
  type ReplayFeed,
  type SimulatedFeed,
  SYNTHETIC_DEFAULT_START,
} from '../market/index.js';
import { selectUniverse } from '../screener/index.js';

export type MarketSpec =
  | {
      kind: 'replay';
      dir: string;
      /** Where parsed candle files are kept between runs (see market's parsed cache); none by default. */
      cacheDir?: string | undefined;
    }
  | { kind: 'synthetic'; seed: number; symbols?: number | undefined }
  | { kind: 'memory'; symbols: readonly MemorySymbol[] };

export interface MarketSelection {
  /** Only these symbols (a name the market lacks is an error). */
  symbols?: readonly string[] | undefined;
  /** The N symbols with the largest 24h quote volume at the start. */
  top?: number | undefined;
  from?: number | undefined;
  to?: number | undefined;
  baseTimeframe: Timeframe;
  /** Round the start up to this timeframe's boundary (the primary). */
  alignTo: Timeframe;
  /** Without `from`: this long after the first recorded candle (history for the indicators). */
  defaultWarmupMs: number;
}

export interface OpenedMarket {
  source: MarketSpec['kind'];
  feed: SimulatedFeed;
  rules: SymbolRules[];
  symbols: MarketSymbol[];
  excluded: { symbol: string; reason: string }[];
  from: number;
  to: number;
  loadSeconds: number;
  /** A fresh feed over the same candles, positioned at `from` (the baseline pass). */
  again(historyMs: number): Promise<SimulatedFeed>;
}

/** Default length of a synthetic backtest without `to`. */
export const SYNTHETIC_DEFAULT_DAYS = 30;

export async function openMarket(spec: MarketSpec, selection: MarketSelection): Promise<OpenedMarket> {
  const t0 = performance.now();
  const base = selection.baseTimeframe;
  const baseMs = timeframeMs(base);
  let feed: SimulatedFeed;
  let excluded: { symbol: string; reason: string }[] = [];
  let from: number;
  let to: number;
  if (spec.kind === 'synthetic') {
    from = align(selection.from ?? SYNTHETIC_DEFAULT_START, selection.alignTo);
    to = selection.to ?? from + SYNTHETIC_DEFAULT_DAYS * DAY_MS;
    feed = createSyntheticFeed({
      seed: spec.seed,
      symbols: spec.symbols,
      baseTimeframe: base,
      start: from,
      pace: 'manual',
    });
  } else {
    if (spec.kind === 'replay') {
      const replay = await createReplayFeed({
        dir: spec.dir,
        symbols: selection.symbols,
        baseTimeframe: base,
        pace: 'manual',
        cacheDir: spec.cacheDir,
      });
      excluded = replay.report.excluded.map(({ symbol, reason }) => ({ symbol, reason }));
      feed = replay;
    } else {
      feed = createMemoryFeed({ symbols: spec.symbols, pace: 'manual' });
    }
    const first = feed.clock.now();
    const end = (feed.endTime ?? first) + baseMs;
    from = align(selection.from ?? first + selection.defaultWarmupMs, selection.alignTo);
    to = Math.min(selection.to ?? end, end);
    if (from < first) from = align(first, selection.alignTo);
    feed.advanceTo(from);
  }
  if (!(to > from)) {
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      `the backtest period is empty: from ${iso(from)} to ${iso(to)}`,
      { details: { from, to } },
    );
  }
  const universe = await feed.universe();
  const names = new Set(universe.map((r) => r.symbol as string));
  const unknown = (selection.symbols ?? []).filter((s) => !names.has(s));
  if (unknown.length > 0) {
    throw new DomainError(ErrorCode.NOT_FOUND, `no candles for ${unknown.join(', ')} in this market`, {
      details: { symbols: unknown },
    });
  }
  const chosen = selectUniverse(universe, await feed.tickers(), {
    symbols: selection.symbols,
    top: selection.top,
  });
  for (const e of chosen.excluded) if (e.requested) excluded.push({ symbol: e.symbol, reason: e.reason });
  // A symbol whose recording lies wholly outside the period (listed after its end, or delisted
  // before its start) has nothing to trade: left out and said so, rather than played as an idle
  // symbol by one pass and missing from the baseline's (which replays only the period's candles).
  const spans = recordedSpans(spec, feed);
  const rules: SymbolRules[] = [];
  for (const r of chosen.selected) {
    const span = spans?.get(r.symbol);
    if (span === undefined || (span.last >= from && span.first < to)) rules.push(r);
    else
      excluded.push({
        symbol: r.symbol,
        reason: `no candles from ${iso(from)} to ${iso(to)} (recorded from ${iso(span.first)} to ${iso(span.last)})`,
      });
  }
  if (rules.length === 0 && chosen.selected.length > 0) {
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      `no symbol has candles from ${iso(from)} to ${iso(to)}: ${excluded.map((e) => `${e.symbol} (${e.reason})`).join('; ')}`,
      { details: { from, to, excluded } },
    );
  }
  // The feed publishes in the order of its universe; keep that order (determinism).
  const order = new Map(universe.map((r, i) => [r.symbol as string, i]));
  rules.sort((a, b) => order.get(a.symbol)! - order.get(b.symbol)!);
  const symbols = rules.map((r) => r.symbol);

  return {
    source: spec.kind,
    feed,
    rules,
    symbols,
    excluded,
    from,
    to,
    loadSeconds: (performance.now() - t0) / 1000,
    async again(historyMs) {
      const memory: MemorySymbol[] = [];
      for (const r of rules) {
        const candles = await feed.candleColumns(r.symbol, base, { from: from - historyMs, to: to - baseMs });
        // Selection kept only symbols with candles in the period (see above): one without would
        // be missing from this pass's universe, so it is a fault, said here rather than later.
        if (candles.openTime.length === 0)
          throw new Error(`backtest: no ${base} candles of ${r.symbol} from ${iso(from)} to ${iso(to)}`);
        memory.push({ symbol: r.symbol, timeframe: base, candles, rules: r });
      }
      const again = createMemoryFeed({ symbols: memory, pace: 'manual' });
      if (again.clock.now() < from) again.advanceTo(from);
      return again;
    },
  };
}

/**
 * Open times of each symbol's first and last recorded candle, where the market has a recording
 * (replayed files, candles in memory); undefined for the synthetic market, which trades every
 * symbol throughout.
 */
function recordedSpans(
  spec: MarketSpec,
  feed: SimulatedFeed,
): Map<string, { first: number; last: number }> | undefined {
  if (spec.kind === 'replay') {
    const { report } = feed as ReplayFeed;
    return new Map(report.symbols.map((s) => [s.symbol as string, { first: s.first, last: s.last }]));
  }
  if (spec.kind === 'memory') {
    const spans = new Map<string, { first: number; last: number }>();
    for (const s of spec.symbols) {
      // Either form the memory feed takes, read as the feed reads it (columns).
      const open = (
        Array.isArray(s.candles) ? toColumns(s.candles as Candle[]) : (s.candles as CandleColumns)
      ).openTime;
      if (open.length > 0) spans.set(s.symbol, { first: open[0]!, last: open[open.length - 1]! });
    }
    return spans;
  }
  return undefined;
}

function align(time: number, tf: Timeframe): number {
  const ms = timeframeMs(tf);
  return Math.ceil(time / ms) * ms;
}

const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : String(t));
