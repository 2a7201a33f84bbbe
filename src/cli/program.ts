/**
 * The `neurotrade` command tree. Each command lives in ./commands/<name>.ts and exports
 * `register(program)`; add one import and one call below to add a command.
 */
import { Command } from 'commander';
import { register as registerBacktest } from './commands/backtest.js';
import { register as registerDownload } from './commands/download.js';
import { register as registerMigrate } from './commands/migrate.js';
import { register as registerMl } from './commands/ml.js';
import { register as registerScan } from './commands/scan.js';
import { register as registerSimExchange } from './commands/sim-exchange.js';
import { register as registerStart } from './commands/start.js';
import { register as registerUser } from './commands/user.js';
import { register as registerWorker } from './commands/worker.js';

export function buildProgram(): Command {
  const program = new Command('neurotrade')
    .description('AI-assisted trading for Binance USD-M perpetual futures')
    .showHelpAfterError()
    .exitOverride();
  registerStart(program);
  registerMigrate(program);
  registerDownload(program);
  registerScan(program);
  registerBacktest(program);
  registerSimExchange(program);
  registerMl(program);
  registerUser(program);
  registerWorker(program);
  return program;
}
