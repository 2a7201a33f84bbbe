/**
 * The backtest's vocabulary: what goes in (options), what comes out (the report), and the metrics
 * every strategy and baseline is measured with. Times are Unix ms (UTC); money in the report is
 * float USDT (the simulator keeps it decimal; the report only summarises).
 */
import type { Direction } from '../domain/index.js';

/** Why a trade ended. */
export type ExitReason =
  /** The protective STOP_MARKET triggered. */
  | 'stop'
  /** The TAKE_PROFIT_MARKET triggered. */
  | 'target'
  /** The exchange liquidated the position. */
  | 'liquidation'
  /** Closed at market because protection could not be placed (a price already past a level). */
  | 'protection'
  /** Still open at the end of the test: closed at market at the last price. */
  | 'end'
  /** Closed by a market order the backtest did not classify. */
  | 'market';

/** The signal a trade came from: what the ML engineer labels (features recorded at decision time). */
export interface TradeSignal {
  id: string;
  /** Close time of the primary candle the decision was made on. */
  candleCloseTime: number;
  combinedConfidence: number;
  entryType: 'MARKET' | 'LIMIT';
  entry: number;
  stopLoss: number;
  takeProfit: number;
  analyst: string;
  features: Record<string, number | null>;
  /** The full draft as `scan --json` prints it (decimals as strings), plus the screen metrics. */
  draft: Record<string, unknown> | null;
}

export interface TradeRecord {
  /** 1, 2, ... in order of closing. */
  id: number;
  symbol: string;
  direction: Direction;
  entryTime: number;
  exitTime: number;
  /** Volume-weighted fill prices. */
  entryPrice: number;
  exitPrice: number;
  qty: number;
  /** Entry notional (qty x entry price), USDT. */
  notional: number;
  /** Net of every fee and of funding, USDT. */
  pnl: number;
  fees: number;
  /** Funding paid while open, USDT (negative: received); 0 when no funding rate was charged. */
  funding: number;
  /** pnl / notional x 100. */
  pnlPct: number;
  /** pnl over the planned risk (|entry - stop| x qty); null without a stop. */
  rMultiple: number | null;
  reason: ExitReason;
  durationMinutes: number;
  /** Closed in a candle whose range held both the stop and the target: the stop was assumed. */
  ambiguous: boolean;
  signal: TradeSignal | null;
}

export interface Metrics {
  trades: number;
  wins: number;
  losses: number;
  /** Winning trades / trades, 0..1; null without trades. */
  winRate: number | null;
  /** Gross profit / gross loss; null when nothing was lost (or nothing traded). */
  profitFactor: number | null;
  /** Mean net PnL per trade, USDT. */
  expectancy: number | null;
  /** Mean R multiple per trade (PnL over planned risk); null when no trade had a stop. */
  expectancyR: number | null;
  grossProfit: number;
  grossLoss: number;
  netPnl: number;
  fees: number;
  /** Funding paid by the trades, USDT (negative: received). */
  funding: number;
  startEquity: number;
  endEquity: number;
  totalReturnPct: number;
  /** Largest peak-to-trough fall of the equity (marked to market every step), percent, >= 0. */
  maxDrawdownPct: number;
  /** Daily returns, annualised over 365 days, risk-free 0; null with fewer than 2 days or no variance. */
  sharpe: number | null;
  sortino: number | null;
  /** Share of the time at least one position was open, percent. */
  exposurePct: number;
  avgTradeMinutes: number | null;
  /** Exits decided by the conservative intrabar rule (stop and target both in one candle). */
  ambiguousExits: number;
  exitReasons: Partial<Record<ExitReason, number>>;
}

export interface SymbolMetrics {
  symbol: string;
  trades: number;
  wins: number;
  winRate: number | null;
  netPnl: number;
  profitFactor: number | null;
  avgTradeMinutes: number | null;
}

export interface EquitySample {
  time: number;
  equity: number;
  /** Fall from the running peak at this sample, percent, >= 0. */
  drawdownPct: number;
}

