/**
 * Retries for idempotent calls only (reads, cancels, leverage and margin settings): an AMBIGUOUS
 * failure (timeout, 5xx, dropped connection) or RATE_LIMITED is tried again after a growing,
 * jittered pause (or the exchange's Retry-After, when it is short enough to wait for).
 * createOrder never comes through here: a resent order is a second order.
 */
import { DomainError, ErrorCode } from '../../domain/index.js';

export interface RetryPolicy {
  /** Total tries, the first included (default 4). */
  attempts?: number | undefined;
  initialDelayMs?: number | undefined;
  maxDelayMs?: number | undefined;
  /** A Retry-After longer than this is not waited for: the error is returned (default 10 s). */
  maxRateLimitWaitMs?: number | undefined;
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function isRetryable(err: unknown): err is DomainError {
  return (
    err instanceof DomainError && (err.code === ErrorCode.AMBIGUOUS || err.code === ErrorCode.RATE_LIMITED)
  );
}

/**
 * Run `call` until it succeeds, fails for good, or the tries run out. `onRetry` sees each
 * failure that is retried (the adapter uses it to remember that an earlier try may have landed).
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  sleep: Sleep,
  onRetry?: (err: DomainError, attempt: number) => void,
): Promise<T> {
  const attempts = Math.max(1, policy.attempts ?? 4);
  const initial = policy.initialDelayMs ?? 200;
  const max = policy.maxDelayMs ?? 5_000;
  const maxWait = policy.maxRateLimitWaitMs ?? 10_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isRetryable(err) || attempt >= attempts) throw err;
      const backoff = Math.min(max, initial * 2 ** (attempt - 1));
      let wait = backoff * (0.75 + Math.random() * 0.5);
      if (err.code === ErrorCode.RATE_LIMITED) {
        const retryAfter = err.details?.retryAfterMs;
        if (typeof retryAfter === 'number') {
          if (retryAfter > maxWait) throw err;
          wait = Math.max(wait, retryAfter);
        }
      }
      onRetry?.(err, attempt);
      await sleep(Math.round(wait));
    }
  }
}
