import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempDatabase, TEST_DATABASE_URL } from '../../test/support/stores.js';
import { createLogger } from '../logging/index.js';
import { accountQueue, partitionOf } from './partitions.js';
import { type JobQueue, openJobQueue } from './queue.js';

describe.skipIf(!TEST_DATABASE_URL)('job queue (pg-boss on PostgreSQL)', () => {
  let temp: Awaited<ReturnType<typeof createTempDatabase>>;
  let queue: JobQueue;
  beforeAll(async () => {
    temp = await createTempDatabase(TEST_DATABASE_URL!);
    queue = await openJobQueue({ databaseUrl: temp.url, logger: createLogger({ level: 'silent' }) });
  }, 60_000);
  afterAll(async () => {
    await queue?.close();
    await temp?.drop();
  });

  it('completes the jobs of a fan-out finishing together, each with its own output, in one statement', async () => {
    // Eight accounts in one partition (one queue), two in another.
    const users: string[] = [];
    const first = partitionOf(randomUUID());
    while (users.filter((u) => partitionOf(u) === first).length < 8) users.push(randomUUID());
    const mine = [...users.filter((u) => partitionOf(u) === first)];
    const others = users.filter((u) => partitionOf(u) !== first).slice(0, 2);
    const ids = await queue.enqueueAccountJobs(
      [...mine, ...others].map((userId) => ({ data: { kind: 'execute', userId, signalIds: ['s'] } })),
    );
    const fetched = [
      ...(await queue.fetch<{ userId: string }>(accountQueue(first), 50)),
      ...(
        await Promise.all(
          others.map((u) => queue.fetch<{ userId: string }>(accountQueue(partitionOf(u)), 50)),
        )
      ).flat(),
    ];
    expect(fetched.map((j) => j.id).sort()).toEqual([...ids].sort());
    const outputOf = (userId: string) => [
      { userId, status: 'OPEN', message: `filled "${userId.slice(0, 4)}" \\ ok`, positionId: null },
    ];
    await Promise.all(fetched.map((job) => queue.complete(job.queue, job.id, outputOf(job.data.userId))));
    for (const job of fetched) {
      expect(await queue.getJob(job.queue, job.id)).toEqual({
        state: 'completed',
        output: outputOf(job.data.userId),
      });
    }
    // The first partition's jobs after the first (written alone at once) share one transaction.
    const admin = new pg.Client({ connectionString: temp.url });
    await admin.connect();
    try {
      const rest = fetched.filter((j) => j.queue === accountQueue(first)).slice(1);
      const { rows } = await admin.query(
        'select count(distinct xmin::text)::int as n from pgboss.job where id = any($1::uuid[])',
        [rest.map((j) => j.id)],
      );
      expect(rows[0].n).toBe(1);
    } finally {
      await admin.end();
    }
    // A job completed again (not active any more) is left as it was, as pg-boss leaves it.
    await queue.complete(fetched[0]!.queue, fetched[0]!.id, 'again');
    expect((await queue.getJob(fetched[0]!.queue, fetched[0]!.id))?.output).toEqual(
      outputOf(fetched[0]!.data.userId),
    );
  }, 60_000);
});
