/**
 * A local stand-in for Binance USD-M market data, for tests (127.0.0.1 only, never the internet).
 * It answers in Binance's recorded shapes: GET /fapi/v1/exchangeInfo (with contracts the feed must
 * filter out), /klines, /ticker/24hr, /premiumIndex, /time, with Binance's IP weights, the
 * X-MBX-USED-WEIGHT-1M header, 429 over the limit and a 418 ban for whoever keeps going; and the
 * market WebSocket (SUBSCRIBE/UNSUBSCRIBE, kline / forceOrder / markPrice events). Candles come from
 * a seeded 1-minute random walk, aggregated exactly for coarser intervals, so every timeframe agrees.
 * The exchange simulator (src/exchange) will replace this for full-protocol tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type CandleColumns,
  isTimeframe,
  MINUTE_MS,
  type Timeframe,
  timeframeMs,
} from '../../domain/index.js';
import { aggregateCandles } from '../timeframes.js';
import {
  decimals,
  EXTRA_EXCHANGE_INFO_SYMBOLS,
  exchangeInfoSymbol,
  FAKE_CONTRACTS,
  type FakeContract,
  klineEvent,
  lastClose,
  randomWalk,
  ticker,
  weightOf,
} from './fake-binance-data.js';

export { klineEvent };

export interface FakeBinanceOptions {
  /** Server time (share the feed's clock in tests). */
  now: () => number;
  contracts?: readonly FakeContract[] | undefined;
  /** Minutes of 1m history before now; default 3 days. Another day is generated after now. */
  historyMinutes?: number | undefined;
  weightLimitPerMinute?: number | undefined;
  /** On a kline / forceOrder / markPrice subscription, push a few events at once. Default true. */
  autoPlay?: boolean | undefined;
  seed?: number | undefined;
}

export interface RecordedRequest {
  path: string;
  params: Record<string, string>;
  weight: number;
  status: number;
  time: number;
}

export interface InjectedResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface FakeBinance {
  readonly url: string;
  readonly wsUrl: string;
  readonly requests: RecordedRequest[];
  /** Stream names currently subscribed, over all connections. */
  subscriptions(): Set<string>;
  /** Answer the next requests with these responses (in order), whatever they ask. */
  failNext(...responses: InjectedResponse[]): void;
  /** Send a raw event to every connection subscribed to `stream`. */
  push(stream: string, payload: unknown): void;
  /** The 1m candles behind everything (including the day after now). */
  minuteCandles(symbol: string): CandleColumns;
  /** Candles of `interval` as the server holds them (closed or not). */
  candles(symbol: string, interval: Timeframe): CandleColumns;
  /** Drop every WebSocket connection (clients should reconnect). */
  dropConnections(): void;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startFakeBinance(options: FakeBinanceOptions): Promise<FakeBinance> {
  const contracts = options.contracts ?? FAKE_CONTRACTS;
  const limit = options.weightLimitPerMinute ?? 2400;
  const history = options.historyMinutes ?? 3 * 1440;
  const anchor = Math.floor(options.now() / MINUTE_MS) * MINUTE_MS;
  const origin = anchor - history * MINUTE_MS;
  const minutes = new Map<string, CandleColumns>();
  contracts.forEach((c, i) => {
    minutes.set(c.symbol, randomWalk(c, origin, history + 1440, options.seed ?? 7, i));
  });
  const aggregated = new Map<string, CandleColumns>();
  const candlesOf = (symbol: string, interval: Timeframe): CandleColumns => {
    const key = `${symbol}|${interval}`;
    let cols = aggregated.get(key);
    if (!cols) {
      const base = minutes.get(symbol)!;
      cols = interval === '1m' ? base : aggregateCandles(base, '1m', interval, { volumeDecimals: 8 }).candles;
      aggregated.set(key, cols);
    }
    return cols;
  };
  const contractOf = new Map(contracts.map((c) => [c.symbol, c]));

  const requests: RecordedRequest[] = [];
  const injected: InjectedResponse[] = [];
  let windowStart = 0;
  let used = 0;
  let violatedAt = Number.NEGATIVE_INFINITY;
  let bannedUntil = 0;

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-mbx-used-weight-1m': String(used),
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const params = Object.fromEntries(url.searchParams);
    const now = options.now();
    const path = url.pathname;
    const weight = weightOf(path, params);
    const record = (status: number) => requests.push({ path, params, weight, status, time: now });
    const minute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
    if (minute !== windowStart) {
      windowStart = minute;
      used = 0;
    }
    if (now < bannedUntil) {
      record(418);
      send(res, 418, {
        code: -1003,
        msg: `Way too many requests; IP banned until ${bannedUntil}. Please use the websocket for live updates to avoid bans.`,
      });
      return;
    }
    const inject = injected.shift();
    if (inject) {
      record(inject.status);
      send(res, inject.status, inject.body, inject.headers);
      return;
    }
    if (used + weight > limit) {
      // Binance: keep going after a 429 and the IP gets banned (2 minutes at first).
      if (now - violatedAt < MINUTE_MS) bannedUntil = now + 2 * MINUTE_MS;
      violatedAt = now;
      record(429);
      send(res, 429, {
        code: -1003,
        msg: `Too many requests; current limit is ${limit} requests per minute. Please use the websocket for live updates to avoid polling the API.`,
      });
      return;
    }
    used += weight;
    const answer = route(path, params, now);
    record(answer.status);
    send(res, answer.status, answer.body);
  }

