/**
 * jobs: scale-out on PostgreSQL. Scans and the per-account execution run as pg-boss jobs, so any
 * number of processes (`neurotrade worker`, and `neurotrade start`, which is a worker with the API)
 * share the work on one database. With the embedded store nothing here runs: the same handlers
 * (the scan pipeline, fan-out's executeForUser) run in the one process.
 *
 * Entry points: openScaleOut(options) -> ScaleOut (the queue and this process's leases, opened
 * before the trading service so its signals can be dispatched), then scaleOut.startWorker(deps).
 * dispatchSignals(queue, repos, signals) is what a scan does with its new signals.
 *
 * How work is shared (./partitions.ts, ./leases.ts, ./worker.ts):
 * - Accounts fall into PARTITIONS partitions by user id. A process leases partitions with
 *   session advisory locks on one dedicated connection and trades only their accounts; each
 *   partition has its own queue, worked only by its leaseholder. A dead worker's session ends,
 *   its locks go with it, and the next leaseholder puts the jobs it had started back in the queue,
 *   restores the PAPER wallets it had saved, and attaches (reconciles) the accounts.
 * - The scheduler is elected by an advisory lock; it enqueues a scan job per slot, any worker runs
 *   it, the scan lock (src/trading/scheduler.ts) keeps scans from overlapping, and a scan job that
 *   waited longer than a slot is skipped rather than stacked.
 * - Person-driven commands (close, panic, resume) for an account another process trades are
 *   queued ahead of the backlog in that account's partition and awaited.
 *
 * Invariants: an account is attached in one process at a time (`owns`); a PAPER wallet is saved
 * only by its leaseholder; exactly once per (account, signal) is the engine's write-ahead with
 * deterministic client order ids, so a job retried or run by two workers in turn sends nothing new.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../logging/index.js';
import type { Repositories, StoredSignal } from '../store/index.js';
import { dispatchSignals } from './dispatch.js';
import { type EventsRelay, openEventsRelay } from './events-relay.js';
import { type Leases, openLeases } from './leases.js';
import { partitionOf } from './partitions.js';
import { type JobQueue, openJobQueue } from './queue.js';
import { startWorker, type Worker, type WorkerDeps } from './worker.js';

export { dispatchSignals } from './dispatch.js';
export { EVENTS_CHANNEL } from './events-relay.js';
export {
  JOBS_CHANNEL,
  LEASE_NAMESPACE,
  type Leases,
  openLeases,
  SCHEDULER_NAMESPACE,
  WORKER_APP_PREFIX,
} from './leases.js';
export { accountQueue, PARTITIONS, partitionOf, SCAN_QUEUE } from './partitions.js';
export { type AccountJob, type JobQueue, openJobQueue, type ScanJob } from './queue.js';
export type { Worker, WorkerOptions } from './worker.js';

export interface ScaleOut {
  readonly workerId: string;
  queue: JobQueue;
  leases: Leases;
  /** May this process trade the account: its partition is leased here and taken over. */
  owns(userId: string): boolean;
  /** The PAPER store for startExecution: nothing restored at start, saves only for owned accounts. */
  paperRepos(repos: Repositories): Pick<Repositories, 'paperAccounts' | 'audit'>;
  dispatch(repos: Pick<Repositories, 'users'>, signals: readonly StoredSignal[]): Promise<number>;
  /** The live-event bus to use: local delivery, plus relay to and from the other processes. */
  relayEvents(bus: EventBus): EventBus;
  startWorker(deps: Omit<WorkerDeps, 'queue' | 'leases' | 'ready'>): Worker;
  /** Release the leases (after the engine stopped and PAPER saves were flushed), then the queue. */
  close(): Promise<void>;
}

export async function openScaleOut(options: {
  databaseUrl: string;
  logger: Logger;
  workerId?: string;
}): Promise<ScaleOut> {
  const { logger } = options;
  const workerId = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const queue = await openJobQueue({ databaseUrl: options.databaseUrl, logger });
  let leases: Leases;
  let relay: EventsRelay;
  try {
    leases = await openLeases({ databaseUrl: options.databaseUrl, workerId, logger });
  } catch (err) {
    await queue.close();
    throw err;
  }
  try {
    relay = await openEventsRelay({ databaseUrl: options.databaseUrl, workerId, logger });
  } catch (err) {
    await leases.close();
    await queue.close();
    throw err;
  }
  const ready = new Set<number>();
  const owns = (userId: string) => !leases.lost && ready.has(partitionOf(userId));
  return {
    workerId,
    queue,
    leases,
    owns,
    paperRepos(repos) {
      return {
        audit: repos.audit,
        paperAccounts: {
          ...repos.paperAccounts,
          // Restored partition by partition when leased (worker.ts), never all at start.
          loadAll: async () => [],
          async save(userId, state) {
            if (!owns(userId)) {
              logger.warn({ userId }, 'PAPER save skipped: this process no longer holds the account');
              return;
            }
            await repos.paperAccounts.save(userId, state);
          },
        },
      };
    },
    dispatch: (repos, signals) => dispatchSignals(queue, repos, signals),
    relayEvents: (bus) => relay.wrap(bus),
    startWorker: (deps) => startWorker({ ...deps, queue, leases, ready }),
    async close() {
      await relay.close();
      ready.clear();
      await leases.close();
      await queue.close();
    },
  };
}
