/**
 * `neurotrade start` with API_PROCESSES=2 on PostgreSQL (src/cli/commands/processes.ts): two full
 * servers on one port, each a scale-out worker with its own share of the account partitions; a
 * token one of them signed is good at the other (the secrets are made once, before the fork, in a
 * fresh DATA_DIR); a server killed outright is replaced; SIGTERM stops them all. And a server that
 * cannot listen (the port is taken) stops the rest with the reason instead of being restarted.
 */

import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, spawnCli, waitForHttp } from '../support/process.js';
import { createTempDatabase, TEST_DATABASE_URL } from '../support/stores.js';

const PASSWORD = 'a long enough password';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** One request on a connection of its own, so that each may reach either server. */
function request(port: number, method: string, path: string, headers = {}, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => {
          text += d.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || '{}') }));
      },
    );
    req.on('error', reject);
    // A server killed mid-request must fail the request, not hang the test.
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${path}: no answer in 15 s`)));
    req.end(payload);
  });
}

/** The scale-out worker id of the server that answered (its pid is the second part). */
async function serverOf(port: number): Promise<string> {
  const { body } = await request(port, 'GET', '/api/health');
  return (body.trading as { scaleOut: { workerId: string } }).scaleOut.workerId;
}

const pidOf = (workerId: string) => Number(workerId.split('-').at(-2));

/**
 * The exit code, or 'still running' after `ms`: a stop that hangs fails the test here, while its
 * finally can still kill the servers (a test that times out never reaches its finally, and would
 * leave them running).
 */
function exitWithin(proc: { exited: Promise<number | string> }, ms: number): Promise<number | string> {
  return Promise.race([proc.exited, new Promise<string>((r) => setTimeout(() => r('still running'), ms))]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!TEST_DATABASE_URL)('neurotrade start with API_PROCESSES=2 (PostgreSQL)', () => {
  it('runs two servers on one port that share sessions, replaces one that dies, stops all on SIGTERM', async () => {
    const temp = await createTempDatabase(TEST_DATABASE_URL!);
    const port = await freePort();
    const proc = spawnCli(['start'], {
      DATABASE_URL: temp.url,
      DATA_DIR: join(mkdtempSync(join(tmpdir(), 'nt-procs-')), 'data'),
      PORT: String(port),
      API_PROCESSES: '2',
      LOG_LEVEL: 'warn',
      SCHEDULER: 'false',
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/api/health`, proc, 120_000);
      // The second server may still be starting when the first answers.
      const seen = new Set<string>();
      for (const deadline = Date.now() + 120_000; seen.size < 2 && Date.now() < deadline; ) {
        seen.add(await serverOf(port));
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen.size).toBe(2);
      const [first, second] = [...seen];
      // Each server runs with the server node flags (a larger young generation).
      for (const id of [first!, second!])
        expect(readFileSync(`/proc/${pidOf(id)}/cmdline`, 'utf8').split('\0')).toContain(
          '--max-semi-space-size=64',
        );
      // One machine, one IP: each server spends half of Binance's weight per minute.
      const { body: health } = await request(port, 'GET', '/api/health');
      expect(
        (health.trading as { binanceWeight: { limitPerMinute: number } }).binanceWeight.limitPerMinute,
      ).toBe(1200);

      // Signed by whichever server answered the login, accepted by both.
      const email = 'procs@example.com';
      expect(
        (await request(port, 'POST', '/api/auth/register', {}, { email, password: PASSWORD })).status,
      ).toBe(201);
      const login = await request(port, 'POST', '/api/auth/login', {}, { email, password: PASSWORD });
      const auth = { authorization: `Bearer ${login.body.accessToken as string}` };
      const statuses = await Promise.all(
        Array.from({ length: 10 }, async () => (await request(port, 'GET', '/api/me', auth)).status),
      );
      expect(statuses).toEqual(Array(10).fill(200));

      // Killed outright: another server takes its place on the same port.
      process.kill(pidOf(first!), 'SIGKILL');
      const deadline = Date.now() + 120_000;
      let replacement: string | undefined;
      while (!replacement && Date.now() < deadline) {
        const id = await serverOf(port).catch(() => undefined);
        if (id && id !== first && id !== second) replacement = id;
        else await new Promise((r) => setTimeout(r, 200));
      }
      expect(replacement).toBeDefined();
      expect(proc.output()).toMatch(/a server process stopped \(SIGKILL\): starting another/);

      proc.child.kill('SIGTERM');
      expect(await exitWithin(proc, 90_000)).toBe(0);
      expect(proc.output()).toContain('all server processes stopped cleanly');
      expect([second!, replacement!].map(pidOf).filter(alive)).toEqual([]);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await temp.drop();
    }
    // Three server starts; on a loaded 2-core machine each can take tens of seconds.
  }, 360_000);

  it('stops with the reason, not a restart loop, when the servers cannot listen', async () => {
    const temp = await createTempDatabase(TEST_DATABASE_URL!);
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as { port: number }).port;
    const proc = spawnCli(['start'], {
      DATABASE_URL: temp.url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'nt-procs-taken-')),
      PORT: String(port),
      API_PROCESSES: '2',
      LOG_LEVEL: 'warn',
      SCHEDULER: 'false',
    });
    try {
      expect(await exitWithin(proc, 120_000)).toBe(2);
      expect(proc.output()).toContain(`127.0.0.1:${port} is already in use`);
      expect(proc.output()).toMatch(/stopped before it listened .*: stopping all/);
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
      taken.close();
      await temp.drop();
    }
  }, 240_000);
});
