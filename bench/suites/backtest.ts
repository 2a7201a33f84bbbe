/**
 * The backtest: candles per second through the whole pipeline (feed, screener with streaming
 * indicators, rule analyst, validation and aggregation, deduplication, risk gate and sizing,
 * orders through the simulator, equity marking), on 20 symbols of recorded Binance 5m candles and
 * on a large synthetic universe (generated first, so the generator's own cost is reported apart),
 * with memory, for both executors: the live execution engine (the default: books in an in-memory
 * PGlite) and the direct executor (the same trades, in memory); wall and CPU time both (the
 * machine is shared); where the time goes (a CPU profile of one run, self time by module, and the
 * cost of the stages alone); and whether memory stays flat as the history grows.
 * Target (issue 10): >= 1,000,000 candles/s per core for the full pipeline, memory flat.
 * Reference points from the issue: Jesse ~183k 1m candles/s (step mode) on a Raspberry Pi 5; a
 * typed-array strategy loop ~76M candles/s per core on this kind of machine, OO TypeScript ~22M.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type BacktestOptions, type BacktestReport, runBacktest } from '../../src/backtest/index.js';
import { DAY_MS } from '../../src/domain/index.js';
import {
  createCandleAggregator,
  createReplayFeed,
  createSyntheticFeed,
  type MemorySymbol,
} from '../../src/market/index.js';
import { createSymbolScreener, resolveScreenerConfig, type TimeframeRole } from '../../src/screener/index.js';
import { marketDataDir } from '../../test/support/market-data.js';
import { fmt, median, table } from '../stats.js';

const RUNS = 3;
/** Fresh processes of the `backtest` command: each one's only pass, JIT warm-up included. */
const CLI_RUNS = 5;
const BIN = fileURLToPath(new URL('../../bin/neurotrade.js', import.meta.url));
/** The engine is slower per trade (its books are in a database): fewer runs of it. */
const ENGINE_RUNS = 1;
type Kind = 'engine' | 'direct';
/** 17 recorded at 5m, 3 recorded at 1m and aggregated to 5m by the replay feed. */
const RECORDED = [
  'ADA',
  'AVAX',
  'BCH',
  'BNB',
  'BTC',
  'DOT',
  'ETH',
  'HYPE',
  'NAORIS',
  'OP',
  'ORCA',
  'PIPPIN',
  'RIVER',
  'SPACE',
  'WLFI',
  'XAU',
  'XRP',
  'SUI',
  'TRX',
  'XLM',
].map((s) => `${s}USDT`);
const SYNTHETIC_SYMBOLS = 500;
const SYNTHETIC_DAYS = 2;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

interface Measured {
  report: BacktestReport;
  /**
   * Candles per second of CPU time: the pass's candles/s divided by the share of a core this
   * process got during the run (its CPU time over the wall time; the machine is shared).
   */
  cpuCandlesPerSecond: number;
  /** Largest heap growth during the pass over the heap at its start, MB (garbage included). */
  heapGrowthMb: number;
  rssMb: number;
  /** With `retained`: live heap (after a full collection) at the first and last progress calls. */
  retainedMb: [number, number];
}

async function measured(options: BacktestOptions, retained = false): Promise<Measured> {
  gc();
  let startHeap = Number.NaN;
  let peakHeap = 0;
  let peakRss = process.memoryUsage().rss;
  const live: number[] = [];
  const report = await runBacktest({
    ...options,
    onProgress: (phase) => {
      if (phase !== 'strategy') return;
      if (retained) {
        gc();
        live.push(process.memoryUsage().heapUsed / 2 ** 20);
      }
      const m = process.memoryUsage();
      if (Number.isNaN(startHeap)) startHeap = m.heapUsed;
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      if (m.rss > peakRss) peakRss = m.rss;
    },
  });
  return {
    report,
    // The pass's own window (the report's): the process's CPU, every thread.
    cpuCandlesPerSecond: report.performance.candlesPerCpuSecond,
    heapGrowthMb: (peakHeap - startHeap) / 2 ** 20,
    rssMb: peakRss / 2 ** 20,
    retainedMb: [live[0] ?? Number.NaN, live[live.length - 1] ?? Number.NaN],
  };
}

const cps = (r: BacktestReport) => r.performance.candlesPerSecond;

