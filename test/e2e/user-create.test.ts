/**
 * `neurotrade user create` through the real command: the id on stdout, a login that works with
 * the API's own register/login path (same argon2id hash), clear refusals with exit code 2 for bad
 * arguments and 1 for a taken email; `start` on a fresh data directory says how to create a user.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, freePort, REPO_ROOT, spawnCli, waitForHttp } from '../support/process.js';
import { createTempDatabase, TEST_DATABASE_URL } from '../support/stores.js';

/** Run the CLI to its end, feeding `stdin`; stdout and stderr apart. */
function runCli(args: string[], env: Record<string, string>, stdin?: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('neurotrade user create', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'nt-user-')), 'data');
  const env = { DATA_DIR: dataDir };

  it('tells how to create the first user when start finds none', async () => {
    const port = await freePort();
    const proc = spawnCli(['start'], { ...env, PORT: String(port), LOG_LEVEL: 'warn', SCHEDULER: 'false' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/api/health`, proc);
      // The line comes right after the URL, once listening; give stderr a moment to flush.
      const deadline = Date.now() + 5_000;
      while (!proc.output().includes('No users yet') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(proc.output()).toContain(`No users yet: register at http://127.0.0.1:${port}/register`);
      expect(proc.output()).toContain('neurotrade user create --email');
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    }
  }, 90_000);

  it('creates a user from a password on stdin and prints its id', async () => {
    const r = await runCli(
      ['user', 'create', '--email', 'First@Example.com', '--password-stdin'],
      env,
      'correct horse battery\n',
    );
    expect(r.stderr).toContain('created first@example.com (PAPER mode)');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(UUID);
  }, 60_000);

  it('refuses a taken email (case-insensitively) with exit code 1', async () => {
    const r = await runCli(
      ['user', 'create', '--email', 'first@EXAMPLE.com', '--password', 'another password'],
      env,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('a user with the email first@EXAMPLE.com already exists');
  }, 60_000);

  it.each([
    [['--email', 'not-an-email', '--password', 'long enough password'], '--email must be an email address'],
    [
      ['--email', 'a@example.com', '--password', 'short'],
      'the password must be 10 to 256 characters (got 5)',
    ],
    [['--email', 'a@example.com'], 'give the password with --password-stdin (recommended) or --password'],
    [
      ['--email', 'a@example.com', '--password', 'long enough password', '--password-stdin'],
      'use --password-stdin or --password, not both',
    ],
  ])(
    'refuses %j with exit code 2',
    async (args, message) => {
      const r = await runCli(['user', 'create', ...args], env);
      expect(r.stderr).toContain(message);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    },
    60_000,
  );

  describe('the created user logs in through the API', () => {
    let port: number;
    let proc: ReturnType<typeof spawnCli>;
    beforeAll(async () => {
      port = await freePort();
      proc = spawnCli(['start'], { ...env, PORT: String(port), LOG_LEVEL: 'warn', SCHEDULER: 'false' });
      await waitForHttp(`http://127.0.0.1:${port}/api/health`, proc);
    }, 90_000);
    afterAll(async () => {
      proc.child.kill('SIGTERM');
      await proc.exited;
    });

    it('with the password it was created with, and start no longer offers to create one', async () => {
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'first@example.com', password: 'correct horse battery' }),
      });
      expect(login.status).toBe(200);
      const wrong = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'first@example.com', password: 'correct horse battery\n' }),
      });
      expect(wrong.status).toBe(401);
      expect(proc.output()).not.toContain('No users yet');
    });
  });

  it.skipIf(!TEST_DATABASE_URL)(
    'creates users on PostgreSQL too (--json)',
    async () => {
      const temp = await createTempDatabase(TEST_DATABASE_URL!);
      try {
        const pgEnv = { DATA_DIR: mkdtempSync(join(tmpdir(), 'nt-user-pg-')), DATABASE_URL: temp.url };
        const r = await runCli(
          ['user', 'create', '--email', 'pg@example.com', '--password-stdin', '--json'],
          pgEnv,
          'a long password',
        );
        expect(r.code).toBe(0);
        const body = JSON.parse(r.stdout) as { id: string; email: string; mode: string };
        expect(body).toMatchObject({ email: 'pg@example.com', mode: 'PAPER' });
        expect(body.id).toMatch(UUID);
      } finally {
        await temp.drop();
      }
    },
    60_000,
  );
});
