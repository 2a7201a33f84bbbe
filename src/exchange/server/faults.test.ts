import { describe, expect, it } from 'vitest';
import { FaultBook, parseFaultSpec, rateLimitAnswer } from './faults.js';

const order = (params: Record<string, string>, apiKey = 'k') => ({
  method: 'POST',
  path: '/fapi/v1/order',
  apiKey,
  params,
});

describe('fault book', () => {
  it('fires the first matching fault, as many times as armed, and counts every firing', () => {
    const book = new FaultBook();
    book.arm({ kind: 'reject', code: -2019, side: 'BUY', times: 2 });
    book.arm({ kind: 'drop', type: 'STOP_MARKET' });
    expect(book.take(order({ side: 'SELL', type: 'MARKET' }))).toBeUndefined();
    expect(book.take(order({ side: 'BUY', type: 'MARKET' }))).toMatchObject({ kind: 'reject', code: -2019 });
    expect(book.take(order({ side: 'BUY', type: 'STOP_MARKET' }))).toMatchObject({ kind: 'reject' });
    expect(book.take(order({ side: 'BUY', type: 'STOP_MARKET' }))).toMatchObject({ kind: 'drop' });
    expect(book.take(order({ side: 'BUY', type: 'STOP_MARKET' }))).toBeUndefined();
    book.recordAction('wsDrop');
    expect(book.report()).toMatchObject({ armed: [], fired: { reject: 2, drop: 1, wsDrop: 1 }, total: 4 });
  });

  it('matches path prefixes, methods, keys and symbols; times 0 fires until cleared', () => {
    const book = new FaultBook();
    book.arm({
      kind: 'http',
      status: 503,
      path: '/fapi/v3/*',
      method: 'GET',
      apiKey: 'k',
      symbol: 'ETHUSDT',
      times: 0,
    });
    const read = (path: string, symbol: string, apiKey = 'k') => ({
      method: 'GET',
      path,
      apiKey,
      params: { symbol },
    });
    expect(book.take(read('/fapi/v1/order', 'ETHUSDT'))).toBeUndefined();
    expect(book.take(read('/fapi/v3/account', 'BTCUSDT'))).toBeUndefined();
    expect(book.take(read('/fapi/v3/account', 'ETHUSDT', 'other'))).toBeUndefined();
    for (let i = 0; i < 5; i++)
      expect(book.take(read('/fapi/v3/positionRisk', 'ethusdt'))).toMatchObject({ status: 503 });
    book.clear();
    expect(book.take(read('/fapi/v3/account', 'ETHUSDT'))).toBeUndefined();
    expect(book.report().total).toBe(5);
  });

  it('adds every matching latency without consuming other faults', () => {
    const book = new FaultBook();
    book.arm({ kind: 'latency', ms: 100, times: 0 });
    book.arm({ kind: 'latency', ms: 50, path: '/fapi/v1/order' });
    book.arm({ kind: 'reject', code: -1000 });
    expect(book.latencyFor(order({}))).toBe(150);
    expect(book.latencyFor(order({}))).toBe(100);
    expect(book.take(order({}))).toMatchObject({ kind: 'reject' });
  });

  it('validates admin payloads', () => {
    expect(parseFaultSpec({ kind: 'reject', code: -1106, type: 'stop_market' })).toMatchObject({
      type: 'STOP_MARKET',
    });
    expect(parseFaultSpec({ kind: 'http' })).toMatchObject({ status: 503 });
    expect(() => parseFaultSpec({ kind: 'reject' })).toThrow(/code/);
    expect(() => parseFaultSpec({ kind: 'rateLimit', status: 500 })).toThrow(/429 or 418/);
    expect(() => parseFaultSpec({ kind: 'latency', ms: -1 })).toThrow(/ms/);
    expect(() => parseFaultSpec({ kind: 'drop', mode: 'slow' })).toThrow(/mode/);
    expect(() => parseFaultSpec('x')).toThrow();
  });

  it("answers rate limits with Binance's -1003 wording and Retry-After", () => {
    expect(rateLimitAnswer({ kind: 'rateLimit' }, 0)).toMatchObject({
      status: 429,
      headers: { 'retry-after': '60' },
    });
    const ban = rateLimitAnswer({ kind: 'rateLimit', status: 418, retryAfterSec: 120 }, 1_000);
    expect(ban.body.msg).toContain('IP banned until 121000');
  });
});
