/**
 * The JSON bodies of the routes the dashboard uses (src/api/schemas.ts, routes/*). Money and prices
 * arrive as decimal strings and stay strings until they are formatted.
 */
export type Mode = 'PAPER' | 'REAL';
export type RiskState = 'ACTIVE' | 'REDUCING' | 'HALTED';
export type ScanProfile = 'aggressive' | 'normal' | 'slow';
export type Direction = 'LONG' | 'SHORT';

export interface Session {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshExpiresAt: string;
  user: { id: string; email: string; mode: Mode; createdAt: string };
}

export interface Settings {
  mode: Mode;
  fixedMargin: string;
  leverage: number;
  autoTrade: boolean;
  minConfidence: number;
  scanProfile: ScanProfile;
  riskState: RiskState;
}

export interface Balance {
  mode: Mode;
  wallet: string | null;
  available: string | null;
  asOf: string | null;
  ageMs: number | null;
  source: string;
}

export interface CredentialStatus {
  configured: boolean;
  /** Masked: `****abcd`. */
  apiKey: string | null;
}

export interface Me {
  user: { id: string; email: string; createdAt: string };
  mode: Mode;
  riskState: RiskState;
  autoTrade: boolean;
  settings: Settings;
  balance: Balance;
  credentials: CredentialStatus;
}

export interface Position {
  id: string;
  signalId: string | null;
  symbol: string;
  direction: Direction;
  mode: Mode;
  status: string;
  open: boolean;
  qty: string;
  filledQty: string;
  entryPrice: string | null;
  stopLoss: string | null;
  takeProfit: string | null;
  margin: string;
  leverage: number;
  exitPrice: string | null;
  fees: string;
  pnl: string | null;
  pnlPercent: string | null;
  markPrice: string | null;
  unrealizedPnl: string | null;
  unrealizedPnlPercent: string | null;
  closeReason: string | null;
  unprotectedSince: string | null;
  adopted: boolean;
  openedAt: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Signal {
  id: string;
  symbol: string;
  direction: Direction;
  status: string;
  confidence: number;
  entryType: string;
  entry: string;
  stopLoss: string;
  takeProfit: string;
  analyst: string;
  fallback: string | null;
  winProbability: number | null;
  candleCloseTime: number | null;
  fixes: string[];
  vetoes: string[];
  reasons: string[];
  outcome: string | null;
  outcomeSource: string | null;
  outcomePnl: string | null;
  expiresAt: string;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type CloseOutcomeKind = 'CLOSED' | 'CLOSING' | 'CLOSED_IN_BOOKS' | 'NOT_CLOSED';

export interface CloseOutcome {
  positionId: string;
  symbol: string;
  mode: Mode;
  outcome: CloseOutcomeKind;
  message: string;
}

export interface PanicReport {
  executor: string;
  autoTrade: boolean;
  riskState: RiskState;
  results: CloseOutcome[];
}

export interface SettingsChange {
  mode?: Mode;
  fixedMargin?: string;
  leverage?: number;
  autoTrade?: boolean;
  minConfidence?: number;
  scanProfile?: ScanProfile;
  confirmReal?: boolean;
}

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}

/** GET /api/backtests: one stored backtest, with its headline numbers (floats, as the report keeps them). */
export interface BacktestListItem {
  id: string;
  createdAt: string;
  source: string;
  analyst: string;
  periodFrom: string;
  periodTo: string;
  symbols: string[];
  trades: number;
  /** 0..1 */
  winRate: number | null;
  profitFactor: number | null;
  totalReturnPct: number;
  maxDrawdownPct: number;
  sharpe: number | null;
  /** engine or direct; null when the stored run did not record it. */
  executor: string | null;
  margin: number | null;
  leverage: number | null;
}

export interface BacktestMetrics {
  trades: number;
  wins: number;
  losses: number;
  winRate: number | null;
  profitFactor: number | null;
  expectancy: number | null;
  expectancyR: number | null;
  netPnl: number;
  fees: number;
  /** Absent in reports stored before funding could be charged (none was). */
  funding?: number;
  startEquity: number;
  endEquity: number;
  totalReturnPct: number;
  maxDrawdownPct: number;
  sharpe: number | null;
  sortino: number | null;
  exposurePct: number;
  avgTradeMinutes: number | null;
  ambiguousExits: number;
}

export interface BacktestSymbolRow {
  symbol: string;
  trades: number;
  wins: number;
  winRate: number | null;
  netPnl: number;
  profitFactor: number | null;
  avgTradeMinutes: number | null;
}

export interface BacktestResult {
  metrics: BacktestMetrics;
  perSymbol: BacktestSymbolRow[];
  /** Evenly spaced samples for charts; time in Unix ms. */
  equity: { time: number; equity: number; drawdownPct: number }[];
}

export interface BacktestPeriod {
  from: number;
  to: number;
  strategy: BacktestResult;
  buyAndHold: BacktestResult;
  randomEntry: BacktestResult | null;
}

export interface BacktestTrade {
  id: number;
  symbol: string;
  direction: Direction;
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  qty: number;
  pnl: number;
  pnlPct: number;
  rMultiple: number | null;
  reason: string;
  durationMinutes: number;
  ambiguous: boolean;
}

/** The report `neurotrade backtest` stores (src/backtest/types.ts), as the dashboard reads it. */
export interface BacktestReport {
  createdAt: number;
  market: {
    source: string;
    dir?: string;
    seed?: number;
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
    /** Percent per 8 hours; absent in reports stored before funding could be charged (none was). */
    fundingRatePct?: number;
    slippage: string;
    minConfidence: number;
    split: number | null;
    seed: number;
    /** Absent in reports stored before the execution engine ran backtests (they used 'direct'). */
    executor?: string;
  };
  full: BacktestPeriod;
  split: { at: number; inSample: BacktestPeriod; outOfSample: BacktestPeriod } | null;
  trades: BacktestTrade[];
  pipeline: Record<string, unknown>;
  performance: { candles: number; seconds: number; candlesPerSecond: number };
  notes: string[];
}

/** GET /api/backtests/:id */
export interface BacktestDetail {
  id: string;
  createdAt: string;
  summary: unknown;
  report: BacktestReport;
}
