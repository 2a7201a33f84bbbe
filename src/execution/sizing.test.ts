import { describe, expect, it } from 'vitest';
import { dec, marketSymbol, type SymbolRules } from '../domain/index.js';
import { sizeEntry, smallestMargin } from './sizing.js';

const btc: SymbolRules = {
  symbol: marketSymbol('BTCUSDT'),
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  status: 'TRADING',
  tickSize: dec('0.10'),
  stepSize: dec('0.001'),
  minQty: dec('0.001'),
  maxQty: dec('1000'),
  marketMaxQty: dec('120'),
  minNotional: dec('100'),
  maxLeverage: 125,
};
const doge: SymbolRules = {
  ...btc,
  symbol: marketSymbol('DOGEUSDT'),
  tickSize: dec('0.00001'),
  stepSize: dec('1'),
  minQty: dec('1'),
  minNotional: dec('5'),
  maxLeverage: 75,
};

describe('sizeEntry', () => {
  it('floors the quantity to the step and rounds the price to the tick, in decimals', () => {
    const r = sizeEntry({ rules: btc, margin: '50', leverage: 10, price: '60000.04', type: 'MARKET' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.price.toFixed()).toBe('60000');
    // 500 / 60000 = 0.008333.. -> 0.008, never rounded up
    expect(r.qty.toFixed()).toBe('0.008');
    expect(r.notional.toFixed()).toBe('480');
  });

  it('sizes an alt with a whole-number step', () => {
    const r = sizeEntry({ rules: doge, margin: '10', leverage: 5, price: '0.123456', type: 'LIMIT' });
    expect(r).toMatchObject({ ok: true });
    if (!r.ok) return;
    expect(r.price.toFixed()).toBe('0.12346');
    expect(r.qty.toFixed()).toBe('404');
  });

  it('refuses below the minimum notional and names the smallest margin that works', () => {
    const r = sizeEntry({ rules: btc, margin: '9', leverage: 10, price: '60000', type: 'MARKET' });
    expect(r).toMatchObject({ ok: false, reason: 'BELOW_MIN_NOTIONAL' });
    if (r.ok) return;
    // 100 USDT min notional at 60000 needs 0.002 BTC = 120 USDT notional = 12 USDT margin at 10x
    expect(r.message).toContain('smallest margin that works at 10x is 12.00 USDT');
    expect(smallestMargin(btc, dec('60000'), 10).toFixed()).toBe('12');
  });

  it('refuses leverage above the symbol limit before anything is sent', () => {
    expect(
      sizeEntry({ rules: doge, margin: '10', leverage: 100, price: '0.1', type: 'MARKET' }),
    ).toMatchObject({
      ok: false,
      reason: 'LEVERAGE_ABOVE_LIMIT',
    });
  });

  it('refuses a market order above MARKET_LOT_SIZE', () => {
    const r = sizeEntry({ rules: btc, margin: '1000000', leverage: 10, price: '60000', type: 'MARKET' });
    expect(r).toMatchObject({ ok: false, reason: 'ABOVE_MAX_QTY' });
  });

  it('turns bad input into a reason, not an exception', () => {
    expect(sizeEntry({ rules: btc, margin: 'NaN', leverage: 10, price: '1', type: 'MARKET' })).toMatchObject({
      ok: false,
      reason: 'BAD_INPUT',
    });
    expect(sizeEntry({ rules: btc, margin: '10', leverage: 0, price: '1', type: 'MARKET' })).toMatchObject({
      ok: false,
      reason: 'BAD_INPUT',
    });
    expect(sizeEntry({ rules: btc, margin: '10', leverage: 5, price: '-1', type: 'MARKET' })).toMatchObject({
      ok: false,
      reason: 'BAD_INPUT',
    });
  });
});
