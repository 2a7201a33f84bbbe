import { describe, expect, it } from 'vitest';
import { dec } from '../../domain/index.js';
import { bankruptcyPrice, liquidationPrice, maintenanceMargin } from './margin.js';
import { BTC_BRACKETS, bracketFor, makeBrackets, maxNotionalFor } from './spec.js';

describe('leverage brackets', () => {
  it('derives the maintenance amount as the FAQ does: 250,000 × (1% − 0.5%) + 50 = 1,300', () => {
    const b = makeBrackets([
      { initialLeverage: 125, notionalCap: 10_000, maintMarginRatio: '0.004' },
      { initialLeverage: 100, notionalCap: 250_000, maintMarginRatio: '0.005' },
      { initialLeverage: 50, notionalCap: 1_000_000, maintMarginRatio: '0.01' },
    ]);
    expect(b[1]!.cum.toNumber()).toBe(10); // 10,000 × (0.5% − 0.4%)
    expect(b[2]!.notionalFloor.toNumber()).toBe(250_000);
    expect(b[2]!.cum.toNumber()).toBe(1_260); // 10 + 250,000 × 0.5%
  });

  it('keeps maintenance margin continuous across a bracket boundary', () => {
    const below = maintenanceMargin(BTC_BRACKETS, dec('49999.99'));
    const at = maintenanceMargin(BTC_BRACKETS, dec('50000'));
    expect(at.minus(below).abs().lt('0.01')).toBe(true);
    expect(at.toNumber()).toBe(200); // 50,000 × 0.5% − 50
  });

  it('finds the bracket and the notional cap of a leverage', () => {
    expect(bracketFor(BTC_BRACKETS, dec(10_000)).bracket).toBe(1);
    expect(bracketFor(BTC_BRACKETS, dec(50_000)).bracket).toBe(2);
    expect(maxNotionalFor(BTC_BRACKETS, 125).toNumber()).toBe(50_000);
    expect(maxNotionalFor(BTC_BRACKETS, 20).toNumber()).toBe(100_000_000);
    expect(maxNotionalFor(BTC_BRACKETS, 10).toNumber()).toBe(230_000_000);
  });

  it('rejects tables that do not make sense', () => {
    expect(() => makeBrackets([])).toThrow(RangeError);
    expect(() =>
      makeBrackets([
        { initialLeverage: 20, notionalCap: 10, maintMarginRatio: '0.01' },
        { initialLeverage: 50, notionalCap: 20, maintMarginRatio: '0.02' },
      ]),
    ).toThrow(RangeError);
  });
});

describe('liquidation price (isolated, one-way)', () => {
  it('long: LP = (Q·EP − WB − cum) / (Q·(1 − MMR))', () => {
    // 0.01 BTC at 100,000, 20x: WB = 50, bracket 1 (MMR 0.4%, cum 0).
    const lp = liquidationPrice(BTC_BRACKETS, dec('0.01'), dec(100_000), dec(50))!;
    expect(lp.toNumber()).toBeCloseTo(950 / (0.01 * 0.996), 6);
    // At LP, margin balance equals maintenance margin.
    const upnl = dec('0.01').mul(lp.minus(100_000));
    const mm = maintenanceMargin(BTC_BRACKETS, dec('0.01').mul(lp));
    expect(dec(50).plus(upnl).minus(mm).abs().lt('1e-20')).toBe(true);
  });

  it('short: LP = (Q·EP + WB + cum) / (Q·(1 + MMR))', () => {
    const lp = liquidationPrice(BTC_BRACKETS, dec('-0.01'), dec(100_000), dec(50))!;
    expect(lp.toNumber()).toBeCloseTo(1050 / (0.01 * 1.004), 6);
  });

  it('uses the bracket the liquidation notional falls in', () => {
    // 2 BTC at 100,000 (200k notional, bracket 2: MMR 0.5%, cum 50), 10x: WB = 20,000.
    const lp = liquidationPrice(BTC_BRACKETS, dec(2), dec(100_000), dec(20_000))!;
    expect(lp.toNumber()).toBeCloseTo((200_000 - 20_000 - 50) / (2 * 0.995), 6);
  });

  it('is null for a long that cannot be liquidated (margin >= notional)', () => {
    expect(liquidationPrice(BTC_BRACKETS, dec(1), dec(100), dec(100))).toBeNull();
  });

  it('bankruptcy price is where the loss equals the margin', () => {
    expect(bankruptcyPrice(dec('0.01'), dec(100_000), dec(50)).toNumber()).toBe(95_000);
    expect(bankruptcyPrice(dec('-0.01'), dec(100_000), dec(50)).toNumber()).toBe(105_000);
  });
});