  function route(path: string, p: Record<string, string>, now: number): { status: number; body: unknown } {
    const invalidSymbol = { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
    switch (path) {
      case '/fapi/v1/time':
        return { status: 200, body: { serverTime: now } };
      case '/fapi/v1/exchangeInfo':
        return {
          status: 200,
          body: {
            timezone: 'UTC',
            serverTime: now,
            futuresType: 'U_MARGINED',
            rateLimits: [
              { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
              { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
              { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
            ],
            exchangeFilters: [],
            assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
            symbols: [...contracts.map(exchangeInfoSymbol), ...EXTRA_EXCHANGE_INFO_SYMBOLS],
          },
        };
      case '/fapi/v1/klines': {
        const c = contractOf.get(p.symbol ?? '');
        if (!c) return invalidSymbol;
        if (!p.interval || !isTimeframe(p.interval))
          return { status: 400, body: { code: -1120, msg: 'Invalid interval.' } };
        const n = Math.min(Number(p.limit ?? 500), 1500);
        const cols = candlesOf(c.symbol, p.interval);
        const size = timeframeMs(p.interval);
        // Everything opened by now, the still-forming candle included, as Binance does.
        const rows: number[] = [];
        for (let i = 0; i < cols.openTime.length && cols.openTime[i]! <= now; i++) {
          const t = cols.openTime[i]!;
          if (p.startTime !== undefined && t < Number(p.startTime)) continue;
          if (p.endTime !== undefined && t > Number(p.endTime)) continue;
          rows.push(i);
        }
        const picked =
          p.startTime !== undefined ? rows.slice(0, n) : rows.slice(Math.max(0, rows.length - n));
        const pd = decimals(c.tickSize);
        const vd = decimals(c.stepSize);
        return {
          status: 200,
          body: picked.map((i) => {
            const t = cols.openTime[i]!;
            const v = cols.volume[i]!;
            const q = v * cols.close[i]!;
            return [
              t,
              cols.open[i]!.toFixed(pd),
              cols.high[i]!.toFixed(pd),
              cols.low[i]!.toFixed(pd),
              cols.close[i]!.toFixed(pd),
              v.toFixed(vd),
              t + size - 1,
              q.toFixed(4),
              100 + (i % 900),
              (v / 2).toFixed(vd),
              (q / 2).toFixed(4),
              '0',
            ];
          }),
        };
      }
      case '/fapi/v1/ticker/24hr':
        return { status: 200, body: contracts.map((c) => ticker(c, minutes.get(c.symbol)!, now)) };
      case '/fapi/v1/premiumIndex': {
        const c = contractOf.get(p.symbol ?? '');
        if (!c) return invalidSymbol;
        const last = lastClose(minutes.get(c.symbol)!, now);
        const pd = decimals(c.tickSize);
        return {
          status: 200,
          body: {
            symbol: c.symbol,
            markPrice: (last * 1.0001).toFixed(pd),
            indexPrice: last.toFixed(pd),
            estimatedSettlePrice: last.toFixed(pd),
            lastFundingRate: '0.00010000',
            interestRate: '0.00010000',
            nextFundingTime: Math.ceil(now / 28_800_000) * 28_800_000,
            time: now,
          },
        };
      }
      default:
        return { status: 404, body: { code: -5000, msg: `Path ${path}, Method GET is invalid` } };
    }
  }

  const server: Server = createServer(handle);
  const wss = new WebSocketServer({ server });
  const subs = new Map<WebSocket, Set<string>>();
  wss.on('connection', (socket) => {
    subs.set(socket, new Set());
    socket.on('close', () => subs.delete(socket));
    socket.on('message', (data) => {
      let m: { method?: string; params?: string[]; id?: number };
      try {
        m = JSON.parse(data.toString());
      } catch {
        return;
      }
      const set = subs.get(socket)!;
      if (m.method === 'SUBSCRIBE') {
        for (const s of m.params ?? []) set.add(s);
        socket.send(JSON.stringify({ result: null, id: m.id }));
        if (options.autoPlay !== false) for (const s of m.params ?? []) play(socket, s);
      } else if (m.method === 'UNSUBSCRIBE') {
        for (const s of m.params ?? []) set.delete(s);
        socket.send(JSON.stringify({ result: null, id: m.id }));
      }
    });
  });

  /** A few realistic events right after a subscription: forming then closed candles, etc. */
  function play(socket: WebSocket, stream: string): void {
    const now = options.now();
    const kline = /^([a-z0-9]+)@kline_(\w+)$/.exec(stream);
    if (kline && isTimeframe(kline[2]!) && contractOf.has(kline[1]!.toUpperCase())) {
      const symbol = kline[1]!.toUpperCase();
      const tf = kline[2];
      const cols = candlesOf(symbol, tf);
      const first = cols.openTime.findIndex((t) => t + timeframeMs(tf) > now);
      for (let i = first; i >= 0 && i < first + 2 && i < cols.openTime.length; i++) {
        const mins = minutes.get(symbol)!;
        const j = mins.openTime.indexOf(cols.openTime[i]!);
        const partial = {
          o: mins.open[j]!,
          h: mins.high[j]!,
          l: mins.low[j]!,
          c: mins.close[j]!,
          v: mins.volume[j]!,
        };
        socket.send(JSON.stringify(klineEvent(symbol, tf, cols.openTime[i]!, partial, false)));
        const full = {
          o: cols.open[i]!,
          h: cols.high[i]!,
          l: cols.low[i]!,
          c: cols.close[i]!,
          v: cols.volume[i]!,
        };
        socket.send(JSON.stringify(klineEvent(symbol, tf, cols.openTime[i]!, full, true)));
      }
    } else if (stream === '!forceOrder@arr') {
      contracts.forEach((c, k) => {
        const price = lastClose(minutes.get(c.symbol)!, now);
        const qty = Number(c.minQty) * (k + 3);
        socket.send(
          JSON.stringify({
            e: 'forceOrder',
            E: now + k,
            o: {
              s: c.symbol,
              S: k % 2 === 0 ? 'SELL' : 'BUY',
              o: 'LIMIT',
              f: 'IOC',
              q: String(qty),
              p: price.toFixed(decimals(c.tickSize)),
              ap: price.toFixed(decimals(c.tickSize)),
              X: 'FILLED',
              l: String(qty),
              z: String(qty),
              T: now + k,
            },
          }),
        );
      });
    } else {
      const mark = /^([a-z0-9]+)@markPrice(@1s)?$/.exec(stream);
      const c = mark ? contractOf.get(mark[1]!.toUpperCase()) : undefined;
      if (c) {
        const price = lastClose(minutes.get(c.symbol)!, now);
        socket.send(
          JSON.stringify({
            e: 'markPriceUpdate',
            E: now,
            s: c.symbol,
            p: price.toFixed(decimals(c.tickSize)),
            ap: price.toFixed(2),
            i: price.toFixed(2),
            P: price.toFixed(2),
            r: '0.00010000',
            T: Math.ceil(now / 28_800_000) * 28_800_000,
          }),
        );
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/market/ws`,
    requests,
    subscriptions: () => new Set([...subs.values()].flatMap((s) => [...s])),
    failNext: (...responses) => void injected.push(...responses),
    push(stream, payload) {
      for (const [socket, set] of subs) if (set.has(stream)) socket.send(JSON.stringify(payload));
    },
    minuteCandles: (symbol) => minutes.get(symbol)!,
    candles: candlesOf,
    dropConnections() {
      for (const socket of subs.keys()) socket.terminate();
    },
    get connections() {
      return subs.size;
    },
    async close() {
      for (const socket of subs.keys()) socket.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
