/**
 * perLeverage (an opening fill's isolated margin: its quote over the leverage) against decimal.js's
 * division, which it skips for leverages of a finite reciprocal: the same decimal (sign, exponent,
 * digits) for every leverage the engine accepts, short values and long ones.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dec, dec } from '../../domain/index.js';
import { perLeverage } from './fills.js';
import { createTestSimulator } from './fixtures.js';
import { roundMoney } from './state.js';

const parts = (d: Dec) => [d.s, d.e, d.d === null ? null : [...d.d]];

/** Coefficients up to 45 digits (past our 40-digit precision), a quote's 2..8 decimals or far off. */
const value = fc.oneof(
  fc
    .tuple(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: 2, max: 8 }))
    .map(([n, places]) => dec(`${n}e-${places}`)),
  fc
    .tuple(fc.bigInt({ min: -(10n ** 45n), max: 10n ** 45n }), fc.integer({ min: -30, max: 30 }))
    .map(([n, e]) => dec(`${n}e${e}`)),
);

describe('perLeverage', () => {
  it('is value.div(leverage), digit for digit, for leverages 1..125', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 125 }), (v, leverage) => {
        expect(parts(perLeverage(v, leverage))).toEqual(parts(v.div(leverage)));
      }),
      { numRuns: 20_000 },
    );
  });

  it('divides for a leverage that is not a whole number', () => {
    expect(parts(perLeverage(dec('1000.5'), 2.5))).toEqual(parts(dec('1000.5').div(2.5)));
  });

  it("an opening fill's isolated wallet is its quote over the leverage, at every leverage", () => {
    for (const leverage of [1, 3, 5, 7, 8, 20, 25, 64, 100, 125]) {
      const { sim } = createTestSimulator({ deposit: 1_000_000 });
      sim.setLeverage('a', 'BTCUSDT', leverage);
      sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: dec('0.123') });
      const [p] = sim.positionRisk('a');
      expect(parts(p!.isolatedWallet)).toEqual(parts(roundMoney(dec('0.123').mul(100_000).div(leverage))));
    }
  });
});
