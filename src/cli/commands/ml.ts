/**
 * `neurotrade ml train [--from-backtest --data DIR | --synthetic SEED [--symbols A,B] [--from ISO]
 * [--to ISO] [--min-confidence N] [--evaluate]] [--source LIST] [--json]`: train the
 * win-probability model on closed signals (the store's, or a backtest's over recorded candles),
 * store it as the next version and print the version with its held-out metrics (auc, brier,
 * samples, calibration, and the profit factor of the held-out trades with and without the
 * model's gate; with --evaluate also the backtest of the held-out period run without and with the
 * model). Too few outcomes: says so (exit code 1) and stores nothing; the aggregator runs without.
 *
 * `neurotrade ml insights [--source LIST] [--json]`: win rate and count by analyst agreement,
 * confidence, win probability, whale event, symbol and hour.
 *
 * `neurotrade ml models [--json]`: the stored versions and their held-out metrics.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import {
  type CalibrationKind,
  type Insights,
  loadInsights,
  OUTCOME_SOURCES,
  type OutcomeSource,
  type TrainOptions,
  type TrainOutcome,
  trainAndStore,
  trainFromStore,
} from '../../ml/index.js';
import { createMlModelsRepository, openStore, type Store } from '../../store/index.js';
import { out, printJson, UsageError } from '../output.js';
import { parseBacktestArgs } from './backtest.js';
import { type BacktestSamples, type GateBacktest, gateBacktest, samplesFromBacktest } from './ml-backtest.js';

export interface TrainArgs {
  fromBacktest?: boolean | undefined;
  data?: string | undefined;
  synthetic?: string | undefined;
  symbols?: string | undefined;
  top?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  minConfidence?: string | undefined;
  evaluate?: boolean | undefined;
  source?: string | undefined;
  calibration?: string | undefined;
  minSamples?: string | undefined;
  gate?: string | undefined;
  json?: boolean | undefined;
}

function parseSources(list: string | undefined): OutcomeSource[] | undefined {
  if (list === undefined) return undefined;
  const sources = list
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s !== '');
  for (const s of sources) {
    if (!OUTCOME_SOURCES.includes(s as OutcomeSource)) {
      throw new UsageError(`--source must list ${OUTCOME_SOURCES.join(', ')} (got "${s}")`);
    }
  }
  return sources as OutcomeSource[];
}

function parseTrainOptions(args: TrainArgs): Partial<TrainOptions> {
  const options: Partial<TrainOptions> = {};
  if (args.calibration !== undefined) {
    if (args.calibration !== 'platt' && args.calibration !== 'isotonic') {
      throw new UsageError(`--calibration must be platt or isotonic (got "${args.calibration}")`);
    }
    options.calibration = args.calibration as CalibrationKind;
  }
  if (args.minSamples !== undefined) {
    const n = Number(args.minSamples);
    if (!Number.isInteger(n) || n < 30)
      throw new UsageError(`--min-samples must be a whole number >= 30 (got "${args.minSamples}")`);
    options.minSamples = n;
  }
  if (args.gate !== undefined) {
    const p = Number(args.gate);
    if (!(p >= 0 && p <= 1)) throw new UsageError(`--gate must be a probability 0..1 (got "${args.gate}")`);
    options.gateThreshold = p;
  }
  return options;
}

async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await store.migrate();
    return await fn(store);
  } finally {
    await store.close();
  }
}

export interface TrainCommandOutcome extends TrainOutcome {
  /** With --from-backtest: what was played and how the strategy did. */
  backtest?: Omit<BacktestSamples, 'samples'> | undefined;
  /** With --evaluate: the held-out period backtested without and with the model. */
  gateBacktest?: GateBacktest | undefined;
}

const BACKTEST_FLAGS = [
  'data',
  'synthetic',
  'symbols',
  'top',
  'from',
  'to',
  'minConfidence',
  'evaluate',
] as const;

/** `ml train` on an open store: the store's closed signals, or a backtest's. */
export async function runTrain(store: Store, args: TrainArgs): Promise<TrainCommandOutcome> {
  const sources = parseSources(args.source);
  const train = parseTrainOptions(args);
  if (!args.fromBacktest) {
    const stray = BACKTEST_FLAGS.find((f) => args[f] !== undefined);
    if (stray)
      throw new UsageError(
        `--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} goes with --from-backtest`,
      );
    return trainFromStore(store, { sources, train, note: 'ml train' });
  }
  const options = parseBacktestArgs({
    data: args.data,
    synthetic: args.synthetic,
    symbols: args.symbols,
    top: args.top,
    from: args.from,
    to: args.to,
    minConfidence: args.minConfidence,
  });
  const { samples, ...backtest } = await samplesFromBacktest(options);
  const outcome = await trainAndStore(store.db, samples, {
    sources,
    train,
    note: `backtest ${args.data ?? `synthetic ${args.synthetic}`} ${backtest.from} .. ${backtest.to}`,
    // Outcomes already in the store are not new to this model: the retrain hook counts from here.
    outcomesSeen: await createMlModelsRepository(store.db).countLabelled({ sources }),
  });
  const result = outcome.result;
  if (!args.evaluate || !result.ok || result.report.slices.test.from === null)
    return { ...outcome, backtest };
  const gateBacktestResult = await gateBacktest(
    options,
    result.model,
    Date.parse(result.report.slices.test.from),
    result.report.gate.threshold,
  );
  return { ...outcome, backtest, gateBacktest: gateBacktestResult };
}

