/**
 * cli: the `neurotrade` command (bin/neurotrade.js loads this file). Exit codes: 0 success,
 * 1 runtime failure, 2 bad arguments or configuration. Messages go to stderr, results to stdout.
 */
import { CommanderError } from 'commander';
import { describeError, isDomainError } from '../domain/index.js';
import { UsageError } from './output.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof UsageError || isDomainError(err, 'CONFIG_INVALID')) {
    process.stderr.write(`neurotrade: ${(err as Error).message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`neurotrade: ${describeError(err)}\n`);
    process.exitCode = 1;
  }
}
