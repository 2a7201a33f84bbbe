/**
 * The synthetic market against the real one. Facts are measured on 5m log returns, per symbol,
 * and summarised by the median across symbols (one odd contract, like a gold perpetual with
 * weekend gaps, should not decide). What we accept, and why:
 * - excess kurtosis: real 5m crypto returns run from ~9 to several hundred (median ~16 here); a
 *   synthetic median within a factor 3 of the real median, and far from a normal's 0.
 * - autocorrelation of |r| at lags 1..10: the real median falls slowly from ~0.31 to ~0.20
 *   (volatility clusters); each synthetic lag within 0.12 of the real one, all positive, decaying.
 * - autocorrelation of r at lags 1..10: real values are within +-0.03 (no linear predictability);
 *   synthetic within +-0.05 at every lag.
 * - Spearman correlation of volume with |r|: real ~0.5; synthetic within 0.2 of it.
 * Without the real files only the absolute bounds are checked, and the comparison says so.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { MARKET_DATA_MISSING, marketDataDir } from '../../../test/support/market-data.js';
import { parseCandleCsv } from '../csv.js';
import { createRandom } from './random.js';
import {
  autocorrelation,
  excessKurtosis,
  medianFacts,
  type StylizedFacts,
  spearman,
  stylizedFacts,
} from './stylized-facts.js';
import { createSyntheticFeed } from './synthetic-feed.js';

describe('stylized-fact estimators', () => {
  it('measure what they claim on series with known answers', () => {
    const r = createRandom(4);
    const normal = Float64Array.from({ length: 200_000 }, () => r.normal());
    expect(excessKurtosis(normal)).toBeCloseTo(0, 1);
    // AR(1) with phi 0.6: autocorrelation phi^k.
    const ar = new Float64Array(200_000);
    for (let i = 1; i < ar.length; i++) ar[i] = 0.6 * ar[i - 1]! + r.normal();
    const acf = autocorrelation(ar, 3);
    expect(acf[0]).toBeCloseTo(0.6, 1);
    expect(acf[2]).toBeCloseTo(0.216, 1);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 1000])).toBe(1);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
  });
});

let synthetic: StylizedFacts;

beforeAll(async () => {
  const feed = createSyntheticFeed({ seed: 2024, symbols: 6, historyDays: 40, pace: 'manual' });
  const facts: StylizedFacts[] = [];
  for (const r of await feed.universe()) {
    const c = await feed.candleColumns(r.symbol, '5m', { from: 0 });
    facts.push(stylizedFacts(c.close, c.volume));
  }
  synthetic = medianFacts(facts);
});

describe('synthetic market: absolute stylized facts', () => {
  it('has fat tails, clustered volatility, no linear predictability and volume that follows |r|', () => {
    expect(synthetic.excessKurtosis).toBeGreaterThan(3);
    for (const a of synthetic.absReturnAcf) expect(a).toBeGreaterThan(0.05);
    expect(synthetic.absReturnAcf[0]).toBeGreaterThan(synthetic.absReturnAcf[9]!);
    for (const a of synthetic.returnAcf) expect(Math.abs(a)).toBeLessThan(0.05);
    expect(synthetic.volumeAbsReturnCorr).toBeGreaterThan(0.25);
  });
});

const dataDir = marketDataDir();
if (!dataDir) console.warn(`stylized facts vs real: ${MARKET_DATA_MISSING}`);

describe.skipIf(!dataDir)('synthetic market vs the real 5m recordings', () => {
  let real: StylizedFacts;
  beforeAll(() => {
    const dir = join(dataDir!, '5m');
    const facts = readdirSync(dir).map((name) => {
      const file = join(dir, name);
      const c = parseCandleCsv(gunzipSync(readFileSync(file)), {
        file,
        symbol: name,
        timeframe: '5m',
      }).columns;
      return stylizedFacts(c.close, c.volume);
    });
    real = medianFacts(facts);
  });

  it('matches the real medians within the ranges stated at the top of this file', () => {
    const report = { real, synthetic };
    expect(synthetic.excessKurtosis, JSON.stringify(report)).toBeGreaterThan(real.excessKurtosis / 3);
    expect(synthetic.excessKurtosis).toBeLessThan(real.excessKurtosis * 3);
    synthetic.absReturnAcf.forEach((a, k) => {
      expect(Math.abs(a - real.absReturnAcf[k]!), `|r| autocorrelation at lag ${k + 1}`).toBeLessThan(0.12);
    });
    for (const a of real.returnAcf) expect(Math.abs(a)).toBeLessThan(0.03); // the premise
    expect(Math.abs(synthetic.volumeAbsReturnCorr - real.volumeAbsReturnCorr)).toBeLessThan(0.2);
  });
});
