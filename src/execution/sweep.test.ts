import { describe, expect, it } from 'vitest';
import { createPacedSweep, sweepStepMs } from './sweep.js';

/** Drive a sweep with a timer's steps from `from` to `to`; the time of each account's turns. */
function drive(sweep: ReturnType<typeof createPacedSweep>, from: number, to: number, stepMs: number) {
  const turns = new Map<string, number[]>();
  const perStep: number[] = [];
  for (let now = from; now <= to; now += stepMs) {
    const due = sweep.step(now);
    perStep.push(due.length);
    for (const id of due) turns.set(id, [...(turns.get(id) ?? []), now]);
  }
  return { turns, perStep };
}

describe('paced sweep', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `u${i}`);

  it('gives every account one turn per interval, spread across it, starting one interval in', () => {
    const accounts = ids(1_000);
    const sweep = createPacedSweep(60_000, () => accounts, 0);
    const step = sweepStepMs(60_000);
    const { turns, perStep } = drive(sweep, 0, 4 * 60_000 - 1, step);
    // Nothing in the first interval: the start has just reconciled everyone.
    expect(perStep.slice(0, 60_000 / step - 1).every((n) => n === 0)).toBe(true);
    // Rounds from 60, 120 and 180 s: each account's first turn within the first round, then one
    // turn exactly an interval after the other (the third round's last turns fall after 240 s).
    for (const id of accounts) {
      const t = turns.get(id) ?? [];
      expect(t.length).toBeGreaterThanOrEqual(2);
      expect(t[0]).toBeGreaterThanOrEqual(60_000);
      expect(t[0]).toBeLessThanOrEqual(120_000);
      for (let i = 1; i < t.length; i++) expect((t[i] ?? 0) - (t[i - 1] ?? 0)).toBe(60_000);
    }
    // Spread: 1,000 accounts over 240 steps of 250 ms: at most ceil(1000/240) = 5 per step.
    expect(Math.max(...perStep)).toBeLessThanOrEqual(Math.ceil(1_000 / (60_000 / step)));
  });

  it('takes accounts attached mid-round in the next round, and skips none of the others', () => {
    const accounts = ids(10);
    const sweep = createPacedSweep(1_000, () => accounts, 0);
    const first = drive(sweep, 1_000, 1_499, 10);
    accounts.push('late');
    const rest = drive(sweep, 1_500, 2_999, 10);
    expect(first.turns.has('late')).toBe(false);
    // The next round began at 2,000 ms; 'late' is its last turn, 10/11 of the way through.
    expect(rest.turns.get('late')).toEqual([2_910]);
    for (const id of ids(10)) {
      expect([...(first.turns.get(id) ?? []), ...(rest.turns.get(id) ?? [])]).toHaveLength(2);
    }
  });

  it('catches up when its timer was held up, without giving anyone two turns in a round', () => {
    const accounts = ids(100);
    const sweep = createPacedSweep(1_000, () => accounts, 0);
    expect(sweep.step(1_000)).toEqual(['u0']);
    // The timer fires late (the loop was busy): half the round is due at once.
    expect(sweep.step(1_500)).toHaveLength(50);
    expect(sweep.step(1_999)).toHaveLength(49);
    expect(sweep.step(2_000)).toHaveLength(1);
  });

  it('refuses an interval that is not positive', () => {
    expect(() => createPacedSweep(0, () => [], 0)).toThrow(/interval > 0/);
  });
});
