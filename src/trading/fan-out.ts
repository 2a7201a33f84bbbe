/**
 * The fan-out: each new signal goes to every user whose auto-trading is on, whose account is
 * ACTIVE and whose minimum confidence the signal meets, through the execution engine on that
 * user's own exchange: their PAPER wallet, or Binance with their own keys (REAL). Concurrent with
 * a bound; one user's failure is logged and never blocks another's. Whether the user already holds
 * the symbol, the cooldowns and the daily loss limit are the engine's risk gate's to decide.
 */

import type { Exchange } from '../exchange/index.js';
import type { ExecutionEngine } from '../execution/index.js';
import type { Logger } from '../logging/index.js';
import { decryptSecret } from '../security/index.js';
import type { Repositories, StoredSignal, User } from '../store/index.js';

export interface AccountSources {
  /** The user's PAPER account. */
  paper(userId: string): Exchange;
  /** A Binance adapter built from the user's decrypted keys. */
  real(keys: { apiKey: string; secret: string }): Promise<Exchange & { close?: () => Promise<void> }>;
}

/**
 * Users executed at once by default. Many, because each execution mostly waits (the database, the
 * exchange), and because accounts at the same step share their statements and commits
 * (src/store/grouped.ts): measured with 1,000 PAPER users on PostgreSQL (bench fanout), 8 at once
 * sent 20 statements per execution, 64 sent 2.6 and 256 sent 0.7, and the fan-out took 4.6, 2.0
 * and 1.7 s. Once the statements were fixed and the PAPER saves waited for the burst, all 1,000
 * at once beat 256 on every path (two turns each, loaded VM: PGlite 3.8 / 3.5 -> 3.0 / 2.6 s,
 * PostgreSQL jobs 3.0 / 2.8 -> 2.2 / 1.8 s, in-process 1.7 / 2.0 -> 1.9 / 1.4 s): a step's
 * statements carry up to 200 rows (grouped.ts), so fewer waves of the same chain of statements.
 * Bounded all the same: REAL users' requests leave from this one server (placing an order costs
 * no IP weight on Binance; each account's own order limits are its lane's to keep).
 */
export const FAN_OUT_CONCURRENCY = 1024;

export interface FanOutDeps {
  engine: Pick<ExecutionEngine, 'attachAccount' | 'detachAccount' | 'hasAccount' | 'executeSignal'>;
  repos: Pick<Repositories, 'users' | 'credentials' | 'audit'>;
  sources: AccountSources;
  credentialsKey: Buffer;
  logger: Logger;
  /** Users executed at once (default FAN_OUT_CONCURRENCY). */
  concurrency?: number;
  /**
   * Scale-out: may this process trade the user's account (does it hold the account's lease)? An
   * account is attached in one process at a time; absent, this process trades every account.
   */
  owns?: ((userId: string) => boolean) | undefined;
}

/** One user's share of a scan: the new signals that meet their minimum confidence. */
export interface UserSignals {
  user: User;
  signals: StoredSignal[];
}

/**
 * Who trades what: every user with auto-trading on and an ACTIVE account, with the signals that
 * meet their minimum confidence. The in-process fan-out and the scale-out jobs both start here.
 */
export function planFanOut(users: readonly User[], signals: readonly StoredSignal[]): UserSignals[] {
  const plan: UserSignals[] = [];
  for (const user of users) {
    const mine = signals.filter((signal) => signal.combinedConfidence >= user.minConfidence);
    if (mine.length > 0) plan.push({ user, signals: mine });
  }
  return plan;
}

export interface FanOutResult {
  signalId: string;
  userId: string;
  /** The engine's outcome (OPEN, DENIED, DUPLICATE, ...), SKIPPED (no exchange) or FAILED. */
  status: string;
  positionId?: string | null;
  /** Why, when it was not opened: the risk or sizing reason code. */
  reason?: string | null;
  message?: string;
}

