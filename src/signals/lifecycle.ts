/**
 * Signal lifecycle and the deduplication policy. PENDING -> EXECUTED (for at least one user) /
 * EXPIRED / REJECTED. A PENDING or EXECUTED signal is live: it blocks a new signal for the same
 * symbol and direction inside the window. The store enforces this with a locked check; the pure
 * half here (keys, liveness, batch collapse) is what both the store and callers share.
 */
import { type Direction, MINUTE_MS, type SignalStatus } from '../domain/index.js';

export const DEFAULT_DEDUP_WINDOW_MS = 120 * MINUTE_MS;

export const LIVE_SIGNAL_STATUSES: readonly SignalStatus[] = ['PENDING', 'EXECUTED'];

/** One of LIVE_SIGNAL_STATUSES, by two comparisons (a backtest asks it for every directional screen). */
export const isLiveSignal = (status: SignalStatus): boolean => status === 'PENDING' || status === 'EXECUTED';

const TRANSITIONS: Readonly<Record<SignalStatus, readonly SignalStatus[]>> = {
  PENDING: ['EXECUTED', 'EXPIRED', 'REJECTED'],
  // Executed for one user, it stays executed when a second user executes it too.
  EXECUTED: ['EXECUTED'],
  EXPIRED: [],
  REJECTED: [],
};

export function canTransition(from: SignalStatus, to: SignalStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses a signal may be in for it to move to `to` (what a conditional UPDATE checks). */
export function allowedFrom(to: SignalStatus): SignalStatus[] {
  return (Object.keys(TRANSITIONS) as SignalStatus[]).filter((from) => canTransition(from, to));
}

export const dedupKey = (symbol: string, direction: Direction): string => `${symbol}:${direction}`;

export interface Deduplicable {
  symbol: string;
  direction: Direction;
  combinedConfidence: number;
}

/**
 * Duplicates inside one batch collapse to one: per symbol and direction the most confident
 * survives (the first on a tie). `keptIndexOf[i]` is the index of the item that stands for item i.
 */
export function collapseBatch<T extends Deduplicable>(items: readonly T[]): { keptIndexOf: number[] } {
  // One item stands for itself (most of a backtest's scans store one signal or two).
  if (items.length === 1) return { keptIndexOf: [0] };
  const keys = new Array<string>(items.length);
  const best = new Map<string, number>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const key = dedupKey(item.symbol, item.direction);
    keys[i] = key;
    const current = best.get(key);
    if (current === undefined || item.combinedConfidence > items[current]!.combinedConfidence)
      best.set(key, i);
  }
  const keptIndexOf = new Array<number>(items.length);
  for (let i = 0; i < items.length; i++) keptIndexOf[i] = best.get(keys[i]!)!;
  return { keptIndexOf };
}
