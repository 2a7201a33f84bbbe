/**
 * One WebSocket to Binance's market streams, shared by every subscription of a feed: streams are
 * reference-counted and (un)subscribed with JSON SUBSCRIBE messages, batched and paced under
 * Binance's 10 incoming messages per second. The socket reconnects with a growing delay (Binance
 * also closes every connection after 24 h) and re-subscribes; `onReconnect` lets the feed fill
 * what it missed. A socket silent for `staleMs` (no data, no ping) is presumed dead and replaced.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams
 */
import WebSocket from 'ws';
import type { Logger } from '../../logging/index.js';

export interface StreamManagerOptions {
  /** Full URL, e.g. wss://fstream.binance.com/market/ws. */
  url: string;
  onMessage(message: Record<string, unknown>): void;
  onReconnect?: (() => void) | undefined;
  logger?: Logger | undefined;
  reconnectInitialMs?: number | undefined;
  reconnectMaxMs?: number | undefined;
  staleMs?: number | undefined;
}

export interface StreamManager {
  add(streams: readonly string[]): void;
  remove(streams: readonly string[]): void;
  /** Resolves when every SUBSCRIBE sent so far has been acknowledged. */
  whenSubscribed(): Promise<void>;
  close(): Promise<void>;
}

/** Streams per SUBSCRIBE message and the pause between messages (<= 10 messages/s). */
const BATCH = 200;
const MESSAGE_GAP_MS = 120;

export function createStreamManager(options: StreamManagerOptions): StreamManager {
  const counts = new Map<string, number>();
  const log = options.logger;
  const initialDelay = options.reconnectInitialMs ?? 1_000;
  const maxDelay = options.reconnectMaxMs ?? 60_000;
  const staleMs = options.staleMs ?? 10 * 60_000;
  let socket: WebSocket | undefined;
  let open = false;
  let closing = false;
  let everOpened = false;
  let delay = initialDelay;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  let nextId = 1;
  let lastSeen = Date.now();
  const outbox: string[] = [];
  let sending = false;
  const pendingAcks = new Map<number, () => void>();
  let waiters: (() => void)[] = [];

  const watchdog = setInterval(
    () => {
      if (socket && open && Date.now() - lastSeen > staleMs) {
        log?.warn({ url: options.url }, 'binance stream silent too long, reconnecting');
        socket.terminate();
      }
    },
    Math.min(staleMs, 60_000),
  );
  watchdog.unref();

  function settleWaiters(): void {
    if (pendingAcks.size > 0) return;
    const ws = waiters;
    waiters = [];
    for (const w of ws) w();
  }

  function request(method: 'SUBSCRIBE' | 'UNSUBSCRIBE', streams: readonly string[]): void {
    for (let i = 0; i < streams.length; i += BATCH) {
      const id = nextId++;
      pendingAcks.set(id, () => {});
      outbox.push(JSON.stringify({ method, params: streams.slice(i, i + BATCH), id }));
    }
    void flush();
  }

  async function flush(): Promise<void> {
    if (sending) return;
    sending = true;
    try {
      while (open && socket && outbox.length > 0) {
        socket.send(outbox.shift()!);
        if (outbox.length > 0) await new Promise((resolve) => setTimeout(resolve, MESSAGE_GAP_MS));
      }
    } finally {
      sending = false;
    }
  }

  function connect(): void {
    if (closing || socket) return;
    const ws = new WebSocket(options.url);
    socket = ws;
    ws.on('open', () => {
      open = true;
      lastSeen = Date.now();
      delay = initialDelay;
      // Anything queued was for the previous socket; subscribe the current set afresh.
      outbox.length = 0;
      pendingAcks.clear();
      const streams = [...counts.keys()];
      if (streams.length > 0) request('SUBSCRIBE', streams);
      else settleWaiters();
      if (everOpened) options.onReconnect?.();
      everOpened = true;
    });
    ws.on('ping', () => {
      lastSeen = Date.now();
    });
    ws.on('message', (data) => {
      lastSeen = Date.now();
      let message: unknown;
      try {
        message = JSON.parse(data.toString());
      } catch {
        log?.warn({ url: options.url }, 'binance stream sent a message that is not JSON; skipped');
        return;
      }
      if (typeof message !== 'object' || message === null) return;
      const m = message as Record<string, unknown>;
      if ('id' in m && ('result' in m || 'error' in m)) {
        if (m.error) log?.warn({ error: m.error }, 'binance stream refused a subscription request');
        pendingAcks.delete(Number(m.id));
        settleWaiters();
        return;
      }
      const payload = 'stream' in m && typeof m.data === 'object' && m.data !== null ? m.data : m;
      try {
        options.onMessage(payload as Record<string, unknown>);
      } catch (err) {
        log?.error({ err }, 'binance stream handler failed on a message; skipped');
      }
    });
    ws.on('error', (err) => {
      log?.warn({ err: err.message, url: options.url }, 'binance stream error');
    });
    ws.on('close', () => {
      open = false;
      socket = undefined;
      if (closing || counts.size === 0) return;
      log?.warn({ url: options.url, retryInMs: delay }, 'binance stream closed, reconnecting');
      reconnectTimer = setTimeout(() => {
        reconnectTimer = undefined;
        connect();
      }, delay);
      delay = Math.min(delay * 2, maxDelay);
    });
  }

  return {
    add(streams) {
      const fresh: string[] = [];
      for (const s of streams) {
        const n = counts.get(s) ?? 0;
        counts.set(s, n + 1);
        if (n === 0) fresh.push(s);
      }
      if (!socket && !reconnectTimer) connect();
      else if (open && fresh.length > 0) request('SUBSCRIBE', fresh);
    },
    remove(streams) {
      const gone: string[] = [];
      for (const s of streams) {
        const n = counts.get(s) ?? 0;
        if (n <= 1) {
          if (counts.delete(s)) gone.push(s);
        } else counts.set(s, n - 1);
      }
      if (open && gone.length > 0) request('UNSUBSCRIBE', gone);
    },
    whenSubscribed() {
      if (open && pendingAcks.size === 0 && outbox.length === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
    async close() {
      closing = true;
      clearInterval(watchdog);
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const ws = socket;
      socket = undefined;
      open = false;
      settleWaiters();
      if (!ws) return;
      await new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(() => {
          ws.terminate();
          resolve();
        }, 1_000).unref();
      });
    },
  };
}
