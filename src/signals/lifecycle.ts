/**
 * Signal lifecycle and the deduplication policy. PENDING -> EXECUTED (for at least one user) /
 * EXPIRED / REJECTED. A PENDING or EXECUTED signal is live: it blocks a new signal for the same
 * symbol and direction inside the window. The store enforces this with a locked check; the pure
 * half here (keys, liveness, batch collapse) is what both the store and callers share.
 */
import { type Direction, MINUTE_MS, type SignalStatus } from '../domain/index.js';

export const DEFAULT_DEDUP_WINDOW_MS = 120 * MINUTE_MS;

export const LIVE_SIGNAL_STATUSES: readonly SignalStatus[] = ['PENDING', 'EXECUTED'];

export const isLiveSignal = (status: SignalStatus): boolean => LIVE_SIGNAL_STATUSES.includes(status);

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
  const best = new Map<string, number>();
  items.forEach((item, i) => {
    const key = dedupKey(item.symbol, item.direction);
    const current = best.get(key);
    if (current === undefined || item.combinedConfidence > items[current]!.combinedConfidence)
      best.set(key, i);
  });
  return { keptIndexOf: items.map((item) => best.get(dedupKey(item.symbol, item.direction))!) };
}
