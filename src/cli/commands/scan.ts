/**
 * `neurotrade scan [--data DIR --at ISO-TIME | --synthetic SEED] [--symbols A,B | --top N] [--json]`:
 * one screening pass, ranked. A table with the reasons for the top symbols, or with --json one
 * JSON array (one object per symbol: symbol, direction, score, qualityPenalty, fakePenalty,
 * metrics, reasons; skipped symbols with direction "SKIPPED" and the reason). Without --data or
 * --synthetic the configured MARKET is scanned.
 *
 * Seam for the analysts (issue 5): runScan returns the ranked rows; an `--analyst` option can
 * add a `signal` to each row in `toScanRow` without touching the screening.
 */
import type { Command } from 'commander';
import type { Decimal } from 'decimal.js';
import { createAnalysts, proposeSignal, signalToJson } from '../../analyst/index.js';
import { loadConfig } from '../../config/index.js';
import { epochMs, isDomainError, marketSymbol, timeframeMs } from '../../domain/index.js';
import {
  createMarketFeed,
  createReplayFeed,
  createSyntheticFeed,
  type MarketFeed,
  type ReplayFeed,
} from '../../market/index.js';
import {
  isSkip,
  resolveScreenerConfig,
  type ScanReport,
  type ScreenMetrics,
  type ScreenOutcome,
  scanUniverse,
  skipped,
} from '../../screener/index.js';
import { out, printJson, UsageError } from '../output.js';

export interface ScanArgs {
  data?: string | undefined;
  at?: string | undefined;
  synthetic?: string | undefined;
  symbols?: string | undefined;
  top?: string | undefined;
  json?: boolean | undefined;
  workers?: string | undefined;
  analyst?: string | undefined;
}

/** One line of `scan --json`. SKIPPED rows carry score 0 and null metrics so every row has one shape. */
export interface ScanRow {
  symbol: string;
  direction: ScreenOutcome['direction'];
  score: number;
  qualityPenalty: number;
  fakePenalty: number;
  metrics: ScreenMetrics | null;
  reasons: string[];
  reason?: string;
  source?: string | null;
  rawScore?: number;
  contributions?: { filter: string; points: number; note: string }[];
  candleTime?: string;
  /** With --analyst: the signal this symbol would produce, or null with `signalReason`. */
  signal?: ReturnType<typeof signalToJson> | null;
  signalReason?: string | null;
}

export function register(program: Command): void {
  program
    .command('scan')
    .description('screen the market once and print the ranked symbols with their reasons')
    .option('--data <dir>', 'replay recorded candles from a folder in the ../shared/data/market format')
    .option(
      '--at <iso-time>',
      'market time of the scan (with --data or --synthetic; default: end of the recording)',
    )
    .option('--synthetic <seed>', 'scan the seeded synthetic market')
    .option('--symbols <list>', 'comma-separated symbols, e.g. BTCUSDT,ETHUSDT')
    .option('--top <n>', 'only the N symbols with the largest 24h quote volume')
    .option('--workers <n>', 'worker threads (default: none below 100 symbols)')
    .option('--analyst <kind>', 'also propose a signal for each screened symbol: rule | llm')
    .option('--json', 'print one JSON array instead of a table')
    .action(async (args: ScanArgs) => {
      if (args.analyst !== undefined && args.analyst !== 'rule' && args.analyst !== 'llm') {
        throw new UsageError(`--analyst must be rule or llm (got "${args.analyst}")`);
      }
      const report = await runScan(args);
      const rows = report.results.map(toScanRow);
      if (args.analyst) await addSignals(report, rows, args.analyst);
      if (args.json) printJson(rows);
      else out(renderTable(report));
    });
}

