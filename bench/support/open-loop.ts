/**
 * An open-loop HTTP load at a constant rate (the wrk2 method): request i is due at start + i/rate
 * whatever the server is doing, and its latency runs from that due time to the last byte of its
 * answer, so a server that stalls is charged for every request that should have gone out while
 * it stalled (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: each of its connections sends its share of the second's
 * quota back to back and then waits for the next second (lib/httpClient.js, `reqsMadeThisSecond`
 * reset by a 1 s interval), so "1,000 req/s on 20 connections" is a 20-connection burst at full
 * speed for part of every second: its percentiles are those of the saturated server.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

export interface OpenLoopResult {
  /** Requests answered per second over the run. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Non-2xx answers and transport errors. */
  failures: number;
  /**
   * The generator's own event-loop delay, p99 and max (ms): a request it sends late, or an answer
   * it reads late, counts as the server's latency; when these are small, the latencies are the
   * server's.
   */
  generatorDelay: { p99: number; max: number };
}

export interface OpenLoopOptions {
  url: string;
  rate: number;
  seconds: number;
  /** Request i carries `Bearer tokens[(i * 7919) % tokens.length]` (a different user each time). */
  tokens: readonly string[];
  /** Sockets kept open; more requests than this in flight wait for one (their wait is counted). */
  sockets?: number;
}

/**
 * The load in a worker thread of its own: a fresh heap and event loop, so that what the process
 * did before (autocannon's runs, seeding) cannot stop the generator for a garbage collection in
 * the middle of the measurement and charge it to the server.
 */
export function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { options, entry: import.meta.url, tsx: tsxApiUrl() },
    });
    worker.once('message', (result: OpenLoopResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`open-loop generator exited with code ${code}`));
    });
  });
}

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})().catch((err) => { setImmediate(() => { throw err; }); });
`;

/** tsx's ESM API when this file runs as TypeScript (the bench runs through tsx). */
function tsxApiUrl(): string | undefined {
  if (!import.meta.url.endsWith('.ts')) return undefined;
  return pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
}

if (!isMainThread && workerData?.options) {
  void runOpenLoop(workerData.options as OpenLoopOptions).then((result) => {
    parentPort!.postMessage(result);
    parentPort!.close();
  });
}

async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { rate, seconds, tokens } = options;
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const target = new URL(options.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.sockets ?? 64 });
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  let failures = 0;
  let answered = 0;
  const start = performance.now() + 5;
  const dueAt = (i: number) => start + (i * 1000) / rate;

  await new Promise<void>((resolve) => {
    let sent = 0;
    const fire = (i: number) => {
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname}${target.search}`,
          agent,
          headers: { authorization: `Bearer ${tokens[(i * 7919) % tokens.length]}` },
        },
        (res) => {
          if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) failures++;
          res.resume();
          res.on('end', () => done(i));
        },
      );
      req.on('error', () => {
        failures++;
        done(i);
      });
      req.end();
    };
    const done = (i: number) => {
      latencies[i] = performance.now() - dueAt(i);
      if (++answered === total) resolve();
    };
    // Timers fire at best every millisecond: each turn sends every request that has come due.
    const pace = () => {
      const now = performance.now();
      while (sent < total && dueAt(sent) <= now) fire(sent++);
      if (sent < total) setTimeout(pace, Math.max(0, Math.min(1, dueAt(sent) - performance.now())));
    };
    setTimeout(pace, 5);
  });
  const elapsed = performance.now() - start;
  delay.disable();
  agent.destroy();
  latencies.sort();
  const at = (q: number) => latencies[Math.min(total - 1, Math.floor(total * q))] ?? Number.NaN;
  return {
    rps: (answered / elapsed) * 1000,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    failures,
    generatorDelay: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
  };
}
