/** PostgreSQL error codes, read through Drizzle's wrapper, the same way for pg and PGlite. */
export const PG_UNIQUE_VIOLATION = '23505';
export const PG_CHECK_VIOLATION = '23514';

interface PgLikeError {
  code?: string;
  constraint?: string;
  message?: string;
}

function pgError(err: unknown): PgLikeError | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e; depth++) {
    const candidate = e as PgLikeError & { cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    e = candidate.cause;
  }
  return undefined;
}

/** True when `err` is a unique violation, optionally of the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = pgError(err);
  if (!e || e.code !== PG_UNIQUE_VIOLATION) return false;
  if (constraint === undefined) return true;
  // node-postgres sets `constraint`; PGlite reports it in the message.
  return e.constraint === constraint || (e.message ?? '').includes(constraint);
}

/**
 * True when PostgreSQL answered the statement with an error (it carries a SQLSTATE): an
 * autocommit statement so refused wrote nothing. False for a lost connection or a client-side
 * failure, whose outcome is unknown.
 */
export function refusedByDatabase(err: unknown): boolean {
  return pgError(err) !== undefined;
}
