/**
 * SimExchangeServer: a Simulator served over Binance USDⓈ-M's own REST and WebSocket protocol,
 * so that a stock ccxt `binanceusdm` (URLs rewritten to this server) trades against it unchanged.
 * One HTTP server carries /fapi/... (Binance's paths), /_sim/... (admin: accounts, prices, faults)
 * and the WebSocket upgrade (/ws, /stream and their /public, /market, /private variants).
 *
 * Request path: route lookup -> armed latency -> weight limit -> authentication (-2014/-2015/
 * -1021/-1022) -> armed fault (reject / http / rateLimit / drop) -> handler. Faults fire only on
 * requests that authenticated, so a fault aimed at "the next order" is not eaten by a bad request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Clock, type DecimalInput, type Liquidation, systemClock } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import type { MarketFeed } from '../../market/index.js';
import { BinanceCode } from '../errors.js';
import type { PriceUpdate, Simulator } from '../simulator/index.js';
import { handleAdmin, type MarketControl } from './admin.js';
import { type ApiKeyRecord, authenticate } from './auth.js';
import { CandleRecorder } from './candles.js';
import { type FaultAction, FaultBook, rateLimitAnswer } from './faults.js';
import { answerForError, errorAnswer, type HttpAnswer, readBody, send, sleep } from './http-util.js';
import { ListenKeyBook } from './listen-keys.js';
import { Params } from './params.js';
import { StreamPublisher } from './publisher.js';
import { type Route, type RouteTable, routeKey, type ServedState } from './routes.js';
import { accountRoutes } from './routes-account.js';
import { publicRoutes } from './routes-public.js';
import { tradeRoutes } from './routes-trade.js';
import { precisionOf } from './wire.js';
import { type DropScope, WsHub } from './ws-hub.js';

export interface SimAccountKey {
  apiKey: string;
  secret: string;
  /** The simulator account behind the key; default: the API key itself. */
  accountId?: string | undefined;
  /** USDT deposited when the account is created. */
  deposit?: DecimalInput | undefined;
}

export interface SimExchangeServerOptions {
  simulator: Simulator;
  /** Default 127.0.0.1: the server is a test fixture, never exposed. */
  host?: string | undefined;
  /** Default 0 (any free port). */
  port?: number | undefined;
  /** Wall clock for signatures, listen keys and serverTime (ccxt signs with the real time). */
  wallClock?: Clock | undefined;
  /** History for /fapi/v1/klines; without one the server's own tape answers. */
  feed?: MarketFeed | undefined;
  accounts?: readonly SimAccountKey[] | undefined;
  logger?: Logger | undefined;
  listenKeyValidityMs?: number | undefined;
  wsPingIntervalMs?: number | undefined;
  /** Request weight per IP and minute before 429 -1003 (Binance: 2400). 0 or absent: no limit. */
  weightLimitPerMinute?: number | undefined;
  /** Listen-key generator (tests make them predictable). */
  newListenKey?: (() => string) | undefined;
}

const DEFAULT_5XX_BODY = {
  code: BinanceCode.UNKNOWN,
  msg: 'Unknown error, please check your request or try again later.',
};

export class SimExchangeServer {
  readonly simulator: Simulator;
  readonly faults = new FaultBook();
  /** Set by a MarketDriver: lets /_sim/market/advance move a feed-driven market. */
  marketControl: MarketControl | undefined;
  private readonly routes: RouteTable = { ...publicRoutes, ...tradeRoutes, ...accountRoutes };
  private readonly keys = new Map<string, ApiKeyRecord>();
  private readonly wall: Clock;
  private readonly hub: WsHub;
  private readonly state: ServedState;
  private readonly host: string;
  private http: Server | undefined;
  private boundPort: number;
  private readonly expiryTimer: ReturnType<typeof setInterval>;
  private readonly unsubscribe: () => void;
  private readonly publisher: StreamPublisher;
  private weightWindow = -1;
  private readonly weightUsed = new Map<string, number>();

