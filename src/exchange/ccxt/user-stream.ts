/**
 * The user data stream on a raw WebSocket (not ccxt pro: its parsed objects are floats and it
 * ignores listenKeyExpired): POST a listen key, connect to <ws>/private/ws?listenKey=<k>, PUT the
 * key every `keepAliveMs` (Binance closes it after 60 minutes without), ping the server and give
 * up on it when no pong comes back.
 *
 * On any loss (close, error, silence, listenKeyExpired, a refused keepalive) it emits
 * {type:'stream', state:'lost'} once, reconnects with a growing delay, emits
 * {type:'stream', state:'open'}, then the REST catch-up (what happened while it was away), and
 * only then the live events that arrived during the catch-up: nothing between the drop and the
 * reconnect is lost, and no stale snapshot is delivered after a newer live event of the socket.
 */
import WebSocket from 'ws';
import type { EpochMs } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { UserStreamEvent } from '../port.js';

export interface UserStreamDeps {
  openListenKey(): Promise<string>;
  keepAliveListenKey(key: string): Promise<void>;
  streamUrl(key: string): string;
  /** Events that bring a listener up to date after an outage that began at `lostAt`. */
  catchUp(lostAt: number): Promise<UserStreamEvent[]>;
  parse(message: unknown): UserStreamEvent[];
  emit(events: UserStreamEvent[]): void;
  now(): number;
  logger?: Logger | undefined;
}

export interface UserStreamTiming {
  /** Default 30 minutes (Binance: the key lives 60 minutes without one). */
  keepAliveMs?: number | undefined;
  reconnectInitialMs?: number | undefined;
  reconnectMaxMs?: number | undefined;
  /** Client pings; default 60 s. */
  pingIntervalMs?: number | undefined;
  /** No pong within this after a ping: the connection is dead. Default 10 s. */
  pongTimeoutMs?: number | undefined;
}

export class UserStreamConnection {
  private socket: WebSocket | undefined;
  private stopped = true;
  private lostAt: number | undefined;
  private delay: number;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  /** Live events held while a catch-up runs; undefined when not catching up. */
  private held: UserStreamEvent[][] | undefined;
  private generation = 0;

  constructor(
    private readonly deps: UserStreamDeps,
    private readonly timing: UserStreamTiming = {},
  ) {
    this.delay = timing.reconnectInitialMs ?? 500;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.teardown();
  }

  private async connect(): Promise<void> {
    const generation = ++this.generation;
    let key: string;
    try {
      key = await this.deps.openListenKey();
    } catch (err) {
      this.deps.logger?.warn({ err }, 'user stream: could not open a listen key');
      this.lost(generation, 'listen key');
      return;
    }
    if (this.stopped || generation !== this.generation) return;
    const socket = new WebSocket(this.deps.streamUrl(key));
    this.socket = socket;
    socket.on('open', () => void this.opened(generation, key));
    socket.on('message', (data) => this.message(generation, data.toString()));
    socket.on('pong', () => {
      if (this.pongTimer) clearTimeout(this.pongTimer);
      this.pongTimer = undefined;
    });
    socket.on('close', () => this.lost(generation, 'closed'));
    socket.on('error', (err) => {
      this.deps.logger?.warn({ err }, 'user stream: socket error');
      this.lost(generation, 'error');
    });
  }

  private async opened(generation: number, key: string): Promise<void> {
    if (generation !== this.generation) return;
    this.delay = this.timing.reconnectInitialMs ?? 500;
    this.keepAliveTimer = setInterval(
      () => {
        this.deps.keepAliveListenKey(key).catch((err: unknown) => {
          this.deps.logger?.warn({ err }, 'user stream: keepalive refused');
          this.lost(generation, 'keepalive');
        });
      },
      this.timing.keepAliveMs ?? 30 * 60_000,
    );
    this.keepAliveTimer.unref();
    this.pingTimer = setInterval(() => this.ping(generation), this.timing.pingIntervalMs ?? 60_000);
    this.pingTimer.unref();
    this.emitNow([{ type: 'stream', state: 'open', time: this.time() }]);
    const lostAt = this.lostAt;
    if (lostAt === undefined) return;
    this.held = [];
    try {
      const caughtUp = await this.deps.catchUp(lostAt);
      if (generation !== this.generation) return;
      this.lostAt = undefined;
      this.emitNow(caughtUp);
    } catch (err) {
      this.deps.logger?.warn({ err }, 'user stream: catch-up failed, reconnecting');
      this.held = undefined;
      this.lost(generation, 'catch-up');
      return;
    }
    const held = this.held ?? [];
    this.held = undefined;
    for (const batch of held) this.emitNow(batch);
  }

  private message(generation: number, text: string): void {
    if (generation !== this.generation) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.deps.logger?.warn('user stream: a message that is not JSON');
      return;
    }
    const data =
      typeof parsed === 'object' && parsed !== null && 'data' in parsed && 'stream' in parsed
        ? (parsed as { data: unknown }).data
        : parsed;
    if (typeof data === 'object' && data !== null && (data as { e?: unknown }).e === 'listenKeyExpired') {
      this.lost(generation, 'listen key expired');
      return;
    }
    let events: UserStreamEvent[];
    try {
      events = this.deps.parse(data);
    } catch (err) {
      this.deps.logger?.warn({ err }, 'user stream: an event that does not parse');
      return;
    }
    if (events.length === 0) return;
    if (this.held) this.held.push(events);
    else this.emitNow(events);
  }

  private ping(generation: number): void {
    if (generation !== this.generation || !this.socket || this.socket.readyState !== WebSocket.OPEN) return;
    if (this.pongTimer) return;
    this.socket.ping();
    this.pongTimer = setTimeout(() => {
      this.deps.logger?.warn('user stream: no pong, reconnecting');
      this.lost(generation, 'silent');
    }, this.timing.pongTimeoutMs ?? 10_000);
    this.pongTimer.unref();
  }

  private lost(generation: number, reason: string): void {
    if (generation !== this.generation || this.stopped) return;
    this.generation++;
    this.teardown();
    if (this.lostAt === undefined) {
      this.lostAt = this.deps.now();
      this.deps.logger?.info({ reason }, 'user stream lost');
      this.emitNow([{ type: 'stream', state: 'lost', time: this.time() }]);
    }
    const wait = this.delay;
    this.delay = Math.min(this.timing.reconnectMaxMs ?? 30_000, this.delay * 2);
    this.reconnectTimer = setTimeout(() => {
      if (!this.stopped) void this.connect();
    }, wait);
    this.reconnectTimer.unref();
  }

  private teardown(): void {
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    if (this.pongTimer) clearTimeout(this.pongTimer);
    this.keepAliveTimer = undefined;
    this.pingTimer = undefined;
    this.pongTimer = undefined;
    this.held = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
    }
  }

  private emitNow(events: UserStreamEvent[]): void {
    if (events.length === 0) return;
    try {
      this.deps.emit(events);
    } catch (err) {
      this.deps.logger?.error({ err }, 'user stream: a listener threw');
    }
  }

  private time(): EpochMs {
    return this.deps.now() as EpochMs;
  }
}
