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