  constructor(private readonly options: SimExchangeServerOptions) {
    this.simulator = options.simulator;
    this.wall = options.wallClock ?? systemClock;
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = options.port ?? 0;
    const listenKeys = new ListenKeyBook(options.listenKeyValidityMs, options.newListenKey);
    this.hub = new WsHub({
      accountOfKey: (key) => listenKeys.accountOf(key, this.wall.now()),
      isIssuedKey: (key) => listenKeys.isKnown(key),
      pingIntervalMs: options.wsPingIntervalMs,
    });
    const sim = this.simulator;
    this.state = {
      sim,
      candles: new CandleRecorder(),
      feed: options.feed,
      listenKeys,
      hub: this.hub,
      wallNow: () => this.wall.now(),
      precision: (symbol) => {
        try {
          return precisionOf(sim.symbol(symbol));
        } catch {
          return precisionOf(undefined);
        }
      },
    };
    this.publisher = new StreamPublisher(
      sim,
      this.hub,
      this.state.candles,
      this.state.precision,
      options.logger,
    );
    this.unsubscribe = sim.subscribe((e) => this.publisher.userEvent(e));
    this.expiryTimer = setInterval(() => this.sweepListenKeys(), 1_000);
    this.expiryTimer.unref();
    for (const a of options.accounts ?? []) this.addAccount(a);
  }

  // --- lifecycle -------------------------------------------------------------------------------

  /** Listen; resolves with the base URL (http://127.0.0.1:PORT). */
  async start(): Promise<string> {
    await this.listen();
    return this.url;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `http://${this.host}:${this.boundPort}`;
  }

  /** The WebSocket base ccxt's `urls.api.ws.future` wants (it must end in /ws). */
  get wsUrl(): string {
    return `ws://${this.host}:${this.boundPort}/ws`;
  }

  get listening(): boolean {
    return this.http?.listening === true;
  }

  async close(): Promise<void> {
    clearInterval(this.expiryTimer);
    this.unsubscribe();
    this.hub.close();
    await this.stopHttp();
  }

  /**
   * Fault injection, "process restart with state kept": every socket (HTTP keep-alive and
   * WebSocket) is cut, the port stays closed for `downMs`, then the server listens again with
   * the simulator, accounts, keys and armed faults as they were.
   */
  async restart(downMs = 0): Promise<void> {
    this.faults.recordAction('restart');
    this.hub.drop('all');
    await this.stopHttp();
    if (downMs > 0) await sleep(downMs);
    await this.listen();
  }

  // --- accounts ---------------------------------------------------------------------------------

  addAccount(input: SimAccountKey): ApiKeyRecord {
    if (this.keys.has(input.apiKey)) throw new RangeError(`API key ${input.apiKey} already exists`);
    if (input.secret === '') throw new RangeError('an API secret may not be empty');
    const accountId = input.accountId ?? input.apiKey;
    if (!this.simulator.hasAccount(accountId)) {
      this.simulator.createAccount(accountId, input.deposit === undefined ? {} : { deposit: input.deposit });
    } else if (input.deposit !== undefined) {
      this.simulator.deposit(accountId, input.deposit);
    }
    const record: ApiKeyRecord = { apiKey: input.apiKey, secret: input.secret, accountId };
    this.keys.set(input.apiKey, record);
    return record;
  }

  apiKeys(): ApiKeyRecord[] {
    return [...this.keys.values()];
  }

  keyRecord(apiKey: string): ApiKeyRecord | undefined {
    return this.keys.get(apiKey);
  }

  // --- market -----------------------------------------------------------------------------------

  /** A price update: into the simulator, onto the candle tape, out on the market streams. */
  setPrice(symbol: string, update: PriceUpdate): void {
    this.simulator.onPrice(symbol, update);
    const time = update.time ?? this.simulator.now();
    this.state.candles.record(symbol, time, update.last, update.high, update.low, update.volume);
    this.publisher.market(symbol);
  }

  /** A closed candle from a feed, at `time` (its close time). */
  applyCandle(
    symbol: string,
    candle: { openTime: number; open: number; high: number; low: number; close: number; volume: number },
    time: number,
  ): void {
    this.simulator.onCandle(symbol, candle, time);
    this.state.candles.recordCandle(symbol, candle);
    this.publisher.market(symbol);
  }

  /** A market liquidation (from a feed) on the forceOrder streams. */
  publishLiquidation(l: Liquidation): void {
    this.publisher.liquidation(l);
  }

  // --- fault actions ----------------------------------------------------------------------------

  /** Cut WebSocket connections (all, user streams or market streams; optionally one key's). */
  dropWebSockets(scope: DropScope = 'all', apiKey?: string): number {
    this.faults.recordAction('wsDrop');
    const accountId = apiKey === undefined ? undefined : this.keys.get(apiKey)?.accountId;
    return this.hub.drop(scope, accountId);
  }

  /** Expire listen keys now (all, or one API key's): listenKeyExpired is pushed, PUT answers -1125. */
  expireListenKeys(apiKey?: string): void {
    this.faults.recordAction('listenKeyExpiry');
    const accountId = apiKey === undefined ? undefined : this.keys.get(apiKey)?.accountId;
    this.state.listenKeys.expireAll(this.wall.now(), accountId);
    this.sweepListenKeys();
  }

