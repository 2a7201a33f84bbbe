/**
 * A worker: this process's share of the trading under scale-out. It leases account partitions
 * (src/jobs/leases.ts), restores and attaches their accounts (the engine reconciles each one
 * before anything else), works their job queues, runs scan jobs, and, when elected, enqueues the
 * scans on the schedule. Every process on PostgreSQL is a worker; `neurotrade start` adds the API.
 *
 * Safety, in order:
 * - An account is traded by the process that leases its partition, and only by it: the fan-out
 *   refuses to attach any other account (`owns`), and a partition counts as owned only once its
 *   takeover has finished (PAPER wallets restored, dead owner's jobs put back).
 * - Leases are sticky: a live worker keeps its partitions until it stops (a PAPER wallet cannot
 *   leave the in-process simulator while the process lives; see the report in src/jobs/index.ts).
 *   On a graceful stop the engine and the PAPER saves finish before the leases are released.
 * - A lost lease connection fences the process: nothing is owned any more, no job is fetched, and
 *   `onFatal` is called (the CLI exits; a supervisor restarts it).
 * - Exactly once is the engine's: deterministic client order ids, written ahead. Jobs are at least
 *   once: a job that ran twice finds its entry already there (DUPLICATE) and sends nothing.
 */
import { Cron } from 'croner';
import { DomainError, describeError, ErrorCode } from '../domain/index.js';
import type { EngineCloseOutcome, EnginePanicReport, EngineTradingPort } from '../execution/index.js';
import type { Logger } from '../logging/index.js';
import type { Repositories, StoredSignal } from '../store/index.js';
import {
  type ExecutionService,
  FAN_OUT_CONCURRENCY,
  SCAN_CRON,
  type TradingService,
} from '../trading/index.js';
import type { Leases } from './leases.js';
import { accountQueue, allPartitions, PARTITIONS, partitionOf, SCAN_QUEUE } from './partitions.js';
import { type AccountJob, COMMAND_PRIORITY, type FetchedJob, type JobQueue, type ScanJob } from './queue.js';

const SLOT_MS = { aggressive: 30_000, normal: 60_000, slow: 300_000 } as const;
/** The simulator account id paper.ts gives a user's PAPER wallet. */
const paperAccountId = (userId: string) => `paper:${userId}`;

export interface WorkerOptions {
  /** Account jobs run at once in this process (default: the fan-out's, FAN_OUT_CONCURRENCY). */
  concurrency?: number;
  /** Wait after connecting before the first lease round, so workers started together share. */
  settleMs?: number;
  /** Lease round (take free partitions, try to become the scheduler). */
  balanceEveryMs?: number;
  /** Queue polling when no notification came. */
  pollEveryMs?: number;
  /** How long the API waits for a routed close or panic before answering "queued". */
  commandTimeoutMs?: number;
}

export interface WorkerDeps {
  queue: JobQueue;
  leases: Leases;
  /** Is the partition's takeover complete (set by this worker; read by `owns`). */
  ready: Set<number>;
  trading: TradingService;
  execution: ExecutionService;
  repos: Repositories;
  logger: Logger;
  scanProfile: keyof typeof SLOT_MS;
  /** Take part in the scheduler election (SCHEDULER). */
  schedule: boolean;
  onFatal: (err: Error) => void;
  options?: WorkerOptions;
}

export interface Worker {
  /** The API's trading port: local for accounts this process trades, routed to the owner otherwise. */
  trading: EngineTradingPort;
  status(): { workerId: string; partitions: number[]; leading: boolean };
  /** Stop taking work (leader cron, queue polling) and wait for the jobs in hand. */
  stopIntake(): Promise<void>;
}

