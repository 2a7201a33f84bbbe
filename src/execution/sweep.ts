/**
 * The periodic per-account work (LIMIT expiry, reconciliation) spread over its interval instead of
 * run for every account at once. A round takes the accounts attached when it starts and gives the
 * k-th of n its turn k/n of the way through the interval, so each account still comes round once
 * per interval, while the process (and, for REAL accounts, the exchange's per-IP request weight)
 * sees a steady trickle: 1,000 PAPER accounts reconciled at once cost 0.9-1.1 s of CPU in one
 * 1.7-1.9 s burst that held the event loop up to 130 ms (measured on PostgreSQL), and the API's
 * latency tail with it.
 *
 * Pure pacing: the caller drives it with `step(now)` from a timer and runs the turns it returns.
 */
export interface PacedSweep {
  /** The accounts whose turn has come by `now` (each at most once per round). */
  step(now: number): string[];
}

/** How often a caller should call step(): fine enough that a round's turns stay spread out. */
export function sweepStepMs(intervalMs: number): number {
  return Math.max(1, Math.min(250, Math.floor(intervalMs / 4)));
}

/**
 * `startAt`: when the sweep is created, the accounts have just been reconciled (the engine's start
 * does it), so the first round begins one interval later.
 */
export function createPacedSweep(
  intervalMs: number,
  accounts: () => Iterable<string>,
  startAt: number,
): PacedSweep {
  if (!(intervalMs > 0)) throw new RangeError(`a sweep needs an interval > 0 ms, got ${intervalMs}`);
  let round: string[] = [];
  let startedAt = startAt;
  let next = 0;
  /** The turns of the current round due by `now` not yet given. */
  const due = (now: number, into: string[]) => {
    // Multiplied before dividing: whole-millisecond times give the same turns in every round.
    const by = Math.min(round.length, Math.floor(((now - startedAt) * round.length) / intervalMs) + 1);
    for (; next < by; next++) into.push(round[next] as string);
  };
  return {
    step(now) {
      const turns: string[] = [];
      due(now, turns);
      // A new round once the interval is over and the last one has given every turn.
      if (now - startedAt >= intervalMs && next >= round.length) {
        round = [...accounts()];
        startedAt = now;
        next = 0;
        due(now, turns);
      }
      return turns;
    },
  };
}
