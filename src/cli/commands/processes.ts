/**
 * `start` with API_PROCESSES above 1 (PostgreSQL only): this process forks that many full servers
 * on the one port (node:cluster hands each new connection to the next one) and supervises them.
 *
 * Why: a Node server answers on one thread. On PostgreSQL every `start` is already a scale-out
 * worker (src/jobs): accounts are traded by the process holding their lease, live events are
 * relayed between processes, and a trading command (close, panic) reaching another process is
 * routed to the owner. So N processes on one port behave as N servers behind a balancer, and the
 * API's requests spread over the machine's cores.
 *
 * - The secrets are made before the fork: servers generating them at once into a fresh DATA_DIR
 *   would each sign tokens with their own.
 * - A server that stops before it ever listened (bad configuration, port taken) stops them all:
 *   restarting it would only fail again. One that dies later is restarted, after 1 s, doubling up
 *   to 30 s while it keeps dying (a supervisor's job: a worker whose lease connection is lost
 *   exits on purpose, src/jobs/worker.ts).
 * - SIGINT or SIGTERM stops every server gracefully (each finishes its requests, engine and saves)
 *   and this process exits once they all have.
 */
import cluster, { type Worker } from 'node:cluster';
import { mkdirSync } from 'node:fs';
import type { Config } from '../../config/index.js';
import { loadOrCreateSecrets } from '../../security/index.js';
import { info } from '../output.js';
import { SERVER_NODE_FLAGS } from '../server-node-flags.js';

const RESTART_FIRST_MS = 1_000;
const RESTART_MAX_MS = 30_000;

export async function runServerProcesses(config: Config): Promise<void> {
  mkdirSync(config.DATA_DIR, { recursive: true });
  loadOrCreateSecrets({
    dataDir: config.DATA_DIR,
    jwtSecret: config.JWT_SECRET,
    credentialsKey: config.CREDENTIALS_KEY,
  });

  const running = new Set<Worker>();
  let stopping = false;
  let restartDelay = RESTART_FIRST_MS;
  let allStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    allStopped = resolve;
  });
  // Always SIGTERM: the servers ignore SIGINT (the terminal sends it to the whole group).
  const stopAll = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of running) worker.process.kill('SIGTERM');
    if (running.size === 0) allStopped();
  };

  // Each server runs with the server flags, however this process was started.
  cluster.setupPrimary({
    execArgv: [...process.execArgv, ...SERVER_NODE_FLAGS.filter((f) => !process.execArgv.includes(f))],
  });
  const fork = () => {
    const worker = cluster.fork();
    running.add(worker);
    let listened = false;
    worker.once('listening', () => {
      listened = true;
      restartDelay = RESTART_FIRST_MS;
    });
    worker.once('exit', (code, signal) => {
      running.delete(worker);
      if (stopping) {
        if (running.size === 0) allStopped();
        return;
      }
      if (!listened) {
        info(`a server process stopped before it listened (${signal ?? `exit code ${code}`}): stopping all`);
        process.exitCode = typeof code === 'number' && code !== 0 ? code : 1;
        stopAll();
        return;
      }
      info(
        `a server process stopped (${signal ?? `exit code ${code}`}): starting another in ${restartDelay} ms`,
      );
      setTimeout(() => {
        if (!stopping) fork();
      }, restartDelay);
      restartDelay = Math.min(RESTART_MAX_MS, restartDelay * 2);
    });
  };

  for (let i = 0; i < config.API_PROCESSES; i++) fork();
  info(`${config.API_PROCESSES} server processes on ${config.HOST}:${config.PORT} (API_PROCESSES)`);
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  await stopped;
  if (!process.exitCode) info('all server processes stopped cleanly');
}
