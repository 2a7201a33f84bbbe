/**
 * History download into the replay format: `<out>/<timeframe>/<SYMBOL>.csv.gz` plus the symbols'
 * exchange rules in `<out>/rules.json`. Resumable: an existing file is read (a truncated tail from
 * an interrupted run is tolerated and trimmed to the last whole row) and only the candles after
 * its last row are fetched. New rows are appended as gzip members every few thousand candles
 * (a multi-member gzip file is still one valid gzip stream), so an interruption loses little.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import {
  type CandleColumns,
  DAY_MS,
  DomainError,
  ErrorCode,
  type MarketSymbol,
  marketSymbol,
  type SymbolRules,
  type Timeframe,
  timeframeMs,
} from '../domain/index.js';
import type { BinanceFeed } from './binance/binance-feed.js';
import { CANDLE_CSV_HEADER, formatCandleCsv, parseCandleCsv } from './csv.js';
import { RULES_FILE, rulesFromJson, rulesToJson } from './rules-file.js';

export interface DownloadProgress {
  symbol: MarketSymbol;
  /** Candles written so far for this symbol in this run. */
  fetched: number;
  /** Candles this run expects to write for the symbol. */
  expected: number;
  done: boolean;
}

export interface DownloadOptions {
  symbols: readonly string[];
  timeframe: Timeframe;
  /** How far back from now the file should start (a new file; an existing one is extended). */
  days: number;
  outDir: string;
  feed: Pick<BinanceFeed, 'candlePages' | 'clock' | 'universe'>;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Rows per appended gzip member; default 5,000. */
  flushRows?: number | undefined;
}

export interface DownloadedFile {
  symbol: MarketSymbol;
  path: string;
  /** Rows already in the file before this run (after trimming a damaged tail). */
  existing: number;
  added: number;
  firstOpenTime: number | undefined;
  lastOpenTime: number | undefined;
}

export async function downloadHistory(options: DownloadOptions): Promise<DownloadedFile[]> {
  if (!(options.days > 0))
    throw new DomainError(ErrorCode.VALIDATION_FAILED, `days must be positive (got ${options.days})`);
  const symbols = options.symbols.map((s) => marketSymbol(s));
  const universe = new Map((await options.feed.universe()).map((r) => [r.symbol as string, r]));
  const unknown = symbols.filter((s) => !universe.has(s));
  if (unknown.length > 0) {
    throw new DomainError(
      ErrorCode.NOT_FOUND,
      `${unknown.join(', ')}: not a trading USDT-margined perpetual on this exchange`,
      { details: { symbols: unknown } },
    );
  }
  const dir = join(options.outDir, options.timeframe);
  await mkdir(dir, { recursive: true });
  const results: DownloadedFile[] = [];
  for (const symbol of symbols) results.push(await downloadSymbol(symbol, dir, options));
  await mergeRules(
    options.outDir,
    symbols.map((s) => universe.get(s)!),
  );
  return results;
}

async function downloadSymbol(
  symbol: MarketSymbol,
  dir: string,
  options: DownloadOptions,
): Promise<DownloadedFile> {
  const { timeframe } = options;
  const size = timeframeMs(timeframe);
  const path = join(dir, `${symbol}.csv.gz`);
  const now = options.feed.clock.now();
  const lastClosedOpen = Math.floor(now / size) * size - size;
  const existing = existsSync(path) ? await readExisting(path, symbol, timeframe) : undefined;
  const existingRows = existing?.openTime.length ?? 0;
  const lastExisting = existingRows > 0 ? existing!.openTime[existingRows - 1]! : undefined;
  const start =
    lastExisting !== undefined ? lastExisting + size : Math.ceil((now - options.days * DAY_MS) / size) * size;
  const expected = Math.max(0, (lastClosedOpen - start) / size + 1);
  const flushRows = options.flushRows ?? 5_000;
  let pending: CandleColumns[] = [];
  let pendingRows = 0;
  let added = 0;
  let first = existingRows > 0 ? existing!.openTime[0] : undefined;
  let last = lastExisting;
  if (existingRows === 0) await writeFile(path, gzipSync(`${CANDLE_CSV_HEADER}\n`));

  const flush = async () => {
    if (pendingRows === 0) return;
    const text = pending.map((cols) => formatCandleCsv(cols, { header: false })).join('');
    await appendFile(path, gzipSync(text));
    pending = [];
    pendingRows = 0;
  };

  options.onProgress?.({ symbol, fetched: 0, expected, done: false });
  for await (const page of options.feed.candlePages(symbol, timeframe, start, lastClosedOpen)) {
    pending.push(page);
    pendingRows += page.openTime.length;
    added += page.openTime.length;
    first ??= page.openTime[0];
    last = page.openTime[page.openTime.length - 1];
    if (pendingRows >= flushRows) await flush();
    options.onProgress?.({ symbol, fetched: added, expected, done: false });
  }
  await flush();
  options.onProgress?.({ symbol, fetched: added, expected, done: true });
  return { symbol, path, existing: existingRows, added, firstOpenTime: first, lastOpenTime: last };
}

/**
 * The rows of an existing file. A tail cut short by an interrupted write is dropped (the file is
 * rewritten without it, atomically); anything else wrong is a BAD_DATA error, never overwritten.
 */
async function readExisting(
  path: string,
  symbol: MarketSymbol,
  timeframe: Timeframe,
): Promise<CandleColumns> {
  const raw = await readFile(path);
  let bytes: Buffer;
  let damaged = false;
  try {
    bytes = gunzipSync(raw);
  } catch {
    bytes = gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
    damaged = true;
  }
  if (damaged || (bytes.length > 0 && bytes[bytes.length - 1] !== 10)) {
    // Keep whole lines only.
    const end = bytes.lastIndexOf(10);
    bytes = bytes.subarray(0, end + 1);
    damaged = true;
  }
  if (bytes.length === 0) {
    await writeFile(path, gzipSync(`${CANDLE_CSV_HEADER}\n`));
    return parseCandleCsv(Buffer.from(`${CANDLE_CSV_HEADER}\n`), { file: path, symbol, timeframe }).columns;
  }
  const parsed = parseCandleCsv(bytes, { file: path, symbol, timeframe }).columns;
  if (damaged) {
    const tmp = `${path}.tmp`;
    await writeFile(tmp, gzipSync(formatCandleCsv(parsed)));
    await rename(tmp, path);
  }
  return parsed;
}

async function mergeRules(outDir: string, rules: SymbolRules[]): Promise<void> {
  const path = join(outDir, RULES_FILE);
  const merged = new Map<string, SymbolRules>();
  if (existsSync(path)) {
    for (const r of rulesFromJson(JSON.parse(await readFile(path, 'utf8')), path)) merged.set(r.symbol, r);
  }
  for (const r of rules) merged.set(r.symbol, r);
  const sorted = [...merged.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify(rulesToJson(sorted), null, 2)}\n`);
  await rename(tmp, path);
}
