import { describe, expect, it } from 'vitest';
import { isFresh, LIVE_PRICE_MAX_AGE_MS, liveFigures, unrealizedPnl } from '../../web/src/lib/pnl.js';

const long = { direction: 'LONG' as const, entryPrice: '100', filledQty: '2', margin: '20' };
const short = { ...long, direction: 'SHORT' as const };

describe('unrealizedPnl', () => {
  it('gains on a LONG when the mark rises and on a SHORT when it falls', () => {
    expect(unrealizedPnl(long, '101.5')).toEqual({ pnl: '3', pnlPercent: '15' });
    expect(unrealizedPnl(short, '101.5')).toEqual({ pnl: '-3', pnlPercent: '-15' });
    expect(unrealizedPnl(short, '99')).toEqual({ pnl: '2', pnlPercent: '10' });
  });

  it('is exact decimal arithmetic, not floats', () => {
    const p = unrealizedPnl({ direction: 'LONG', entryPrice: '0.1', filledQty: '3', margin: '0.3' }, '0.2');
    expect(p).toEqual({ pnl: '0.3', pnlPercent: '100' });
  });

  it('rounds the percentage to 4 places like the API', () => {
    const p = unrealizedPnl({ direction: 'LONG', entryPrice: '3', filledQty: '1', margin: '3' }, '4');
    expect(p?.pnlPercent).toBe('33.3333');
  });

  it('knows nothing without an entry, a fill or a mark', () => {
    expect(unrealizedPnl({ ...long, entryPrice: null }, '100')).toBeUndefined();
    expect(unrealizedPnl({ ...long, filledQty: '0' }, '100')).toBeUndefined();
    expect(unrealizedPnl(long, undefined)).toBeUndefined();
    expect(unrealizedPnl(long, 'NaN')).toBeUndefined();
  });

  it('gives no percentage when the margin is zero', () => {
    expect(unrealizedPnl({ ...long, margin: '0' }, '101')).toEqual({ pnl: '2', pnlPercent: null });
  });
});

describe('isFresh', () => {
  const now = 1_000_000;
  it('is fresh only while connected and recent', () => {
    expect(isFresh({ connected: true, asOf: now - 1_000, now })).toBe(true);
    expect(isFresh({ connected: true, asOf: now - LIVE_PRICE_MAX_AGE_MS, now })).toBe(true);
    expect(isFresh({ connected: true, asOf: now - LIVE_PRICE_MAX_AGE_MS - 1, now })).toBe(false);
  });

  it('turns every figure stale the moment the stream disconnects', () => {
    expect(isFresh({ connected: false, asOf: now, now })).toBe(false);
  });

  it('is never fresh without a timestamp', () => {
    expect(isFresh({ connected: true, asOf: undefined, now })).toBe(false);
  });
});

describe('liveFigures', () => {
  const position = {
    symbol: 'BTCUSDT',
    direction: 'LONG' as const,
    entryPrice: '100',
    filledQty: '1',
    margin: '10',
    markPrice: '101',
    unrealizedPnl: '1',
    unrealizedPnlPercent: '10',
  };
  const now = 1_000_000;
  const stream = (status: string, price?: { price: string; at: number }) => ({
    status,
    prices: new Map(price ? [['BTCUSDT', price]] : []),
  });

  it('uses a streamed price newer than the REST answer and recomputes the PnL', () => {
    const f = liveFigures(position, stream('live', { price: '103', at: now - 500 }), now - 2_000, now);
    expect(f).toEqual({ mark: '103', pnl: '3', pnlPercent: '30', asOf: now - 500, fresh: true });
  });

  it('keeps the REST answer when it is newer than the last streamed price', () => {
    const f = liveFigures(position, stream('live', { price: '99', at: now - 5_000 }), now - 1_000, now);
    expect(f).toEqual({ mark: '101', pnl: '1', pnlPercent: '10', asOf: now - 1_000, fresh: true });
  });

  it('greys everything out while disconnected, however recent', () => {
    const f = liveFigures(position, stream('disconnected', { price: '103', at: now }), now, now);
    expect(f.fresh).toBe(false);
    expect(f.pnl).toBe('3');
  });

  it('is stale when neither the stream nor the server knows a mark', () => {
    const f = liveFigures(
      { ...position, markPrice: null, unrealizedPnl: null, unrealizedPnlPercent: null },
      stream('live'),
      now,
      now,
    );
    expect(f).toEqual({ mark: null, pnl: null, pnlPercent: null, asOf: undefined, fresh: false });
  });
});
