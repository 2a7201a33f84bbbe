/**
 * A cache of parsed recorded files: what loadSymbol makes of one candle file (its columns, gaps,
 * skipped rows, inferred rules), kept on disk so that a later run over the same file reads numbers
 * instead of gunzipping and parsing text again (a cold run over the 20 recorded symbols spent
 * 0.76 s there, about as long as its pass).
 *
 * An entry belongs to one file as it is on disk, read by one version of the loader: its key holds
 * the file's real path, size, inode, modification and change times, the base timeframe, the
 * bad-row policy, the byte order, the format version and the loader's own code (the modules that
 * decide what a file parses into, hashed), so a file written again (even with the same size and
 * modification time: its change time moves), or read by changed code, is parsed again. An entry
 * that is missing, short, of another key or unreadable is a miss: the file is parsed and the entry
 * written again. A cache that cannot be written is no cache: the load goes on. Entries are written
 * to a temporary file and renamed into place (two processes loading the same file never read half
 * an entry); the entries of a file's older states are removed when a new one is written.
 *
 * Entry layout: the header's length (uint32), the header (JSON: key, symbol, timeframes, rows,
 * gaps, skipped rows, incomplete buckets, volume decimals, inferred rules), padding to 8 bytes,
 * then the six columns (openTime, open, high, low, close, volume) as float64, one after another.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CandleColumns, Timeframe } from '../../domain/index.js';
import type { BadRowPolicy } from '../candle-check.js';
import { rulesFromJson, rulesToJson } from '../rules-file.js';
import { type CandleFile, type LoadedSymbol, loadSymbol } from './load.js';

/** In the project's own cache folder (node_modules/.cache), as the store's migrated template. */
export const DEFAULT_CANDLE_CACHE_DIR = fileURLToPath(
  new URL('../../../node_modules/.cache/neurotrade/candles', import.meta.url),
);

/** Bumped whenever the layout, or what loadSymbol makes of a file, changes. */
const FORMAT = 1;
const FIELDS = ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const;

interface Header {
  key: string;
  symbol: string;
  timeframe: Timeframe;
  /** The path the entry was written through (for a person reading the folder). */
  file: string;
  rows: number;
  gaps: LoadedSymbol['gaps'];
  /** NaN open times are written as null (JSON has no NaN). */
  skipped: { line?: number | undefined; openTime: number | null; reason: string }[];
  incompleteBuckets: number;
  volumeDecimals: number | null;
  rules: unknown;
}

/** The modules that decide what a file parses into (beside this one), without their extension. */
const LOADER_MODULES = ['./load', '../csv', '../candle-check', '../timeframes', '../rules-file'];
let loaderCode: Promise<string> | undefined;

/**
 * The loader's source, hashed once per process (.ts when run from the sources, .js when built):
 * entries written by other code are misses, whether or not FORMAT was bumped.
 */
function loaderCodeKey(): Promise<string> {
  loaderCode ??= (async () => {
    const hash = createHash('sha256');
    for (const name of LOADER_MODULES) {
      for (const ext of ['.ts', '.js']) {
        const text = await readFile(new URL(`${name}${ext}`, import.meta.url)).catch(() => null);
        if (text === null) continue;
        hash.update(`${name}${ext}\0`).update(text);
        break;
      }
    }
    return hash.digest('hex');
  })();
  return loaderCode;
}

/** loadSymbol(file, base, onBadRow) through the cache in `cacheDir` (see above). */
export async function loadSymbolCached(
  file: CandleFile,
  base: Timeframe | undefined,
  onBadRow: BadRowPolicy,
  cacheDir: string,
): Promise<LoadedSymbol> {
  const path = await realpath(file.path);
  const s = await stat(path, { bigint: true });
  const key = createHash('sha256')
    .update(
      JSON.stringify([
        FORMAT,
        await loaderCodeKey(),
        endianness(),
        path,
        String(s.size),
        String(s.ino),
        String(s.mtimeNs),
        String(s.ctimeNs),
        base ?? '',
        onBadRow,
        file.symbol,
        file.timeframe,
      ]),
    )
    .digest('hex');
  const prefix = createHash('sha256').update(path).digest('hex').slice(0, 16);
  const name = `${prefix}-${key.slice(0, 32)}.candles`;
  const entry = join(cacheDir, name);
  const hit = await readEntry(entry, key, file.path);
  if (hit) return hit;
  const loaded = await loadSymbol(file, base, onBadRow);
  await writeEntry(cacheDir, name, prefix, key, loaded);
  return loaded;
}

