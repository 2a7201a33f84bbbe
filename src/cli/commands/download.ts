/**
 * `neurotrade download --symbols A,B --timeframe 5m --days N --out DIR [--base-url URL]`:
 * Binance USD-M history into the replay format (gzip CSV), resumable. A progress bar goes to
 * stderr when it is a terminal; the written files are listed on stdout.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import {
  type Clock,
  isDomainError,
  marketSymbol,
  parseTimeframe,
  type Timeframe,
} from '../../domain/index.js';
import {
  createBinanceFeed,
  type DownloadedFile,
  type DownloadProgress,
  downloadHistory,
} from '../../market/index.js';
import { out, UsageError } from '../output.js';

export interface DownloadArgs {
  symbols: string;
  timeframe: string;
  days: string;
  out: string;
  baseUrl?: string | undefined;
}

export interface DownloadDeps {
  /** Where progress goes; default process.stderr (a bar only when it is a TTY). */
  progress?: NodeJS.WritableStream & { isTTY?: boolean };
  clock?: Clock;
  /** Default: BINANCE_BASE_URL from the configuration. */
  defaultBaseUrl?: () => string;
}

export function register(program: Command): void {
  program
    .command('download')
    .description(
      'fetch Binance USD-M candles into the replay format (<out>/<timeframe>/<SYMBOL>.csv.gz), resumable',
    )
    .requiredOption('--symbols <list>', 'comma-separated symbols, e.g. BTCUSDT,ETHUSDT')
    .option('--timeframe <tf>', 'candle timeframe (1m, 5m, 15m, 1h, 4h, 1d, ...)', '5m')
    .option('--days <n>', 'days of history for a new file (an existing file is extended to now)', '30')
    .requiredOption('--out <dir>', 'output folder')
    .option('--base-url <url>', 'Binance REST root (default: BINANCE_BASE_URL)')
    .action(async (args: DownloadArgs) => {
      const files = await runDownload(args);
      for (const f of files) {
        const span =
          f.firstOpenTime === undefined
            ? 'empty'
            : `${new Date(f.firstOpenTime).toISOString()} .. ${new Date(f.lastOpenTime!).toISOString()}`;
        out(`${f.path}\t+${f.added} candles (${f.existing} kept)\t${span}`);
      }
    });
}

export async function runDownload(args: DownloadArgs, deps: DownloadDeps = {}): Promise<DownloadedFile[]> {
  const symbols = args.symbols
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (symbols.length === 0) throw new UsageError('--symbols needs at least one symbol, e.g. BTCUSDT,ETHUSDT');
  for (const s of symbols) {
    try {
      marketSymbol(s);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  let timeframe: Timeframe;
  try {
    timeframe = parseTimeframe(args.timeframe);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const days = Number(args.days);
  if (!Number.isFinite(days) || days <= 0)
    throw new UsageError(`--days must be a positive number (got "${args.days}")`);
  const baseUrl = args.baseUrl ?? (deps.defaultBaseUrl ?? (() => loadConfig().BINANCE_BASE_URL))();
  try {
    new URL(baseUrl);
  } catch {
    throw new UsageError(`--base-url "${baseUrl}" is not a URL`);
  }

  const stream = deps.progress ?? process.stderr;
  const feed = await createBinanceFeed({ baseUrl, clock: deps.clock });
  try {
    return await downloadHistory({
      symbols,
      timeframe,
      days,
      outDir: args.out,
      feed,
      onProgress: progressPrinter(stream, timeframe),
    });
  } catch (err) {
    if (isDomainError(err, 'NOT_FOUND')) throw new UsageError(err.message);
    throw err;
  } finally {
    await feed.close();
  }
}

function progressPrinter(stream: NodeJS.WritableStream & { isTTY?: boolean }, timeframe: Timeframe) {
  const tty = stream.isTTY === true;
  return (p: DownloadProgress) => {
    if (tty) {
      const ratio = p.expected === 0 ? 1 : Math.min(1, p.fetched / p.expected);
      const width = 30;
      const filled = Math.round(ratio * width);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      stream.write(
        `\r${p.symbol} ${timeframe} [${bar}] ${String(Math.round(ratio * 100)).padStart(3)}% ${p.fetched.toLocaleString('en-US')}/${p.expected.toLocaleString('en-US')}${p.done ? '\n' : ''}`,
      );
    } else if (p.done) {
      stream.write(`${p.symbol} ${timeframe}: ${p.fetched} new candles\n`);
    }
  };
}
