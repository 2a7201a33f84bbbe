/**
 * The WebSocket side of the served simulator (reference §5): raw streams under /ws and /ws/<name>,
 * combined streams under /stream?streams=a/b (payloads wrapped as {stream, data}), each also under
 * the /public, /market and /private prefixes Binance introduced (ccxt 4.5.84 connects to
 * /market/ws/<n> and /private/ws?listenKey=<k>). A listen key as the stream name (or the
 * listenKey query parameter) attaches the account's user data stream. JSON SUBSCRIBE /
 * UNSUBSCRIBE / LIST_SUBSCRIPTIONS are answered as Binance does; pings are answered with pongs
 * (the ws library does it) and the server pings idle clients and drops the silent ones.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { listenKeyExpiredJson } from './wire-events.js';

export type DropScope = 'all' | 'user' | 'market';

interface Client {
  ws: WebSocket;
  combined: boolean;
  streams: Set<string>;
  user: { key: string; accountId: string; events: Set<string> | undefined } | undefined;
  alive: boolean;
}

export interface WsHubOptions {
  /** Resolves a listen key to its account (undefined: unknown or expired). */
  accountOfKey(key: string): string | undefined;
  /** Is this string a key the server ever issued (expired ones included)? */
  isIssuedKey(key: string): boolean;
  pingIntervalMs?: number | undefined;
  onMarketSubscribe?: ((stream: string) => void) | undefined;
}

