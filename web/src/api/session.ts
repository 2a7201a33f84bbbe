/**
 * The signed-in session: access token (short-lived) and refresh token (single use, rotated on every
 * refresh), kept in localStorage so a reload or a second tab stays signed in.
 *
 * Refresh tokens are single use and the server signs a user out everywhere when one is presented
 * twice, so two refreshes must never race: within a tab one refresh is in flight at a time, and
 * across tabs a Web Lock serialises them; a tab that waited re-reads storage and adopts the tokens
 * the other tab just obtained instead of spending the old refresh token again.
 */
import { needsRefresh } from '../lib/jwt.js';
import { ApiError } from './errors.js';
import type { Session } from './types.js';

const KEY = 'neurotrade.session';

export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  email: string;
}

type Listener = () => void;

function read(): StoredSession | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<StoredSession>;
    return typeof s.accessToken === 'string' && typeof s.refreshToken === 'string'
      ? { accessToken: s.accessToken, refreshToken: s.refreshToken, email: String(s.email ?? '') }
      : null;
  } catch {
    return null;
  }
}

let current: StoredSession | null = read();
/** Why the last session ended, for the login screen ("your session has ended..."). */
let endedBecause: string | null = null;
let inFlight: Promise<string> | null = null;
const listeners = new Set<Listener>();
const notify = () => {
  for (const l of [...listeners]) l();
};

function save(next: StoredSession | null) {
  current = next;
  if (next) localStorage.setItem(KEY, JSON.stringify(next));
  else localStorage.removeItem(KEY);
  notify();
}

// Another tab logged in, refreshed or logged out.
window.addEventListener('storage', (e) => {
  if (e.key !== KEY && e.key !== null) return;
  current = read();
  notify();
});

async function withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  return locks ? locks.request('neurotrade-refresh', fn) : fn();
}

async function refreshNow(failedToken: string | undefined): Promise<string> {
  return withRefreshLock(async () => {
    const stored = read();
    if (!stored) {
      save(null);
      throw new ApiError(401, 'UNAUTHORIZED', 'you are signed out');
    }
    // Another tab refreshed while this one waited: use its tokens.
    if (stored.accessToken !== failedToken && !needsRefresh(stored.accessToken, Date.now())) {
      if (stored.accessToken !== current?.accessToken) save(stored);
      return stored.accessToken;
    }
    let res: Response;
    try {
      res = await fetch('/api/auth/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken: stored.refreshToken }),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', 'cannot reach the server');
    }
    if (res.status === 400 || res.status === 401) {
      end('Your session has ended: log in again.');
      throw new ApiError(401, 'UNAUTHORIZED', 'your session has ended: log in again');
    }
    if (!res.ok) throw new ApiError(res.status, 'REFRESH_FAILED', 'could not refresh the session');
    const fresh = (await res.json()) as Session;
    save({ accessToken: fresh.accessToken, refreshToken: fresh.refreshToken, email: stored.email });
    return fresh.accessToken;
  });
}

export function end(reason: string | null = null): void {
  endedBecause = reason;
  save(null);
}

export const session = {
  get: (): StoredSession | null => current,
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** After login or registration. */
  start(s: Session): void {
    endedBecause = null;
    save({ accessToken: s.accessToken, refreshToken: s.refreshToken, email: s.user.email });
  },
  end,
  /** Reads (and clears) why the last session ended. */
  takeEndReason(): string | null {
    const reason = endedBecause;
    endedBecause = null;
    return reason;
  },
  /** A usable access token, refreshed first when it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    if (!current) return null;
    if (!needsRefresh(current.accessToken, Date.now())) return current.accessToken;
    return session.refresh(current.accessToken);
  },
  /** Refresh once, however many callers ask at the same moment. */
  refresh(failedToken?: string): Promise<string> {
    inFlight ??= refreshNow(failedToken).finally(() => {
      inFlight = null;
    });
    return inFlight;
  },
  /** Revoke the refresh token on the server (best effort), then forget the session here. */
  async logout(): Promise<void> {
    const refreshToken = current?.refreshToken;
    end(null);
    if (!refreshToken) return;
    try {
      await fetch('/api/auth/logout', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
    } catch {
      // Signed out here either way; the refresh token expires on its own.
    }
  },
};
