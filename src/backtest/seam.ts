/**
 * The seam between the backtest and execution: the runner hands every stored signal to an
 * Executor and drives the market; how orders reach the exchange is the executor's business.
 * Two implementations: ./engine-executor.ts (the live execution engine, the default) and
 * ./executor.ts (createDirectExecutor, `--executor direct`).
 */
import type { Decimal } from 'decimal.js';
import type { Direction, MarketSymbol } from '../domain/index.js';

/** A stored, deduplicated signal as execution sees it. */
export interface BacktestSignal {
  id: string;
  symbol: MarketSymbol;
  direction: Direction;
  entryType: 'MARKET' | 'LIMIT';
  entry: Decimal;
  stopLoss: Decimal;
  takeProfit: Decimal;
  combinedConfidence: number;
  createdAt: number;
  expiresAt: number;
}

export type ExecutionOutcome = { status: 'placed' } | { status: 'refused'; code: string; message: string };

/** What the intrabar driver must respect on a symbol. */
export interface WorkingLevels {
  direction: Direction;
  /** A resting LIMIT entry's price, or null once filled (or for MARKET entries). */
  pendingEntry: number | null;
  /** Protective levels of the open position (null until placed). */
  stop: number | null;
  target: number | null;
}

/**
 * A symbol's levels, none protective yet. Each field is written a number first: V8 then gives the
 * fields of every levels object a layout that holds numbers and null alike from the first trade
 * on. Written null first, a field is widened when it first gets a number: the first LIMIT entry,
 * ~250 entries into a pass, which throws away the optimised code of everything that read it (the
 * pass loop, drivePlainCandle, nextDeadline) for V8 to compile again.
 */
export function workingLevels(direction: Direction, pendingEntry: number | null): WorkingLevels {
  const levels: WorkingLevels = { direction, pendingEntry: 0, stop: 0, target: 0 };
  levels.pendingEntry = pendingEntry;
  levels.stop = null;
  levels.target = null;
  return levels;
}

export interface ExecutorStats {
  placed: number;
  refused: Record<string, number>;
  expiredEntries: number;
  protectionFailures: number;
}

export interface Executor {
  readonly userId: string;
  /** Which implementation: 'engine' or 'direct' (or a name of your own). */
  readonly kind: string;
  /** The client order id the entry of this signal is (or would be) sent with. */
  entryClientOrderId(signalId: string): string;
  /** Act on one signal: resolves once the entry is sent (and, if it filled, protected) or refused. */
  execute(signal: BacktestSignal): Promise<ExecutionOutcome>;
  /** Earliest time `onTime` has something to do (a LIMIT entry's expiry); +Infinity when nothing. */
  nextDeadline(): number;
  onTime(now: number): Promise<void>;
  /** Levels working on a symbol, or undefined when nothing is (the fast path). */
  levels(symbol: string): WorkingLevels | undefined;
  /**
   * Reactions to exchange events still running (protection after a fill), or null when none.
   * Rejects when one of them left a filled entry open (its close at market was refused).
   */
  settle(): Promise<void> | null;
  /** End of the test: cancel what rests, close what is open, at market. */
  closeAll(): Promise<void>;
  stats(): ExecutorStats;
  close(): void | Promise<void>;
}
