/**
 * A minimal signed Binance client (fetch + HMAC, as Binance documents signing) and a WebSocket
 * helper, for checking the served simulator's wire format without ccxt in between.
 */
import WebSocket from 'ws';
import { sign } from '../../src/exchange/server/index.js';

export interface RawAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface RawClient {
  call(method: string, path: string, params?: Record<string, string | number | boolean>): Promise<RawAnswer>;
  public(path: string, params?: Record<string, string | number>): Promise<RawAnswer>;
  admin(method: string, path: string, body?: unknown): Promise<RawAnswer>;
}

export function rawClient(
  baseUrl: string,
  apiKey: string,
  secret: string,
  options: { timestamp?: () => number; signed?: boolean } = {},
): RawClient {
  const parse = async (res: Response): Promise<RawAnswer> => {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // text body
    }
    return { status: res.status, body, headers: res.headers };
  };
  return {
    async call(method, path, params = {}) {
      const query = new URLSearchParams({ timestamp: String((options.timestamp ?? Date.now)()) });
      for (const [k, v] of Object.entries(params)) query.set(k, String(v));
      let payload = query.toString();
      if (options.signed !== false) payload += `&signature=${sign(secret, payload)}`;
      const inBody = method === 'POST' || method === 'PUT';
      const res = await fetch(`${baseUrl}${path}${inBody ? '' : `?${payload}`}`, {
        method,
        headers: { 'X-MBX-APIKEY': apiKey, 'content-type': 'application/x-www-form-urlencoded' },
        body: inBody ? payload : undefined,
      });
      return parse(res);
    },
    async public(path, params = {}) {
      const query = new URLSearchParams(
        Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]),
      );
      return parse(await fetch(`${baseUrl}${path}${query.size > 0 ? `?${query}` : ''}`));
    },
    async admin(method, path, body) {
      return parse(
        await fetch(`${baseUrl}${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    },
  };
}

/** A WebSocket that collects parsed messages. */
export interface WsProbe {
  socket: WebSocket;
  messages: unknown[];
  send(value: unknown): void;
  next(predicate: (m: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  closed: Promise<{ code: number }>;
  close(): void;
}

export async function openWs(url: string): Promise<WsProbe> {
  const socket = new WebSocket(url);
  const messages: unknown[] = [];
  const waiters: Array<{ predicate: (m: unknown) => boolean; resolve: (m: unknown) => void }> = [];
  socket.on('message', (data) => {
    const m = JSON.parse(data.toString());
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.predicate(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const closed = new Promise<{ code: number }>((resolve) => socket.on('close', (code) => resolve({ code })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    messages,
    closed,
    send: (value) => socket.send(JSON.stringify(value)),
    next(predicate, timeoutMs = 3_000) {
      const found = messages.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching WebSocket message')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    close: () => socket.terminate(),
  };
}
