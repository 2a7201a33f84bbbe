/** What a scan does with its new signals under scale-out: jobs in the users' partition queues. */
import type { Repositories, StoredSignal } from '../store/index.js';
import { planFanOut } from '../trading/index.js';
import type { JobQueue } from './queue.js';

/** Every auto-trading user's share of new signals becomes one job in the user's partition queue. */
export async function dispatchSignals(
  queue: JobQueue,
  repos: Pick<Repositories, 'users'>,
  signals: readonly StoredSignal[],
): Promise<number> {
  const plan = planFanOut(await repos.users.listAutoTrading(), signals);
  await queue.enqueueAccountJobs(
    plan.map(({ user, signals: mine }) => ({
      data: { kind: 'execute', userId: user.id, signalIds: mine.map((s) => s.id) },
    })),
  );
  return plan.length;
}
