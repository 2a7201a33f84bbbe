import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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
  it('complete a file that holds only one of the two, keeping it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-secrets-'));
    const jwtSecret = 'k8J2mQ9xV4pL7nR3tY6wZ1aB5cD0eF2gH';
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify({ jwtSecret }));
    const loaded = loadOrCreateSecrets({ dataDir: dir });
    expect(loaded.jwtSecret).toBe(jwtSecret);
    const saved = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'));
    expect(saved).toEqual({ jwtSecret, credentialsKey: loaded.credentialsKey.toString('hex') });
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['secrets.json']);
  });
  it('prefer configured values over generated ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nt-secrets-'));
    const jwtSecret = 'k8J2mQ9xV4pL7nR3tY6wZ1aB5cD0eF2gH';
    expect(loadOrCreateSecrets({ dataDir: dir, jwtSecret }).jwtSecret).toBe(jwtSecret);
  });
});

describe('app secrets made by processes starting at once', () => {
  // Each thread loads the module itself (as a separate process would); for each round it waits at
  // a shared barrier and then calls loadOrCreateSecrets on that round's fresh directory in the
  // same instant as the others.
  const bootstrap = `
    const { workerData, parentPort } = require('node:worker_threads');
    (async () => {
      (await import(workerData.tsx)).register();
      const { loadOrCreateSecrets } = await import(workerData.module);
      const gate = new Int32Array(workerData.gate);
      parentPort.on('message', ({ dir, round }) => {
        Atomics.add(gate, 1, 1);
        Atomics.wait(gate, 0, round - 1);
        try {
          const s = loadOrCreateSecrets({ dataDir: dir });
          parentPort.postMessage({ jwt: s.jwtSecret, key: s.credentialsKey.toString('hex') });
        } catch (err) {
          parentPort.postMessage({ error: String(err) });
        }
      });
      parentPort.postMessage('ready');
    })();
  `;
  type Answer = { jwt?: string; key?: string; error?: string };

  it('all end up with the one credentials key and JWT secret on disk', async () => {
    const threads = 6;
    const gate = new SharedArrayBuffer(8);
    const view = new Int32Array(gate);
    const workerData = {
      tsx: import.meta.resolve('tsx/esm/api'),
      module: new URL('./secrets.ts', import.meta.url).href,
      gate,
    };
    const workers = Array.from({ length: threads }, () => new Worker(bootstrap, { eval: true, workerData }));
    const next = (w: Worker) =>
      new Promise<Answer | 'ready'>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    try {
      await Promise.all(workers.map(next));
      for (let round = 1; round <= 40; round++) {
        const dir = join(mkdtempSync(join(tmpdir(), 'nt-secrets-race-')), 'data');
        const answers = workers.map(next);
        for (const w of workers) w.postMessage({ dir, round });
        while (Atomics.load(view, 1) < threads * round) await new Promise((r) => setTimeout(r, 1));
        Atomics.store(view, 0, round);
        Atomics.notify(view, 0);
        const results = (await Promise.all(answers)) as Answer[];
        expect(results.filter((r) => r.error)).toEqual([]);
        const saved = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8'));
        for (const r of results) expect(r).toEqual({ jwt: saved.jwtSecret, key: saved.credentialsKey });
        expect(readdirSync(dir)).toEqual(['secrets.json']); // nothing left aside
      }
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }, 60_000);
});
