/**
 * Liquidation events in time order, appended as they become known (a recording is loaded once;
 * the synthetic market appends each generated stretch). Readers keep their own cursor.
 */
import type { Liquidation } from '../domain/index.js';

export class LiquidationTape {
  private readonly events: Liquidation[] = [];

  get length(): number {
    return this.events.length;
  }

  at(index: number): Liquidation | undefined {
    return this.events[index];
  }

  /** Append events later than (or at) the last one; sorts the batch (stable) first. */
  append(batch: readonly Liquidation[]): void {
    const sorted = [...batch].sort((a, b) => a.time - b.time);
    const last = this.events.at(-1);
    if (last && sorted.length > 0 && sorted[0]!.time < last.time) {
      throw new RangeError(`liquidations must be appended in time order (${sorted[0]!.time} < ${last.time})`);
    }
    for (const e of sorted) this.events.push(e);
  }

  /** Index of the first event with time > t. */
  firstAfter(t: number): number {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.events[mid]!.time <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
