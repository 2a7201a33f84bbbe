/**
 * Input handling shared by every kernel: parameter checks (a bad period is a RangeError, never a
 * silent all-NaN), conversion to Float64Array (so each kernel's loop sees one array type and stays
 * monomorphic), and the streaming interfaces.
 */

/** Any numeric array-like: number[], Float64Array, Float32Array, ... */
export type NumericSeries = ArrayLike<number>;

/** Upper bound on any period or window: a streaming state allocates a buffer of that size. */
export const MAX_PERIOD = 1_000_000;

export function checkPeriod(indicator: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_PERIOD) {
    throw new RangeError(
      `${indicator}: ${name} must be an integer from ${min} to ${MAX_PERIOD}, got ${value}`,
    );
  }
}

export function toFloat64(values: NumericSeries): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}

/**
 * The array a kernel writes into: the caller's `out`, or a new one. Passing `out` is for hot loops
 * over many series of the same length (a screener, a backtest sweep): a fresh 1M-value output is 8 MB
 * whose pages the kernel then faults in one by one, which on a VM can cost as much as the maths.
 * Every element of `out` is overwritten. It must not share memory with an input: the kernels read
 * values behind the one they write (SMA's trailing value, ATR's previous close).
 */
export function outputFor(
  indicator: string,
  length: number,
  out: Float64Array | undefined,
  ...inputs: Float64Array[]
): Float64Array {
  if (out === undefined) return new Float64Array(length);
  if (!(out instanceof Float64Array) || out.length !== length) {
    throw new RangeError(
      `${indicator}: out must be a Float64Array of the input's length ${length}, got ${describe(out)}`,
    );
  }
  // `.buffer` is a builtin getter V8 does not inline (~0.2 µs): read the output's once.
  const buffer = out.buffer;
  for (const input of inputs) {
    if (input.buffer === buffer && overlaps(out, input)) {
      throw new RangeError(`${indicator}: out must not share memory with an input`);
    }
  }
  return out;
}

function describe(value: unknown): string {
  if (value instanceof Float64Array) return `a Float64Array of length ${value.length}`;
  return value === null ? 'null' : typeof value === 'object' ? value.constructor.name : typeof value;
}

/** For two views of one buffer. */
function overlaps(a: Float64Array, b: Float64Array): boolean {
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** Converts high/low/close together and insists on one length: a misaligned candle set is a bug. */
export function toCandleColumns(
  indicator: string,
  high: NumericSeries,
  low: NumericSeries,
  close: NumericSeries,
): [Float64Array, Float64Array, Float64Array] {
  if (high.length !== low.length || low.length !== close.length) {
    throw new RangeError(
      `${indicator}: high, low and close must have the same length, got ${high.length}, ${low.length}, ${close.length}`,
    );
  }
  return [toFloat64(high), toFloat64(low), toFloat64(close)];
}

/** True for NaN and ±Infinity: `x - x` is 0 only for finite numbers, and it is the cheapest test. */
export function isMissing(x: number): boolean {
  return x - x !== 0;
}

/**
 * The streaming form of a one-input indicator. Feed closed values in order; the value returned by
 * `update` at the i-th call equals the batch kernel's output at index i, bit for bit.
 */
export interface StreamingIndicator<Output = number> {
  /** Adds the next value; returns the indicator at it (NaN, or all-NaN fields, during warm-up). */
  update(value: number): Output;
  /**
   * What `update(value)` would return, without changing the state: for a still-forming candle.
   */
  peek(value: number): Output;
  /** Forgets everything; the next update starts a new warm-up. */
  reset(): void;
}

/** The streaming form of an indicator that reads whole candles (true range, ATR). */
export interface StreamingCandleIndicator {
  update(high: number, low: number, close: number): number;
  peek(high: number, low: number, close: number): number;
  reset(): void;
}

/**
 * The counters of the streaming steps' rings (SMA, ROC, rolling deviation) are kept under
 * 2 · period: past that, they step back by period, which changes neither their slot (count mod
 * period) nor any warm-up test (a counter at or above period stays there). Their slot is then
 * `count` or `count - period`, with no division: `count % period` on a number read from a
 * Float64Array is a call to fmod in V8, and three or four per candle were a third of the cost of
 * the screener's primary push.
 */
export const foldCount = (count: number, period: number): number =>
  count >= 2 * period ? count - period : count;

/**
 * count % period for a folded counter (0 <= count < 2 · period), as a small integer: under
 * 2 · MAX_PERIOD, `| 0` is exact, and the slot's arithmetic and array indexes stay integers.
 */
export const ringSlot = (count: number, period: number): number => {
  const c = count | 0;
  return c < period ? c : c - period;
};

/** The slot after `slot` in a ring of `period` slots. */
export const nextSlot = (slot: number, period: number): number => (slot + 1 === period ? 0 : slot + 1);
