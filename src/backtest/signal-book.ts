/**
 * The store's signal deduplication, in memory, for one backtest: the same rule the signals
 * repository enforces under its lock. A PENDING or EXECUTED signal created inside the window
 * blocks a new one for the same symbol and direction; a PENDING signal whose expiry has come is
 * EXPIRED (what `expireDue` does at the start of each scan) and blocks nothing; duplicates inside
 * one batch collapse to the most confident (collapseBatch, shared with the store).
 * Only the latest signal per pair matters: an older one can only block if the latest does.
 */
import type { Direction, SignalStatus } from '../domain/index.js';
import { collapseBatch, isLiveSignal } from '../signals/index.js';

interface Entry {
  id: string;
  createdAt: number;
  expiresAt: number;
  status: SignalStatus;
}

export interface BookCandidate {
  symbol: string;
  direction: Direction;
  combinedConfidence: number;
  expiresAt: number;
}

export interface SignalBook {
  /** Would a new signal for the pair be refused at `now`? */
  blocks(symbol: string, direction: Direction, now: number): boolean;
  /** PENDING signals whose expiry is at or before `now` become EXPIRED; returns how many. */
  expireDue(now: number): number;
  /**
   * Store a scan's accepted signals; per input, the new id, or null when refused as a duplicate
   * (of a live signal or of a more confident one in the same batch).
   */
  insertBatch(candidates: readonly BookCandidate[], now: number): (string | null)[];
  markExecuted(id: string): void;
}

export function createSignalBook(windowMs: number, nextId: () => string): SignalBook {
  // The latest signal per (symbol, direction): one map per direction, keyed by the symbol (the
  // store's dedupKey without building a key string per lookup).
  const latest: Record<Direction, Map<string, Entry>> = { LONG: new Map(), SHORT: new Map() };
  const byId = new Map<string, Entry>();
  const pending = new Set<Entry>();

  const live = (e: Entry | undefined, now: number): boolean =>
    e !== undefined &&
    e.createdAt > now - windowMs &&
    isLiveSignal(e.status) &&
    !(e.status === 'PENDING' && e.expiresAt <= now);

  return {
    blocks(symbol, direction, now) {
      return live(latest[direction].get(symbol), now);
    },
    expireDue(now) {
      let n = 0;
      for (const e of pending) {
        if (e.expiresAt <= now) {
          e.status = 'EXPIRED';
          pending.delete(e);
          byId.delete(e.id);
          n++;
        }
      }
      return n;
    },
    insertBatch(candidates, now) {
      const { keptIndexOf } = collapseBatch(candidates);
      return candidates.map((c, i) => {
        if (keptIndexOf[i] !== i) return null;
        const byPair = latest[c.direction];
        if (live(byPair.get(c.symbol), now)) return null;
        const entry: Entry = { id: nextId(), createdAt: now, expiresAt: c.expiresAt, status: 'PENDING' };
        byPair.set(c.symbol, entry);
        byId.set(entry.id, entry);
        pending.add(entry);
        return entry.id;
      });
    },
    markExecuted(id) {
      const e = byId.get(id);
      if (!e) return;
      e.status = 'EXECUTED';
      pending.delete(e);
      byId.delete(id);
    },
  };
}
