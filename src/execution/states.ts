/**
 * The entry protocol as a state machine: named states, the transitions allowed between them, and
 * the position status each state is stored as. The engine records the path every execution took
 * (ExecutionOutcome.path) and refuses a transition that is not in the table, so the table below
 * is what the code does, not a description of it. The diagram is in ./index.ts.
 */
import { DomainError, ErrorCode, type PositionStatus } from '../domain/index.js';

export const ENTRY_STATES = [
  /** Risk gate and sizing: nothing stored, nothing sent. */
  'CHECKING',
  /** Leverage and ISOLATED margin mode for the symbol (cached once set). */
  'CONFIGURING',
  /** Write-ahead committed: position PENDING_ENTRY + order INTENT with the deterministic id. */
  'PENDING_ENTRY',
  /** The entry order is on the wire. */
  'SENDING',
  /** Timeout / 5xx / dropped connection: looking the order up by client order id. */
  'AMBIGUOUS',
  /** A LIMIT entry resting on the book, until it fills or expires. */
  'WORKING',
  /** Something filled: the position is saved OPEN before any protective order is sent. */
  'FILLED',
  /** Placing the stop-loss (STOP_MARKET, closePosition) and the take-profit. */
  'PROTECTING',
  /** No accepted stop: retried with corrected parameters, closed at market past the bound. */
  'UNPROTECTED',
  /** Stop accepted: the steady state until the stop, the target or a person closes it. */
  'PROTECTED',
  /** A reduce-only market exit is being sent (manual close, panic, bound passed, -2021). */
  'CLOSING',
  /** Terminal: flat on the exchange, PnL in the books. */
  'CLOSED',
  /** Terminal: denied before anything was stored (risk gate, sizing). */
  'DENIED',
  /** Terminal: nothing is exposed (rejected, never reached the exchange, expired unfilled). */
  'CANCELLED',
  /** Not terminal: ambiguity not settled yet; reconciliation settles it, never a resend. */
  'UNRESOLVED',
] as const;
export type EntryState = (typeof ENTRY_STATES)[number];

const TRANSITIONS: Readonly<Record<EntryState, readonly EntryState[]>> = {
  CHECKING: ['CONFIGURING', 'DENIED'],
  CONFIGURING: ['PENDING_ENTRY', 'CANCELLED', 'DENIED'],
  PENDING_ENTRY: ['SENDING', 'DENIED'],
  SENDING: ['WORKING', 'FILLED', 'AMBIGUOUS', 'CANCELLED'],
  AMBIGUOUS: ['WORKING', 'FILLED', 'CANCELLED', 'UNRESOLVED'],
  WORKING: ['FILLED', 'CANCELLED'],
  FILLED: ['PROTECTING'],
  PROTECTING: ['PROTECTED', 'UNPROTECTED', 'CLOSING', 'CLOSED'],
  UNPROTECTED: ['PROTECTED', 'CLOSING', 'CLOSED'],
  PROTECTED: ['CLOSING', 'CLOSED', 'PROTECTING'],
  CLOSING: ['CLOSED', 'UNPROTECTED'],
  CLOSED: [],
  DENIED: [],
  CANCELLED: [],
  UNRESOLVED: ['FILLED', 'WORKING', 'CANCELLED'],
};

/** The position status each state is stored as (null: nothing stored). */
export const STORED_AS: Readonly<Record<EntryState, PositionStatus | 'CLOSED_*' | null>> = {
  CHECKING: null,
  CONFIGURING: null,
  PENDING_ENTRY: 'PENDING_ENTRY',
  SENDING: 'PENDING_ENTRY',
  AMBIGUOUS: 'PENDING_ENTRY',
  WORKING: 'PENDING_ENTRY',
  FILLED: 'OPEN',
  PROTECTING: 'OPEN',
  UNPROTECTED: 'UNPROTECTED',
  PROTECTED: 'OPEN',
  CLOSING: 'CLOSING',
  CLOSED: 'CLOSED_*',
  DENIED: null,
  CANCELLED: 'CANCELLED',
  UNRESOLVED: 'PENDING_ENTRY',
};

export function canTransition(from: EntryState, to: EntryState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function transitionsFrom(state: EntryState): readonly EntryState[] {
  return TRANSITIONS[state];
}

/** A path through the machine; `to` throws INTERNAL on a transition the table does not allow. */
export class EntryPath {
  private readonly states: EntryState[];

  constructor(start: EntryState = 'CHECKING') {
    this.states = [start];
  }

  get current(): EntryState {
    return this.states[this.states.length - 1]!;
  }

  to(next: EntryState): this {
    if (!canTransition(this.current, next)) {
      throw new DomainError(ErrorCode.INTERNAL, `illegal entry transition ${this.current} -> ${next}`, {
        details: { path: [...this.states], next },
      });
    }
    this.states.push(next);
    return this;
  }

  get path(): readonly EntryState[] {
    return [...this.states];
  }
}
