import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging/index.js';
import { createSaver } from './paper-saver.js';

const EVERY = 250;
const QUIET = 100;
const MAX_DELAY = 2_000;

/** A saver over a fake store: every write is logged with its time; `fail` and `slow` steer the next writes. */
function harness() {
  const writes: Array<{ userId: string; at: number }> = [];
  const control = { fail: false, slowMs: 0 };
  const saver = createSaver({
    everyMs: EVERY,
    quietMs: QUIET,
    maxDelayMs: MAX_DELAY,
    logger: createLogger({ level: 'silent' }),
    async save(userId) {
      writes.push({ userId, at: Date.now() });
      if (control.slowMs > 0) await new Promise((r) => setTimeout(r, control.slowMs));
      if (control.fail) throw new Error('store down');
    },
  });
  return { saver, writes, control };
}

describe('when PAPER accounts are written', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes a lone change once the exchange has been quiet, and a burst of changes once', async () => {
    const { saver, writes } = harness();
    const t0 = Date.now();
    for (let i = 0; i < 40; i++) saver.changed('a');
    await vi.advanceTimersByTimeAsync(QUIET - 20);
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(40);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.at - t0).toBeGreaterThanOrEqual(QUIET);
    expect(writes[0]!.at - t0).toBeLessThanOrEqual(QUIET + 10);
  });

  it('holds every account of a fan-out until it ends, then starts their writes together', async () => {
    const { saver, writes } = harness();
    // 300 accounts, each changed three times, one change every 2 ms for 1.8 s: never quiet.
    const users = Array.from({ length: 300 }, (_, i) => `u${i}`);
    for (let round = 0; round < 3; round++) {
      for (const user of users) {
        saver.changed(user);
        await vi.advanceTimersByTimeAsync(2);
      }
    }
    const ended = Date.now();
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(QUIET + 20);
    expect(writes.map((w) => w.userId).sort()).toEqual([...users].sort());
    // All in the same turn (the store then sends them as one statement), right after the quiet.
    expect(new Set(writes.map((w) => w.at)).size).toBe(1);
    expect(writes[0]!.at - ended).toBeGreaterThanOrEqual(QUIET);
  });

  it('never holds a change longer than the longest delay, however busy the exchange', async () => {
    const { saver, writes } = harness();
    const t0 = Date.now();
    saver.changed('a');
    // Another account changes every 50 ms for 3 s: never 100 ms of quiet.
    for (let i = 0; i < 60 && writes.length === 0; i++) {
      saver.changed('busy');
      await vi.advanceTimersByTimeAsync(50);
    }
    const first = writes.find((w) => w.userId === 'a');
    expect(first).toBeDefined();
    expect(first!.at - t0).toBeGreaterThanOrEqual(MAX_DELAY);
    expect(first!.at - t0).toBeLessThanOrEqual(MAX_DELAY + 60);
  });

  it('writes an account at most once per cool-down, one write in flight, the latest state last', async () => {
    const { saver, writes, control } = harness();
    control.slowMs = 400;
    saver.changed('a');
    await vi.advanceTimersByTimeAsync(QUIET + 10);
    expect(writes).toHaveLength(1);
    const firstEnds = writes[0]!.at + 400;
    // Changes during the write wait for it, then for the cool-down after it.
    saver.changed('a');
    await vi.advanceTimersByTimeAsync(390);
    saver.changed('a');
    await vi.advanceTimersByTimeAsync(200);
    expect(writes).toHaveLength(1);
    control.slowMs = 0;
    await vi.advanceTimersByTimeAsync(EVERY);
    expect(writes).toHaveLength(2);
    expect(writes[1]!.at - firstEnds).toBeGreaterThanOrEqual(EVERY);
    expect(writes[1]!.at - firstEnds).toBeLessThanOrEqual(EVERY + 10);
  });

  it('retries a failed write on the next change and at stop, never on a timer', async () => {
    const { saver, writes, control } = harness();
    control.fail = true;
    saver.changed('a');
    await vi.advanceTimersByTimeAsync(QUIET + 10);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(writes).toHaveLength(1);
    saver.changed('a');
    await vi.advanceTimersByTimeAsync(QUIET + 10);
    expect(writes).toHaveLength(2);
    // Failed again: stop() writes it (and succeeds now).
    control.fail = false;
    saver.changed('b');
    await saver.flush();
    expect(writes).toHaveLength(4);
    expect(writes.slice(2).map((w) => w.userId)).toEqual(['a', 'b']);
  });
});
