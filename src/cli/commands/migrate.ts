import type { Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { openStore } from '../../store/index.js';
import { info } from '../output.js';

export function register(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (also done automatically by start)')
    .action(async () => {
      const config = loadConfig();
      const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
      try {
        const status = await store.migrate();
        info(`${store.kind}: ${status.applied} migrations applied, latest ${status.latest ?? '(none)'}`);
      } finally {
        await store.close();
      }
    });
}