  get webSocketCount(): number {
    return this.hub.size;
  }

  // --- internals --------------------------------------------------------------------------------

  private listen(): Promise<void> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.options.logger?.error({ err }, 'sim-exchange request failed');
        send(res, errorAnswer(BinanceCode.UNKNOWN, undefined, 500));
      });
    });
    server.keepAliveTimeout = 5_000;
    this.hub.attach(server);
    this.http = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.off('error', reject);
        this.boundPort = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }

  private stopHttp(): Promise<void> {
    const server = this.http;
    this.http = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const rawQuery = url.search.startsWith('?') ? url.search.slice(1) : url.search;
    const rawBody = await readBody(req);
    if (path.startsWith('/_sim/') || path === '/_sim') {
      send(res, await handleAdmin(this, method, path, rawBody, url.searchParams));
      return;
    }
    const route = this.routes[routeKey(method, path)];
    if (!route) {
      send(res, { status: 404, body: { code: -5000, msg: `Path ${path}, Method ${method} is invalid` } });
      return;
    }
    const params = Params.from(rawQuery, rawBody);
    const apiKeyHeader = headerValue(req.headers['x-mbx-apikey']);
    const faultRequest = { method, path, apiKey: apiKeyHeader, params: params.entries() };
    const delay = this.faults.latencyFor(faultRequest);
    if (delay > 0) await sleep(delay);

    const weightHeaders = this.countWeight(req, route);
    if (weightHeaders === undefined) {
      const retryAfterSec = Math.max(
        1,
        Math.ceil(((this.weightWindow + 1) * 60_000 - this.wall.now()) / 1000),
      );
      send(res, rateLimitAnswer({ kind: 'rateLimit', status: 429, retryAfterSec }, this.wall.now()));
      return;
    }
    let key: ApiKeyRecord | undefined;
    try {
      key = authenticate({
        security: route.security,
        apiKeyHeader,
        rawQuery,
        rawBody,
        now: this.wall.now(),
        lookup: (k) => this.keys.get(k),
      });
    } catch (err) {
      send(res, answerForError(err), weightHeaders);
      return;
    }
    const fault = this.faults.take(faultRequest);
    if (fault) {
      await this.applyFault(fault, route, params, key, req, res);
      return;
    }
    send(res, await this.execute(route, params, key), weightHeaders);
  }

  private async execute(route: Route, params: Params, key: ApiKeyRecord | undefined): Promise<HttpAnswer> {
    try {
      const body = await route.handler({ state: this.state, params, key });
      return { status: 200, body };
    } catch (err) {
      const answer = answerForError(err);
      if (answer.status >= 500) this.options.logger?.error({ err }, 'sim-exchange handler failed');
      return answer;
    }
  }

  private async applyFault(
    fault: FaultAction,
    route: Route,
    params: Params,
    key: ApiKeyRecord | undefined,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    switch (fault.kind) {
      case 'reject':
        send(res, errorAnswer(fault.code, fault.msg, fault.status));
        return;
      case 'rateLimit':
        send(res, rateLimitAnswer(fault, this.wall.now()));
        return;
      case 'http': {
        if (fault.execute === true) await this.execute(route, params, key);
        const body = fault.body ?? (fault.status === 503 ? DEFAULT_5XX_BODY : 'Request occur unknown error.');
        send(res, { status: fault.status, body });
        return;
      }
      case 'drop':
        if (fault.execute !== false) await this.execute(route, params, key);
        // 'hang' leaves the socket open without an answer until the client gives up.
        if (fault.mode !== 'hang') req.socket.destroy();
        return;
      case 'latency':
        send(res, await this.execute(route, params, key));
    }
  }

  /** Binance's IP weight per minute; undefined when the request is over the limit. */
  private countWeight(req: IncomingMessage, route: Route): Record<string, string> | undefined {
    const now = this.wall.now();
    const window = Math.floor(now / 60_000);
    if (window !== this.weightWindow) {
      this.weightWindow = window;
      this.weightUsed.clear();
    }
    const ip = req.socket.remoteAddress ?? '?';
    const used = (this.weightUsed.get(ip) ?? 0) + route.weight;
    this.weightUsed.set(ip, used);
    const limit = this.options.weightLimitPerMinute ?? 0;
    if (limit > 0 && used > limit) return undefined;
    return { 'x-mbx-used-weight-1m': String(used) };
  }

  private sweepListenKeys(): void {
    const now = this.wall.now();
    for (const { key, accountId } of this.state.listenKeys.takeExpired(now))
      this.hub.expireKey(key, accountId, now);
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
