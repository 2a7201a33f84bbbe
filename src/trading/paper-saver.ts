/**
 * When each PAPER account is written (paper.ts says what is written). The rules, in order:
 * - An account changed is written once the PAPER exchange has been quiet (no change to any
 *   account) for `quietMs`, but never later than `maxDelayMs` after its first unsaved change.
 * - After a write, the account is not written again for `everyMs`.
 * - One write per account is in flight at a time, and it takes the account as it is then.
 * - A failed write is retried on the account's next change and at stop(); nothing retries on a timer.
 *
 * Why wait for quiet: a signal fanned out to 1,000 PAPER users changes every account three or four
 * times within a second or two (entry, its fill, stop, target). Written as they came, each account
 * was saved 2.4 times during the fan-out, and the saves (a 9 KB document each: exported, serialised,
 * sent and parsed by the database) took about a third of the CPU that opens and protects the
 * positions (bench/suites/fanout). Waiting for the burst to end writes each account once, after
 * the positions are protected. The price: a crash during a burst loses up to `maxDelayMs` of
 * PAPER changes instead of `everyMs` (reconciliation then settles the books against what was
 * saved, as for any crash).
 *
 * Accounts due together share one timer, so their writes start in the same turn and the store
 * sends them as one statement (src/store/grouped.ts): with a timer each, every write on the
 * embedded store had finished before the next timer fired and went alone (4,000 one-row
 * statements for four fan-outs to 1,000 users, measured).
 */
import { describeError } from '../domain/index.js';
import type { Logger } from '../logging/index.js';

export interface SaverOptions {
  /** Least time between two writes of one account. */
  everyMs: number;
  /** How long the exchange must be quiet before the changed accounts are written. */
  quietMs: number;
  /** The longest an account's change waits for quiet. */
  maxDelayMs: number;
  logger: Logger;
  save(userId: string): Promise<void>;
  /** Milliseconds; tests pass their own. */
  now?: () => number;
}

export interface Saver {
  /** The account changed: write it by the rules above. */
  changed(userId: string): void;
  /** Stop scheduling, wait for writes in flight, then write every account still unsaved. */
  flush(): Promise<void>;
}

interface Slot {
  /** Changed since the state last written (or being written) was taken. */
  dirty: boolean;
  /** When the oldest change not yet being written happened. */
  dirtySince: number;
  /** The last write failed and nothing changed since: wait for the next change to retry. */
  failed: boolean;
  failures: number;
  /** Not written before this time (the cool-down after a write). */
  notBefore: number;
  /** A timer will look at this account. */
  scheduled: boolean;
  writing: Promise<void> | undefined;
}

/** Accounts due within this window share one timer. */
const SHARED_TIMER_MS = 10;

export function createSaver(options: SaverOptions): Saver {
  const now = options.now ?? Date.now;
  const { logger } = options;
  const slots = new Map<string, Slot>();
  let stopped = false;
  let lastChangeAt = Number.NEGATIVE_INFINITY;
  /** Accounts to look at, by when (rounded up to SHARED_TIMER_MS), each group with one timer. */
  const groups = new Map<number, { users: Set<string>; timer: ReturnType<typeof setTimeout> }>();

  const scheduleAt = (userId: string, slot: Slot, at: number): void => {
    slot.scheduled = true;
    const due = Math.ceil(at / SHARED_TIMER_MS) * SHARED_TIMER_MS;
    let group = groups.get(due);
    if (!group) {
      const users = new Set<string>();
      const timer = setTimeout(
        () => {
          groups.delete(due);
          for (const id of users) look(id, slots.get(id)!);
        },
        Math.max(0, due - now()),
      );
      group = { users, timer };
      groups.set(due, group);
    }
    group.users.add(userId);
  };

  /** Write the account now if the rules allow, else look again when they might. */
  const look = (userId: string, slot: Slot): void => {
    slot.scheduled = false;
    if (stopped || !slot.dirty || slot.failed || slot.writing) return;
    const t = now();
    const when = Math.max(
      slot.notBefore,
      Math.min(lastChangeAt + options.quietMs, slot.dirtySince + options.maxDelayMs),
    );
    if (t < when) scheduleAt(userId, slot, when);
    else void write(userId, slot);
  };

  const write = (userId: string, slot: Slot): Promise<void> => {
    slot.dirty = false;
    const writing = options.save(userId).then(
      () => {
        if (slot.failures > 0) logger.info({ userId, failures: slot.failures }, 'PAPER account saved again');
        slot.failures = 0;
        slot.failed = false;
      },
      (err: unknown) => {
        // A change that arrived during the write is retried after the cool-down; else on the next one.
        slot.failed = !slot.dirty;
        if (!slot.dirty) slot.dirtySince = now();
        slot.dirty = true;
        slot.failures++;
        logger.error(
          { userId, err: describeError(err), failures: slot.failures },
          'saving the PAPER account failed: retried on its next change and at shutdown',
        );
      },
    );
    slot.writing = writing.finally(() => {
      slot.writing = undefined;
      slot.notBefore = now() + options.everyMs;
      if (!stopped && slot.dirty && !slot.failed) scheduleAt(userId, slot, slot.notBefore);
    });
    return slot.writing;
  };

  return {
    changed(userId) {
      const t = now();
      lastChangeAt = t;
      let slot = slots.get(userId);
      if (!slot) {
        slot = {
          dirty: false,
          dirtySince: t,
          failed: false,
          failures: 0,
          notBefore: 0,
          scheduled: false,
          writing: undefined,
        };
        slots.set(userId, slot);
      }
      if (!slot.dirty) slot.dirtySince = t;
      slot.dirty = true;
      slot.failed = false;
      // A write in flight schedules the next one when it ends.
      if (stopped || slot.scheduled || slot.writing) return;
      scheduleAt(userId, slot, Math.max(t + options.quietMs, slot.notBefore));
    },

    async flush() {
      stopped = true;
      for (const group of groups.values()) clearTimeout(group.timer);
      groups.clear();
      for (const slot of slots.values()) slot.scheduled = false;
      await Promise.all([...slots.values()].map((slot) => slot.writing));
      await Promise.all(
        [...slots.entries()].filter(([, slot]) => slot.dirty).map(([userId, slot]) => write(userId, slot)),
      );
      const unsaved = [...slots.entries()].filter(([, slot]) => slot.dirty).map(([userId]) => userId);
      if (unsaved.length > 0) {
        logger.error({ users: unsaved }, 'PAPER accounts left unsaved at shutdown (see the errors above)');
      }
    },
  };
}
