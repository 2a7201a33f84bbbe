/**
 * The live feed: Binance USD-M futures. History and snapshots over REST (ccxt binanceusdm, pages
 * of 499 klines = weight 2), live candles, liquidations and mark prices over one WebSocket. After
 * a reconnect the closed candles missed meanwhile are fetched and delivered, so a subscriber sees
 * every closed candle once, in order.
 */
import {
  type CandleColumns,
  type CandleUpdate,
  type Clock,
  DomainError,
  ErrorCode,
  type Liquidation,
  type MarketSymbol,
  type SymbolRules,
  systemClock,
  type Timeframe,
  timeframeMs,
} from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import { createCandleChecker } from '../candle-check.js';
import {
  type CandleQuery,
  DEFAULT_CANDLE_LIMIT,
  type MarketFeed,
  type MarkPrice,
  type Subscription,
} from '../feed.js';
import { createSubscription, type SubscriptionSink } from '../subscription.js';
import { columnsToCandles, emptyColumns } from '../timeframes.js';
import {
  parseExchangeInfo,
  parseForceOrder,
  parseKlineEvent,
  parseKlines,
  parseMarkPriceEvent,
  parsePremiumIndex,
  parseTickers,
} from './parse.js';
import { type BinanceRest, type BinanceRestOptions, createBinanceRest } from './rest.js';
import { createStreamManager } from './streams.js';
import { KLINES_PAGE, klinesWeight, type WeightBudget } from './weight-budget.js';

export interface BinanceFeedOptions extends Omit<BinanceRestOptions, 'clock'> {
  clock?: Clock | undefined;
  /** Market-streams WebSocket URL; derived from baseUrl when absent (see marketStreamUrl). */
  wsUrl?: string | undefined;
  /** How long exchangeInfo is trusted; default 1 h. */
  universeTtlMs?: number | undefined;
  /** Max leverage per symbol (public exchangeInfo has none); default: known contracts, else 20. */
  leverageOf?: ((symbol: string) => number) | undefined;
  /** Live subscription queue bound (oldest dropped and counted); default 100,000. */
  maxQueue?: number | undefined;
  /** First reconnect delay of the market WebSocket (doubles up to a minute); default 1 s. */
  reconnectInitialMs?: number | undefined;
  logger?: Logger | undefined;
}

export interface BinanceFeed extends MarketFeed {
  readonly kind: 'binance';
  readonly budget: WeightBudget;
  /** Closed candles in [from, to] (open times), one page of at most 499 at a time. */
  candlePages(
    symbol: MarketSymbol,
    timeframe: Timeframe,
    from: number,
    to?: number,
  ): AsyncGenerator<CandleColumns>;
  /** Resolves once the exchange acknowledged every stream subscription made so far. */
  whenSubscribed(): Promise<void>;
}

/** Binance's market-stream route for a REST root: the real host, or the same host (a simulator). */
export function marketStreamUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.hostname === 'fapi.binance.com') return 'wss://fstream.binance.com/market/ws';
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/market/ws';
  url.search = '';
  return url.toString();
}

