import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { MARKET_DATA_MISSING, marketDataDir } from '../../test/support/market-data.js';
import { INDICATORS } from './fixtures/catalogue.js';
import type { CandleInput } from './fixtures/oracle-cases.js';
import { seededRandom, syntheticCandles } from './fixtures/synthetic-candles.js';

/**
 * Feeds every candle to a fresh streaming state and checks, bit for bit (Object.is, so NaN and
 * -0 count), that each update equals the batch output at that index and that peek(candle) beforehand
 * announced exactly that value. Returns the number of defined values compared.
 */
function expectStreamEqualsBatch(input: CandleInput): void {
  for (const indicator of INDICATORS) {
    const batch = indicator.batch(input);
    const stream = indicator.stream();
    let defined = 0;
    for (let i = 0; i < input.close.length; i++) {
      const h = input.high[i]!;
      const l = input.low[i]!;
      const c = input.close[i]!;
      const peeked = stream.peek(h, l, c);
      const updated = stream.update(h, l, c);
      for (let k = 0; k < batch.length; k++) {
        const expected = batch[k]![i]!;
        if (!Object.is(updated[k], expected) || !Object.is(peeked[k], expected)) {
          expect
            .soft({ indicator: indicator.name, index: i, output: k, updated: updated[k], peeked: peeked[k] })
            .toEqual({ indicator: indicator.name, index: i, output: k, updated: expected, peeked: expected });
          return;
        }
        if (!Number.isNaN(expected)) defined++;
      }
    }
    // The comparison must have covered real values, not only warm-up NaNs.
    expect(defined, indicator.name).toBeGreaterThan(input.close.length / 2);
  }
}

/** Synthetic candles with gaps: NaN, Infinity and non-positive closes at random places. */
function candlesWithGaps(length: number, seed: number): CandleInput {
  const candles = syntheticCandles({
    seed,
    length,
    startPrice: 250,
    tick: 0.01,
    volatility: 0.01,
    flat: [[1000, 1040]],
    quiet: [[2000, 2300]],
  });
  const random = seededRandom(seed + 1);
  const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -5];
  for (let i = 0; i < length; i++) {
    if (random() < 0.0005) candles.close[i] = bad[Math.floor(random() * bad.length)]!;
    if (random() < 0.0002) candles.high[i] = Number.NaN;
  }
  return candles;
}

function readCandles(file: string): CandleInput {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n').slice(1);
  const high = new Float64Array(lines.length);
  const low = new Float64Array(lines.length);
  const close = new Float64Array(lines.length);
  lines.forEach((line, i) => {
    const cells = line.split(',');
    high[i] = Number(cells[2]);
    low[i] = Number(cells[3]);
    close[i] = Number(cells[4]);
  });
  return { high, low, close };
}

describe('streaming state equals the batch kernel, bit for bit', () => {
  it('on 20,000 synthetic candles with flat and quiet stretches and random gaps', () => {
    expectStreamEqualsBatch(candlesWithGaps(20_000, 42));
  });

  it('after reset() the state starts over like a new one', () => {
    const input = syntheticCandles({ seed: 5, length: 600, startPrice: 10, tick: 0.001, volatility: 0.02 });
    for (const indicator of INDICATORS) {
      const batch = indicator.batch(input);
      const stream = indicator.stream();
      for (let i = 0; i < 300; i++) stream.update(input.high[i]!, input.low[i]!, input.close[i]!);
      stream.reset();
      // After the reset the stream sees the series from the start again.
      for (let i = 0; i < input.close.length; i++) {
        const updated = stream.update(input.high[i]!, input.low[i]!, input.close[i]!);
        batch.forEach((column, k) => {
          if (!Object.is(updated[k], column[i])) expect.fail(`${indicator.name} at ${i}`);
        });
      }
    }
  });
});

const dir = marketDataDir();
describe.skipIf(!dir)('streaming equals batch on real Binance candles', () => {
  if (!dir) console.warn(MARKET_DATA_MISSING);
  for (const symbol of ['BTCUSDT', 'PIPPINUSDT']) {
    it(`${symbol} 5m`, () => {
      expectStreamEqualsBatch(readCandles(join(dir!, '5m', `${symbol}.csv.gz`)));
    });
  }
});
