/**
 * Reading a recorded-market folder: `<timeframe>/<SYMBOL>.csv[.gz]` candle files, optional
 * `rules.json`, optional `streams/*.csv` liquidations. Files are read and gunzipped concurrently
 * (zlib runs on the libuv pool) and parsed from bytes. The 20 recorded symbols of
 * ../shared/data/market (17 at 5m, 3 at 1m, ~1.1 M rows) load in ~0.8 s in a fresh process;
 * ./parsed-cache.ts keeps what they parse into for later runs (~0.3 s).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import {
  type CandleColumns,
  DomainError,
  ErrorCode,
  isTimeframe,
  type Liquidation,
  type SymbolRules,
  type Timeframe,
  timeframeMs,
} from '../../domain/index.js';
import type { BadCandle, BadRowPolicy } from '../candle-check.js';
import { parseCandleCsv } from '../csv.js';
import { parseLiquidationCsv, type SkippedRow } from '../liquidation-csv.js';
import { decimalPlaces, inferRules } from '../rules-file.js';
import { aggregateCandles, type CandleGap, canAggregate, findGaps } from '../timeframes.js';

const gunzipAsync = promisify(gunzip);

export interface CandleFile {
  symbol: string;
  timeframe: Timeframe;
  path: string;
}

/** Every candle file in the folder, by symbol, finest timeframe first. */
export async function scanCandleFiles(dir: string): Promise<Map<string, CandleFile[]>> {
  if (!existsSync(dir)) {
    throw new DomainError(ErrorCode.NOT_FOUND, `market data folder ${dir} does not exist`, {
      details: { dir },
    });
  }
  const bySymbol = new Map<string, CandleFile[]>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !isTimeframe(entry.name)) continue;
    const timeframe = entry.name;
    const names = await readdir(join(dir, timeframe));
    for (const name of names.sort()) {
      const m = /^([^.]+)\.csv(\.gz)?$/.exec(name);
      if (!m) continue;
      const symbol = m[1]!;
      const list = bySymbol.get(symbol) ?? [];
      const existing = list.find((f) => f.timeframe === timeframe);
      // SYMBOL.csv and SYMBOL.csv.gz both present: the gzipped one is what downloads write.
      if (existing && !m[2]) continue;
      if (existing) existing.path = join(dir, timeframe, name);
      else list.push({ symbol, timeframe, path: join(dir, timeframe, name) });
      bySymbol.set(symbol, list);
    }
  }
  for (const list of bySymbol.values())
    list.sort((a, b) => timeframeMs(a.timeframe) - timeframeMs(b.timeframe));
  return bySymbol;
}

export async function readCandleBytes(path: string): Promise<Buffer> {
  const raw = await readFile(path);
  if (!path.endsWith('.gz')) return raw;
  try {
    return await gunzipAsync(raw);
  } catch (err) {
    throw new DomainError(
      ErrorCode.BAD_DATA,
      `${path}: not a readable gzip file (${(err as Error).message})`,
      {
        cause: err,
      },
    );
  }
}

export interface LoadedSymbol {
  symbol: string;
  /** The timeframe the feed holds it at. */
  timeframe: Timeframe;
  /** The file read (its timeframe may be finer than `timeframe` when aggregated up). */
  file: string;
  columns: CandleColumns;
  gaps: CandleGap[];
  skipped: BadCandle[];
  /** Buckets left out when aggregating up because base candles were missing. */
  incompleteBuckets: number;
  /** Decimal places of the recorded volumes (exact aggregation), undefined when unclear. */
  volumeDecimals: number | undefined;
  /** Rules guessed from the recorded file (used when the folder has no rules.json). */
  inferredRules: SymbolRules;
}

/**
 * Choose the file for a symbol: exactly `base` when present, else the finest finer file that
 * aggregates into `base`; without `base`, the finest file. Undefined when none fits.
 */
export function chooseFile(
  files: readonly CandleFile[],
  base: Timeframe | undefined,
): CandleFile | undefined {
  if (!base) return files[0];
  return files.find((f) => f.timeframe === base) ?? files.find((f) => canAggregate(f.timeframe, base));
}

export async function loadSymbol(
  file: CandleFile,
  base: Timeframe | undefined,
  onBadRow: BadRowPolicy,
): Promise<LoadedSymbol> {
  const bytes = await readCandleBytes(file.path);
  const parsed = parseCandleCsv(bytes, {
    file: file.path,
    symbol: file.symbol,
    timeframe: file.timeframe,
    onBadRow,
  });
  const target = base ?? file.timeframe;
  let columns = parsed.columns;
  const volumeDecimals = decimalPlaces([columns.volume], 8);
  const inferredRules = inferRules(
    file.symbol,
    [columns.open, columns.high, columns.low, columns.close],
    columns.volume,
  );
  let incompleteBuckets = 0;
  const gaps = findGaps(columns.openTime, file.timeframe);
  if (target !== file.timeframe) {
    // Only whole buckets become base candles: an aggregated candle is exact or absent.
    const agg = aggregateCandles(columns, file.timeframe, target, { volumeDecimals });
    const keep: number[] = [];
    for (let i = 0; i < agg.complete.length; i++) if (agg.complete[i] === 1) keep.push(i);
    incompleteBuckets = agg.complete.length - keep.length;
    columns = keep.length === agg.complete.length ? agg.candles : pick(agg.candles, keep);
  }
  return {
    symbol: file.symbol,
    timeframe: target,
    file: file.path,
    columns,
    gaps,
    skipped: parsed.skipped,
    incompleteBuckets,
    volumeDecimals,
    inferredRules,
  };
}

function pick(cols: CandleColumns, rows: number[]): CandleColumns {
  const take = (a: Float64Array) => Float64Array.from(rows, (i) => a[i]!);
  return {
    openTime: take(cols.openTime),
    open: take(cols.open),
    high: take(cols.high),
    low: take(cols.low),
    close: take(cols.close),
    volume: take(cols.volume),
  };
}

export interface LoadedLiquidations {
  files: string[];
  events: Liquidation[];
  skipped: (SkippedRow & { file: string })[];
}

/** Every `streams/*.csv` liquidation file; none is fine (no liquidations are invented). */
export async function loadLiquidations(dir: string, onBadRow: BadRowPolicy): Promise<LoadedLiquidations> {
  const streams = join(dir, 'streams');
  const result: LoadedLiquidations = { files: [], events: [], skipped: [] };
  if (!existsSync(streams)) return result;
  for (const name of (await readdir(streams)).sort()) {
    if (!name.endsWith('.csv') && !name.endsWith('.csv.gz')) continue;
    const path = join(streams, name);
    const bytes = await readCandleBytes(path);
    const parsed = parseLiquidationCsv(bytes.toString('utf8'), { file: path, onBadRow });
    result.files.push(path);
    result.events.push(...parsed.events);
    result.skipped.push(...parsed.skipped.map((s) => ({ ...s, file: path })));
  }
  result.events.sort((a, b) => a.time - b.time);
  return result;
}
