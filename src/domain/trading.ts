/** Trading vocabulary shared by analysts, signals, execution and the store. */

export type Direction = 'LONG' | 'SHORT';
export type OrderSide = 'BUY' | 'SELL';
export type TradingMode = 'PAPER' | 'REAL';
export type RiskState = 'ACTIVE' | 'REDUCING' | 'HALTED';
export type MarginMode = 'ISOLATED' | 'CROSSED';

export const entrySide = (direction: Direction): OrderSide => (direction === 'LONG' ? 'BUY' : 'SELL');
export const exitSide = (direction: Direction): OrderSide => (direction === 'LONG' ? 'SELL' : 'BUY');

/**
 * Position lifecycle. Every state that is not CLOSED_* is "live" and counts against the
 * one-position-per-user-and-symbol rule that the database enforces.
 */
export const POSITION_STATUSES = [
  'PENDING_ENTRY',
  'OPEN',
  'UNPROTECTED',
  'CLOSING',
  'CLOSED_WIN',
  'CLOSED_LOSS',
  'CANCELLED',
] as const;
export type PositionStatus = (typeof POSITION_STATUSES)[number];
export const CLOSED_POSITION_STATUSES: readonly PositionStatus[] = ['CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED'];
export const isLivePosition = (status: PositionStatus): boolean => !CLOSED_POSITION_STATUSES.includes(status);

export const SIGNAL_STATUSES = ['PENDING', 'EXECUTED', 'EXPIRED', 'REJECTED'] as const;
export type SignalStatus = (typeof SIGNAL_STATUSES)[number];

export const ORDER_STATUSES = [
  'INTENT',
  'SENT',
  'NEW',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
  'EXPIRED',
  'REJECTED',
  'UNKNOWN',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * How far along its life an order status is, for both families (regular and algo statuses).
 * An update from the user stream or a lookup may arrive after a newer one (a REST answer racing
 * the stream): a status only ever moves forward, so a late NEW never overwrites FILLED. Final
 * statuses share the top rank, so a re-sent order (same client id after a confirmed rejection)
 * can still record its new fate. Unknown statuses rank 0.
 */
export const ORDER_STATUS_RANK: Readonly<Record<string, number>> = {
  INTENT: 0,
  SENT: 1,
  UNKNOWN: 1,
  NEW: 2,
  PARTIALLY_FILLED: 3,
  TRIGGERING: 3,
  TRIGGERED: 3,
  FILLED: 4,
  FINISHED: 4,
  CANCELED: 4,
  EXPIRED: 4,
  EXPIRED_IN_MATCH: 4,
  REJECTED: 4,
};
export const orderStatusRank = (status: string): number => ORDER_STATUS_RANK[status] ?? 0;
