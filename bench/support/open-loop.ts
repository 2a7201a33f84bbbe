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
import { performance } from 'node:perf_hooks';

export interface OpenLoopResult {
  /** Requests answered per second over the run. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Non-2xx answers and transport errors. */
  failures: number;
}

export interface OpenLoopOptions {
  url: string;
  rate: number;
  seconds: number;
  /** Headers of request i (e.g. a different user's token each time). */
  headers: (i: number) => Record<string, string>;
  /** Sockets kept open; more requests than this in flight wait for one (their wait is counted). */
  sockets?: number;
}

export async function openLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const { rate, seconds } = options;
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
          headers: options.headers(i),
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
  agent.destroy();
  latencies.sort();
  const at = (q: number) => latencies[Math.min(total - 1, Math.floor(total * q))] ?? Number.NaN;
  return { rps: (answered / elapsed) * 1000, p50: at(0.5), p99: at(0.99), max: at(1), failures };
}
