/**
 * Leases: one dedicated PostgreSQL connection per process holds its partition leases and, on the
 * elected process, the scheduler's, as session-level advisory locks. PostgreSQL releases them the
 * moment that session ends, so a killed worker's accounts are free for another worker at once, with
 * no expiry to wait for and no clock to trust.
 *
 * The same connection LISTENs for "new jobs" notifications and is checked every `heartbeatMs`; if it
 * fails or ends, the leases may already be someone else's, so the owner is told (`onLost`) and must
 * stop trading at once. The connection carries an application_name that marks it as a worker, which
 * is how live workers are counted.
 */
import pg from 'pg';
import type { Logger } from '../logging/index.js';
import { PARTITIONS } from './partitions.js';

/** Advisory-lock key spaces (two-int form, which never meets the one-bigint locks of src/store). */
export const LEASE_NAMESPACE = 0x4e540001;
export const SCHEDULER_NAMESPACE = 0x4e540002;
export const QUEUE_SETUP_NAMESPACE = 0x4e540003;
export const WORKER_APP_PREFIX = 'neurotrade-worker:';
export const JOBS_CHANNEL = 'neurotrade_jobs';

export interface Survey {
  /** Partitions leased by anyone, this process included. */
  taken: Set<number>;
  /** Processes with a lease connection to this database, this one included. */
  workers: number;
}

export interface Leases {
  readonly workerId: string;
  holds(partition: number): boolean;
  held(): number[];
  /** Take the partition if nobody holds it; false if another process does. */
  tryAcquire(partition: number): Promise<boolean>;
  /** Give the partition up (its accounts must be detached first). */
  release(partition: number): Promise<void>;
  survey(): Promise<Survey>;
  /** Become the scheduler if nobody is; true while this process is. */
  tryLead(): Promise<boolean>;
  readonly leading: boolean;
  /** Called with the payload of each notification on JOBS_CHANNEL. */
  onNotify(listener: (payload: string) => void): void;
  /** Called once if the lease connection fails: the leases must be treated as gone. */
  onLost(listener: (err: Error) => void): void;
  readonly lost: boolean;
  /** End the session: every lease is released. */
  close(): Promise<void>;
}

export async function openLeases(options: {
  databaseUrl: string;
  workerId: string;
  logger: Logger;
  heartbeatMs?: number;
}): Promise<Leases> {
  const { logger, workerId } = options;
  const client = new pg.Client({
    connectionString: options.databaseUrl,
    application_name: `${WORKER_APP_PREFIX}${workerId}`,
    keepAlive: true,
    query_timeout: 10_000,
  });
  await client.connect();
  await client.query(`listen ${JOBS_CHANNEL}`);
  const held = new Set<number>();
  let leading = false;
  let closing = false;
  let lostError: Error | undefined;
  const lostListeners: Array<(err: Error) => void> = [];
  const notifyListeners: Array<(payload: string) => void> = [];

  const lose = (err: Error) => {
    if (closing || lostError) return;
    lostError = err;
    held.clear();
    leading = false;
    logger.error({ err: err.message, workerId }, 'lease connection lost: every lease held here is void');
    for (const listener of lostListeners) listener(err);
  };
  client.on('error', (err) => lose(err));
  client.on('end', () => lose(new Error('the lease connection ended')));
  client.on('notification', (msg) => {
    if (msg.channel !== JOBS_CHANNEL) return;
    for (const listener of notifyListeners) listener(msg.payload ?? '');
  });
  const heartbeat = setInterval(() => {
    client.query('select 1').catch((err: Error) => lose(err));
  }, options.heartbeatMs ?? 2_000);
  heartbeat.unref();

  const guard = () => {
    if (lostError) throw lostError;
  };

  return {
    workerId,
    holds: (partition) => held.has(partition),
    held: () => [...held].sort((a, b) => a - b),
    async tryAcquire(partition) {
      guard();
      if (held.has(partition)) return true;
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [
        LEASE_NAMESPACE,
        partition,
      ]);
      if (rows[0]?.ok && !lostError) held.add(partition);
      return held.has(partition);
    },
    async release(partition) {
      guard();
      if (!held.has(partition)) return;
      held.delete(partition);
      await client.query('select pg_advisory_unlock($1, $2)', [LEASE_NAMESPACE, partition]);
    },
    async survey() {
      guard();
      const { rows } = await client.query<{ taken: number[]; workers: number }>(
        `select
           (select coalesce(array_agg(objid::int), '{}') from pg_locks
             where locktype = 'advisory' and granted and classid = $1::bigint::oid and objsubid = 2
               and database = (select oid from pg_database where datname = current_database())) as taken,
           (select count(*)::int from pg_stat_activity
             where datname = current_database() and application_name like $2) as workers`,
        [LEASE_NAMESPACE, `${WORKER_APP_PREFIX}%`],
      );
      const row = rows[0];
      return {
        taken: new Set((row?.taken ?? []).filter((p) => p >= 0 && p < PARTITIONS)),
        workers: Math.max(1, row?.workers ?? 1),
      };
    },
    async tryLead() {
      guard();
      if (leading) return true;
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, 0) as ok', [
        SCHEDULER_NAMESPACE,
      ]);
      leading = rows[0]?.ok === true && !lostError;
      return leading;
    },
    get leading() {
      return leading;
    },
    onNotify(listener) {
      notifyListeners.push(listener);
    },
    onLost(listener) {
      lostListeners.push(listener);
    },
    get lost() {
      return lostError !== undefined;
    },
    async close() {
      closing = true;
      clearInterval(heartbeat);
      held.clear();
      leading = false;
      await client.end().catch(() => undefined);
    },
  };
}
