/**
 * execution: the engine that turns a signal into a protected position and back into money in the
 * books, for many accounts, crash-safe. Entry points:
 *   createExecutionEngine(deps) -> { attachAccount(userId, exchange), executeSignal(user, signal),
 *     closePosition(userId, positionId), panic(userId), reconcile(userId), balance(userId),
 *     tick(), start(), stop() }
 *   createEngineTradingPort / createEngineBalancePort: the engine behind the API's ports.
 *   reconcile(local, reports) (./reconciliation): the pure comparison of books and exchange.
 *   sizeEntry, smallestMargin (./sizing): margin x leverage to an order the exchange accepts.
 * The exchange of each account is injected (a simulator account for PAPER, the ccxt adapter for
 * REAL); nothing here knows which.
 *
 * The entry protocol, a state machine (./states.ts holds the table the code enforces):
 *
 *   CHECKING ──(risk gate / sizing refuse)──────────────────────────────────────► DENIED
 *      │ ok
 *   CONFIGURING (ISOLATED + leverage, cached per symbol) ──(refused)────────────► CANCELLED
 *      │ write-ahead: position PENDING_ENTRY + order INTENT (id = f(user, signal, "entry"))
 *   PENDING_ENTRY ─► SENDING ──(rejected)───────────────────────────────────────► CANCELLED
 *                      │  └──(timeout/5xx/dropped)─► AMBIGUOUS ─(lookup by client id, N tries)
 *                      │                               ├─ found ─► as below
 *                      │                               ├─ not found ─────────────► CANCELLED
 *                      │                               └─ lookups fail ─► UNRESOLVED (reconciliation)
 *                      ├──(LIMIT resting)─► WORKING ─(expires unfilled)──────────► CANCELLED
 *                      ▼                      │ (fills, fully or partly; the rest cancelled at expiry)
 *   FILLED: position saved OPEN (with the fill) before any protective order ◄┘
 *      ▼
 *   PROTECTING: STOP_MARKET closePosition (no reduceOnly) + TAKE_PROFIT_MARKET
 *      ├─ stop accepted ─► PROTECTED ─(stop/target fills, manual, panic)─► CLOSING ─► CLOSED
 *      └─ stop refused ─► UNPROTECTED: param error -> corrected form; -2021 -> CLOSING at once;
 *                         other -> backoff; past protectionBoundMs (10 s) -> CLOSING (market)
 *
 * Invariants (the money-safety invariants of DESIGN.md, enforced here):
 * - Write ahead: no order leaves before its intent (deterministic client order id) is committed;
 *   every answer, silence included, is appended to the order. A signal's entry id exists once,
 *   so a signal is executed at most once per account, whatever crashes or scans repeat.
 * - Ambiguity is settled by lookup by client order id, never by resending.
 * - A filled entry is in the books (OPEN) before its stop is sent; a position is never left
 *   without an accepted stop past the bound: it is closed at market instead.
 * - One serial lane per account changes its trading state; events are stored before published.
 * - Reconciliation (at start, before the account's first entry; periodically; after a stream
 *   loss) adopts unknown positions, books vanished ones, re-places missing stops and cancels
 *   orphaned orders of both families.
 */
export type { BackoffPolicy, Sleep } from './backoff.js';
export {
  type Account,
  type BalanceCache,
  DEFAULT_OPTIONS,
  type ExecutionContext,
  type ExecutionDeps,
  type ExecutionOptions,
  type ExecutionRepos,
} from './context.js';
export {
  type BalanceSnapshotView,
  type CloseResult,
  createExecutionEngine,
  type ExecutionEngine,
} from './engine.js';
export type { ExecutableSignal, ExecuteOptions, ExecutionOutcome, ExecutionStatus } from './entry.js';
export type { CloseReason } from './exits.js';
export { createLane, type Lane } from './lane.js';
export type { PanicOutcome, PanicResult } from './panic.js';
export { type CloseFigures, type CloseInput, computeClose } from './pnl.js';
export {
  createEngineBalancePort,
  createEngineTradingPort,
  type EngineBalanceView,
  type EngineCloseOutcome,
  type EnginePanicReport,
  type EngineTradingPort,
} from './ports.js';
export { PARAM_FIX_CODES } from './protection.js';
export type { ReconcileReport } from './reconcile.js';
export {
  differenceKind,
  type ExchangeReports,
  type LocalOrder,
  type LocalPosition,
  type LocalState,
  type ReconcileAction,
  type ReconcileKind,
  reconcile,
} from './reconciliation/index.js';
export { deriveLegId } from './send.js';
export { type SizingInput, type SizingResult, sizeEntry, smallestMargin } from './sizing.js';
export { canTransition, ENTRY_STATES, type EntryState, STORED_AS, transitionsFrom } from './states.js';
export type { BalanceLatency, StreamStats } from './stream.js';
