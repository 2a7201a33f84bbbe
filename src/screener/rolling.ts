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
  /**
   * Append one row written in place: room is made and the row counted, and its index returned;
   * the caller writes field f at `data[f * stride + index]`, every field, before reading the
   * columns (push without a row to copy from).
   */
  append(): number;
  /** Every field in one block, field f at [f * stride, (f + 1) * stride) (its identity never changes). */
  readonly data: Float64Array;
  readonly stride: number;
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
  readonly stride: number;
  // Every field in one allocation, field f at [f * stride, (f + 1) * stride): a symbol's columns are
  // one contiguous block, not `fields` backing stores scattered over the heap. Across a universe
  // (500 symbols) that is the difference between a push touching a few pages and touching one
  // page (and TLB entry) per field.
  readonly data: Float64Array;
  private readonly buffers: Float64Array[] = [];
  end = 0;
  pushed = 0;

  constructor(
    private readonly fields: number,
    private readonly capacity: number,
  ) {
    const size = capacity * 2;
    this.stride = size;
    this.data = new Float64Array(fields * size);
    for (let f = 0; f < fields; f++) this.buffers.push(this.data.subarray(f * size, (f + 1) * size));
  }

  push(values: ArrayLike<number>): void {
    const { data, stride, fields } = this;
    for (let f = 0, i = this.append(); f < fields; f++, i += stride) data[i] = values[f]!;
  }

  append(): number {
    const { data, stride: size, fields } = this;
    if (this.end === size) {
      const keep = this.capacity - 1;
      for (let f = 0; f < fields; f++) data.copyWithin(f * size, (f + 1) * size - keep, (f + 1) * size);
      this.end = keep;
    }
    this.pushed++;
    return this.end++;
  }

  view(field: number): Float64Array {
    return this.buffers[field]!.subarray(this.start, this.end);
  }

  last(field: number): number {
    return this.end > 0 ? this.data[field * this.stride + this.end - 1]! : Number.NaN;
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