export async function createBinanceFeed(options: BinanceFeedOptions = {}): Promise<BinanceFeed> {
  const clock = options.clock ?? systemClock;
  const log = options.logger;
  const rest: BinanceRest = await createBinanceRest({ ...options, clock });
  const maxQueue = options.maxQueue ?? 100_000;
  const ttl = options.universeTtlMs ?? 3_600_000;
  let universeCache: { at: number; rules: SymbolRules[]; symbols: Set<string> } | undefined;
  let universeLoading: Promise<SymbolRules[]> | undefined;

  const candleSinks = new Map<string, Set<SubscriptionSink<CandleUpdate>>>();
  const lastClosed = new Map<string, number>();
  const liquidationSinks = new Map<SubscriptionSink<Liquidation>, ReadonlySet<string> | undefined>();
  const markSinks = new Map<string, Set<SubscriptionSink<MarkPrice>>>();
  let closed = false;
  /** While a backfill runs, live kline events wait here so that nothing overtakes a missed candle. */
  let held: Record<string, unknown>[] | undefined;

  const streams = createStreamManager({
    url: options.wsUrl ?? marketStreamUrl(rest.baseUrl),
    logger: log,
    onMessage: route,
    onReconnect: () => void backfill(),
    reconnectInitialMs: options.reconnectInitialMs,
  });

  function route(msg: Record<string, unknown>): void {
    // Some all-market streams batch events in an array; treat each alike.
    if (Array.isArray(msg)) {
      for (const m of msg) if (typeof m === 'object' && m !== null) route(m as Record<string, unknown>);
      return;
    }
    if (msg.e === 'kline') {
      if (held) {
        held.push(msg);
        return;
      }
      const k = msg.k as Record<string, unknown> | undefined;
      const key = `${String(msg.s)}|${String(k?.i)}`;
      const sinks = candleSinks.get(key);
      if (!sinks) return;
      const parsed = parseKlineEvent(msg, k?.i as Timeframe);
      if (!parsed) {
        log?.warn({ key }, 'malformed kline event skipped');
        return;
      }
      deliverCandle(key, parsed.symbol, k?.i as Timeframe, parsed.candle, parsed.closed, sinks);
    } else if (msg.e === 'forceOrder') {
      const liquidation = parseForceOrder(msg);
      if (!liquidation) return;
      for (const [sink, filter] of liquidationSinks)
        if (!filter || filter.has(liquidation.symbol)) sink.push(liquidation);
    } else if (msg.e === 'markPriceUpdate') {
      const mark = parseMarkPriceEvent(msg);
      if (mark) for (const sink of markSinks.get(mark.symbol) ?? []) sink.push(mark);
    }
  }

  function deliverCandle(
    key: string,
    symbol: MarketSymbol,
    timeframe: Timeframe,
    candle: CandleUpdate['candle'],
    isClosed: boolean,
    sinks: Set<SubscriptionSink<CandleUpdate>>,
  ): void {
    // Each closed candle once and in order, across reconnects and backfills.
    const last = lastClosed.get(key);
    if (last !== undefined && candle.openTime <= last) return;
    if (isClosed) lastClosed.set(key, candle.openTime);
    const update: CandleUpdate = { symbol, timeframe, candle, closed: isClosed };
    for (const sink of sinks) sink.push(update);
  }

  /** After a reconnect: the closed candles the socket missed, from REST. */
  async function backfill(): Promise<void> {
    held ??= [];
    try {
      await fetchMissed();
    } finally {
      const waiting = held;
      held = undefined;
      for (const msg of waiting) route(msg);
    }
  }

  async function fetchMissed(): Promise<void> {
    for (const [key, last] of [...lastClosed]) {
      const sinks = candleSinks.get(key);
      if (!sinks || sinks.size === 0) continue;
      const [symbol, tf] = key.split('|') as [MarketSymbol, Timeframe];
      try {
        for await (const page of candlePages(symbol, tf, last + timeframeMs(tf))) {
          for (const candle of columnsToCandles(page)) deliverCandle(key, symbol, tf, candle, true, sinks);
        }
      } catch (err) {
        log?.warn({ key, err: (err as Error).message }, 'backfill after reconnect failed');
      }
    }
  }

  async function* candlePages(
    symbol: MarketSymbol,
    timeframe: Timeframe,
    from: number,
    to?: number,
  ): AsyncGenerator<CandleColumns> {
    const size = timeframeMs(timeframe);
    const lastClosedOpen = Math.floor(clock.now() / size) * size - size;
    const end = Math.min(to === undefined ? lastClosedOpen : Math.floor(to / size) * size, lastClosedOpen);
    const checker = createCandleChecker({
      source: 'GET /fapi/v1/klines',
      symbol,
      timeframe,
      onBadRow: 'error',
    });
    let start = Math.ceil(from / size) * size;
    while (start <= end) {
      const limit = Math.min(KLINES_PAGE, (end - start) / size + 1);
      const body = await rest.klines(
        { symbol, interval: timeframe, startTime: start, endTime: end, limit },
        klinesWeight(limit),
      );
      const page = parseKlines(body, { checker, lastClosedOpen: end });
      if (page.openTime.length === 0) return;
      yield page;
      start = page.openTime[page.openTime.length - 1]! + size;
    }
  }

  async function candleColumns(
    symbol: MarketSymbol,
    timeframe: Timeframe,
    q: CandleQuery = {},
  ): Promise<CandleColumns> {
    const size = timeframeMs(timeframe);
    const lastClosedOpen = Math.floor(clock.now() / size) * size - size;
    const to = Math.min(q.to === undefined ? lastClosedOpen : Math.floor(q.to / size) * size, lastClosedOpen);
    const limit = q.limit ?? (q.from === undefined ? DEFAULT_CANDLE_LIMIT : Number.POSITIVE_INFINITY);
    const from = q.from ?? to - (limit - 1) * size;
    const pages: CandleColumns[] = [];
    let total = 0;
    for await (const page of candlePages(symbol, timeframe, from, to)) {
      pages.push(page);
      total += page.openTime.length;
      if (total >= limit) break;
    }
    return concat(pages, Math.min(total, limit));
  }

  async function loadUniverse(): Promise<SymbolRules[]> {
    const parsed = parseExchangeInfo(await rest.exchangeInfo(), options.leverageOf);
    for (const r of parsed.rejected)
      log?.warn(r, 'symbol left out of the universe: malformed exchangeInfo filters');
    universeCache = {
      at: clock.now(),
      rules: parsed.rules,
      symbols: new Set(parsed.rules.map((r) => r.symbol)),
    };
    return parsed.rules;
  }

  /** Once the universe is known, a stream for a symbol outside it is refused (it would stay silent). */
  function checkKnown(symbols: readonly MarketSymbol[]): void {
    if (!universeCache) return;
    for (const s of symbols) {
      if (!universeCache.symbols.has(s)) {
        throw new DomainError(
          ErrorCode.NOT_FOUND,
          `symbol ${s} is not in Binance's USDT perpetual universe`,
          {
            details: { symbol: s },
          },
        );
      }
    }
  }

  function subscription<T>(
    streamNames: string[],
    register: (s: SubscriptionSink<T>) => void,
    unregister: (s: SubscriptionSink<T>) => void,
  ): Subscription<T> {
    const { subscription: sub, sink } = createSubscription<T>({
      maxQueue,
      onClose: () => {
        unregister(sink);
        streams.remove(streamNames);
      },
    });
    if (closed) {
      sink.end();
      return sub;
    }
    register(sink);
    streams.add(streamNames);
    return sub;
  }

  const feed: BinanceFeed = {
    kind: 'binance',
    clock,
    budget: rest.budget,
    candlePages,
    whenSubscribed: () => streams.whenSubscribed(),
    async universe() {
      if (universeCache && clock.now() - universeCache.at < ttl) return universeCache.rules;
      universeLoading ??= loadUniverse().finally(() => {
        universeLoading = undefined;
      });
      return universeLoading;
    },
    candleColumns,
    async candles(symbol, timeframe, query) {
      return columnsToCandles(await candleColumns(symbol, timeframe, query));
    },
    async tickers() {
      const universe = new Set<string>((await feed.universe()).map((r) => r.symbol));
      return parseTickers(await rest.ticker24hr(), universe);
    },
    async markPrice(symbol) {
      const mark = parsePremiumIndex(await rest.premiumIndex(symbol), symbol);
      if (!mark)
        throw new DomainError(ErrorCode.BAD_DATA, `GET /fapi/v1/premiumIndex ${symbol}: no usable markPrice`);
      return mark;
    },
    watchCandles(symbols, timeframe) {
      checkKnown(symbols);
      const keys = symbols.map((s) => `${s}|${timeframe}`);
      return subscription<CandleUpdate>(
        symbols.map((s) => `${s.toLowerCase()}@kline_${timeframe}`),
        (sink) => {
          for (const key of keys) {
            const set = candleSinks.get(key) ?? new Set();
            set.add(sink);
            candleSinks.set(key, set);
          }
        },
        (sink) => {
          for (const key of keys) {
            const set = candleSinks.get(key);
            set?.delete(sink);
            if (set?.size === 0) {
              candleSinks.delete(key);
              lastClosed.delete(key);
            }
          }
        },
      );
    },
    watchLiquidations(symbols) {
      const filter = symbols && symbols.length > 0 ? new Set<string>(symbols) : undefined;
      // One all-market stream, filtered here: a single subscription however many symbols.
      return subscription<Liquidation>(
        ['!forceOrder@arr'],
        (sink) => liquidationSinks.set(sink, filter),
        (sink) => liquidationSinks.delete(sink),
      );
    },
    watchMarkPrices(symbols) {
      checkKnown(symbols);
      return subscription<MarkPrice>(
        symbols.map((s) => `${s.toLowerCase()}@markPrice@1s`),
        (sink) => {
          for (const s of symbols) {
            const set = markSinks.get(s) ?? new Set();
            set.add(sink);
            markSinks.set(s, set);
          }
        },
        (sink) => {
          for (const s of symbols) markSinks.get(s)?.delete(sink);
        },
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const set of candleSinks.values()) for (const sink of set) sink.end();
      for (const sink of liquidationSinks.keys()) sink.end();
      for (const set of markSinks.values()) for (const sink of set) sink.end();
      await streams.close();
    },
  };
  return feed;
}

function concat(pages: CandleColumns[], total: number): CandleColumns {
  if (pages.length === 1 && pages[0]!.openTime.length === total) return pages[0]!;
  const out = emptyColumns(total);
  let at = 0;
  for (const page of pages) {
    const n = Math.min(page.openTime.length, total - at);
    if (n <= 0) break;
    for (const key of ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const) {
      out[key].set(page[key].subarray(0, n), at);
    }
    at += n;
  }
  return out;
}
