import { type Clock, DomainError, ErrorCode } from '../domain/index.js';

/**
 * Failed-login throttling, per client IP and per account. A key that reaches its limit of failures
 * inside the window is locked until the window ends, whatever is tried meanwhile (a right password
 * included, or guessing would continue). A success clears the account's count, not the IP's.
 * In memory, bounded: one API process serves HTTP (workers do not), so this is the whole state.
 */
export interface ThrottleLimit {
  limit: number;
  windowMs: number;
}

export interface LoginThrottleOptions {
  clock: Clock;
  perIp?: ThrottleLimit;
  perAccount?: ThrottleLimit;
  /** Keys kept at most (per kind); beyond it expired ones go first, then the oldest. */
  maxKeys?: number;
}

export interface ThrottleKeys {
  ip: string;
  account: string;
}

export interface LoginThrottle {
  /** Throws RATE_LIMITED, with details.retryAfterSec, while the IP or the account is locked. */
  check(keys: ThrottleKeys): void;
  recordFailure(keys: ThrottleKeys): void;
  recordSuccess(keys: ThrottleKeys): void;
}

export const DEFAULT_LOGIN_LIMITS = {
  perIp: { limit: 30, windowMs: 15 * 60_000 },
  perAccount: { limit: 5, windowMs: 15 * 60_000 },
} as const;

interface Window {
  failures: number;
  endsAt: number;
}

/** A counter of events per key over a fixed window opened by the first event. */
export function createWindowCounter(clock: Clock, limit: ThrottleLimit, maxKeys: number) {
  const windows = new Map<string, Window>();
  const prune = (now: number) => {
    for (const [key, w] of windows) if (w.endsAt <= now) windows.delete(key);
    // Still full: drop the oldest windows (Map keeps insertion order).
    for (const key of windows.keys()) {
      if (windows.size < maxKeys) break;
      windows.delete(key);
    }
  };
  return {
    /** Milliseconds until the key may try again, or 0 when it may now. */
    lockedForMs(key: string): number {
      const w = windows.get(key);
      const now = clock.now();
      if (!w || w.endsAt <= now) return 0;
      return w.failures >= limit.limit ? w.endsAt - now : 0;
    },
    hit(key: string): void {
      const now = clock.now();
      const w = windows.get(key);
      if (w && w.endsAt > now) {
        w.failures++;
        return;
      }
      if (windows.size >= maxKeys) prune(now);
      windows.delete(key);
      windows.set(key, { failures: 1, endsAt: now + limit.windowMs });
    },
    clear(key: string): void {
      windows.delete(key);
    },
    size: () => windows.size,
  };
}

export function createLoginThrottle(options: LoginThrottleOptions): LoginThrottle {
  const maxKeys = options.maxKeys ?? 100_000;
  const perIp = createWindowCounter(options.clock, options.perIp ?? DEFAULT_LOGIN_LIMITS.perIp, maxKeys);
  const perAccount = createWindowCounter(
    options.clock,
    options.perAccount ?? DEFAULT_LOGIN_LIMITS.perAccount,
    maxKeys,
  );
  return {
    check({ ip, account }) {
      const ipMs = perIp.lockedForMs(ip);
      const accountMs = perAccount.lockedForMs(account);
      const waitMs = Math.max(ipMs, accountMs);
      if (waitMs === 0) return;
      const retryAfterSec = Math.ceil(waitMs / 1000);
      const who = accountMs >= ipMs ? 'for this account' : 'from this address';
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        `too many failed login attempts ${who}; try again in ${retryAfterSec} s`,
        { details: { retryAfterSec } },
      );
    },
    recordFailure({ ip, account }) {
      perIp.hit(ip);
      perAccount.hit(account);
    },
    recordSuccess({ account }) {
      perAccount.clear(account);
    },
  };
}
