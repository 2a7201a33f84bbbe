/**
 * `neurotrade worker [--concurrency N]`: one more process sharing the trading on PostgreSQL
 * (DATABASE_URL): it leases a share of the accounts, executes their signals, runs scan jobs and
 * may be elected scheduler; no HTTP server. Any number may run, on any machine that reaches the
 * database; `neurotrade start` on the same database is a worker too (with the API). SIGINT/SIGTERM
 * stop it gracefully: jobs in hand finish, PAPER wallets are saved, then its accounts are released
 * to the other workers. Exit codes: 0 stopped, 1 failure (a lost lease connection included),
 * 2 bad configuration (no DATABASE_URL).
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
// The constant's file, not the module's index: trading loads when a worker starts (below).
import { FAN_OUT_CONCURRENCY } from '../../trading/fan-out.js';
import { info, UsageError } from '../output.js';

export function register(program: Command): void {
  program
    .command('worker')
    .description('share the scans and the trading with other processes on the same PostgreSQL (no HTTP)')
    .option('--concurrency <n>', 'account jobs run at once in this process', String(FAN_OUT_CONCURRENCY))
    .action(async (args: { concurrency: string }) => {
      const concurrency = Number(args.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
        throw new UsageError(
          `--concurrency must be a whole number from 1 to 1024 (got "${args.concurrency}")`,
        );
      }
      const config = loadConfig();
      if (!config.DATABASE_URL) {
        throw new UsageError(
          'worker needs DATABASE_URL (PostgreSQL): on the embedded store `neurotrade start` runs everything in one process',
        );
      }
      // Loaded when a worker starts, not whenever the program is (see ./start.ts).
      const { createRuntime } = await import('../../main.js');
      const runtime = await createRuntime(config, { worker: { concurrency } });
      info(
        `NeuroTrade worker ${runtime.worker?.status().workerId} (market: ${config.MARKET}, scheduler: ${config.SCHEDULER ? 'eligible' : 'off'})`,
      );
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          info(`${signal} received: finishing jobs in hand, saving, releasing accounts...`);
          runtime.stop().then(resolve, (err: unknown) => {
            runtime.logger.error({ err }, 'shutdown failed');
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      });
      info('stopped cleanly');
    });
}
