/**
 * Grouped statements for the execution engine's hot paths. When many accounts trade the same
 * signal at once, each writes the same kinds of rows (order intents, answers, position patches,
 * fills, PAPER saves) and reads the same kinds of rows, within the same few milliseconds. Sent one
 * statement each, every row pays a round trip and a statement, and every write a commit (on
 * PostgreSQL the commit's WAL flush is most of a small write's cost: ~200 µs of server CPU and
 * ~2 ms of waiting per autocommit insert on the project's machine, against ~15 µs per row of a
 * multi-row insert). Here, while one statement of a kind is in flight, the calls that arrive are
 * queued and then sent together as one multi-row statement: group commit for the writes, one
 * round trip for the reads.
 *
 * What each caller sees does not change: its promise settles only after the statement that
 * carried its row has completed (committed, for a write), with its own row's result or its own
 * error. A multi-row statement is all or nothing, so when one fails (one row breaks a
 * constraint, say) nothing of it was written and every row of it is sent again alone, each caller
 * getting exactly what the single-row statement would have given it. When the outcome is unknown
 * (the connection dropped before the answer) nothing is sent again: every caller gets the error. A grouped read is answered
 * from a read made at or after the moment it was asked. At low load nothing waits: a call that
 * finds nothing in flight is sent alone at once, by the single-row statement.
 */

import { refusedByDatabase } from './pg-errors.js';

export interface GroupedOptions<I, O> {
  /** Sends one item alone (the single-row statement). */
  one(item: I): Promise<O>;
  /**
   * Sends every item in one statement; answers one result per item, in the items' order (an
   * Error for an item rejects that caller only, and nothing else).
   */
  many(items: readonly I[]): Promise<Array<O | Error>>;
  /**
   * Two items with the same key never share a statement (the same row twice in one statement is
   * an error, or one of the two is lost); the later one waits for the next batch.
   */
  key(item: I): string;
  /** At most this many items per statement (keeps statements and their parameters bounded). */
  maxBatch?: number;
}

interface Pending<I, O> {
  item: I;
  resolve(value: O): void;
  reject(reason: unknown): void;
}

export type Grouped<I, O> = (item: I) => Promise<O>;

export function createGrouped<I, O>(options: GroupedOptions<I, O>): Grouped<I, O> {
  const maxBatch = options.maxBatch ?? 200;
  let queue: Pending<I, O>[] = [];
  let sending = false;

  /** The next batch: queued items in order, a key at most once, the rest left for later. */
  function takeBatch(): Pending<I, O>[] {
    const batch: Pending<I, O>[] = [];
    const keys = new Set<string>();
    const rest: Pending<I, O>[] = [];
    for (const pending of queue) {
      const key = options.key(pending.item);
      if (batch.length < maxBatch && !keys.has(key)) {
        keys.add(key);
        batch.push(pending);
      } else {
        rest.push(pending);
      }
    }
    queue = rest;
    return batch;
  }

  // Through a promise even when `one` throws at once: every caller is answered.
  const alone = (pending: Pending<I, O>): Promise<void> =>
    Promise.resolve(pending.item).then(options.one).then(pending.resolve, pending.reject);

  async function send(batch: Pending<I, O>[]): Promise<void> {
    if (batch.length === 1) return alone(batch[0]!);
    let results: Array<O | Error>;
    try {
      results = await options.many(batch.map((p) => p.item));
      if (results.length !== batch.length) {
        throw new Error(`a grouped statement answered ${results.length} results for ${batch.length} rows`);
      }
    } catch (err) {
      if (refusedByDatabase(err)) {
        // The database refused the statement, so nothing of it was written: each row again,
        // alone, as if never grouped.
        await Promise.all(batch.map(alone));
      } else {
        // The outcome is unknown (the connection dropped, say: it may have committed): sending
        // again could write twice. Every caller gets the error, as each would have alone.
        for (const pending of batch) pending.reject(err);
      }
      return;
    }
    batch.forEach((pending, i) => {
      const result = results[i];
      if (result instanceof Error) pending.reject(result);
      else pending.resolve(result as O);
    });
  }

  async function drain(): Promise<void> {
    sending = true;
    try {
      while (queue.length > 0) await send(takeBatch());
    } finally {
      sending = false;
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      // drain never rejects: every failure is handed to the caller it belongs to.
      if (!sending) void drain();
    });
}

/**
 * Reads of one row by key, grouped: `one` reads a key's row alone, `many` the rows of several keys
 * in one statement; each caller gets its key's row (mapped), or undefined when there is none.
 * Callers asking the same key share a statement too (a fan-out's jobs all read the same signal).
 */
export function createGroupedLookup<R, T>(options: {
  one(key: string): Promise<R[]>;
  many(keys: readonly string[]): Promise<R[]>;
  keyOf(row: R): string;
  map(row: R): T;
}): Grouped<string, T | undefined> {
  let calls = 0;
  const grouped = createGrouped<{ key: string; call: number }, T | undefined>({
    one: async ({ key }) => {
      const [row] = await options.one(key);
      return row === undefined ? undefined : options.map(row);
    },
    many: async (asks) => {
      const keys = [...new Set(asks.map((ask) => ask.key))];
      const byKey = new Map((await options.many(keys)).map((row) => [options.keyOf(row), row]));
      return asks.map(({ key }) => {
        const row = byKey.get(key);
        return row === undefined ? undefined : options.map(row);
      });
    },
    // A read changes nothing: the same key twice may share a statement.
    key: ({ call }) => String(call),
  });
  return (key) => grouped({ key, call: calls++ });
}
