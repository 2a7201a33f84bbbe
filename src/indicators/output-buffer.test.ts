import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atr, bollinger, ema, rsi, sma, stddev, trueRange } from './index.js';

/** A price walk with now and then a gap (NaN or ±Infinity), so warm-ups restart mid-series. */
const value = fc.oneof(
  { weight: 30, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => 100 + n / 7) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);
const series = fc.array(fc.tuple(value, value, value), { maxLength: 120 }).map((rows) => ({
  high: Float64Array.from(rows, (r) => Math.max(r[0], r[2])),
  low: Float64Array.from(rows, (r) => Math.min(r[1], r[2])),
  close: Float64Array.from(rows, (r) => r[2]),
}));
type Series = { high: Float64Array; low: Float64Array; close: Float64Array };

/** An output buffer left dirty by an earlier call: every element must be overwritten. */
const dirty = (n: number): Float64Array => new Float64Array(n).fill(-12345.678);

const kernels: Array<[string, (s: Series, out?: Float64Array) => Float64Array]> = [
  ['sma(5)', (s, out) => sma(s.close, 5, out)],
  ['ema(1)', (s, out) => ema(s.close, 1, out)],
  ['ema(9)', (s, out) => ema(s.close, 9, out)],
  ['rsi(2)', (s, out) => rsi(s.close, 2, out)],
  ['rsi(14)', (s, out) => rsi(s.close, 14, out)],
  ['trueRange', (s, out) => trueRange(s.high, s.low, s.close, out)],
  ['atr(1)', (s, out) => atr(s.high, s.low, s.close, 1, out)],
  ['atr(14)', (s, out) => atr(s.high, s.low, s.close, 14, out)],
  ['stddev(1)', (s, out) => stddev(s.close, 1, out)],
  ['stddev(7)', (s, out) => stddev(s.close, 7, out)],
];

/** Bit for bit, so NaN and -0 count. */
function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual).toHaveLength(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]))
      expect({ i, value: actual[i] }).toEqual({ i, value: expected[i] });
  }
}

describe('a caller-provided output buffer gives exactly the fresh result', () => {
  for (const [name, kernel] of kernels) {
    it(name, () => {
      fc.assert(
        fc.property(series, (s) => {
          const out = dirty(s.close.length);
          const result = kernel(s, out);
          expect(result).toBe(out);
          expectSameBits(result, kernel(s));
        }),
      );
    });
  }

  it('bollinger(5, 2) writes the three bands it is given', () => {
    fc.assert(
      fc.property(series, (s) => {
        const n = s.close.length;
        const out = { upper: dirty(n), middle: dirty(n), lower: dirty(n) };
        const result = bollinger(s.close, 5, 2, out);
        expect(result.upper).toBe(out.upper);
        expect(result.middle).toBe(out.middle);
        expect(result.lower).toBe(out.lower);
        const fresh = bollinger(s.close, 5, 2);
        expectSameBits(result.upper, fresh.upper);
        expectSameBits(result.middle, fresh.middle);
        expectSameBits(result.lower, fresh.lower);
      }),
    );
  });
});

describe('a bad output buffer is a RangeError, never a silent partial write', () => {
  const close = Float64Array.from({ length: 30 }, (_, i) => 100 + (i % 7));

  it('names the required length', () => {
    expect(() => ema(close, 9, new Float64Array(29))).toThrow(
      /ema: out must be a Float64Array of the input's length 30, got a Float64Array of length 29/,
    );
    expect(() => rsi(close, 14, new Float32Array(30) as unknown as Float64Array)).toThrow(
      /rsi: out must be a Float64Array .* got Float32Array/,
    );
  });

  it('refuses a buffer that shares memory with an input', () => {
    expect(() => sma(close, 5, close)).toThrow(/sma: out must not share memory with an input/);
    const buffer = new Float64Array(60);
    const input = buffer.subarray(0, 30);
    input.set(close);
    expect(() => ema(input, 5, buffer.subarray(29, 59))).toThrow(/must not share memory/);
    expect(ema(input, 5, buffer.subarray(30, 60))).toEqual(ema(close, 5));
    expect(() => atr(close, close, close.slice(), 14, close)).toThrow(/atr: out must not share memory/);
  });

  it('refuses the same array for two Bollinger bands', () => {
    const shared = new Float64Array(30);
    expect(() =>
      bollinger(close, 20, 2, { upper: shared, middle: shared, lower: new Float64Array(30) }),
    ).toThrow(/bollinger: out must not share memory/);
  });
});
