import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, spawnCli, waitForHttp } from '../support/process.js';
import { createTempDatabase, TEST_DATABASE_URL } from '../support/stores.js';

async function startAndStop(env: Record<string, string>) {
  const port = await freePort();
  const proc = spawnCli(['start'], { ...env, PORT: String(port), LOG_LEVEL: 'warn', SCHEDULER: 'false' });
  try {
    const res = await waitForHttp(`http://127.0.0.1:${port}/api/health`, proc);
    const health = (await res.json()) as {
      status: string;
      store: { kind: string; migrations: number };
      trading: { binanceWeight: { limitPerMinute: number; usedLastMinute: number } };
    };
    proc.child.kill('SIGTERM');
    const code = await proc.exited;
    return { health, code, output: proc.output() };
  } finally {
    if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
  }
}

describe('neurotrade start', () => {
  it('serves /api/health on a fresh data directory and exits cleanly on SIGTERM', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'nt-start-')), 'data');
    const { health, code, output } = await startAndStop({ DATA_DIR: dataDir });
    expect(health.status).toBe('ok');
    expect(health.store.kind).toBe('pglite');
    expect(health.store.migrations).toBeGreaterThan(0);
    // A lone server spends all of the IP's Binance weight; the synthetic market spends none of it.
    expect(health.trading.binanceWeight).toMatchObject({ limitPerMinute: 2400, usedLastMinute: 0 });
    expect(code).toBe(0);
    expect(output).toContain('stopped cleanly');
    expect(existsSync(join(dataDir, 'db'))).toBe(true);
    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(true);

    // A second start on the same directory finds its database and secrets again.
    const again = await startAndStop({ DATA_DIR: dataDir });
    expect(again.code).toBe(0);
    expect(again.health.store.migrations).toBe(health.store.migrations);
    // Two process starts, the first with PGlite's initdb: 19 s under CI's load on a slow VM.
  }, 90_000);

  it('refuses a bad configuration with exit code 2 and a message naming the variable', async () => {
    const proc = spawnCli(['start'], { PORT: 'eighty', DATA_DIR: mkdtempSync(join(tmpdir(), 'nt-bad-')) });
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toMatch(/PORT: must be a whole number from 0 to 65535 \(got "eighty"\)/);
  });

  it.skipIf(!TEST_DATABASE_URL)('runs on PostgreSQL when DATABASE_URL is set', async () => {
    const temp = await createTempDatabase(TEST_DATABASE_URL!);
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'nt-start-pg-'));
      const { health, code } = await startAndStop({ DATA_DIR: dataDir, DATABASE_URL: temp.url });
      expect(health.store.kind).toBe('postgres');
      expect(code).toBe(0);
      expect(existsSync(join(dataDir, 'db'))).toBe(false);
    } finally {
      await temp.drop();
    }
  });
});
