import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptSecret, encryptSecret, loadOrCreateSecrets, maskSecret } from './index.js';

describe('credential encryption', () => {
  const key = Buffer.alloc(32, 7);
  it('round-trips and never stores the plaintext', () => {
    const enc = encryptSecret('my-binance-secret', key, 'user-1');
    expect(enc).not.toContain('my-binance-secret');
    expect(decryptSecret(enc, key, 'user-1')).toBe('my-binance-secret');
    expect(encryptSecret('my-binance-secret', key, 'user-1')).not.toBe(enc);
  });
  it('fails on the wrong key, the wrong user, or a tampered value', () => {
    const enc = encryptSecret('s3cret', key, 'user-1');
    expect(() => decryptSecret(enc, Buffer.alloc(32, 8), 'user-1')).toThrow(/could not be decrypted/);
    expect(() => decryptSecret(enc, key, 'user-2')).toThrow(/could not be decrypted/);
    const parts = enc.split('.');
    parts[3] = `A${parts[3]!.slice(1)}`;
    expect(() => decryptSecret(parts.join('.'), key, 'user-1')).toThrow(/could not be decrypted/);
  });
  it('masks all but the last four characters', () => {
    expect(maskSecret('abcdefgh1234')).toBe('****1234');
  });
});

describe('app secrets', () => {
  it('are generated once into DATA_DIR with 0600 and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-secrets-'));
    const first = loadOrCreateSecrets({ dataDir: dir });
    const mode = statSync(join(dir, 'secrets.json')).mode & 0o777;
    expect(mode).toBe(0o600);
    const second = loadOrCreateSecrets({ dataDir: dir });
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(second.credentialsKey.equals(first.credentialsKey)).toBe(true);
    expect(first.credentialsKey).toHaveLength(32);
    expect(readFileSync(join(dir, 'secrets.json'), 'utf8')).toContain(first.jwtSecret);
  });
  it('refuse a well-known or degenerate secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-secrets-'));
    expect(() => loadOrCreateSecrets({ dataDir: dir, jwtSecret: 'a'.repeat(40) })).toThrow(
      /JWT_SECRET: refusing/,
    );
    expect(() => loadOrCreateSecrets({ dataDir: dir, credentialsKey: '0'.repeat(64) })).toThrow(
      /CREDENTIALS_KEY/,
    );
  });
  it('prefer configured values over generated ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-secrets-'));
    const jwtSecret = 'k8J2mQ9xV4pL7nR3tY6wZ1aB5cD0eF2gH';
    expect(loadOrCreateSecrets({ dataDir: dir, jwtSecret }).jwtSecret).toBe(jwtSecret);
  });
});
