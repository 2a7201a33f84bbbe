/** Small numeric helpers shared by the filters; none of them is an indicator. */

/**
 * arr[n - 1 - stepsBack]: the value `stepsBack` candles before the newest, valid values being at
 * [first, n) (by default the whole array); NaN when out of range.
 */
export function back(arr: ArrayLike<number>, stepsBack = 0, n = arr.length, first = 0): number {
  const i = n - 1 - stepsBack;
  return i >= first ? (arr[i] as number) : Number.NaN;
}

export const isNum = (x: number): boolean => Number.isFinite(x);

/** x when finite, otherwise null: how a metric leaves the screener. */
export const metric = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** A typed array's numbers as a plain array, by a loop (Array.from walks its iterator: ~2 us). */
export function copyToArray(values: Float64Array): number[] {
  const copy: number[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) copy[i] = values[i] as number;
  return copy;
}

export const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Compact number for reasons: `digits` significant digits, trailing zeros dropped (1.5, 0.0123,
 * 96548). Built from an integer mantissa: double-to-string conversion is the slow part of writing
 * reasons for a whole universe, integer-to-string is cheap.
 */
export function fmt(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return 'n/a';
  const abs = x < 0 ? -x : x;
  if (abs === 0) return '0';
  if (abs >= POW10[digits]!) return String(Math.round(x));
  const decimals = digits - 1 - Math.floor(Math.log10(abs));
  // Below ~1e-16 only garbage lives: print it plainly.
  if (decimals >= POW10.length) return x.toExponential(digits - 1);
  let m = Math.round(abs * POW10[decimals]!);
  let e = decimals;
  while (e > 0 && m % 10 === 0) {
    m /= 10;
    e--;
  }
  const s = String(m);
  const body =
    e === 0
      ? s
      : s.length > e
        ? `${s.slice(0, s.length - e)}.${s.slice(s.length - e)}`
        : `0.${'0'.repeat(e - s.length)}${s}`;
  return x < 0 ? `-${body}` : body;
}

/** +1 for LONG, -1 for SHORT. */
export const sign = (side: 'LONG' | 'SHORT'): 1 | -1 => (side === 'LONG' ? 1 : -1);
