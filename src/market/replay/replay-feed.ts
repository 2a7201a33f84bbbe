/**
 * The replay feed: recorded candles (and recorded liquidations, if any) played on a clock.
 * Each symbol is held at one base timeframe (its finest file, or `baseTimeframe` for all) and
 * every coarser timeframe is aggregated from it. Liquidations come only from recorded files.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DomainError,
  ErrorCode,
  isDomainError,
  marketSymbol,
  type SymbolRules,
  type Timeframe,
} from '../../domain/index.js';
import type { BadCandle, BadRowPolicy } from '../candle-check.js';
import type { SimulatedFeed } from '../feed.js';
import { LiquidationTape } from '../liquidation-tape.js';
import { RULES_FILE, rulesFromJson } from '../rules-file.js';
import { CandleSeries } from '../series.js';
import { createSimulatedFeed, type SimulatedFeedOptions } from '../simulated-feed.js';
import type { CandleGap } from '../timeframes.js';
import { chooseFile, loadLiquidations, loadSymbol, scanCandleFiles } from './load.js';
import { loadSymbolCached } from './parsed-cache.js';

export interface ReplayFeedOptions extends SimulatedFeedOptions {
  /** A folder in the format of ../shared/data/market. */
  dir: string;
  /** Load only these symbols (all found when absent); a missing one is a NOT_FOUND error. */
  symbols?: readonly string[] | undefined;
  /** Hold every symbol at this timeframe (finer files are aggregated up; symbols with only
   * coarser files are excluded). Default: each symbol at its finest file. */
  baseTimeframe?: Timeframe | undefined;
  /** 'error' (default): a bad row stops loading with a message naming file, symbol and time.
   * 'skip': bad rows are left out and listed in `report`. */
  onBadRow?: BadRowPolicy | undefined;
  /**
   * A folder for what the candle files parse into (./parsed-cache.ts): a later load of a file
   * unchanged since reads its numbers instead of parsing it again. None by default.
   */
  cacheDir?: string | undefined;
}

export interface ReplaySymbolReport {
  symbol: string;
  timeframe: Timeframe;
  file: string;
  rows: number;
  first: number;
  last: number;
  gaps: CandleGap[];
  skipped: BadCandle[];
  incompleteBuckets: number;
  rules: 'rules.json' | 'inferred';
}

export interface ReplayReport {
  dir: string;
  symbols: ReplaySymbolReport[];
  excluded: { symbol: string; reason: string }[];
  liquidations: {
    files: string[];
    events: number;
    skipped: { file: string; line: number; reason: string }[];
  };
}

export interface ReplayFeed extends SimulatedFeed {
  readonly kind: 'replay';
  /** What was loaded, what was left out and why. */
  readonly report: ReplayReport;
}

export async function createReplayFeed(options: ReplayFeedOptions): Promise<ReplayFeed> {
  const onBadRow = options.onBadRow ?? 'error';
  const files = await scanCandleFiles(options.dir);
  const wanted = options.symbols?.map((s) => marketSymbol(s) as string);
  if (wanted) {
    const missing = wanted.filter((s) => !files.has(s));
    if (missing.length > 0) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `no candle file for ${missing.join(', ')} in ${options.dir}`,
        {
          details: { symbols: missing, dir: options.dir },
        },
      );
    }
  }
  const excluded: ReplayReport['excluded'] = [];
  const chosen = [];
  for (const symbol of wanted ?? [...files.keys()].sort()) {
    const list = files.get(symbol)!;
    if (!symbol.endsWith('USDT') || !/^[A-Z0-9]{2,30}$/.test(symbol)) {
      excluded.push({ symbol, reason: 'not a USDT-margined Binance futures symbol name' });
      continue;
    }
    const file = chooseFile(list, options.baseTimeframe);
    if (!file) {
      excluded.push({
        symbol,
        reason: `recorded only at ${list.map((f) => f.timeframe).join(', ')}, coarser than ${options.baseTimeframe}`,
      });
      continue;
    }
    chosen.push(file);
  }
  const [loaded, liquidations, rulesJson] = await Promise.all([
    Promise.all(
      chosen.map((f) =>
        options.cacheDir === undefined
          ? loadSymbol(f, options.baseTimeframe, onBadRow)
          : loadSymbolCached(f, options.baseTimeframe, onBadRow, options.cacheDir),
      ),
    ),
    loadLiquidations(options.dir, onBadRow),
    readRules(options.dir),
  ]);

  const rules: SymbolRules[] = [];
  const series = new Map<string, CandleSeries>();
  const reports: ReplaySymbolReport[] = [];
  for (const l of loaded) {
    const n = l.columns.openTime.length;
    if (n === 0) {
      excluded.push({ symbol: l.symbol, reason: `${l.file} holds no usable candles` });
      continue;
    }
    const recorded = rulesJson?.get(l.symbol);
    const c = l.columns;
    rules.push(recorded ?? l.inferredRules);
    series.set(l.symbol, new CandleSeries(l.symbol, l.timeframe, c, { volumeDecimals: l.volumeDecimals }));
    reports.push({
      symbol: l.symbol,
      timeframe: l.timeframe,
      file: l.file,
      rows: n,
      first: c.openTime[0]!,
      last: c.openTime[n - 1]!,
      gaps: l.gaps,
      skipped: l.skipped,
      incompleteBuckets: l.incompleteBuckets,
      rules: recorded ? 'rules.json' : 'inferred',
    });
  }
  if (rules.length === 0) {
    throw new DomainError(ErrorCode.NOT_FOUND, `no usable candle files in ${options.dir}`, {
      details: { dir: options.dir, excluded },
    });
  }
  const tape = new LiquidationTape();
  tape.append(liquidations.events);
  const report: ReplayReport = {
    dir: options.dir,
    symbols: reports,
    excluded,
    liquidations: {
      files: liquidations.files,
      events: liquidations.events.length,
      skipped: liquidations.skipped,
    },
  };
  const feed = createSimulatedFeed(
    {
      kind: 'replay',
      rules,
      series,
      liquidations: tape,
      ensureUntil: () => {},
      endTime: Math.max(...reports.map((r) => r.last)),
      defaultStart: Math.min(...reports.map((r) => r.first)),
    },
    options,
  );
  return Object.assign(feed, { kind: 'replay' as const, report });
}

async function readRules(dir: string): Promise<Map<string, SymbolRules> | undefined> {
  const path = join(dir, RULES_FILE);
  if (!existsSync(path)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if (isDomainError(err)) throw err;
    throw new DomainError(ErrorCode.BAD_DATA, `${path}: not valid JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  return new Map(rulesFromJson(json, path).map((r) => [r.symbol as string, r]));
}