/** Self time of a CPU profile by module: src/<module>, a package, the garbage collector, other. */
function byModule(profile: {
  nodes: { id: number; callFrame: { url: string; functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}) {
  const dt = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const out = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const t = dt.get(n.id) ?? 0;
    total += t;
    const url = n.callFrame.url;
    const src = /\/src\/([^/]+)\/(?:([^/]+)\/)?/.exec(url);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    const key = src
      ? `src/${src[1]}${src[1] === 'market' || src[1] === 'exchange' ? (src[2] && !src[2].endsWith('.ts') ? `/${src[2]}` : '') : ''}`
      : pkg
        ? `${pkg[1]} (package)`
        : n.callFrame.functionName === '(garbage collector)'
          ? 'garbage collector'
          : n.callFrame.functionName === '(idle)'
            ? 'idle'
            : 'node internals / other';
    out.set(key, (out.get(key) ?? 0) + t);
  }
  return [...out].sort((a, b) => b[1] - a[1]).map(([k, t]) => [k, fmt((t / total) * 100, 1)]);
}

/** The stages alone on the same recorded candles: the feed (and aggregation), then the screener. */
async function stageCosts(dir: string, from: number): Promise<(string | number)[][]> {
  const config = resolveScreenerConfig();
  const tf = config.timeframes;
  const rows: (string | number)[][] = [];
  for (const stage of ['feed', 'aggregate', 'screener'] as const) {
    const feed = await createReplayFeed({ dir, symbols: RECORDED, baseTimeframe: '5m', pace: 'manual' });
    feed.advanceTo(from);
    const symbols = (await feed.universe()).map((r) => r.symbol);
    const screeners = new Map(symbols.map((s) => [s as string, createSymbolScreener(s, config)]));
    const roles: TimeframeRole[] = ['primary', 'confirm', 'trend'];
    const aggregators = new Map(
      symbols.map((s) => [s as string, roles.map((role) => createCandleAggregator('5m', tf[role]))]),
    );
    // The runner's own path: base candles as rows of the feed's columns, aggregated from numbers.
    const base = feed.watchCandleRows(symbols);
    let candles = 0;
    let screens = 0;
    const t0 = performance.now();
    while (feed.step()) {
      const n = base.drain();
      for (let k = 0; k < n; k++) {
        candles++;
        if (stage === 'feed') continue;
        const i = base.symbolIndex[k]!;
        const c = base.candles;
        const symbol = symbols[i]! as string;
        const list = aggregators.get(symbol)!;
        for (let a = 0; a < 3; a++) {
          const aggregator = list[a]!;
          if (!aggregator.add(c.openTime[k]!, c.open[k]!, c.high[k]!, c.low[k]!, c.close[k]!, c.volume[k]!))
            continue;
          if (stage !== 'screener') continue;
          const sc = screeners.get(symbol)!;
          sc.push(roles[a]!, aggregator.candle());
          if (a === 0) {
            sc.screen();
            screens++;
          }
        }
      }
    }
    const s = (performance.now() - t0) / 1000;
    const what = {
      feed: 'feed alone (step the clock, each 5m candle as a row of columns)',
      aggregate: '+ aggregation to 15m / 1h / 4h',
      screener: '+ screener (push every closed candle, screen every 15m close)',
    }[stage];
    rows.push([
      what,
      candles,
      fmt(s, 2),
      fmt(candles / s, 0),
      fmt((s / candles) * 1e9, 0),
      stage === 'screener' ? `${screens} screens` : '',
    ]);
    await feed.close();
  }
  return rows;
}

/** One table row from repeated runs of the same backtest. */
function resultRow(label: string, runs: Measured[]): (string | number)[] {
  const r = runs[0]!.report;
  return [
    label,
    r.performance.candles,
    fmt(median(runs.map((m) => m.report.performance.seconds)), 2),
    fmt(median(runs.map((m) => cps(m.report))), 0),
    fmt(median(runs.map((m) => m.cpuCandlesPerSecond)), 0),
    fmt(median(runs.map((m) => m.heapGrowthMb)), 0),
    fmt(Math.max(...runs.map((m) => m.rssMb)), 0),
    `${runs.length} run(s); ${r.trades.length} trades, ${r.pipeline.screens} screens, ${r.pipeline.analysed} analysed (${r.pipeline.belowCeiling} below the analysts' ceiling)`,
  ];
}

async function repeat(options: BacktestOptions, kind: Kind): Promise<Measured[]> {
  const runs: Measured[] = [];
  for (let i = 0; i < (kind === 'engine' ? ENGINE_RUNS : RUNS); i++)
    runs.push(await measured({ ...options, executor: kind }));
  return runs;
}

/**
 * `neurotrade backtest --executor direct --json` in a new process each time, as a user runs it:
 * the one pass of a process pays the JIT's warm-up, which the repeated runs above mostly do not.
 */
function cliRow(dir: string, what: string, extra: readonly string[] = []): (string | number)[] {
  const reports: {
    candles: number;
    candlesPerSecond: number;
    candlesPerCpuSecond: number;
    trades: number;
  }[] = [];
  // The process's own wall clock too: what a user waits for, start-up and loading included.
  const waits: number[] = [];
  for (let i = 0; i < CLI_RUNS; i++) {
    const started = performance.now();
    const out = execFileSync(
      process.execPath,
      [
        BIN,
        'backtest',
        '--data',
        dir,
        '--symbols',
        RECORDED.join(','),
        '--executor',
        'direct',
        '--json',
        '--no-store',
        ...extra,
      ],
      { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
    );
    waits.push((performance.now() - started) / 1000);
    reports.push(JSON.parse(out));
  }
  const speeds = reports.map((r) => r.candlesPerSecond);
  const candles = reports[0]!.candles;
  const mid = median(speeds);
  return [
    what,
    candles,
    fmt(candles / mid, 2),
    fmt(mid, 0),
    fmt(median(reports.map((r) => r.candlesPerCpuSecond)), 0),
    '',
    '',
    `${CLI_RUNS} processes: ${speeds.map((v) => fmt(v, 0)).join(', ')} candles/s; ${reports[0]!.trades} trades; each process ${fmt(median(waits), 2)} s from start to exit (median)`,
  ];
}

/** What the engine adds per trade over the direct executor (same trades, same candles). */
function perTradeRow(label: string, engine: Measured[], direct: Measured[]): (string | number)[] {
  const e = median(engine.map((m) => m.report.performance.seconds));
  const d = median(direct.map((m) => m.report.performance.seconds));
  const trades = engine[0]!.report.trades.length;
  const same =
    JSON.stringify(engine[0]!.report.trades) === JSON.stringify(direct[0]!.report.trades)
      ? 'the same trades'
      : 'TRADES DIFFER';
  return [label, trades, fmt(e, 2), fmt(d, 2), trades > 0 ? fmt(((e - d) / trades) * 1000, 1) : '-', same];
}

export async function run(): Promise<void> {
  const dir = marketDataDir();
  const rows: (string | number)[][] = [];
  const engineRows: (string | number)[][] = [];
  let recordedFrom = 0;
  let profileRows: (string | number)[][] = [];
  let stageRows: (string | number)[][] = [];
  const memoryRows: (string | number)[][] = [];
  const haveRecorded =
    dir !== undefined &&
    RECORDED.every((s) => ['5m', '1m'].some((tf) => existsSync(join(dir, tf, `${s}.csv.gz`))));
  if (!haveRecorded) {
    console.log('(recorded candles: skipped, ../shared/data/market or one of its 20 symbols is absent)\n');
  } else {
    const options: BacktestOptions = {
      market: { kind: 'replay', dir: dir! },
      symbols: RECORDED,
      randomBaseline: false,
    };
    const direct = await repeat(options, 'direct');
    const engine = await repeat(options, 'engine');
    const r = direct[0]!.report;
    recordedFrom = r.params.from;
    const what = `recorded: ${RECORDED.length} symbols x ${fmt((r.params.to - r.params.from) / DAY_MS, 1)} days of 5m, rule analyst`;
    rows.push(resultRow(`${what}, execution engine`, engine));
    rows.push(resultRow(`${what}, direct executor`, direct));
    rows.push(cliRow(dir!, '  same, `neurotrade backtest --executor direct`, a fresh process per run'));
    // The same pass with almost no trades: every candle, aggregation, push, rank and scan as above,
    // without the per-trade path (proposal, validation, orders, fills, protection, exits). The
    // difference between the two rows is what the trades cost.
    rows.push(
      cliRow(dir!, '  same with `--min-confidence 100` (next to no trades), a fresh process per run', [
        '--min-confidence',
        '100',
      ]),
    );
    engineRows.push(perTradeRow('recorded, 20 symbols', engine, direct));
    const withBaselines = await measured({ ...options, executor: 'direct', randomBaseline: true });
    rows.push([
      '  same (direct), with the random-entry baseline pass (not in candles/s)',
      withBaselines.report.performance.candles,
      fmt(withBaselines.report.performance.seconds + withBaselines.report.performance.baselineSeconds, 2),
      '',
      '',
      fmt(withBaselines.heapGrowthMb, 0),
      fmt(withBaselines.rssMb, 0),
      `baseline pass ${fmt(withBaselines.report.performance.baselineSeconds, 2)} s`,
    ]);

    // Where the time goes: the strategy pass of one run (direct executor), from its first progress
    // call to its last, so loading the candles and building the report are not in it.
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    let started: Promise<unknown> | undefined;
    let stopped: Promise<{ profile: unknown }> | undefined;
    await runBacktest({
      ...options,
      executor: 'direct',
      onProgress: (phase, done) => {
        if (phase !== 'strategy') return;
        if (started === undefined) started = session.post('Profiler.start');
        else if (done === 1 && stopped === undefined) stopped = session.post('Profiler.stop');
      },
    });
    await started;
    const { profile } = await stopped!;
    session.disconnect();
    profileRows = byModule(profile as never);
    stageRows = await stageCosts(dir!, recordedFrom);
    stageRows.push([
      'whole pipeline, direct executor (median above)',
      r.performance.candles,
      fmt(median(direct.map((m) => m.report.performance.seconds)), 2),
      fmt(median(direct.map((m) => cps(m.report))), 0),
      fmt(1e9 / median(direct.map((m) => cps(m.report))), 0),
      `${r.pipeline.analysed - r.pipeline.belowCeiling} proposeSignal calls`,
    ]);

    // Memory with history length: the same symbols over longer and longer periods.
    for (const days of [15, 30, 60, 110]) {
      const m = await measured(
        { ...options, executor: 'direct', from: recordedFrom, to: recordedFrom + days * DAY_MS },
        true,
      );
      const [first, last] = m.retainedMb;
      memoryRows.push([
        days,
        m.report.performance.candles,
        fmt(first, 0),
        fmt(last, 0),
        fmt(last - first, 1),
        m.report.trades.length,
        fmt(((last - first) * 1024) / Math.max(1, m.report.trades.length), 1),
        fmt(m.rssMb, 0),
      ]);
    }
  }

  // A large synthetic universe, generated first (the generator is not the pipeline).
  const start = Date.UTC(2026, 0, 12);
  const g0 = performance.now();
  const feed = createSyntheticFeed({
    seed: 7,
    symbols: SYNTHETIC_SYMBOLS,
    start: start + SYNTHETIC_DAYS * DAY_MS,
    historyDays: SYNTHETIC_DAYS + 8,
    pace: 'manual',
  });
  const memory: MemorySymbol[] = [];
  for (const r of await feed.universe()) {
    memory.push({
      symbol: r.symbol,
      timeframe: '5m',
      rules: r,
      candles: await feed.candleColumns(r.symbol, '5m', {
        from: start - 8 * DAY_MS,
        to: start + SYNTHETIC_DAYS * DAY_MS - 300_000,
      }),
    });
  }
  await feed.close();
  const genSeconds = (performance.now() - g0) / 1000;
  const synthetic: BacktestOptions = {
    market: { kind: 'memory', symbols: memory },
    from: start,
    to: start + SYNTHETIC_DAYS * DAY_MS,
    randomBaseline: false,
  };
  const sDirect = await repeat(synthetic, 'direct');
  const sEngine = await repeat(synthetic, 'engine');
  const what = `synthetic: ${SYNTHETIC_SYMBOLS} symbols x ${SYNTHETIC_DAYS} days of 5m (generated beforehand in ${fmt(genSeconds, 1)} s)`;
  rows.push(resultRow(`${what}, execution engine`, sEngine));
  rows.push(resultRow(`${what}, direct executor`, sDirect));
  engineRows.push(perTradeRow(`synthetic, ${SYNTHETIC_SYMBOLS} symbols`, sEngine, sDirect));

  console.log(
    `Medians of ${RUNS} runs in this process (direct executor: the first pays the JIT's warm-up, ` +
      `the next ones mostly not) and ${ENGINE_RUNS} (execution engine), and of ${CLI_RUNS} fresh ` +
      'processes of the command (each one pass, warm-up included: what a user sees; V8 optimises on ' +
      'a second core meanwhile, and "per CPU-second" counts it); ' +
      'target >= 1,000,000 candles/s per core. Load average at the end: ' +
      `${loadavg()
        .map((l) => l.toFixed(1))
        .join(', ')} (a busy shared machine inflates every time).\n`,
  );
  console.log(
    table(
      [
        'run',
        'candles',
        'seconds (median)',
        'candles/s (wall, median)',
        'candles per CPU-second (median)',
        'heap growth in pass MB',
        'peak RSS MB',
        'what happened',
      ],
      rows,
    ),
  );
  console.log('\nThe execution engine against the direct executor (same candles, same trades):\n');
  console.log(
    table(
      ['run', 'trades', 'engine s', 'direct s', 'engine cost per trade ms', 'trades compared'],
      engineRows,
    ),
  );
  if (stageRows.length > 0) {
    console.log('\nThe stages alone on the same recorded candles:\n');
    console.log(table(['stage', 'candles', 'seconds', 'candles/s', 'ns per candle', ''], stageRows));
  }
  if (profileRows.length > 0) {
    console.log('\nWhere the time goes (CPU profile of the strategy pass of one recorded run, self time):\n');
    console.log(table(['module', '% of samples'], profileRows.slice(0, 18)));
  }
  if (memoryRows.length > 0) {
    console.log('\nMemory with history length (recorded symbols, same start; live heap after a full GC):\n');
    console.log(
      table(
        [
          'days',
          'candles',
          'live heap at start MB',
          'live heap at end MB',
          'growth MB',
          'trades',
          'growth KB per trade',
          'peak RSS MB',
        ],
        memoryRows,
      ),
    );
  }
}
