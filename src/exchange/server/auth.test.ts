import { describe, expect, it } from 'vitest';
import { DomainError } from '../../domain/index.js';
import { type ApiKeyRecord, type AuthInput, authenticate, sign, withoutSignature } from './auth.js';

const NOW = 1_700_000_000_000;
const KEY: ApiKeyRecord = { apiKey: 'k', secret: 's', accountId: 'a' };

function signed(params: string, secret = 's'): string {
  return `${params}&signature=${sign(secret, params)}`;
}

function input(over: Partial<AuthInput>): AuthInput {
  return {
    security: 'SIGNED',
    apiKeyHeader: 'k',
    rawQuery: '',
    rawBody: '',
    now: NOW,
    lookup: (k) => (k === 'k' ? KEY : undefined),
    ...over,
  };
}

function codeOf(f: () => unknown): unknown {
  try {
    f();
  } catch (err) {
    return err instanceof DomainError ? err.details?.exchangeCode : err;
  }
  return 'accepted';
}

describe('request authentication', () => {
  it('signs as Binance documents (HMAC-SHA256 hex of the total params)', () => {
    // The example of Binance's "SIGNED Endpoint Examples for POST /fapi/v1/order".
    const secret = '2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9';
    const payload =
      'symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943';
    expect(sign(secret, payload)).toBe('3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9');
  });

  it('takes the signature out of a raw string without touching the rest', () => {
    expect(withoutSignature('a=1&signature=abc&b=2')).toEqual({ payload: 'a=1&b=2', signature: 'abc' });
    expect(withoutSignature('a=1')).toEqual({ payload: 'a=1', signature: undefined });
  });

  it('accepts a signature over query or body, and query + body together', () => {
    const p = `timestamp=${NOW}&symbol=BTCUSDT`;
    expect(authenticate(input({ rawQuery: signed(p) }))).toBe(KEY);
    expect(authenticate(input({ rawBody: signed(p) }))).toBe(KEY);
    const body = 'symbol=BTCUSDT&side=BUY';
    const query = `timestamp=${NOW}`;
    const sig = sign('s', query + body);
    expect(authenticate(input({ rawQuery: `${query}&signature=${sig}`, rawBody: body }))).toBe(KEY);
  });

  it.each<[string, Partial<AuthInput>, number]>([
    ['a missing key', { apiKeyHeader: undefined }, -2014],
    ['an unknown key', { apiKeyHeader: 'x' }, -2015],
    ['a wrong secret', { rawQuery: signed(`timestamp=${NOW}`, 'other') }, -1022],
    ['no timestamp', { rawQuery: signed('symbol=X') }, -1102],
    ['no signature', { rawQuery: `timestamp=${NOW}` }, -1102],
    ['a timestamp older than recvWindow', { rawQuery: signed(`timestamp=${NOW - 5_001}`) }, -1021],
    ['a timestamp 1 s ahead', { rawQuery: signed(`timestamp=${NOW + 1_000}`) }, -1021],
    ['a recvWindow over 60 s', { rawQuery: signed(`timestamp=${NOW}&recvWindow=60001`) }, -1021],
  ])('refuses %s', (_, over, code) => {
    expect(codeOf(() => authenticate(input(over)))).toBe(code);
  });

  it('honours a larger recvWindow, and needs only the key for USER_STREAM', () => {
    expect(authenticate(input({ rawQuery: signed(`timestamp=${NOW - 9_000}&recvWindow=10000`) }))).toBe(KEY);
    expect(authenticate(input({ security: 'USER_STREAM' }))).toBe(KEY);
    expect(authenticate(input({ security: 'NONE', apiKeyHeader: undefined }))).toBeUndefined();
  });
});
