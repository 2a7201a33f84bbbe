import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import { createManualClock, dec } from '../domain/index.js';
import { createRepositories } from '../store/index.js';
import {
  createAccountService,
  createArgon2Hasher,
  createAuthService,
  createLoginThrottle,
  hashToken,
  PASSWORD_MIN_LENGTH,
} from './index.js';

const passwords = createArgon2Hasher({ memoryCost: 1024, timeCost: 1 });

it('hashes passwords with argon2id and never keeps the plaintext', async () => {
  const real = createArgon2Hasher();
  const hash = await real.hash('correct horse battery');
  expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(hash).not.toContain('correct horse');
  expect(await real.verify(hash, 'correct horse battery')).toBe(true);
  expect(await real.verify(hash, 'correct horse battery!')).toBe(false);
  expect(await real.verify('not a hash', 'x')).toBe(false);
  expect(PASSWORD_MIN_LENGTH).toBeGreaterThanOrEqual(10);
});

forEachStore('auth and account services', ({ store }) => {
  const setup = () => {
    const repos = createRepositories(store().db);
    const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'));
    let n = 0;
    const auth = createAuthService({
      users: repos.users,
      refreshTokens: repos.refreshTokens,
      audit: repos.audit,
      clock,
      signAccessToken: (c) => `access-${c.sub}-${++n}`,
      accessTokenTtlSec: 900,
      refreshTokenTtlMs: 3_600_000,
      throttle: createLoginThrottle({ clock }),
      passwords,
    });
    const key = randomBytes(32);
    const account = createAccountService({ repos, credentialsKey: key, clock });
    return { repos, clock, auth, account, key };
  };
  const email = () => `svc-${randomBytes(4).toString('hex')}@Example.com`;

  it('registers, logs in case-insensitively and stores only hashes', async () => {
    const { auth, repos } = setup();
    const e = email();
    const session = await auth.register({ email: e, password: 'a long password', ip: '1.2.3.4' });
    expect(session.user.email).toBe(e.toLowerCase());
    const stored = await repos.users.findById(session.user.id);
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await repos.refreshTokens.findByHash(session.refreshToken)).toBeUndefined();
    expect(await repos.refreshTokens.findByHash(hashToken(session.refreshToken))).toBeDefined();
    const login = await auth.login({ email: e.toUpperCase(), password: 'a long password', ip: '1.2.3.4' });
    expect(login.user.id).toBe(session.user.id);
    await expect(auth.login({ email: e, password: 'wrong password', ip: '1.2.3.4' })).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'email or password is incorrect',
    });
    await expect(auth.login({ email: email(), password: 'whatever!!', ip: '1.2.3.4' })).rejects.toMatchObject(
      {
        code: 'UNAUTHORIZED',
        message: 'email or password is incorrect',
      },
    );
    await expect(
      auth.register({ email: e, password: 'another password', ip: '1.2.3.4' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('rotates refresh tokens and revokes every session when a used one comes back', async () => {
    const { auth, repos } = setup();
    const first = await auth.register({ email: email(), password: 'a long password', ip: '1.2.3.4' });
    const other = await auth.login({ email: first.user.email, password: 'a long password', ip: '1.2.3.4' });
    const second = await auth.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // The first token is spent: using it again is a theft signal.
    await expect(auth.refresh(first.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(auth.refresh(second.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(auth.refresh(other.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const audit = await repos.audit.listByUser(first.user.id);
    expect(audit.map((a) => a.kind)).toContain('auth.refresh_reused');
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const { auth } = setup();
    const s = await auth.register({ email: email(), password: 'a long password', ip: '1.2.3.4' });
    const results = await Promise.allSettled([auth.refresh(s.refreshToken), auth.refresh(s.refreshToken)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('expires refresh tokens and honours logout', async () => {
    const { auth, clock } = setup();
    const s = await auth.register({ email: email(), password: 'a long password', ip: '1.2.3.4' });
    const t = await auth.login({ email: s.user.email, password: 'a long password', ip: '1.2.3.4' });
    await auth.logout(t.refreshToken);
    await expect(auth.refresh(t.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await auth.logout('ntr_unknown');
    clock.advance(3_600_001);
    await expect(auth.refresh(s.refreshToken)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('throttles failed logins even when the right password follows', async () => {
    const { auth } = setup();
    const s = await auth.register({ email: email(), password: 'a long password', ip: '1.2.3.4' });
    for (let i = 0; i < 5; i++) {
      await expect(
        auth.login({ email: s.user.email, password: 'nope nope', ip: '9.9.9.9' }),
      ).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
      });
    }
    await expect(
      auth.login({ email: s.user.email, password: 'a long password', ip: '9.9.9.8' }),
    ).rejects.toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSec: 900 } });
  });

  it('needs credentials and a confirmation to switch to REAL, and audits every change', async () => {
    const { auth, account, repos, key } = setup();
    const s = await auth.register({ email: email(), password: 'a long password', ip: '1.2.3.4' });
    const id = s.user.id;
    await expect(account.updateSettings(id, { mode: 'REAL', confirmReal: true })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { fields: { mode: expect.stringMatching(/API key/) } },
    });
    const status = await account.setCredentials(id, 'AKIAKEY0123456789abcd', 'SECRET0123456789wxyz');
    expect(status).toEqual({ configured: true, apiKey: '****abcd' });
    await expect(account.updateSettings(id, { mode: 'REAL' })).rejects.toMatchObject({
      details: { fields: { confirmReal: expect.any(String) } },
    });
    const real = await account.updateSettings(id, {
      mode: 'REAL',
      confirmReal: true,
      leverage: 20,
      fixedMargin: dec('12.5'),
    });
    expect(real).toMatchObject({ mode: 'REAL', leverage: 20 });
    expect(real.fixedMargin.toFixed()).toBe('12.5');

    // At rest the pair is ciphertext bound to this user; it decrypts only for the adapter.
    const stored = await repos.credentials.find(id);
    expect(JSON.stringify(stored)).not.toMatch(/AKIAKEY0123456789abcd|SECRET0123456789wxyz/);
    expect(await account.revealCredentials(id)).toEqual({
      apiKey: 'AKIAKEY0123456789abcd',
      apiSecret: 'SECRET0123456789wxyz',
    });
    expect(key).toHaveLength(32);

    // A REAL position blocks deleting the keys; without one, REAL falls back to PAPER.
    const p = await repos.positions.insert({
      userId: id,
      symbol: 'BTCUSDT',
      direction: 'LONG',
      mode: 'REAL',
      qty: dec('0.01'),
      margin: dec('10'),
      leverage: 5,
    });
    await expect(account.deleteCredentials(id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await repos.positions.update(p.id, { status: 'CANCELLED' });
    expect(await account.deleteCredentials(id)).toEqual({ deleted: true, mode: 'PAPER' });
    expect(await account.credentialStatus(id)).toEqual({ configured: false, apiKey: null });

    const kinds = (await repos.audit.listByUser(id)).map((a) => a.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'settings.changed',
        'credentials.set',
        'credentials.deleted',
        'auth.registered',
      ]),
    );
    expect(JSON.stringify(await repos.audit.listByUser(id))).not.toMatch(/AKIAKEY0123456789abcd|SECRET/);
  });
});