export function startWorker(deps: WorkerDeps): Worker {
  const { queue, leases, execution, repos, logger, ready } = deps;
  const options = deps.options ?? {};
  const concurrency = options.concurrency ?? FAN_OUT_CONCURRENCY;
  const owns = (userId: string) => !leases.lost && ready.has(partitionOf(userId));
  let stopping = false;
  let fenced = false;
  let cron: Cron | undefined;

  // --- running jobs, at most `concurrency` at once -------------------------------------------
  let running = 0;
  const waiters: Array<() => void> = [];
  const inFlight = new Set<Promise<unknown>>();
  const inFlightByPartition = new Map<number, Set<Promise<unknown>>>();
  const acquireSlot = async () => {
    while (running >= concurrency) await new Promise<void>((r) => waiters.push(r));
    running++;
  };
  const releaseSlot = () => {
    running--;
    waiters.shift()?.();
  };

  async function handleAccountJob(partition: number, job: FetchedJob<AccountJob>): Promise<unknown> {
    if (fenced || !ready.has(partition))
      throw new Error(`partition ${partition} is not leased here any more`);
    const data = job.data;
    switch (data.kind) {
      case 'execute': {
        const user = await repos.users.findById(data.userId);
        if (!user) return { skipped: 'user not found' };
        const signals = (await Promise.all(data.signalIds.map((id) => repos.signals.findById(id)))).filter(
          (s): s is StoredSignal => s !== undefined,
        );
        const results = await execution.fanOut.executeForUser(user, signals);
        return results.map((r) => ({ signalId: r.signalId, status: r.status, message: r.message ?? null }));
      }
      case 'close':
        return execution.trading.closePosition(data.userId, data.positionId);
      case 'panic':
        return execution.trading.panic(data.userId);
      case 'resume':
        execution.engine.resumed(data.userId);
        return { resumed: true };
      case 'watch': {
        const user = await repos.users.findById(data.userId);
        return { attached: user ? await execution.fanOut.ensureAttached(user) : false };
      }
    }
  }

  async function handleScanJob(job: FetchedJob<ScanJob>): Promise<unknown> {
    const late = Date.now() - job.data.slotAt;
    if (late > SLOT_MS[deps.scanProfile]) {
      logger.warn({ lateMs: late }, 'scan job waited longer than its slot: skipped');
      return { ran: false, reason: 'overrun' };
    }
    const outcome = await deps.trading.scanNow();
    return outcome.ran
      ? { ran: true, durationMs: outcome.durationMs }
      : { ran: false, reason: outcome.reason };
  }

  async function runJob(
    job: FetchedJob<unknown>,
    partition: number | undefined,
    handler: (job: FetchedJob<never>) => Promise<unknown>,
  ): Promise<void> {
    await acquireSlot();
    const p = (async () => {
      try {
        const output = await handler(job as FetchedJob<never>);
        await queue.complete(job.queue, job.id, output);
      } catch (err) {
        logger.error(
          { err: describeError(err), queue: job.queue, jobId: job.id },
          'job failed: it will be retried',
        );
        await queue.fail(job.queue, [job.id], describeError(err)).catch(() => undefined);
      } finally {
        releaseSlot();
      }
    })();
    inFlight.add(p);
    const mine = partition === undefined ? undefined : (inFlightByPartition.get(partition) ?? new Set());
    if (partition !== undefined && mine) inFlightByPartition.set(partition, mine);
    mine?.add(p);
    void p.finally(() => {
      inFlight.delete(p);
      mine?.delete(p);
    });
  }

  // --- draining queues: one loop per queue at a time, woken by notifications and polling ------
  const draining = new Map<string, { again: boolean; loop: Promise<void> }>();
  function kick(name: string, partition: number | undefined) {
    if (stopping || fenced) return;
    const current = draining.get(name);
    if (current) {
      current.again = true;
      return;
    }
    const state = { again: false, loop: Promise.resolve() };
    state.loop = (async () => {
      do {
        state.again = false;
        while (!stopping && !fenced && (partition === undefined || ready.has(partition))) {
          const jobs = await queue.fetch<unknown>(name, concurrency).catch((err: unknown) => {
            logger.error({ err: describeError(err), queue: name }, 'fetching jobs failed');
            return [];
          });
          if (jobs.length === 0) break;
          for (const job of jobs) {
            await runJob(
              job,
              partition,
              partition === undefined
                ? (j) => handleScanJob(j as FetchedJob<ScanJob>)
                : (j) => handleAccountJob(partition, j as FetchedJob<AccountJob>),
            );
          }
        }
      } while (state.again && !stopping && !fenced);
    })().finally(() => draining.delete(name));
    draining.set(name, state);
  }
  const kickAll = () => {
    kick(SCAN_QUEUE, undefined);
    for (const p of ready) kick(accountQueue(p), p);
  };
  leases.onNotify((payload) => {
    for (const part of payload.split(',')) {
      if (part === 'scan') kick(SCAN_QUEUE, undefined);
      else if (ready.has(Number(part))) kick(accountQueue(Number(part)), Number(part));
    }
  });

  // --- taking partitions ---------------------------------------------------------------------
  /** PAPER wallets restored into this process's simulator (they cannot leave it again). */
  const restoredPaper = new Set<string>();
  /** Does this process hold a PAPER wallet of the partition (which pins the partition here)? */
  const holdsPaper = (partition: number) =>
    [...execution.paperUsers, ...restoredPaper].some((userId) => partitionOf(userId) === partition);

  /** Every saved PAPER wallet of these partitions, watched or not, before anything can attach one. */
  async function restorePaper(partitions: Set<number>): Promise<void> {
    const sim = execution.paper.simulator;
    for (const row of await repos.paperAccounts.loadAll()) {
      if (!partitions.has(partitionOf(row.userId)) || sim.hasAccount(paperAccountId(row.userId))) continue;
      try {
        restoredPaper.add(row.userId);
        sim.importAccount(row.state, paperAccountId(row.userId));
      } catch (err) {
        logger.error(
          { userId: row.userId, err: describeError(err) },
          'saved PAPER account could not be restored: this user starts again from PAPER_START_BALANCE',
        );
        await repos.audit
          .append({
            userId: row.userId,
            kind: 'paper.restore_failed',
            message: `Your saved PAPER account could not be restored (${describeError(err)}); it starts again from the start balance.`,
            data: { error: describeError(err), savedAt: row.updatedAt.toISOString(), state: row.state },
          })
          .catch(() => undefined);
      }
    }
  }

  /** The partitions were just leased: put back what a dead owner left, restore, attach, work. */
  async function takeOver(partitions: number[]): Promise<void> {
    for (const p of partitions) {
      const orphans = await queue.activeJobIds(accountQueue(p));
      if (orphans.length > 0) {
        logger.warn(
          { partition: p, jobs: orphans.length },
          'jobs left unfinished by a stopped worker: retried',
        );
        await queue.fail(accountQueue(p), orphans, 'the worker that had started it stopped');
      }
    }
    const mine = new Set(partitions);
    await restorePaper(mine);
    for (const p of partitions) ready.add(p);
    logger.info(
      { workerId: leases.workerId, partitions: [...ready].sort((a, b) => a - b) },
      'partitions leased',
    );
    // Reconciled before their first job: everyone with auto-trading on or a live position.
    for (const user of await repos.users.listToWatch()) {
      // A stop does not wait for the rest of the round (each attach reconciles an account, which
      // can take seconds): the next leaseholder reconciles whoever was not reached.
      if (stopping || fenced) break;
      if (!mine.has(partitionOf(user.id))) continue;
      await execution.fanOut.ensureAttached(user).catch((err: unknown) => {
        logger.error({ err: describeError(err), userId: user.id }, 'attaching an account failed');
      });
    }
    for (const p of partitions) kick(accountQueue(p), p);
  }

  /**
   * Hand a partition to the other workers: stop taking its jobs, let the ones in hand finish,
   * detach its accounts (their positions stay protected on the exchange), then unlock. Only a
   * partition without PAPER wallets here can go: a wallet cannot leave this process's simulator.
   */
  async function release(partition: number): Promise<boolean> {
    ready.delete(partition);
    await draining.get(accountQueue(partition))?.loop;
    await Promise.all([...(inFlightByPartition.get(partition) ?? [])]);
    // An attach that passed the ownership check just before it was withdrawn ends first.
    await execution.fanOut.attachesSettled();
    const attached = execution.fanOut.attachedUsers().filter((u) => partitionOf(u) === partition);
    if (holdsPaper(partition) || stopping || fenced) {
      if (!stopping && !fenced) ready.add(partition);
      return false;
    }
    for (const userId of attached) await execution.fanOut.detach(userId);
    await leases.release(partition);
    logger.info({ workerId: leases.workerId, partition, accounts: attached.length }, 'partition handed over');
    return true;
  }

  let balancing: Promise<void> | undefined;
  async function balance(): Promise<void> {
    if (stopping || fenced) return;
    const { taken, workers } = await leases.survey();
    const target = Math.ceil(PARTITIONS / workers);
    // More than a fair share while others have room: give the surplus back (PAPER-free only).
    const surplus = leases.held().length - target;
    if (surplus > 0 && taken.size >= PARTITIONS) {
      const candidates = leases.held().filter((p) => ready.has(p) && !holdsPaper(p));
      for (const p of candidates.slice(0, surplus)) await release(p);
    }
    const free = allPartitions()
      .filter((p) => !taken.has(p))
      .sort(() => Math.random() - 0.5);
    const acquired: number[] = [];
    for (const p of free) {
      if (leases.held().length >= target || stopping) break;
      if (await leases.tryAcquire(p)) acquired.push(p);
    }
    if (acquired.length > 0) await takeOver(acquired);
    if (deps.schedule && !leases.leading && !stopping && (await leases.tryLead())) startSchedule();
  }
  const balanceSafely = () => {
    balancing ??= balance()
      .catch((err: unknown) => logger.error({ err: describeError(err) }, 'lease round failed'))
      .finally(() => {
        balancing = undefined;
      });
    return balancing;
  };

  function startSchedule(): void {
    logger.info({ workerId: leases.workerId, profile: deps.scanProfile }, 'elected scheduler');
    const send = () => {
      if (stopping || fenced) return;
      queue
        .sendScan({ slotAt: Date.now() })
        .catch((err: unknown) => logger.error({ err: describeError(err) }, 'enqueuing a scan failed'));
    };
    cron = new Cron(SCAN_CRON[deps.scanProfile], { protect: false }, send);
    send(); // the first scan right away, as the single process does
  }

  leases.onLost((err) => {
    fenced = true;
    ready.clear();
    cron?.stop();
    // No stream, reconciliation or timer of this process touches an account any more.
    void execution.engine.stop().catch(() => undefined);
    deps.onFatal(err);
  });

  const settle = setTimeout(() => void balanceSafely(), options.settleMs ?? 1_500);
  const balanceTimer = setInterval(() => void balanceSafely(), options.balanceEveryMs ?? 2_000);
  const pollTimer = setInterval(kickAll, options.pollEveryMs ?? 1_000);
  balanceTimer.unref();
  pollTimer.unref();

  // --- the API's port: local when this process trades the account, routed otherwise -----------
  const local = execution.trading;
  const commandTimeoutMs = options.commandTimeoutMs ?? 15_000;

  async function request(data: AccountJob): Promise<{ done: true; output: unknown } | { done: false }> {
    const [id] = await queue.enqueueAccountJobs([{ data, priority: COMMAND_PRIORITY }]);
    const name = accountQueue(partitionOf(data.userId));
    const deadline = Date.now() + commandTimeoutMs;
    while (Date.now() < deadline) {
      const job = await queue.getJob(name, id!);
      if (job?.state === 'completed') return { done: true, output: job.output };
      if (job?.state === 'failed') {
        throw new DomainError(
          ErrorCode.INTERNAL,
          `the worker trading this account failed: ${JSON.stringify(job.output)}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return { done: false };
  }

  const trading: EngineTradingPort = {
    async closePosition(userId, positionId) {
      if (owns(userId)) return local.closePosition(userId, positionId);
      const position = await repos.positions.findById(positionId);
      if (!position || position.userId !== userId)
        throw new DomainError(ErrorCode.NOT_FOUND, 'position not found');
      const answer = await request({ kind: 'close', userId, positionId });
      if (answer.done) return answer.output as EngineCloseOutcome;
      return {
        positionId,
        symbol: position.symbol,
        mode: position.mode,
        outcome: 'CLOSING',
        message: 'queued for the worker that trades this account: it closes it as soon as it is free',
      };
    },
    async panic(userId) {
      if (owns(userId)) return local.panic(userId);
      // No new entry from here on, whatever the owner is busy with.
      const user = await repos.users.updateSettings(userId, { autoTrade: false });
      const answer = await request({ kind: 'panic', userId });
      if (answer.done) return answer.output as EnginePanicReport;
      const live = await repos.positions.listLive(userId);
      return {
        executor: 'engine',
        autoTrade: false,
        riskState: user.riskState,
        results: live.map((p) => ({
          positionId: p.id,
          symbol: p.symbol,
          mode: p.mode,
          outcome: 'CLOSING' as const,
          message: 'panic is queued for the worker that trades this account: it closes this position next',
        })),
      };
    },
    async setAutoTrading(userId, enabled) {
      const result = await local.setAutoTrading(userId, enabled);
      if (enabled && !owns(userId)) {
        await queue
          .enqueueAccountJobs([{ data: { kind: 'watch', userId }, priority: COMMAND_PRIORITY }])
          .catch((err: unknown) =>
            logger.error({ err: describeError(err), userId }, 'routing a watch failed'),
          );
      }
      return result;
    },
    async resume(userId) {
      const result = await local.resume(userId);
      if (!owns(userId)) {
        await queue.enqueueAccountJobs([{ data: { kind: 'resume', userId }, priority: COMMAND_PRIORITY }]);
      }
      return result;
    },
  };

  return {
    trading,
    status: () => ({
      workerId: leases.workerId,
      partitions: [...ready].sort((a, b) => a - b),
      leading: leases.leading,
    }),
    async stopIntake() {
      stopping = true;
      clearTimeout(settle);
      clearInterval(balanceTimer);
      clearInterval(pollTimer);
      cron?.stop();
      await balancing;
      await Promise.all([...draining.values()].map((d) => d.loop));
      await Promise.all([...inFlight]);
    },
  };
}
