/**
 * Shaping results: trade records from the ledger, a Result from trades and an equity curve, the
 * one-object summary `backtest --json` prints (an interface scripts rely on), and labelled
 * samples for the ML engineer (the signal's features at decision time, and the trade's outcome).
 */
import type { EquityTracker } from './equity.js';
import type { LedgerTrade } from './ledger.js';
import { computeMetrics, perSymbolMetrics } from './metrics.js';
import type {
  BacktestReport,
  Metrics,
  PeriodResults,
  PipelineCounts,
  Result,
  SymbolMetrics,
  TradeRecord,
  TradeSignal,
} from './types.js';

export function emptyCounts(): PipelineCounts {
  return {
    candles: 0,
    scans: 0,
    screens: 0,
    skippedScreens: 0,
    directional: 0,
    blockedByDedup: 0,
    analysed: 0,
    belowCeiling: 0,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    executed: 0,
    refused: {},
    expiredSignals: 0,
    expiredEntries: 0,
    protectionFailures: 0,
    llmCacheHits: 0,
    llmCacheMisses: 0,
    ambiguousCandles: 0,
  };
}

export function toTradeRecord(t: LedgerTrade, id: number, signal: TradeSignal | undefined): TradeRecord {
  const risk = signal ? Math.abs(t.entryPrice - signal.stopLoss) * t.qty : 0;
  return {
    id,
    symbol: t.symbol,
    direction: t.direction,
    entryTime: t.entryTime,
    exitTime: t.exitTime,
    entryPrice: t.entryPrice,
    exitPrice: t.exitPrice,
    qty: t.qty,
    notional: t.notional,
    pnl: t.pnl,
    fees: t.fees,
    funding: t.funding,
    pnlPct: t.notional > 0 ? (t.pnl / t.notional) * 100 : 0,
    rMultiple: risk > 0 ? t.pnl / risk : null,
    reason: t.reason,
    durationMinutes: (t.exitTime - t.entryTime) / 60_000,
    ambiguous: t.ambiguous,
    signal: signal ?? null,
  };
}

export function resultOf(trades: readonly TradeRecord[], equity: EquityTracker): Result {
  return {
    metrics: computeMetrics(trades, equity.stats()),
    perSymbol: perSymbolMetrics(trades),
    equity: equity.samples(),
  };
}

/** The metrics every `--json` consumer may read, for the strategy and each baseline. */
export interface JsonMetrics {
  trades: number;
  winRate: number | null;
  profitFactor: number | null;
  expectancy: number | null;
  totalReturnPct: number;
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  exposurePct: number;
  avgTradeMinutes: number | null;
}

const round = (v: number | null, digits = 4): number | null =>
  v === null || !Number.isFinite(v) ? null : Number(v.toFixed(digits));

export function jsonMetrics(m: Metrics): JsonMetrics {
  return {
    trades: m.trades,
    winRate: round(m.winRate),
    profitFactor: round(m.profitFactor),
    expectancy: round(m.expectancy),
    totalReturnPct: round(m.totalReturnPct) ?? 0,
    maxDrawdownPct: round(m.maxDrawdownPct) ?? 0,
    sharpe: round(m.sharpe),
    sortino: round(m.sortino),
    exposurePct: round(m.exposurePct, 2) ?? 0,
    avgTradeMinutes: round(m.avgTradeMinutes, 1),
  };
}

/** A row of the per-symbol table, rounded as the headline metrics are. */
function symbolJson(m: SymbolMetrics) {
  return {
    symbol: m.symbol,
    trades: m.trades,
    wins: m.wins,
    winRate: round(m.winRate),
    netPnl: round(m.netPnl, 6) ?? 0,
    profitFactor: round(m.profitFactor),
    avgTradeMinutes: round(m.avgTradeMinutes, 1),
  };
}

function periodJson(p: PeriodResults) {
  return {
    from: new Date(p.from).toISOString(),
    to: new Date(p.to).toISOString(),
    ...jsonMetrics(p.strategy.metrics),
    // The strategy's per-symbol table (most traded first), as the CLI and the HTML report show it.
    perSymbol: p.strategy.perSymbol.map(symbolJson),
    baselines: {
      buyAndHold: jsonMetrics(p.buyAndHold.metrics),
      randomEntry: p.randomEntry ? jsonMetrics(p.randomEntry.metrics) : null,
    },
  };
}

/**
 * `backtest --json`: one object. At least trades (a count), winRate (0..1), profitFactor,
 * totalReturnPct, maxDrawdownPct, sharpe, avgTradeMinutes, candles, candlesPerSecond (wall clock;
 * candlesPerCpuSecond per CPU-second of the process, every thread), and
 * baselines.buyAndHold / baselines.randomEntry with the same metrics; also the strategy's
 * perSymbol table (for the whole period and each split part). A ratio that does not exist (no
 * losing trade, no variance) is null.
 */
export function toJsonSummary(report: BacktestReport, extra: { id?: string | null; htmlPath?: string } = {}) {
  return {
    id: extra.id ?? null,
    ...periodJson(report.full),
    candles: report.performance.candles,
    candlesPerSecond: Math.round(report.performance.candlesPerSecond),
    seconds: round(report.performance.seconds, 3),
    candlesPerCpuSecond: Math.round(report.performance.candlesPerCpuSecond),
    cpuSeconds: round(report.performance.cpuSeconds, 3),
    symbols: report.market.symbols,
    analyst: report.params.analyst,
    executor: report.params.executor ?? null,
    fundingRatePct: report.params.fundingRatePct ?? 0,
    split: report.split
      ? {
          at: new Date(report.split.at).toISOString(),
          inSample: periodJson(report.split.inSample),
          outOfSample: periodJson(report.split.outOfSample),
        }
      : null,
    pipeline: report.pipeline,
    notes: report.notes,
    ...(extra.htmlPath ? { html: extra.htmlPath } : {}),
    tradeList: report.trades.map((t) => ({
      symbol: t.symbol,
      direction: t.direction,
      entryTime: new Date(t.entryTime).toISOString(),
      exitTime: new Date(t.exitTime).toISOString(),
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice,
      pnl: round(t.pnl, 6),
      funding: round(t.funding, 6),
      reason: t.reason,
      durationMinutes: t.durationMinutes,
      ambiguous: t.ambiguous,
    })),
  };
}

/** One labelled example for the ML model: the features recorded at decision time and the outcome. */
export interface LabelledSample {
  signalId: string;
  symbol: string;
  direction: 'LONG' | 'SHORT';
  /** Close time of the candle the decision was made on (no later information in the features). */
  decidedAt: number;
  features: Record<string, number | null>;
  outcome: 'WIN' | 'LOSS';
  pnl: number;
  rMultiple: number | null;
  exitReason: TradeRecord['reason'];
  durationMinutes: number;
}

/** Every strategy trade that came from a signal, labelled WIN (net PnL > 0) or LOSS. */
export function labelledSamples(report: Pick<BacktestReport, 'trades'>): LabelledSample[] {
  return report.trades.flatMap((t) =>
    t.signal
      ? [
          {
            signalId: t.signal.id,
            symbol: t.symbol,
            direction: t.direction,
            decidedAt: t.signal.candleCloseTime,
            features: t.signal.features,
            outcome: t.pnl > 0 ? ('WIN' as const) : ('LOSS' as const),
            pnl: t.pnl,
            rMultiple: t.rMultiple,
            exitReason: t.reason,
            durationMinutes: t.durationMinutes,
          },
        ]
      : [],
  );
}
