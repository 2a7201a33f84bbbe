/** What a failed API call becomes in the dashboard: the server's own code, words and per-field messages. */
export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached at all. */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    /** From Retry-After on a 429: how long to wait before trying again. */
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get throttled(): boolean {
    return this.status === 429;
  }
}

export const isApiError = (e: unknown, status?: number): e is ApiError =>
  e instanceof ApiError && (status === undefined || e.status === status);

/** A sentence for the trader, whatever went wrong. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return 'Cannot reach the server: check that NeuroTrade is running, then try again.';
    if (e.status === 429) {
      const said = capitalise(e.message);
      const wait = e.retryAfterSec && !/try again/i.test(said) ? `; try again in ${e.retryAfterSec} s` : '';
      return `${said}${wait}`;
    }
    if (e.status >= 500) return 'The server failed to answer. Try again; if it persists, check its log.';
    return capitalise(e.message);
  }
  return e instanceof Error ? e.message : String(e);
}

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);
