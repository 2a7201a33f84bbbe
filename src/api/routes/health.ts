import type { FastifyInstance } from 'fastify';
import type { WeightBudgetStatus } from '../../market/index.js';
import type { Store } from '../../store/index.js';

/** What the trading service reports about itself, for operators and end-to-end tests. */
export interface TradingStatus {
  /** Whether scans run on the schedule in this process. */
  scheduler: boolean;
  /** Who executes signals: 'engine', or 'none' while only signals are recorded. */
  executor: string;
  /** Market time of the last completed scan, if any. */
  lastScanAt: number | null;
  /**
   * Binance request weight this process used in the last minute, of its share of the IP's
   * (BINANCE_WEIGHT_PER_MINUTE, split between API_PROCESSES), and until when a 429 or a ban
   * pauses its requests.
   */
  binanceWeight?: WeightBudgetStatus | undefined;
  /**
   * Scale-out on PostgreSQL (absent on the embedded store): which account partitions this process
   * trades, whether it is the elected scheduler, and whether its lease session was lost (then it
   * trades nothing and is about to exit, so the health answer is 503).
   */
  scaleOut?: ScaleOutStatus | undefined;
}

export interface ScaleOutStatus {
  workerId: string;
  /** Account partitions leased and taken over here. */
  partitions: number[];
  /** Of how many partitions in all. */
  partitionsTotal: number;
  leading: boolean;
  leaseLost: boolean;
}

export function healthRoutes(
  app: FastifyInstance,
  deps: { store: Store; version: string; tradingStatus?: (() => TradingStatus) | undefined },
): void {
  app.get(
    '/api/health',
    { schema: { tags: ['system'], summary: 'Liveness, store and scale-out status' } },
    async (_req, reply) => {
      const migrations = await deps.store.migrationStatus();
      const trading = deps.tradingStatus?.() ?? null;
      // A worker whose lease session is gone must not look healthy to a supervisor or balancer.
      const leaseLost = trading?.scaleOut?.leaseLost === true;
      if (leaseLost) reply.code(503);
      return {
        status: leaseLost ? 'lease-lost' : 'ok',
        version: deps.version,
        store: { kind: deps.store.kind, migrations: migrations.applied, migration: migrations.latest },
        trading,
      };
    },
  );
}
