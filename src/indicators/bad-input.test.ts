import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INDICATORS } from './fixtures/catalogue.js';
import type { CandleInput } from './fixtures/oracle-cases.js';
import {
  atr,
  bollinger,
  createAtrState,
  createBollingerState,
  createEmaState,
  createHurstState,
  createMacdState,
  createRocState,
  createRsiState,
  createSmaState,
  createStddevState,
  ema,
  hurst,
  MAX_PERIOD,
  macd,
  roc,
  rsi,
  sma,
  stddev,
  trueRange,
} from './index.js';

/** Mostly a price walk, now and then a bad value: NaN, ±Infinity, 0 or a negative number. */
const value = fc.oneof(
  { weight: 30, arbitrary: fc.integer({ min: 1, max: 400 }).map((n) => 100 + n / 7) },
  { weight: 3, arbitrary: fc.constantFrom(100, 100.5) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -3),
  },
);
const candles = fc.array(fc.tuple(value, value, value), { maxLength: 260 }).map(
  (rows): CandleInput => ({
    high: rows.map((r) => Math.max(r[0], r[2])),
    low: rows.map((r) => Math.min(r[1], r[2])),
    close: rows.map((r) => r[2]),
  }),
);

function slice(input: CandleInput, from: number, to: number): CandleInput {
  return {
    high: Array.from(input.high).slice(from, to),
    low: Array.from(input.low).slice(from, to),
    close: Array.from(input.close).slice(from, to),
  };
}

describe('bad values are gaps: the output at i is the indicator of the clean stretch ending at i', () => {
  for (const indicator of INDICATORS) {
    it(indicator.name, () => {
      fc.assert(
        fc.property(candles, (input) => {
          const n = input.close.length;
          const whole = indicator.batch(input);
          for (const column of whole) expect(column).toHaveLength(n);
          let start = 0;
          for (let i = 0; i <= n; i++) {
            const gap = i < n && indicator.isGap(input.high[i]!, input.low[i]!, input.close[i]!);
            if (i < n && !gap) continue;
            // [start, i) is a clean stretch: computed alone it must give the same bits.
            const alone = indicator.batch(slice(input, start, i));
            whole.forEach((column, k) => {
              for (let j = start; j < i; j++) {
                if (!Object.is(column[j], alone[k]![j - start])) {
                  expect.fail(
                    `${indicator.name} output ${k} at ${j}: ${column[j]} vs ${alone[k]![j - start]}`,
                  );
                }
              }
              if (i < n) expect(column[i]).toBeNaN();
            });
            start = i + 1;
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('empty and short series', () => {
  it('give output of the input length, never a throw', () => {
    for (const indicator of INDICATORS) {
      for (const length of [0, 1, 2, 5]) {
        const input = {
          high: new Array(length).fill(11),
          low: new Array(length).fill(9),
          close: new Array(length).fill(10),
        };
        for (const column of indicator.batch(input)) expect(column).toHaveLength(length);
      }
    }
  });

  it('shorter than the warm-up: all NaN', () => {
    const close = [10, 11, 12, 11, 10, 12, 13, 12, 11, 12, 13, 14, 13];
    const all = [
      sma(close, 14),
      ema(close, 14),
      rsi(close, 13),
      atr(close, close, close, 13),
      stddev(close, 14),
      roc(close, 13),
      hurst(close, 17),
      ...Object.values(bollinger(close, 14)),
      ...Object.values(macd(close, 3, 12, 3)),
    ];
    for (const column of all) expect(Array.from(column).every(Number.isNaN)).toBe(true);
  });
});

describe('invalid parameters are a RangeError naming the indicator', () => {
  const close = [1, 2, 3];
  const bad = [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_PERIOD + 1];
  const cases: Array<[string, (p: number) => unknown]> = [
    ['sma', (p) => sma(close, p)],
    ['ema', (p) => ema(close, p)],
    ['rsi', (p) => rsi(close, p)],
    ['atr', (p) => atr(close, close, close, p)],
    ['stddev', (p) => stddev(close, p)],
    ['bollinger', (p) => bollinger(close, p)],
    ['macd', (p) => macd(close, 3, 2 + p, 1)],
    ['roc', (p) => roc(close, p)],
    ['hurst', (p) => hurst(close, p)],
    ['createSmaState', (p) => createSmaState(p)],
    ['createEmaState', (p) => createEmaState(p)],
    ['createRsiState', (p) => createRsiState(p)],
    ['createAtrState', (p) => createAtrState(p)],
    ['createStddevState', (p) => createStddevState(p)],
    ['createBollingerState', (p) => createBollingerState(p)],
    ['createMacdState', (p) => createMacdState(1, 1 + p, 1)],
    ['createRocState', (p) => createRocState(p)],
    ['createHurstState', (p) => createHurstState(p)],
  ];
  it.each(cases)('%s', (name, call) => {
    for (const p of bad) expect(() => call(p), `${name}(${p})`).toThrow(new RegExp(`^${name}: `));
    for (const p of bad) expect(() => call(p)).toThrow(RangeError);
  });

  it('periods TA-Lib rejects as degenerate: RSI 1, Hurst below 17, MACD fast >= slow', () => {
    expect(() => rsi(close, 1)).toThrow(RangeError);
    expect(() => hurst(close, 16)).toThrow(/at least|from 17/);
    expect(() => macd(close, 26, 12, 9)).toThrow(/fast \(26\) must be shorter than slow \(12\)/);
    expect(() => macd(close, 12, 12, 9)).toThrow(RangeError);
    expect(() => bollinger(close, 20, -1)).toThrow(/stdDev/);
    expect(() => bollinger(close, 20, Number.NaN)).toThrow(/stdDev/);
  });

  it('mismatched candle columns are a RangeError, not a silent misalignment', () => {
    expect(() => trueRange([1, 2], [1, 2], [1])).toThrow(/same length/);
    expect(() => atr([1, 2], [1], [1, 2])).toThrow(/same length/);
  });
});
