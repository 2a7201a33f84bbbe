/**
 * `neurotrade backtest --data DIR | --synthetic SEED [--symbols A,B | --top N] [--from ISO] [--to ISO]
 *  [--analyst rule|llm-cache] [--balance USDT] [--margin USDT] [--leverage N] [--fees MAKER,TAKER]
 *  [--slippage none|range|BPS] [--funding-rate PCT] [--split 0.7] [--seed N] [--executor engine|direct] [--json]
 *  [--out report.html] [--no-store] [--no-cache]`
 *
 * Runs the live pipeline over history on a simulated clock (see src/backtest), through the live
 * execution engine by default (`--executor direct`: the faster in-memory executor that makes the
 * same trades). A progress bar on stderr when it is a terminal; `--json` prints one JSON object on stdout (trades, winRate,
 * profitFactor, totalReturnPct, maxDrawdownPct, sharpe, avgTradeMinutes, candles,
 * candlesPerSecond, baselines.buyAndHold, baselines.randomEntry, ...); otherwise a table. The
 * report is stored in the database (the dashboard lists it) unless --no-store. What the recorded
 * files parse into is kept in node_modules/.cache/neurotrade/candles, so a later run over files
 * unchanged since skips the parsing (--no-cache: parse them again, keep nothing).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import {
  BACKTEST_DEFAULTS,
  type BacktestOptions,
  type BacktestReport,
  type JsonMetrics,
  jsonMetrics,
  MAX_FUNDING_RATE_PCT,
  renderHtmlReport,
  runBacktest,
  type SlippageSpec,
  toJsonSummary,
} from '../../backtest/index.js';
import { loadConfig } from '../../config/index.js';
import { isDomainError, isTimeframe, marketSymbol, systemClock } from '../../domain/index.js';
import { DEFAULT_CANDLE_CACHE_DIR } from '../../market/index.js';
import { createRepositories, openStore, type Store } from '../../store/index.js';
import { info, out, printJson, UsageError } from '../output.js';

export interface BacktestArgs {
  data?: string | undefined;
  synthetic?: string | undefined;
  syntheticSymbols?: string | undefined;
  symbols?: string | undefined;
  top?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  analyst?: string | undefined;
  balance?: string | undefined;
  margin?: string | undefined;
  leverage?: string | undefined;
  fees?: string | undefined;
  slippage?: string | undefined;
  fundingRate?: string | undefined;
  minConfidence?: string | undefined;
  split?: string | undefined;
  seed?: string | undefined;
  base?: string | undefined;
  executor?: string | undefined;
  json?: boolean | undefined;
  out?: string | undefined;
  store?: boolean | undefined;
  cache?: boolean | undefined;
}

export function register(program: Command): void {
  program
    .command('backtest')
    .description('run the trading pipeline over history on a simulated clock and report the result')
    .option('--data <dir>', 'recorded candles in the ../shared/data/market format')
    .option('--synthetic <seed>', 'the seeded synthetic market')
    .option('--synthetic-symbols <n>', 'contracts in the synthetic market (default SYNTHETIC_SYMBOLS)')
    .option('--symbols <list>', 'comma-separated symbols, e.g. BTCUSDT,ETHUSDT')
    .option('--top <n>', 'the N symbols with the largest 24h quote volume at the start')
    .option('--from <iso-time>', 'start (default: a week after the first recorded candle)')
    .option('--to <iso-time>', 'end (default: the end of the recording; synthetic: 30 days)')
    .option('--analyst <kind>', 'rule | llm-cache (recorded LLM answers only)', 'rule')
    .option('--balance <usdt>', `starting balance (default ${BACKTEST_DEFAULTS.balance})`)
    .option('--margin <usdt>', `margin per trade (default ${BACKTEST_DEFAULTS.margin})`)
    .option('--leverage <n>', `leverage (default ${BACKTEST_DEFAULTS.leverage})`)
    .option('--fees <maker,taker>', 'fee rates in percent (default 0.02,0.05)')
    .option('--slippage <model>', 'none | range (default) | a fixed number of basis points')
    .option(
      '--funding-rate <pct>',
      'assumed funding rate in percent per 8 h, e.g. 0.01 (default 0: the data has none, none is charged)',
    )
    .option('--min-confidence <n>', 'minimum combined confidence (default MIN_CONFIDENCE)')
    .option('--split <ratio>', 'in-sample share, e.g. 0.7: in-sample and out-of-sample side by side')
    .option('--seed <n>', 'seed of the random-entry baseline and the slippage noise (default 1)')
    .option('--base <timeframe>', 'candle cadence played and resolved (default 5m)')
    .option(
      '--executor <kind>',
      'engine (the live execution engine, default) | direct (in-memory, faster, the same trades)',
      'engine',
    )
    .option('--json', 'print one JSON object instead of a table')
    .option('--out <file>', 'also write a self-contained HTML report')
    .option('--no-store', 'do not store the report in the database')
    .option('--no-cache', 'parse the recorded files again instead of reading what they parsed into last time')
    .action(runBacktestCommand);
}

const number = (flag: string, text: string, min: number, max = Number.POSITIVE_INFINITY): number => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min || n > max)
    throw new UsageError(
      `${flag} must be a number from ${min}${Number.isFinite(max) ? ` to ${max}` : ''} (got "${text}")`,
    );
  return n;
};
const whole = (flag: string, text: string, min: number): number => {
  const n = number(flag, text, min);
  if (!Number.isInteger(n)) throw new UsageError(`${flag} must be a whole number >= ${min} (got "${text}")`);
  return n;
};
const time = (flag: string, text: string): number => {
  const t = Date.parse(text);
  if (!Number.isFinite(t)) throw new UsageError(`${flag} "${text}" is not an ISO-8601 time`);
  return t;
};

/** Arguments to options; every mistake is a UsageError naming the flag. */
export function parseBacktestArgs(args: BacktestArgs): BacktestOptions {
  if ((args.data === undefined) === (args.synthetic === undefined))
    throw new UsageError('give the market: --data DIR or --synthetic SEED (one of them)');
  if (args.symbols !== undefined && args.top !== undefined)
    throw new UsageError('use --symbols or --top, not both');
  const analyst = args.analyst ?? 'rule';
  if (analyst !== 'rule' && analyst !== 'llm-cache')
    throw new UsageError(`--analyst must be rule or llm-cache (got "${analyst}")`);
  let symbols: string[] | undefined;
  if (args.symbols !== undefined) {
    const list = args.symbols
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (list.length === 0) throw new UsageError('--symbols needs at least one symbol, e.g. BTCUSDT,ETHUSDT');
    symbols = list.map((s) => {
      try {
        return marketSymbol(s) as string;
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    });
  }
  let fees: [number, number] | undefined;
  if (args.fees !== undefined) {
    const parts = args.fees.split(',');
    if (parts.length !== 2)
      throw new UsageError(`--fees takes MAKER,TAKER in percent, e.g. 0.02,0.05 (got "${args.fees}")`);
    fees = [number('--fees maker', parts[0]!, 0, 1), number('--fees taker', parts[1]!, 0, 1)];
  }
  let slippage: SlippageSpec | undefined;
  if (args.slippage !== undefined) {
    slippage =
      args.slippage === 'none' || args.slippage === 'range'
        ? args.slippage
        : { bps: number('--slippage', args.slippage, 0, 1000) };
  }
  const executor = args.executor;
  if (executor !== undefined && executor !== 'engine' && executor !== 'direct')
    throw new UsageError(`--executor must be engine or direct (got "${executor}")`);
  if (args.base !== undefined && !isTimeframe(args.base))
    throw new UsageError(`--base must be a timeframe such as 1m or 5m (got "${args.base}")`);
  const from = args.from === undefined ? undefined : time('--from', args.from);
  const to = args.to === undefined ? undefined : time('--to', args.to);
  if (from !== undefined && to !== undefined && to <= from) throw new UsageError('--to must be after --from');
  return {
    market:
      args.data !== undefined
        ? {
            kind: 'replay',
            dir: args.data,
            cacheDir: args.cache === false ? undefined : DEFAULT_CANDLE_CACHE_DIR,
          }
        : {
            kind: 'synthetic',
            seed: whole('--synthetic', args.synthetic!, 0),
            symbols:
              args.syntheticSymbols === undefined
                ? undefined
                : whole('--synthetic-symbols', args.syntheticSymbols, 1),
          },
    symbols,
    top: args.top === undefined ? undefined : whole('--top', args.top, 1),
    from,
    to,
    analyst,
    balance: args.balance === undefined ? undefined : number('--balance', args.balance, 1),
    margin: args.margin === undefined ? undefined : number('--margin', args.margin, 0.01),
    leverage: args.leverage === undefined ? undefined : whole('--leverage', args.leverage, 1),
    makerFeePct: fees?.[0],
    takerFeePct: fees?.[1],
    slippage,
    fundingRatePct:
      args.fundingRate === undefined
        ? undefined
        : number('--funding-rate', args.fundingRate, -MAX_FUNDING_RATE_PCT, MAX_FUNDING_RATE_PCT),
    minConfidence:
      args.minConfidence === undefined ? undefined : number('--min-confidence', args.minConfidence, 0, 100),
    split: args.split === undefined ? undefined : number('--split', args.split, 0.01, 0.99),
    seed: args.seed === undefined ? undefined : whole('--seed', args.seed, 0),
    baseTimeframe: args.base === undefined ? undefined : (args.base as BacktestOptions['baseTimeframe']),
    executor,
  };
}

/** What the command does: parse, run, store, print (stdout: the result; stderr: messages). */
export async function runBacktestCommand(args: BacktestArgs): Promise<void> {
  const options = parseBacktestArgs(args);
  const config = loadConfig();
  let store: Store | undefined;
  const openDb = async () => {
    store ??= await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
    await store.migrate();
    return createRepositories(store.db);
  };
  try {
    // The recorded LLM answers live in the database; otherwise it is opened only to store the report.
    const cache = options.analyst === 'llm-cache' ? (await openDb()).analyses : undefined;
    // On a terminal only (stderr: --json output on stdout stays clean).
    const progress = process.stderr.isTTY ? createProgressBar() : undefined;
    let report: BacktestReport;
    try {
      report = await runBacktest({
        ...options,
        // The command runs the live execution engine unless told otherwise.
        executor: options.executor ?? 'engine',
        minConfidence: options.minConfidence ?? config.MIN_CONFIDENCE,
        dedupWindowMinutes: config.SIGNAL_DEDUP_MINUTES,
        market:
          options.market.kind === 'synthetic'
            ? { ...options.market, symbols: options.market.symbols ?? config.SYNTHETIC_SYMBOLS }
            : options.market,
        analysisCache: cache,
        analystConfig: config,
        wallClock: systemClock,
        onProgress: progress?.update,
      });
    } catch (err) {
      throw explain(err, options);
    } finally {
      progress?.done();
    }
    let id: string | null = null;
    if (args.store !== false) id = (await (await openDb()).backtests.insert(toStored(report))).id;
    let htmlPath: string | undefined;
    if (args.out !== undefined) {
      htmlPath = resolve(args.out);
      writeFileSync(htmlPath, renderHtmlReport(report));
    }
    if (args.json) printJson(toJsonSummary(report, { id, ...(htmlPath ? { htmlPath } : {}) }));
    else {
      out(renderSummary(report));
      if (id) info(`stored as backtest ${id}`);
      if (htmlPath) info(`HTML report: ${htmlPath}`);
    }
  } finally {
    await store?.close();
  }
}

function explain(err: unknown, options: BacktestOptions): Error {
  if (
    isDomainError(err, 'NOT_FOUND') ||
    isDomainError(err, 'VALIDATION_FAILED') ||
    isDomainError(err, 'BAD_DATA')
  ) {
    const where = options.market.kind === 'replay' ? ` (${options.market.dir})` : '';
    return new UsageError(`${err.message}${where}`);
  }
  if (err instanceof RangeError) return new UsageError(err.message);
  return err as Error;
}

export function toStored(report: BacktestReport) {
  const m = report.full.strategy.metrics;
  const { tradeList: _omit, ...summary } = toJsonSummary(report);
  return {
    source: report.market.source,
    analyst: report.params.analyst,
    periodFrom: new Date(report.params.from),
    periodTo: new Date(report.params.to),
    symbols: report.market.symbols,
    trades: m.trades,
    winRate: m.winRate,
    profitFactor: m.profitFactor,
    totalReturnPct: m.totalReturnPct,
    maxDrawdownPct: m.maxDrawdownPct,
    sharpe: m.sharpe,
    // The setup the dashboard's list shows next to the headline numbers.
    summary: { ...summary, params: { margin: report.params.margin, leverage: report.params.leverage } },
    report,
    createdAt: new Date(report.createdAt),
  };
}

function createProgressBar() {
  let last = 0;
  const started = performance.now();
  return {
    update(phase: 'strategy' | 'baseline', done: number, candles: number) {
      const now = performance.now();
      if (now - last < 100 && done < 1) return;
      last = now;
      const width = 30;
      const filled = Math.round(Math.min(1, Math.max(0, done)) * width);
      const rate = candles / Math.max(0.001, (now - started) / 1000);
      process.stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)}% ` +
          `${phase.padEnd(8)} ${candles.toLocaleString('en-US')} candles, ${Math.round(rate).toLocaleString('en-US')}/s   `,
      );
    },
    done() {
      process.stderr.write('\r\x1b[K');
    },
  };
}

const f = (v: number | null, digits = 2) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(digits));

function metricRows(rows: [string, JsonMetrics | null][]): string[] {
  const header = [
    '',
    'trades',
    'win%',
    'PF',
    'exp.',
    'return%',
    'maxDD%',
    'sharpe',
    'sortino',
    'exp.%',
    'avg min',
  ];
  const body = rows.map(([name, m]) =>
    m
      ? [
          name,
          String(m.trades),
          m.winRate === null ? '-' : (m.winRate * 100).toFixed(1),
          // null in the JSON both without trades and without a losing one; here the second is ∞.
          m.profitFactor === null && m.trades > 0 && m.winRate === 1 ? '∞' : f(m.profitFactor),
          f(m.expectancy, 3),
          f(m.totalReturnPct),
          f(m.maxDrawdownPct),
          f(m.sharpe),
          f(m.sortino),
          f(m.exposurePct, 1),
          f(m.avgTradeMinutes, 0),
        ]
      : [name, 'not run', '', '', '', '', '', '', '', '', ''],
  );
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), ...body.map(line)];
}

function periodRows(p: BacktestReport['full']): string[] {
  return metricRows([
    ['strategy', jsonMetrics(p.strategy.metrics)],
    ['buy and hold', jsonMetrics(p.buyAndHold.metrics)],
    ['random entries', p.randomEntry ? jsonMetrics(p.randomEntry.metrics) : null],
  ]);
}

export function renderSummary(report: BacktestReport): string {
  const iso = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  const lines = [
    `backtest ${iso(report.params.from)} -> ${iso(report.params.to)} UTC, ${report.market.symbols.length} symbols, ` +
      `analyst ${report.params.analyst}, executor ${report.params.executor ?? 'direct'}`,
    ...report.market.excluded.map((e) => `left out: ${e.symbol}: ${e.reason}`),
    '',
    ...periodRows(report.full),
  ];
  if (report.split) {
    lines.push('', `in-sample (to ${iso(report.split.at)})`, ...periodRows(report.split.inSample));
    lines.push('', 'out-of-sample', ...periodRows(report.split.outOfSample));
  }
  const perf = report.performance;
  lines.push(
    '',
    `${perf.candles.toLocaleString('en-US')} candles in ${perf.seconds.toFixed(2)} s ` +
      `(${Math.round(perf.candlesPerSecond).toLocaleString('en-US')} candles/s; ` +
      `${Math.round(perf.candlesPerCpuSecond).toLocaleString('en-US')} per CPU-second of the process, ` +
      `${perf.cpuSeconds.toFixed(2)} s of CPU), peak RSS ${Math.round(perf.peakRssMb)} MB`,
    ...report.notes.map((n) => `- ${n}`),
  );
  return lines.join('\n');
}
