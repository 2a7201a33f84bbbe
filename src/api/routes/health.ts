import type { FastifyInstance } from 'fastify';
import type { Store } from '../../store/index.js';

/** What the trading service reports about itself, for operators and end-to-end tests. */
export interface TradingStatus {
  /** Whether scans run on the schedule in this process. */
  scheduler: boolean;
  /** Who executes signals: 'engine', or 'none' while only signals are recorded. */
  executor: string;
  /** Market time of the last completed scan, if any. */
  lastScanAt: number | null;
}

export function healthRoutes(
  app: FastifyInstance,
  deps: { store: Store; version: string; tradingStatus?: (() => TradingStatus) | undefined },
): void {
  app.get('/api/health', { schema: { tags: ['system'], summary: 'Liveness and store status' } }, async () => {
    const migrations = await deps.store.migrationStatus();
    return {
      status: 'ok',
      version: deps.version,
      store: { kind: deps.store.kind, migrations: migrations.applied, migration: migrations.latest },
      trading: deps.tradingStatus?.() ?? null,
    };
  });
}