export function createFanOut(deps: FanOutDeps) {
  const attachedMode = new Map<string, 'PAPER' | 'REAL'>();
  const closers = new Map<string, () => Promise<void>>();

  const attaching = new Map<string, Promise<boolean>>();

  /** Attach the user's exchange for their current mode; one attach per user at a time. */
  function ensureAttached(user: User): Promise<boolean> {
    if (deps.owns && !deps.owns(user.id)) return Promise.resolve(false);
    const pending = attaching.get(user.id);
    if (pending) return pending;
    const p = attach(user).finally(() => attaching.delete(user.id));
    attaching.set(user.id, p);
    return p;
  }

  /** Attach for the current mode, re-attaching after a mode switch. */
  async function attach(user: User): Promise<boolean> {
    if (deps.engine.hasAccount(user.id) && attachedMode.get(user.id) === user.mode) return true;
    if (deps.engine.hasAccount(user.id)) {
      await deps.engine.detachAccount(user.id);
      await closers.get(user.id)?.();
      closers.delete(user.id);
    }
    let exchange: Exchange;
    if (user.mode === 'PAPER') {
      exchange = deps.sources.paper(user.id);
    } else {
      const stored = await deps.repos.credentials.find(user.id);
      if (!stored) {
        await deps.repos.audit.append({
          userId: user.id,
          kind: 'execution.skipped',
          message: 'REAL mode without stored Binance keys: nothing was traded',
        });
        return false;
      }
      const real = await deps.sources.real({
        apiKey: decryptSecret(stored.apiKeyEncrypted, deps.credentialsKey, user.id),
        secret: decryptSecret(stored.apiSecretEncrypted, deps.credentialsKey, user.id),
      });
      if (real.close) closers.set(user.id, real.close.bind(real));
      exchange = real;
    }
    await deps.engine.attachAccount(user.id, exchange);
    attachedMode.set(user.id, user.mode);
    return true;
  }

  async function executeFor(user: User, signal: StoredSignal): Promise<FanOutResult> {
    try {
      if (!(await ensureAttached(user))) {
        return {
          signalId: signal.id,
          userId: user.id,
          status: 'SKIPPED',
          message: 'no exchange for this account',
        };
      }
      const outcome = await deps.engine.executeSignal(user, signal, { automatic: true });
      return {
        signalId: signal.id,
        userId: user.id,
        status: outcome.status,
        positionId: outcome.positionId,
        reason: outcome.reason,
        message: outcome.message,
      };
    } catch (err) {
      deps.logger.error(
        { err, userId: user.id, signalId: signal.id },
        'executing a signal for a user failed',
      );
      return { signalId: signal.id, userId: user.id, status: 'FAILED', message: (err as Error).message };
    }
  }

  /** One user's signals, in order (the account's lane serialises them anyway). */
  async function executeForUser(user: User, signals: readonly StoredSignal[]): Promise<FanOutResult[]> {
    const results: FanOutResult[] = [];
    for (const signal of signals) results.push(await executeFor(user, signal));
    return results;
  }

  return {
    ensureAttached,
    executeForUser,
    /** Accounts attached through the fan-out. */
    attachedUsers: (): string[] => [...attachedMode.keys()],
    /** Resolves when every attach under way has ended. */
    async attachesSettled(): Promise<void> {
      await Promise.allSettled([...attaching.values()]);
    },
    /**
     * Stop trading the account in this process (scale-out hands it to another); its positions stay
     * as they are, protected on the exchange.
     */
    async detach(userId: string): Promise<void> {
      await attaching.get(userId)?.catch(() => undefined);
      await deps.engine.detachAccount(userId);
      attachedMode.delete(userId);
      await closers
        .get(userId)?.()
        .catch(() => undefined);
      closers.delete(userId);
    },
    async execute(signals: readonly StoredSignal[]): Promise<FanOutResult[]> {
      const plan = planFanOut(await deps.repos.users.listAutoTrading(), signals);
      const perUser = await runBounded(
        plan.map(
          ({ user, signals: mine }) =>
            () =>
              executeForUser(user, mine),
        ),
        deps.concurrency ?? FAN_OUT_CONCURRENCY,
      );
      return perUser.flat();
    },
    async close(): Promise<void> {
      for (const close of closers.values()) await close().catch(() => undefined);
      closers.clear();
    },
  };
}

export type FanOut = ReturnType<typeof createFanOut>;

/** Run jobs with at most `limit` in flight; results in job order. */
async function runBounded<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}
