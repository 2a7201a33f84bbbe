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

export function createRollingColumns(fields: number, capacity: number): RollingColumns {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be an integer >= 1');
  const size = capacity * 2;
  const buffers: Float64Array[] = [];
  for (let f = 0; f < fields; f++) buffers.push(new Float64Array(size));
  let end = 0;
  let pushed = 0;
  return {
    push(values) {
      if (end === size) {
        for (let f = 0; f < fields; f++) buffers[f]!.copyWithin(0, size - capacity + 1, size);
        end = capacity - 1;
      }
      for (let f = 0; f < fields; f++) buffers[f]![end] = values[f]!;
      end++;
      pushed++;
    },
    view(field) {
      return buffers[field]!.subarray(end > capacity ? end - capacity : 0, end);
    },
    last(field) {
      return end > 0 ? buffers[field]![end - 1]! : Number.NaN;
    },
    buffer(field) {
      return buffers[field]!;
    },
    get start() {
      return end > capacity ? end - capacity : 0;
    },
    get end() {
      return end;
    },
    get length() {
      return Math.min(end, capacity);
    },
    get pushed() {
      return pushed;
    },
    clear() {
      end = 0;
      pushed = 0;
    },
  };
}

/** Field indexes of a candle row (what the shard keeps as history). */
export const CANDLE_FIELDS = { openTime: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 } as const;