export interface InsightsArgs {
  source?: string | undefined;
  json?: boolean | undefined;
}

export const runInsights = (store: Store, args: InsightsArgs): Promise<Insights> =>
  loadInsights(store.db, { sources: parseSources(args.source) });

export function renderInsights(insights: Insights): string {
  const s = insights.summary;
  return [
    `${s.signals} closed signals, ${s.wins} wins (${pct(s.winRate)}), PnL ${s.pnl ?? 'n/a'}`,
    '',
    renderTable('by analyst agreement', insights.byAgreement),
    '',
    renderTable('by combined confidence', insights.byConfidence),
    '',
    renderTable('by win probability', insights.byWinProbability),
    '',
    renderTable('by whale event', insights.byWhale),
    '',
    renderTable('by symbol', insights.bySymbol),
    '',
    renderTable('by hour (UTC)', insights.byHour),
    '',
    renderTable('models', insights.models),
  ].join('\n');
}

/** What `ml train --json` prints: the interface scripts rely on. */
export function trainJson(outcome: TrainCommandOutcome) {
  const { result, saved } = outcome;
  const extra = {
    ...(outcome.backtest ? { backtest: outcome.backtest } : {}),
    ...(outcome.gateBacktest ? { gateBacktest: outcome.gateBacktest } : {}),
  };
  if (!result.ok) {
    return {
      trained: false as const,
      reason: result.reason,
      samples: result.samples,
      wins: result.wins,
      losses: result.losses,
      ...extra,
    };
  }
  const r = result.report;
  return {
    trained: true as const,
    version: saved?.version ?? null,
    kind: result.model.kind,
    usable: r.usable,
    verdict: r.verdict,
    samples: r.samples,
    auc: r.auc,
    trainAuc: r.trainAuc,
    brier: r.brier,
    brierBaseline: r.brierBaseline,
    logLoss: r.logLoss,
    baseRate: r.baseRate,
    calibration: r.calibration,
    gate: r.gate,
    slices: r.slices,
    sources: r.sources,
    l2: r.l2,
    calibrationMethod: r.calibrationMethod,
    ...extra,
  };
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const fixed = (v: number | null, d = 3) => (v === null ? 'n/a' : v.toFixed(d));

function renderBacktest(outcome: TrainCommandOutcome): string[] {
  const b = outcome.backtest;
  if (!b) return [];
  return [
    `backtest ${b.symbols.join(',')} ${b.from} .. ${b.to}: ${b.trades} trades (${b.unmatched} unmatched), win rate ${pct(b.strategy.winRate)}, profit factor ${fixed(b.strategy.profitFactor, 2)}`,
  ];
}

function renderGateBacktest(g: GateBacktest | undefined): string[] {
  if (!g) return [];
  const line = (name: string, m: GateBacktest['with']) =>
    `  ${name.padEnd(13)} ${String(m.trades).padStart(6)}  ${pct(m.winRate).padStart(8)}  ${fixed(m.profitFactor, 2).padStart(6)}  ${`${m.totalReturnPct.toFixed(2)}%`.padStart(8)}  ${`${m.maxDrawdownPct.toFixed(2)}%`.padStart(8)}`;
  return [
    '',
    `backtest of the held-out period ${g.from} .. ${g.to}, without and with the model (veto below p ${g.minWinProbability}):`,
    '                trades  win rate      PF    return  drawdown',
    line('without model', g.without),
    line('with model', g.with),
  ];
}

export function renderTrain(outcome: TrainCommandOutcome): string {
  const { result, saved } = outcome;
  if (!result.ok) return [...renderBacktest(outcome), `no model trained: ${result.reason}`].join('\n');
  const r = result.report;
  const { train, calibration, test } = r.slices;
  const lines = [
    ...renderBacktest(outcome),
    `model v${saved?.version ?? '?'} (${result.model.kind}, ${r.usable ? 'usable' : 'NOT usable'}) on ${r.samples} closed signals (${Object.entries(
      r.sources,
    )
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')})`,
    `slices (time-ordered): train ${train.count} [${train.from} .. ${train.to}], calibration ${calibration.count}, test ${test.count} [${test.from} .. ${test.to}], embargoed ${r.slices.embargoed}`,
    `held-out: AUC ${fixed(r.auc)} (in-sample ${fixed(r.trainAuc)}), Brier ${fixed(r.brier, 4)} (base rate ${fixed(r.brierBaseline, 4)}), log loss ${fixed(r.logLoss)}, base rate ${pct(r.baseRate)}`,
    '',
    'calibration (held-out)',
    'bin        count  predicted  observed',
    ...r.calibration.map(
      (c) =>
        `${c.bin.padEnd(10)} ${String(c.count).padStart(5)}  ${pct(c.predicted).padStart(9)}  ${pct(c.observed).padStart(8)}`,
    ),
    '',
    `gate p(win) >= ${r.gate.threshold} on the held-out trades with a PnL:`,
    `  without: ${r.gate.without.trades} trades, win rate ${pct(r.gate.without.winRate)}, profit factor ${fixed(r.gate.without.profitFactor, 2)}, PnL ${r.gate.without.pnl}`,
    `  with:    ${r.gate.with.trades} trades, win rate ${pct(r.gate.with.winRate)}, profit factor ${fixed(r.gate.with.profitFactor, 2)}, PnL ${r.gate.with.pnl}`,
    ...renderGateBacktest(outcome.gateBacktest),
    '',
    r.verdict,
  ];
  return lines.join('\n');
}

function renderTable(title: string, rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return `${title}: none`;
  const keys = Object.keys(rows[0]!);
  const cell = (v: unknown) => (v === null || v === undefined ? '-' : String(v));
  const widths = keys.map((k) => Math.max(k.length, ...rows.map((r) => cell(r[k]).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [title, line(keys), ...rows.map((r) => line(keys.map((k) => cell(r[k]))))].join('\n');
}

export function register(program: Command): void {
  const ml = program.command('ml').description('the win-probability model: train it, see what wins');

  ml.command('train')
    .description('train the win-probability model on closed signals and store it as the next version')
    .option('--from-backtest', 'learn from a backtest over recorded candles instead of the store')
    .option('--data <dir>', 'with --from-backtest: recorded candles in the ../shared/data/market format')
    .option('--synthetic <seed>', 'with --from-backtest: the seeded synthetic market instead')
    .option('--symbols <list>', 'with --from-backtest: comma-separated symbols')
    .option('--top <n>', 'with --from-backtest: the N symbols with the largest quote volume')
    .option('--from <iso-time>', 'with --from-backtest: start of the period')
    .option('--to <iso-time>', 'with --from-backtest: end of the period')
    .option(
      '--min-confidence <n>',
      'with --from-backtest: the aggregator minimum (lower = more labelled trades)',
    )
    .option('--evaluate', 'with --from-backtest: backtest the held-out period without and with the model')
    .option('--source <list>', `outcome sources to learn from: ${OUTCOME_SOURCES.join(',')} (default all)`)
    .option('--calibration <kind>', 'platt (default) or isotonic')
    .option('--min-samples <n>', 'fewer closed signals than this: no model (default 150)')
    .option('--gate <p>', 'the p(win) gate compared on the held-out trades (default: the training win rate)')
    .option('--json', 'print one JSON object')
    .action(async (args: TrainArgs) => {
      const outcome = await withStore((store) => runTrain(store, args));
      if (args.json) printJson(trainJson(outcome));
      else out(renderTrain(outcome));
      if (!outcome.result.ok) process.exitCode = 1;
    });

  ml.command('insights')
    .description('win rate and count by analyst agreement, confidence, whale event, symbol and hour')
    .option('--source <list>', `only outcomes from these sources: ${OUTCOME_SOURCES.join(',')}`)
    .option('--json', 'print one JSON object')
    .action(async (args: InsightsArgs) => {
      const insights = await withStore((store) => runInsights(store, args));
      out(args.json ? JSON.stringify(insights, null, 2) : renderInsights(insights));
    });

  ml.command('models')
    .description('the stored model versions with their held-out metrics')
    .option('--json', 'print one JSON array')
    .action(async (args: { json?: boolean }) => {
      const models = await withStore((store) => createMlModelsRepository(store.db).list(50));
      const rows = models.map((m) => {
        const metrics = (m.metrics ?? {}) as Record<string, unknown>;
        return {
          version: m.version,
          usable: m.usable,
          samples: m.samples,
          sources: m.sources.join(','),
          auc: metrics.auc ?? null,
          brier: metrics.brier ?? null,
          brierBaseline: metrics.brierBaseline ?? null,
          trainedAt: m.createdAt.toISOString(),
          note: m.note,
        };
      });
      if (args.json) printJson(rows);
      else out(renderTable('models', rows));
    });
}
