/**
 * The job queues on pg-boss (its own `pgboss` schema in the same PostgreSQL): one queue for scans,
 * one per account partition. Account jobs are idempotent by construction (the engine executes a
 * signal at most once per account, whatever repeats), so a job is retried rather than risked lost:
 * a generous retry limit, and a dead worker's unfinished jobs are put back by whoever leases the
 * partition next.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from '../logging/index.js';
import { createGrouped, type Grouped } from '../store/index.js';
import { JOBS_CHANNEL, QUEUE_SETUP_NAMESPACE } from './leases.js';
import { accountQueue, allPartitions, partitionOf, SCAN_QUEUE } from './partitions.js';

/** What an account job asks of the process that trades the account. */
export type AccountJob =
  | { kind: 'execute'; userId: string; signalIds: string[] }
  | { kind: 'close'; userId: string; positionId: string }
  | { kind: 'panic'; userId: string }
  | { kind: 'resume'; userId: string }
  /** Attach (and so reconcile) the account now, e.g. after auto-trading was switched on. */
  | { kind: 'watch'; userId: string };

export interface ScanJob {
  /** When the schedule asked for this scan (ms); a scan that waited longer than a slot is skipped. */
  slotAt: number;
}

export interface FetchedJob<T> {
  id: string;
  queue: string;
  data: T;
}

export interface JobState {
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  output: unknown;
}

/** Person-driven commands (close, panic) go before the backlog of a scan's executions. */
export const COMMAND_PRIORITY = 10;
const ACCOUNT_JOB = { retryLimit: 20, retryDelay: 1, expireInSeconds: 300 };

export interface JobQueue {
  /** Queue account jobs, each in its account's partition queue, and wake the workers. */
  enqueueAccountJobs(jobs: Array<{ data: AccountJob; priority?: number }>): Promise<string[]>;
  sendScan(job: ScanJob): Promise<void>;
  fetch<T>(queue: string, batchSize: number): Promise<Array<FetchedJob<T>>>;
  complete(queue: string, id: string, output: unknown): Promise<void>;
  fail(queue: string, ids: string[], message: string): Promise<void>;
  /** Jobs of the queue a worker had started and not finished. */
  activeJobIds(queue: string): Promise<string[]>;
  getJob(queue: string, id: string): Promise<JobState | undefined>;
  close(): Promise<void>;
}

export async function openJobQueue(options: { databaseUrl: string; logger: Logger }): Promise<JobQueue> {
  const { logger } = options;
  const boss = new PgBoss({
    connectionString: options.databaseUrl,
    application_name: 'neurotrade-jobs',
    max: 4,
    // Scans are scheduled by the elected worker's cron (src/jobs/worker.ts), not by pg-boss.
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: 30,
  });
  boss.on('error', (err) => logger.error({ err }, 'job queue error'));
  // Workers starting together would deadlock creating the queues (each is a partition of
  // pg-boss's job table): one at a time, the others then find them there.
  const setup = new pg.Client({ connectionString: options.databaseUrl });
  await setup.connect();
  try {
    await setup.query('select pg_advisory_lock($1, 0)', [QUEUE_SETUP_NAMESPACE]);
    await boss.start();
    const existing = new Set((await boss.getQueues()).map((q) => q.name));
    for (const name of [SCAN_QUEUE, ...allPartitions().map(accountQueue)]) {
      if (!existing.has(name)) await boss.createQueue(name);
    }
  } catch (err) {
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    throw err;
  } finally {
    await setup.end().catch(() => undefined);
  }
  const db = boss.getDb();

  // A fan-out's jobs finish together: their completions share one statement per queue. It is
  // pg-boss's own completion (its plans.js completeJobs; the version is pinned) with each job's
  // output from an unnest(); a lone completion, or one the database refuses, goes through
  // boss.complete as before. Outputs are plain data, so JSON.stringify prints them as pg-boss does.
  const completers = new Map<string, Grouped<{ id: string; output: object }, void>>();
  const completerOf = (queue: string) => {
    let completer = completers.get(queue);
    if (!completer) {
      completer = createGrouped({
        one: async ({ id, output }) => {
          await boss.complete(queue, id, output);
        },
        many: async (jobs) => {
          await db.executeSql(
            `update pgboss.job as j set completed_on = now(), state = 'completed', output = x.output
             from unnest($2::uuid[], $3::jsonb[]) as x(id, output)
             where j.name = $1 and j.id = x.id and j.state = 'active'`,
            [queue, jobs.map((j) => j.id), jobs.map((j) => JSON.stringify(j.output))],
          );
          return jobs.map(() => undefined);
        },
        key: (job) => job.id,
      });
      completers.set(queue, completer);
    }
    return completer;
  };

  const notify = (payload: string) =>
    db.executeSql('select pg_notify($1, $2)', [JOBS_CHANNEL, payload]).then(() => undefined);

  return {
    async enqueueAccountJobs(jobs) {
      if (jobs.length === 0) return [];
      const ids = jobs.map(() => randomUUID());
      const partitions = new Set<number>();
      await boss.insert(
        jobs.map((job, i) => {
          const partition = partitionOf(job.data.userId);
          partitions.add(partition);
          return {
            id: ids[i],
            name: accountQueue(partition),
            data: job.data,
            priority: job.priority ?? 0,
            ...ACCOUNT_JOB,
          };
        }),
      );
      await notify([...partitions].join(','));
      return ids;
    },
    async sendScan(job) {
      await boss.send(SCAN_QUEUE, job, { retryLimit: 0, expireInSeconds: 600 });
      await notify('scan');
    },
    async fetch<T>(queue: string, batchSize: number) {
      const jobs = await boss.fetch<T>(queue, { batchSize });
      return jobs.map((j) => ({ id: j.id, queue, data: j.data }));
    },
    complete: (queue, id, output) => completerOf(queue)({ id, output: { result: output ?? null } }),
    async fail(queue, ids, message) {
      for (const id of ids) await boss.fail(queue, id, { message });
    },
    async activeJobIds(queue) {
      // pg-boss has no call for this; its job table is documented and stable within a major version.
      const { rows } = await db.executeSql("select id from pgboss.job where name = $1 and state = 'active'", [
        queue,
      ]);
      return rows.map((r: { id: string }) => r.id);
    },
    async getJob(queue, id) {
      const job = await boss.getJobById(queue, id, { includeArchive: true });
      if (!job) return undefined;
      const output = (job.output as { result?: unknown } | null)?.result ?? job.output;
      return { state: job.state, output };
    },
    async close() {
      await boss.stop({ graceful: false, wait: true, timeout: 5_000 });
    },
  };
}
