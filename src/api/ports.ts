/**
 * Ports the API calls and the composition root fills: the execution engine (trading), the balance
 * source, the exchange connection test and mark prices. Defaults that are honest about what they
 * cannot do live in ./defaults; the engine replaces them when it lands.
 */
import type { Decimal } from 'decimal.js';
import type { RiskState, TradingMode } from '../domain/index.js';
import type { User } from '../store/index.js';

export type CloseOutcomeKind =
  /** Closed on the exchange (or the simulator) and in the books. */
  | 'CLOSED'
  /** Close order sent; the fill will arrive as a position event. */
  | 'CLOSING'
  /** No exchange is wired: the position was closed in the books only, without an exit price. */
  | 'CLOSED_IN_BOOKS'
  /** Could not be closed (e.g. a REAL position while no exchange is wired): act on the exchange. */
  | 'NOT_CLOSED';

export interface CloseOutcome {
  positionId: string;
  symbol: string;
  mode: TradingMode;
  outcome: CloseOutcomeKind;
  message: string;
}

export interface PanicReport {
  /** Who acted: 'engine' once the execution engine is wired, 'books-only' before. */
  executor: string;
  autoTrade: boolean;
  riskState: RiskState;
  /** One entry per live position, by symbol. */
  results: CloseOutcome[];
}

export interface TradingPort {
  /** Close one of the user's positions at market. The API has already checked it is theirs. */
  closePosition(userId: string, positionId: string): Promise<CloseOutcome>;
  /** Stop auto-trading, move the account to REDUCING, close every live position. */
  panic(userId: string): Promise<PanicReport>;
  setAutoTrading(userId: string, enabled: boolean): Promise<{ autoTrade: boolean; riskState: RiskState }>;
  /** A person returns a REDUCING or HALTED account to ACTIVE. */
  resume(userId: string): Promise<{ riskState: RiskState }>;
}

export interface BalanceView {
  mode: TradingMode;
  /** Null when no balance is known yet (REAL before the first user-stream update). */
  wallet: Decimal | null;
  available: Decimal | null;
  /** When the figure was true; the API reports its age. */
  asOf: Date | null;
  /** Where it came from: simulator, paper-start, user-stream, rest, unknown... */
  source: string;
}

export interface BalancePort {
  getBalance(user: User): Promise<BalanceView>;
}

export interface MarkPricePort {
  /** The latest mark price, or undefined when the symbol is not being watched. */
  markPrice(symbol: string): Decimal | undefined;
}

/** Market data the dashboard's chart reads: closed candles of the feed the system trades on. */
export interface MarketDataPort {
  candles(
    symbol: string,
    timeframe: string,
    limit: number,
  ): Promise<{ openTime: number; open: number; high: number; low: number; close: number; volume: number }[]>;
}
