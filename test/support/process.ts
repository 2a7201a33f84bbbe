import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(REPO_ROOT, 'bin', 'neurotrade.js');

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export interface SpawnedCli {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code (or signal name) once the process ends. */
  exited: Promise<number | string>;
}

/**
 * Run `neurotrade ...args` as a real process with only the given environment on top of PATH.
 * `nodeArgs` go to node itself (e.g. --cpu-prof, which NODE_OPTIONS refuses).
 */
export function spawnCli(args: string[], env: Record<string, string>, nodeArgs: string[] = []): SpawnedCli {
  const child = spawn(process.execPath, [...nodeArgs, CLI, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | string>((resolveExit) => {
    child.on('exit', (code, signal) => resolveExit(code ?? signal ?? -1));
  });
  return { child, output: () => out, exited };
}

/** Poll `url` until it answers 200 or the process exits or the deadline passes. */
export async function waitForHttp(url: string, proc: SpawnedCli, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let exitedEarly = false;
  proc.exited.then(() => {
    exitedEarly = true;
  });
  while (Date.now() < deadline && !exitedEarly) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer in ${timeoutMs} ms; process output:\n${proc.output()}`);
}