function parseSymbols(list: string): string[] {
  const symbols = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (symbols.length === 0) throw new UsageError('--symbols needs at least one symbol, e.g. BTCUSDT,ETHUSDT');
  return symbols.map((s) => {
    try {
      return marketSymbol(s) as string;
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  });
}

function parseCount(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} must be a whole number >= ${min} (got "${text}")`);
  return n;
}

/** A scan report plus each scanned symbol's tick size, so proposed prices land on the tick. */
export type ScanRun = ScanReport & { tickSizes: ReadonlyMap<string, Decimal> };

export async function runScan(args: ScanArgs): Promise<ScanRun> {
  if (args.data !== undefined && args.synthetic !== undefined)
    throw new UsageError('use --data or --synthetic, not both');
  if (args.symbols !== undefined && args.top !== undefined)
    throw new UsageError('use --symbols or --top, not both');
  if (args.at !== undefined && args.data === undefined && args.synthetic === undefined) {
    throw new UsageError('--at needs --data or --synthetic (a live market is scanned now)');
  }
  const at = args.at === undefined ? undefined : Date.parse(args.at);
  if (at !== undefined && !Number.isFinite(at))
    throw new UsageError(`--at "${args.at}" is not an ISO-8601 time`);
  const symbols = args.symbols === undefined ? undefined : parseSymbols(args.symbols);
  const top = args.top === undefined ? undefined : parseCount('--top', args.top, 1);
  const workers = args.workers === undefined ? undefined : parseCount('--workers', args.workers, 0);

  const absent: { symbol: string; reason: string }[] = [];
  const feed = await openFeed(args, at, symbols, absent);
  try {
    const gone = new Set(absent.map((a) => a.symbol));
    const report = await scanUniverse(feed, { symbols: symbols?.filter((s) => !gone.has(s)), top, workers });
    const tickSizes = new Map((await feed.universe()).map((r) => [r.symbol as string, r.tickSize]));
    return {
      ...report,
      results: [...report.results, ...absent.map((a) => skipped(a.symbol, a.reason))],
      tickSizes,
    };
  } finally {
    await feed.close();
  }
}

/** The feed to scan; symbols a recording cannot provide go to `absent` with the reason. */
async function openFeed(
  args: ScanArgs,
  at: number | undefined,
  symbols: string[] | undefined,
  absent: { symbol: string; reason: string }[],
): Promise<MarketFeed> {
  const primary = resolveScreenerConfig().timeframes.primary;
  if (args.data !== undefined) {
    const dir = args.data;
    // Held at the primary timeframe: an exact file when there is one, else aggregated from finer.
    const open = (list: string[] | undefined) =>
      createReplayFeed({ dir, symbols: list, baseTimeframe: primary, start: at, pace: 'manual' });
    let feed: ReplayFeed;
    try {
      feed = await open(symbols);
    } catch (err) {
      const missing = isDomainError(err, 'NOT_FOUND')
        ? (err.details?.['symbols'] as string[] | undefined)
        : undefined;
      if (!missing || !symbols) throw unreadable(dir, err);
      for (const symbol of missing)
        absent.push({ symbol, reason: `no recorded candles for ${symbol} in ${dir}` });
      const rest = symbols.filter((s) => !missing.includes(s));
      if (rest.length === 0) throw new UsageError(`none of the symbols has recorded candles in ${dir}`);
      feed = await open(rest).catch((e: unknown) => {
        throw unreadable(dir, e);
      });
    }
    for (const e of feed.report.excluded) absent.push({ symbol: e.symbol, reason: e.reason });
    // Default: the end of the recording (the close of its last candle).
    if (at === undefined && feed.endTime !== undefined) feed.advanceTo(feed.endTime + timeframeMs(primary));
    return feed;
  }
  if (args.synthetic !== undefined) {
    const seed = parseCount('--synthetic', args.synthetic, 0);
    return createSyntheticFeed({ seed, symbols: loadConfig().SYNTHETIC_SYMBOLS, start: at, pace: 'manual' });
  }
  return createMarketFeed(loadConfig(), { pace: 'manual' });
}

function unreadable(dir: string, err: unknown): Error {
  if (isDomainError(err) || (err as NodeJS.ErrnoException)?.code === 'ENOENT') {
    return new UsageError(`cannot read market data in ${dir}: ${(err as Error).message}`);
  }
  return err as Error;
}

/**
 * Run the analysts over every screened symbol (the same proposeSignal the scheduler uses) and put
 * each symbol's signal, or null and the reason, on its row. Answers are cached in memory only:
 * `scan` is a read-only look and writes nothing to the store.
 */
async function addSignals(report: ScanRun, rows: ScanRow[], kind: 'rule' | 'llm'): Promise<void> {
  const clock = { now: () => epochMs(report.at) };
  const { analyst, vision, combine } = createAnalysts(loadConfig(), { clock, kind });
  const timeframe = resolveScreenerConfig().timeframes.primary;
  await Promise.all(
    report.results.map(async (outcome, i) => {
      const row = rows[i]!;
      if (isSkip(outcome)) {
        row.signal = null;
        row.signalReason = outcome.reason;
        return;
      }
      const tickSize = report.tickSizes.get(outcome.symbol);
      const result = await proposeSignal(
        outcome,
        { timeframe, tickSize },
        { analyst, vision, combine, clock },
      );
      row.signal = result.signal ? signalToJson(result.signal) : null;
      row.signalReason = result.reason;
    }),
  );
}

export function toScanRow(o: ScreenOutcome): ScanRow {
  if (isSkip(o)) {
    return {
      symbol: o.symbol,
      direction: 'SKIPPED',
      score: 0,
      qualityPenalty: 0,
      fakePenalty: 0,
      metrics: null,
      reason: o.reason,
      reasons: o.reasons,
    };
  }
  return {
    symbol: o.symbol,
    direction: o.direction,
    score: o.score,
    qualityPenalty: o.qualityPenalty,
    fakePenalty: o.fakePenalty,
    metrics: o.metrics,
    reasons: o.reasons,
    source: o.source,
    rawScore: o.rawScore,
    contributions: o.contributions.map(({ filter, points, note }) => ({ filter, points, note })),
    candleTime: new Date(o.candleTime).toISOString(),
  };
}

const num = (x: number | null, digits = 4) => (x === null ? '-' : Number(x.toPrecision(digits)).toString());

export function renderTable(report: ScanReport, reasonsFor = 5): string {
  const lines = [`scan at ${new Date(report.at).toISOString()}`, ''];
  const header = ['#', 'symbol', 'direction', 'score', 'quality', 'fake', 'price', 'RSI', 'ATR%', 'source'];
  const rows = report.results.map((o, i) =>
    isSkip(o)
      ? [String(i + 1), o.symbol, 'SKIPPED', '-', '-', '-', '-', '-', '-', o.reason]
      : [
          String(i + 1),
          o.symbol,
          o.direction,
          String(o.score),
          o.qualityPenalty > 0 ? `-${o.qualityPenalty}` : '0',
          o.fakePenalty > 0 ? `-${o.fakePenalty}` : '0',
          num(o.metrics.price, 6),
          num(o.metrics.rsi, 3),
          num(o.metrics.atrPct, 2),
          o.source ?? '-',
        ],
  );
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (c === 9 ? 0 : r[c]!.length))));
  const fmtRow = (r: string[]) => r.map((cell, c) => (c === 9 ? cell : cell.padEnd(widths[c]!))).join('  ');
  lines.push(fmtRow(header), ...rows.map(fmtRow));
  const top = report.results.filter((o) => !isSkip(o) && o.direction !== 'NEUTRAL').slice(0, reasonsFor);
  for (const o of top) lines.push('', `${o.symbol} ${o.direction}:`, ...o.reasons.map((r) => `  - ${r}`));
  const others = report.excluded.filter((e) => !e.requested).length;
  if (others > 0) lines.push('', `${others} symbol(s) outside the selection (not tradable or outside --top)`);
  return lines.join('\n');
}