async function readEntry(entry: string, key: string, source: string): Promise<LoadedSymbol | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(entry);
  } catch {
    return undefined;
  }
  try {
    if (bytes.length < 4) return undefined;
    const headerLength = bytes.readUInt32LE(0);
    if (4 + headerLength > bytes.length) return undefined;
    const header = JSON.parse(bytes.toString('utf8', 4, 4 + headerLength)) as Header;
    const start = align8(4 + headerLength);
    const rows = header.rows;
    if (header.key !== key || !Number.isInteger(rows) || rows < 0) return undefined;
    if (bytes.length !== start + FIELDS.length * rows * 8) return undefined;
    const cols = {} as Record<(typeof FIELDS)[number], Float64Array>;
    FIELDS.forEach((field, f) => {
      // A copy into a buffer of its own: the file's bytes need not sit at an 8-byte boundary.
      const column = new Float64Array(rows);
      const from = start + f * rows * 8;
      new Uint8Array(column.buffer).set(bytes.subarray(from, from + rows * 8));
      cols[field] = column;
    });
    const [inferredRules] = rulesFromJson(header.rules, `${entry} (cache of ${source})`);
    if (!inferredRules) return undefined;
    return {
      symbol: header.symbol,
      timeframe: header.timeframe,
      // The path as this load was given it (the entry may have been written through another).
      file: source,
      columns: cols as CandleColumns,
      gaps: header.gaps,
      skipped: header.skipped.map((b) => ({
        line: b.line,
        openTime: b.openTime ?? Number.NaN,
        reason: b.reason,
      })),
      incompleteBuckets: header.incompleteBuckets,
      volumeDecimals: header.volumeDecimals ?? undefined,
      inferredRules,
    };
  } catch {
    return undefined;
  }
}

async function writeEntry(
  cacheDir: string,
  name: string,
  prefix: string,
  key: string,
  loaded: LoadedSymbol,
): Promise<void> {
  const rows = loaded.columns.openTime.length;
  const header: Header = {
    key,
    symbol: loaded.symbol,
    timeframe: loaded.timeframe,
    file: loaded.file,
    rows,
    gaps: loaded.gaps,
    skipped: loaded.skipped.map((b) => ({
      line: b.line,
      openTime: Number.isNaN(b.openTime) ? null : b.openTime,
      reason: b.reason,
    })),
    incompleteBuckets: loaded.incompleteBuckets,
    volumeDecimals: loaded.volumeDecimals ?? null,
    rules: rulesToJson([loaded.inferredRules]),
  };
  const text = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align8(4 + text.length);
  const bytes = Buffer.alloc(start + FIELDS.length * rows * 8);
  bytes.writeUInt32LE(text.length, 0);
  text.copy(bytes, 4);
  FIELDS.forEach((field, f) => {
    const column = loaded.columns[field];
    bytes.set(new Uint8Array(column.buffer, column.byteOffset, rows * 8), start + f * rows * 8);
  });
  const entry = join(cacheDir, name);
  const temporary = `${entry}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(cacheDir, { recursive: true });
    await writeFile(temporary, bytes);
    await rename(temporary, entry);
  } catch {
    // No room, no rights, not a folder: the next run parses the file again.
    await rm(temporary, { force: true }).catch(() => undefined);
    return;
  }
  // The entries of this file's earlier states will never be read again.
  const stale = (await readdir(cacheDir).catch(() => [] as string[])).filter(
    (n) => n.startsWith(`${prefix}-`) && n.endsWith('.candles') && n !== name,
  );
  await Promise.all(stale.map((n) => rm(join(cacheDir, n), { force: true }).catch(() => undefined)));
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;