const PREFIXES = ['/public', '/market', '/private'];
const looksLikeStream = (name: string): boolean => name.includes('@') || name.startsWith('!');

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<Client>();
  private readonly byStream = new Map<string, Set<Client>>();
  private readonly byAccount = new Map<string, Set<Client>>();
  private readonly pinger: ReturnType<typeof setInterval>;

  constructor(private readonly options: WsHubOptions) {
    this.pinger = setInterval(() => this.heartbeat(), options.pingIntervalMs ?? 180_000);
    this.pinger.unref();
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
  }

  get size(): number {
    return this.clients.size;
  }

  /** Streams somebody listens to, e.g. to know which kline intervals to compute. */
  subscribedStreams(): IterableIterator<string> {
    return this.byStream.keys();
  }

  hasSubscribers(stream: string): boolean {
    return (this.byStream.get(stream)?.size ?? 0) > 0;
  }

  publishMarket(stream: string, payload: unknown): void {
    const set = this.byStream.get(stream);
    if (!set) return;
    for (const c of set) this.send(c, stream, payload);
  }

  publishUser(accountId: string, eventType: string, payload: unknown): void {
    const set = this.byAccount.get(accountId);
    if (!set) return;
    for (const c of set) {
      if (c.user?.events && !c.user.events.has(eventType)) continue;
      this.send(c, c.user?.key ?? '', payload);
    }
  }

  /** The key expired: say so on its streams, then close them (Binance stops delivering). */
  expireKey(key: string, accountId: string, time: number): void {
    for (const c of [...(this.byAccount.get(accountId) ?? [])]) {
      if (c.user?.key !== key) continue;
      this.send(c, key, listenKeyExpiredJson(key, time));
      c.ws.close(1000, 'listenKey expired');
      this.forget(c);
    }
  }

  /** The key was deleted: close its streams. */
  closeKey(key: string, accountId: string): void {
    for (const c of [...(this.byAccount.get(accountId) ?? [])]) {
      if (c.user?.key !== key) continue;
      c.ws.close(1000, 'listenKey closed');
      this.forget(c);
    }
  }

  /** Fault injection: cut connections without a close handshake. Returns how many were cut. */
  drop(scope: DropScope = 'all', accountId?: string): number {
    let n = 0;
    for (const c of [...this.clients]) {
      const isUser = c.user !== undefined;
      if (scope === 'user' && !isUser) continue;
      if (scope === 'market' && isUser) continue;
      if (accountId !== undefined && c.user?.accountId !== accountId) continue;
      c.ws.terminate();
      this.forget(c);
      n++;
    }
    return n;
  }

  close(): void {
    clearInterval(this.pinger);
    this.drop('all');
    this.wss.close();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let path = url.pathname;
    for (const p of PREFIXES) if (path.startsWith(`${p}/`)) path = path.slice(p.length);
    let combined: boolean;
    let names: string[];
    if (path === '/ws' || path.startsWith('/ws/')) {
      combined = false;
      names = path.length > 4 ? [decodeURIComponent(path.slice(4))] : [];
    } else if (path === '/stream') {
      combined = true;
      names = (url.searchParams.get('streams') ?? '').split('/').filter((s) => s !== '');
    } else {
      socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    const queryKey = url.searchParams.get('listenKey');
    if (queryKey) names.push(queryKey);
    const eventsParam = url.searchParams.get('events');
    const events = eventsParam ? new Set(eventsParam.split('/').filter((e) => e !== '')) : undefined;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.connected(ws, combined, names, events));
  }

  private connected(
    ws: WebSocket,
    combined: boolean,
    names: string[],
    events: Set<string> | undefined,
  ): void {
    const client: Client = { ws, combined, streams: new Set(), user: undefined, alive: true };
    this.clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data) => this.onMessage(client, data.toString()));
    ws.on('close', () => this.forget(client));
    ws.on('error', () => this.forget(client));
    for (const name of names) {
      if (looksLikeStream(name)) {
        this.subscribe(client, name.toLowerCase());
        continue;
      }
      const accountId = this.options.accountOfKey(name);
      if (accountId !== undefined) {
        client.user = { key: name, accountId, events };
        let set = this.byAccount.get(accountId);
        if (!set) {
          set = new Set();
          this.byAccount.set(accountId, set);
        }
        set.add(client);
      } else if (this.options.isIssuedKey(name) || name.length >= 16) {
        ws.close(1008, 'invalid listenKey');
        this.forget(client);
        return;
      }
      // Anything else (ccxt's /market/ws/<n> counters) opens a socket with no streams yet.
    }
  }

  private onMessage(client: Client, text: string): void {
    let msg: { method?: unknown; params?: unknown; id?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      client.ws.send(JSON.stringify({ error: { code: 3, msg: 'Invalid JSON: syntax error' } }));
      return;
    }
    const id = msg.id ?? null;
    const params = Array.isArray(msg.params)
      ? msg.params.filter((p): p is string => typeof p === 'string')
      : [];
    switch (msg.method) {
      case 'SUBSCRIBE':
        for (const p of params) this.subscribe(client, p.toLowerCase());
        client.ws.send(JSON.stringify({ result: null, id }));
        return;
      case 'UNSUBSCRIBE':
        for (const p of params) this.unsubscribe(client, p.toLowerCase());
        client.ws.send(JSON.stringify({ result: null, id }));
        return;
      case 'LIST_SUBSCRIPTIONS':
        client.ws.send(JSON.stringify({ result: [...client.streams], id }));
        return;
      case 'SET_PROPERTY':
        client.ws.send(JSON.stringify({ result: null, id }));
        return;
      case 'GET_PROPERTY':
        client.ws.send(JSON.stringify({ result: false, id }));
        return;
      default:
        client.ws.send(JSON.stringify({ error: { code: 2, msg: 'Invalid request: unknown method' }, id }));
    }
  }

  private subscribe(client: Client, stream: string): void {
    client.streams.add(stream);
    let set = this.byStream.get(stream);
    if (!set) {
      set = new Set();
      this.byStream.set(stream, set);
    }
    set.add(client);
    this.options.onMarketSubscribe?.(stream);
  }

  private unsubscribe(client: Client, stream: string): void {
    client.streams.delete(stream);
    const set = this.byStream.get(stream);
    set?.delete(client);
    if (set?.size === 0) this.byStream.delete(stream);
  }

  private forget(client: Client): void {
    if (!this.clients.delete(client)) return;
    for (const s of [...client.streams]) this.unsubscribe(client, s);
    if (client.user) {
      const set = this.byAccount.get(client.user.accountId);
      set?.delete(client);
      if (set?.size === 0) this.byAccount.delete(client.user.accountId);
    }
  }

  private send(client: Client, stream: string, payload: unknown): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    client.ws.send(JSON.stringify(client.combined ? { stream, data: payload } : payload));
  }

  private heartbeat(): void {
    for (const c of [...this.clients]) {
      if (!c.alive) {
        c.ws.terminate();
        this.forget(c);
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }
}
