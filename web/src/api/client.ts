/**
 * fetch() for the API: JSON in and out, the bearer token added (and refreshed once on a 401),
 * failures turned into ApiError with the server's code, message and per-field messages.
 */
import { ApiError } from './errors.js';
import { session } from './session.js';
import type { ErrorBody } from './types.js';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  body?: unknown;
  /** Send the access token (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

async function send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'cannot reach the server');
  }
}

async function failure(res: Response): Promise<ApiError> {
  let body: Partial<ErrorBody> = {};
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  return new ApiError(
    res.status,
    body.error?.code ?? `HTTP_${res.status}`,
    body.error?.message ?? `request failed (HTTP ${res.status})`,
    body.error?.fields ?? {},
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const auth = options.auth ?? true;
  let token = auth ? await session.accessToken() : null;
  if (auth && !token) throw new ApiError(401, 'UNAUTHORIZED', 'you are signed out');
  let res = await send(path, options, token);
  if (auth && res.status === 401) {
    // The access token expired or was revoked under us: one refresh, one retry.
    token = await session.refresh(token ?? undefined);
    res = await send(path, options, token);
    if (res.status === 401) session.end('Your session has ended: log in again.');
  }
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