/** One strategy (or baseline) over one period. */
export interface Result {
  metrics: Metrics;
  perSymbol: SymbolMetrics[];
  /**
   * At most 2000 samples for charts: the start, then for each of equal time buckets the marks with
   * the lowest and the highest equity and the deepest drawdown (in time order), and the last mark.
   * The deepest sample is the max drawdown the metrics report.
   */
  equity: EquitySample[];
}

/**
 * The strategy and both baselines over one period. With a split, trades belong to the part they
 * were entered in (a trade open across the split counts once, in-sample, with all its PnL); the
 * equity metrics (return, drawdown, Sharpe, Sortino, exposure) come from the equity within the
 * part, the out-of-sample part starting from the equity (and the open positions) at the split.
 */
export interface PeriodResults {
  from: number;
  to: number;
  strategy: Result;
  buyAndHold: Result;
  randomEntry: Result | null;
}

/** Counts from every stage of the pipeline: what happened to the candles and the signals. */
export interface PipelineCounts {
  candles: number;
  /** Scans: one per primary-candle close time. */
  scans: number;
  screens: number;
  skippedScreens: number;
  directional: number;
  /** Directional screens not sent to the analysts: a live signal for the pair already blocks them. */
  blockedByDedup: number;
  analysed: number;
  /**
   * Of `analysed` (and `rejected`): screens the aggregator would refuse whatever the analysts said
   * (the rule analyst's confidence is the score), so they were not asked. See ./strategy.ts.
   */
  belowCeiling: number;
  accepted: number;
  rejected: number;
  /** Accepted signals refused by the store's deduplication within one scan batch. */
  duplicates: number;
  executed: number;
  /** Signals the execution refused (risk gate, sizing, exchange), by reason code. */
  refused: Record<string, number>;
  expiredSignals: number;
  /** LIMIT entries cancelled unfilled at the signal's expiry. */
  expiredEntries: number;
  protectionFailures: number;
  llmCacheHits: number;
  /** Cache-only LLM mode: candles the analyses cache holds no answer for (never invented). */
  llmCacheMisses: number;
  /** Candles whose range held both an open position's stop and target: the stop was assumed. */
  ambiguousCandles: number;
}

export interface BacktestReport {
  version: 1;
  createdAt: number;
  market: {
    source: 'replay' | 'synthetic' | 'memory';
    dir?: string | undefined;
    seed?: number | undefined;
    baseTimeframe: string;
    timeframes: { primary: string; confirm: string; trend: string };
    symbols: string[];
    excluded: { symbol: string; reason: string }[];
  };
  params: {
    from: number;
    to: number;
    analyst: string;
    balance: number;
    margin: number;
    leverage: number;
    makerFeePct: number;
    takerFeePct: number;
    /** Funding charged, percent per 8 hours (0: none). Absent in older reports: none was charged. */
    fundingRatePct?: number;
    slippage: string;
    minConfidence: number;
    dedupWindowMinutes: number;
    split: number | null;
    seed: number;
    warmupCandles: number;
    /** Which executor ran: 'engine' (the live execution engine) or 'direct'. Absent in older reports. */
    executor?: string;
    /** A resting LIMIT entry was cancelled this long after it was sent. */
    limitEntryTtlMinutes?: number;
  };
  /** The whole period, and with --split the in-sample and out-of-sample parts side by side. */
  full: PeriodResults;
  split: { at: number; inSample: PeriodResults; outOfSample: PeriodResults } | null;
  trades: TradeRecord[];
  baselineTrades: { buyAndHold: TradeRecord[]; randomEntry: TradeRecord[] };
  pipeline: PipelineCounts;
  performance: {
    /** Base candles through the whole pipeline (the strategy pass). */
    candles: number;
    seconds: number;
    candlesPerSecond: number;
    /**
     * CPU time of the whole process over the pass (user and system, every thread): besides the
     * pipeline, V8 optimising it on another core and collecting garbage. What a core does.
     */
    cpuSeconds: number;
    /** candles / cpuSeconds: the pass's speed per core. */
    candlesPerCpuSecond: number;
    loadSeconds: number;
    baselineSeconds: number;
    peakRssMb: number;
  };
  notes: string[];
}
