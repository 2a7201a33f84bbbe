/** Spawn the engine child process and talk to it (JSON lines), or kill it with SIGKILL. */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../support/process.js';

export interface EngineChild {
  call<T = unknown>(cmd: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  kill(): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

export async function spawnEngineChild(): Promise<EngineChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'test', 'faults', 'support', 'engine-child.ts')],
    {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let ready: (() => void) | undefined;
  const readyP = new Promise<void>((r) => {
    ready = r;
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error(`engine child exited\n${stderr}`));
    waiting.clear();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let msg: { id: number; ok: boolean; result: unknown };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (msg.id === 0) return ready?.();
    const w = waiting.get(msg.id);
    if (!w) return;
    waiting.delete(msg.id);
    if (msg.ok) w.resolve(msg.result);
    else w.reject(new Error(String(msg.result)));
  });
  await Promise.race([
    readyP,
    exited.then(() => {
      throw new Error(`engine child died at start\n${stderr}`);
    }),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`engine child not ready\n${stderr}`)), 30_000),
    ),
  ]);
  let next = 1;
  const api: EngineChild = {
    call<T>(cmd: Record<string, unknown>, timeoutMs = 20_000): Promise<T> {
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(id);
          reject(new Error(`engine child: ${String(cmd.cmd)} timed out\n${stderr}`));
        }, timeoutMs);
        waiting.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.stdin!.write(`${JSON.stringify({ ...cmd, id })}\n`);
      });
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      try {
        await api.call({ cmd: 'stop' }, 10_000);
      } catch {
        child.kill('SIGKILL');
      }
      await exited;
    },
    output: () => stderr,
  };
  return api;
}

/**
 * Children spawned ahead of need: loading the engine, the store drivers and ccxt is most of a
 * process start, so the next scenario's processes load while this one runs.
 */
export class ChildPool {
  private readonly spare: Array<Promise<EngineChild>> = [];

  constructor(readonly size: number) {
    for (let i = 0; i < size; i++) this.spawnSpare();
  }

  private spawnSpare(): void {
    const p = spawnEngineChild();
    p.catch(() => undefined);
    this.spare.push(p);
  }

  /** A loaded child, opened on `config` (database, exchange key, user). */
  async take(config: Record<string, string>): Promise<EngineChild> {
    const next = this.spare.shift() ?? spawnEngineChild();
    this.spawnSpare();
    const child = await next;
    const t = Date.now();
    await child.call({ cmd: 'open', config }, 60_000);
    if (process.env.DEBUG_FAULTS) console.error(`open took ${Date.now() - t} ms`);
    return child;
  }

  async close(): Promise<void> {
    for (const p of this.spare.splice(0)) await (await p.catch(() => undefined))?.kill();
  }
}
