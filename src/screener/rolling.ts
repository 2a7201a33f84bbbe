/**
 * Rolling columns: the newest `capacity` values of several aligned series, readable as contiguous
 * Float64Array views (what the filters and indicators take). Values live in a buffer twice the
 * capacity; when it fills, the newest capacity - 1 values move to the front: O(1) amortized per
 * push, no ring-index arithmetic anywhere downstream. Fields are addressed by index (a hot path:
 * no keyed property lookups).
 */

export interface RollingColumns {
  /** Append one row: `values[f]` for field f, every field. */
  push(values: ArrayLike<number>): void;
  /** The newest min(count, capacity) values of field f, oldest first; valid until the next push. */
  view(field: number): Float64Array;
  /** The newest value of field f (NaN when empty). */
  last(field: number): number;
  /** The whole buffer of field f (its identity never changes); valid values at [start, end). */
  buffer(field: number): Float64Array;
  readonly start: number;
  readonly end: number;
  /** Rows currently readable (at most capacity). */
  readonly length: number;
  /** Rows pushed since the last clear. */
  readonly pushed: number;
  clear(): void;
}

/**
 * A class, not a closure: one object whose fields sit inline (no closure context, no boxed
 * numbers), which matters when a universe of these is touched once each per candle.
 */
class Columns implements RollingColumns {
  private readonly size: number;
  // Every field in one allocation, field f at [f * size, (f + 1) * size): a symbol's columns are
  // one contiguous block, not `fields` backing stores scattered over the heap. Across a universe
  // (500 symbols) that is the difference between a push touching a few pages and touching one
  // page (and TLB entry) per field.
  private readonly data: Float64Array;
  private readonly buffers: Float64Array[] = [];
  end = 0;
  pushed = 0;

  constructor(
    private readonly fields: number,
    private readonly capacity: number,
  ) {
    this.size = capacity * 2;
    this.data = new Float64Array(fields * this.size);
    for (let f = 0; f < fields; f++)
      this.buffers.push(this.data.subarray(f * this.size, (f + 1) * this.size));
  }

  push(values: ArrayLike<number>): void {
    const { data, size, fields } = this;
    if (this.end === size) {
      const keep = this.capacity - 1;
      for (let f = 0; f < fields; f++) data.copyWithin(f * size, (f + 1) * size - keep, (f + 1) * size);
      this.end = keep;
    }
    for (let f = 0, i = this.end; f < fields; f++, i += size) data[i] = values[f]!;
    this.end++;
    this.pushed++;
  }

  view(field: number): Float64Array {
    return this.buffers[field]!.subarray(this.start, this.end);
  }

  last(field: number): number {
    return this.end > 0 ? this.data[field * this.size + this.end - 1]! : Number.NaN;
  }

  buffer(field: number): Float64Array {
    return this.buffers[field]!;
  }

  get start(): number {
    return this.end > this.capacity ? this.end - this.capacity : 0;
  }

  get length(): number {
    return Math.min(this.end, this.capacity);
  }

  clear(): void {
    this.end = 0;
    this.pushed = 0;
  }
}

export function createRollingColumns(fields: number, capacity: number): RollingColumns {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be an integer >= 1');
  return new Columns(fields, capacity);
}

/** Field indexes of a candle row (what the shard keeps as history). */
export const CANDLE_FIELDS = { openTime: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } as const;
