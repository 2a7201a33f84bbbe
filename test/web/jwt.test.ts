import { describe, expect, it } from 'vitest';
import { needsRefresh, tokenExpiresAt } from '../../web/src/lib/jwt.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const token = (claims: Record<string, unknown>) => `${b64({ alg: 'HS256' })}.${b64(claims)}.sig`;

describe('access token expiry', () => {
  it('reads exp (seconds) as epoch ms', () => {
    expect(tokenExpiresAt(token({ sub: 'u', exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
  });

  it('reads payloads whose base64url needs padding and has - or _', () => {
    const claims = { sub: '??>>~~', exp: 1_700_000_001, x: 'ab' };
    expect(tokenExpiresAt(token(claims))).toBe(1_700_000_001_000);
  });

  it('is undefined for garbage', () => {
    expect(tokenExpiresAt('nope')).toBeUndefined();
    expect(tokenExpiresAt('a.%%%.c')).toBeUndefined();
    expect(tokenExpiresAt(token({ sub: 'u' }))).toBeUndefined();
  });

  it('asks for a refresh shortly before expiry, and for unreadable tokens', () => {
    const t = token({ exp: 1000 });
    expect(needsRefresh(t, 900_000)).toBe(false);
    expect(needsRefresh(t, 970_000)).toBe(true);
    expect(needsRefresh('garbage', 0)).toBe(true);
  });
});
