/**
 * Typed errors: a stable SCREAMING_SNAKE `code` that tests and the dashboard can rely on, a
 * message for people, and the original error (with the exchange's own code) kept in `cause`.
 * Domain code never throws HTTP errors; the API maps codes to statuses in one place.
 */
export const ErrorCode = {
  // input and configuration
  CONFIG_INVALID: 'CONFIG_INVALID',
  VALIDATION_FAILED: 'VALIDATION_FAILED',
  BAD_DATA: 'BAD_DATA',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  // store
  STORE_MIGRATION_FAILED: 'STORE_MIGRATION_FAILED',
  POSITION_ALREADY_OPEN: 'POSITION_ALREADY_OPEN',
  DUPLICATE_CLIENT_ORDER_ID: 'DUPLICATE_CLIENT_ORDER_ID',
  // exchange (see src/exchange for the mapping from Binance codes)
  EXCHANGE_REJECTED: 'EXCHANGE_REJECTED',
  INSUFFICIENT_MARGIN: 'INSUFFICIENT_MARGIN',
  BELOW_MIN_NOTIONAL: 'BELOW_MIN_NOTIONAL',
  WOULD_TRIGGER_IMMEDIATELY: 'WOULD_TRIGGER_IMMEDIATELY',
  REDUCE_ONLY_REJECTED: 'REDUCE_ONLY_REJECTED',
  RATE_LIMITED: 'RATE_LIMITED',
  EXCHANGE_AUTH: 'EXCHANGE_AUTH',
  /** Timeout, 5xx, dropped connection: the order may or may not exist. Look it up; never resend. */
  AMBIGUOUS: 'AMBIGUOUS',
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  // risk
  RISK_DENIED: 'RISK_DENIED',
  /** A dependency this request needs is not attached or not reachable (e.g. no market feed). */
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DomainError';
    this.code = code;
    this.details = options?.details;
  }
}

export function isDomainError(err: unknown, code?: ErrorCode): err is DomainError {
  return err instanceof DomainError && (code === undefined || err.code === code);
}

/** Render any thrown value as one line for logs and audit rows. */
export function describeError(err: unknown): string {
  if (err instanceof DomainError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
