/**
 * Waiting between tries. Time is injected: the engine sleeps through `sleep` and measures bounds
 * with its Clock, so tests can run the 10-second protection bound in milliseconds.
 */
import { DomainError, ErrorCode } from '../domain/index.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
}

/** initial x 2^attempt, capped (attempt counts from 0). No jitter: one account, one lane. */
export function backoffMs(policy: BackoffPolicy, attempt: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt, 30));
}

/** The exchange's Retry-After, when the error carries one (429/418, -1003). */
export function retryAfterOf(err: unknown): number | undefined {
  if (!(err instanceof DomainError) || err.code !== ErrorCode.RATE_LIMITED) return undefined;
  const ms = err.details?.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) ? ms : undefined;
}
