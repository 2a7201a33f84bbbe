import cluster from 'node:cluster';
import type { Command } from 'commander';
import { type Config, loadConfig } from '../../config/index.js';
import { createRepositories } from '../../store/index.js';
import { info, UsageError } from '../output.js';
import { runServerProcesses } from './processes.js';

export function register(program: Command): void {
  program
    .command('start')
    .description('start the server (API, dashboard, scheduler) on the configured store and market')
    .action(async () => {
      const config = loadConfig();
      if (!cluster.isWorker) {
        if (config.API_PROCESSES > 1) return runServerProcesses(config);
        return serve(config);
      }
      // One of API_PROCESSES (./processes.ts): the channel to the supervising process would keep
      // this one alive after it stopped or failed to start.
      try {
        await serve(config);
      } finally {
        cluster.worker?.disconnect();
      }
    });
}

async function serve(config: Config): Promise<void> {
  // The server's modules (API, scheduler, trading) load only when it starts: every command of the
  // program registers this one, and `neurotrade backtest` spent ~0.3 s loading them for nothing.
  const { createRuntime } = await import('../../main.js');
  const runtime = await createRuntime(config);
  let url: string;
  try {
    url = await runtime.listen();
  } catch (err) {
    await runtime.stop();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(
        `${config.HOST}:${config.PORT} is already in use: stop the other server or set PORT`,
      );
    }
    throw err;
  }
  const { applied } = await runtime.store.migrationStatus();
  info(`NeuroTrade ${url} (store: ${runtime.store.kind}, migrations: ${applied}, market: ${config.MARKET})`);
  if ((await createRepositories(runtime.store.db).users.count()) === 0) {
    info(
      `No users yet: register at ${url}/register, or run \`neurotrade user create --email you@example.com --password-stdin\``,
    );
  }

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      info(`${signal} received: stopping (scheduler, open requests, store)...`);
      runtime.stop().then(resolve, (err: unknown) => {
        runtime.logger.error({ err }, 'shutdown failed');
        process.exitCode = 1;
        resolve();
      });
    };
    if (cluster.isWorker) {
      // One of API_PROCESSES (./processes.ts): the supervising process sends SIGTERM, maybe
      // after the terminal's SIGINT reached the whole group; a second signal must not cut
      // the graceful stop short.
      let stopping = false;
      const stop = () => {
        if (stopping) return;
        stopping = true;
        shutdown('SIGTERM');
      };
      process.on('SIGINT', () => undefined);
      process.on('SIGTERM', stop);
      return;
    }
    process.once('SIGINT', () => shutdown('SIGINT'));
    process.once('SIGTERM', () => shutdown('SIGTERM'));
  });
  info('stopped cleanly');
}
