/**
 * Reads the expiry of an access token without verifying it (the server verifies; the browser only
 * needs to know when to refresh before the token, and the live stream riding on it, runs out).
 */

/** Epoch ms at which the token expires, or undefined when it is not a readable JWT. */
export function tokenExpiresAt(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='))) as {
      exp?: unknown;
    };
    return typeof json.exp === 'number' && Number.isFinite(json.exp) ? json.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** True when the token is unreadable or expires within `marginMs`. */
export function needsRefresh(token: string, now: number, marginMs = 30_000): boolean {
  const exp = tokenExpiresAt(token);
  return exp === undefined || exp - now <= marginMs;
}
