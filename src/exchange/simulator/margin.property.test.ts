/**
 * liquidationPrice against its plain decimal.js statement (decimal division, every bracket's
 * notional compared in decimals): the shortcuts (the division by bigints, the bracket decided in
 * doubles when far from its bounds) must give the same decimal, and `level` its double.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dec, dec, nearFloat, toFloat } from '../../domain/index.js';
import { bracketsFor } from './from-rules.js';
import { liquidationGuard, liquidationPrice } from './margin.js';
import { BTC_BRACKETS, type LeverageBracket } from './spec.js';

function reference(brackets: readonly LeverageBracket[], amt: Dec, entry: Dec, wallet: Dec): Dec | null {
  if (amt.isZero()) return null;
  const q = amt.abs();
  let last: Dec | null = null;
  for (const b of brackets) {
    const denominator = q.mul(b.maintMarginRatio).minus(amt);
    if (denominator.isZero()) continue;
    const lp = wallet.plus(b.cum).minus(amt.mul(entry)).div(denominator);
    last = lp.gt(0) ? lp : null;
    if (last === null) continue;
    const notional = q.mul(lp);
    if (notional.gte(b.notionalFloor) && notional.lt(b.notionalCap)) return lp;
  }
  return last;
}

const parts = (d: Dec | null) => (d === null ? null : [d.s, d.e, d.d === null ? null : [...d.d]]);

function check(brackets: readonly LeverageBracket[], amt: Dec, entry: Dec, wallet: Dec): void {
  const level = { value: Number.NaN };
  const got = liquidationPrice(brackets, amt, entry, wallet, level);
  const want = reference(brackets, amt, entry, wallet);
  expect(parts(got)).toEqual(parts(want));
  if (want !== null) expect(Object.is(level.value, toFloat(want))).toBe(true);
  expect(parts(liquidationPrice(brackets, amt, entry, wallet))).toEqual(parts(want));
  checkGuard(brackets, amt, entry, wallet, level.value, want);
}

/** Each table's brackets as doubles, as simSymbol makes them. */
const floats = new Map<
  readonly LeverageBracket[],
  { floor: number; cap: number; mmr: number; cum: number }[]
>();
const floatsOf = (brackets: readonly LeverageBracket[]) => {
  let out = floats.get(brackets);
  if (!out) {
    out = brackets.map((b) => ({
      floor: b.notionalFloor.toNumber(),
      cap: b.notionalCap.toNumber(),
      mmr: b.maintMarginRatio.toNumber(),
      cum: b.cum.toNumber(),
    }));
    floats.set(brackets, out);
  }
  return out;
};

/** A guard, when there is one, comes before the level: the level exists and lies at or beyond it. */
function checkGuard(
  brackets: readonly LeverageBracket[],
  amt: Dec,
  entry: Dec,
  wallet: Dec,
  level: number,
  want: Dec | null,
): void {
  if (amt.isZero()) return;
  const guard = liquidationGuard(floatsOf(brackets), toFloat(amt), toFloat(entry), nearFloat(wallet));
  if (Number.isNaN(guard)) return;
  expect(want).not.toBeNull();
  if (amt.gt(0)) expect(level).toBeLessThanOrEqual(guard);
  else expect(level).toBeGreaterThanOrEqual(guard);
}

const tables = [BTC_BRACKETS, bracketsFor(75), bracketsFor(20)];

/** A position of any size and side (up to 6 decimals) at an entry price of up to 6 decimals. */
const positionArb = fc
  .tuple(
    fc.integer({ min: 1, max: 10 ** 9 }),
    fc.integer({ min: 0, max: 6 }),
    fc.integer({ min: 1, max: 10 ** 9 }),
    fc.integer({ min: 0, max: 6 }),
    fc.boolean(),
  )
  .map(([qty, qtyPlaces, price, pricePlaces, short]) => ({
    amt: dec(`${short ? '-' : ''}${qty}e-${qtyPlaces}`),
    entry: dec(`${price}e-${pricePlaces}`),
  }));

describe('liquidationPrice', () => {
  it('is the decimal statement for isolated positions of any size, side and margin', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...tables),
        positionArb,
        fc.integer({ min: 1, max: 10 ** 15 }),
        (table, { amt, entry }, wallet) => check(table, amt, entry, dec(`${wallet}e-12`)),
      ),
      { numRuns: 20_000 },
    );
  });

  it('on the bracket bounds: a margin that puts |amt| x LP at a floor or cap, and a hair either side', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...tables),
        fc.nat({ max: 11 }),
        fc.integer({ min: 1, max: 10 ** 7 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 1, max: 10 ** 8 }),
        fc.constantFrom('0', '1e-30', '-1e-30', '1e-12', '-1e-12', '1e-38'),
        fc.boolean(),
        (table, at, qty, qtyPlaces, price, nudge, short) => {
          const b = table[Math.min(at, table.length - 1)]!;
          const amt = dec(`${short ? '-' : ''}${qty}e-${qtyPlaces}`);
          const q = amt.abs();
          const entry = dec(`${price}e-2`);
          // LP with |amt| x LP on the bound, and the wallet that gives it in this bracket.
          const bound = at % 2 === 0 ? b.notionalFloor : b.notionalCap;
          const lp = bound.div(q).times(dec(1).plus(nudge));
          const wallet = lp.mul(q.mul(b.maintMarginRatio).minus(amt)).minus(b.cum).plus(amt.mul(entry));
          check(table, amt, entry, wallet);
          check(table, amt, entry, wallet.toDecimalPlaces(12));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('guards a level where the wallet all but equals the notional (leverage 1: LP near zero)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...tables),
        positionArb,
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: -1000, max: 1000 }),
        (table, { amt, entry }, leverage, nudge) => {
          const margin = amt.abs().mul(entry).div(leverage).toDecimalPlaces(12);
          check(table, amt, entry, margin.plus(dec(nudge).mul('1e-12')));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('null, beyond the table, and a wallet of many digits', () => {
    check(BTC_BRACKETS, dec(0), dec(100), dec(10));
    check(BTC_BRACKETS, dec(1), dec(100), dec(1000)); // over-margined long: null
    check(BTC_BRACKETS, dec(-100000), dec(100000), dec(1)); // far beyond the last cap
    check(BTC_BRACKETS, dec('0.001'), dec('100000.1'), dec('12.345678901234567890123456789'));
    check(BTC_BRACKETS, dec('-0.5'), dec('100000'), dec('50000').div(3));
  });
});
