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
