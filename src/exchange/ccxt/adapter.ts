/**
 * The Exchange port over ccxt's binanceusdm, for one user's keys, against Binance, its demo
 * environment, or the simulator server (reference §6). Commands go through ccxt's unified
 * methods with the Algo Order parameters (trigger: true, triggerPrice / takeProfitPrice,
 * clientOrderId -> clientAlgoId, workingType, closePosition); reads that carry money use the raw
 * endpoints so decimals stay Binance's strings. Our client order id is always sent (ccxt invents a
 * new one per call otherwise). createOrder is never retried; reads, cancels and settings are,
 * with backoff, on AMBIGUOUS and RATE_LIMITED. Every failure leaves as a DomainError (./map-error.ts).
 */
import {
  type Clock,
  DomainError,
  dec,
  ErrorCode,
  type MarginMode,
  type MarketSymbol,
  type Money,
  type SymbolRules,
  systemClock,
} from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import { BinanceCode, binanceError, exchangeCodeOf } from '../errors.js';
import type {
  Balance,
  CancelAllResult,
  CreateOrderRequest,
  Exchange,
  ExchangeOrder,
  ExchangePosition,
  LeverageResult,
  OrderLookup,
  UserStreamEvent,
  UserStreamListener,
} from '../port.js';
import { catchUp, type RawTrade } from './catch-up.js';
import { type BinanceClientOptions, createBinanceClient } from './client.js';
import { toDomainError } from './map-error.js';
import { ccxtOrderArgs } from './order-args.js';
import {
  asRaw,
  asRawList,
  parseAlgoOrder,
  parseBalance,
  parseMaxLeverages,
  parsePosition,
  parseRegularOrder,
  parseSymbolConfigs,
  parseSymbolRules,
  parseUserEvent,
} from './parse.js';
import { type RetryPolicy, realSleep, type Sleep, withRetry } from './retry.js';
import { OrderTracker } from './tracker.js';
import { userStreamUrl, wsBaseFor } from './urls.js';
import { UserStreamConnection, type UserStreamTiming } from './user-stream.js';

export interface CcxtExchangeOptions extends BinanceClientOptions {
  /** WebSocket root for the user stream; derived from baseUrl when absent. */
  wsUrl?: string | undefined;
  retry?: RetryPolicy | undefined;
  stream?: UserStreamTiming | undefined;
  logger?: Logger | undefined;
  clock?: Clock | undefined;
  sleep?: Sleep | undefined;
}

export interface CcxtExchange extends Exchange {
  readonly baseUrl: string;
  /** "Test connection": a signed balance read. Never throws. */
  testCredentials(): Promise<{ ok: boolean; message: string }>;
  /** Stop the user stream and release the client. */
  close(): Promise<void>;
}

const isNotFound = (err: unknown) => err instanceof DomainError && err.code === ErrorCode.ORDER_NOT_FOUND;
const hasInfo = (x: unknown): Record<string, unknown> => asRaw(asRaw(x, 'ccxt order').info, 'order info');

export async function createCcxtExchange(options: CcxtExchangeOptions): Promise<CcxtExchange> {
  const client = await createBinanceClient(options);
  const ex = client.exchange;
  const raw = client.raw;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const policy = options.retry ?? {};
  const tracker = new OrderTracker();
  const listeners = new Set<UserStreamListener>();

  /** One try, failures mapped. */
  const once = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw toDomainError(err, clock.now());
    }
  };
  /** Idempotent: retried on AMBIGUOUS / RATE_LIMITED. */
  const retried = <T>(fn: () => Promise<T>, onRetry?: () => void): Promise<T> =>
    withRetry(() => once(fn), policy, sleep, onRetry);

  let marketsLoading: Promise<void> | undefined;
  const ensureMarkets = (): Promise<void> => {
    marketsLoading ??= retried(() => ex.loadMarkets()).then(
      () => undefined,
      (err: unknown) => {
        marketsLoading = undefined;
        throw err;
      },
    );
    return marketsLoading;
  };
  /** Binance id (BTCUSDT) -> ccxt symbol (BTC/USDT:USDT). */
  const unified = async (symbol: string): Promise<string> => {
    await ensureMarkets();
    const market = (ex.markets_by_id as Record<string, Array<{ symbol: string }> | undefined>)?.[symbol]?.[0];
    if (!market) throw binanceError(BinanceCode.BAD_SYMBOL);
    return market.symbol;
  };

  let rulesCache: Promise<SymbolRules[]> | undefined;
  const loadRules = async (): Promise<SymbolRules[]> => {
    await ensureMarkets();
    const leverages = parseMaxLeverages(await retried(() => raw('fapiPrivateGetLeverageBracket')()));
    const out: SymbolRules[] = [];
    for (const m of Object.values(ex.markets ?? {})) {
      if (!m?.info) continue;
      const rules = parseSymbolRules(asRaw(m.info, 'exchangeInfo symbol'), leverages.get(String(m.id)));
      if (rules) out.push(rules);
    }
    return out;
  };

  const fetchRegular = async (sym: string, clientOrderId: string): Promise<ExchangeOrder | undefined> => {
    try {
      const o = await retried(() => ex.fetchOrder(undefined as unknown as string, sym, { clientOrderId }));
      return parseRegularOrder(hasInfo(o));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
  const fetchAlgo = async (sym: string, clientOrderId: string): Promise<ExchangeOrder | undefined> => {
    try {
      const o = await retried(() =>
        ex.fetchOrder(undefined as unknown as string, sym, { clientOrderId, trigger: true }),
      );
      return parseAlgoOrder(hasInfo(o));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  /** A cancel retried after an ambiguous try may find the order already gone: look before failing. */
  const cancelWith = async (
    send: () => Promise<unknown>,
    lookup: () => Promise<ExchangeOrder | undefined>,
    parse: (o: unknown) => Promise<ExchangeOrder>,
  ): Promise<ExchangeOrder> => {
    let maybeLanded = false;
    try {
      return await parse(await retried(send, () => (maybeLanded = true)));
    } catch (err) {
      if (maybeLanded && isNotFound(err)) {
        const found = await lookup();
        if (found && found.status === 'CANCELED') return found;
      }
      throw err;
    }
  };

  const openOrdersOf = async (sym: string | undefined, trigger: boolean): Promise<ExchangeOrder[]> => {
    const rows = await retried(() =>
      ex.fetchOpenOrders(sym, undefined, undefined, trigger ? { trigger: true } : {}),
    );
    return rows.map((o) => (trigger ? parseAlgoOrder(hasInfo(o)) : parseRegularOrder(hasInfo(o))));
  };

  const exchange: CcxtExchange = {
    baseUrl: client.baseUrl,

    markets() {
      rulesCache ??= loadRules().catch((err: unknown) => {
        rulesCache = undefined;
        throw err;
      });
      return rulesCache;
    },

    async balance(): Promise<Balance> {
      return parseBalance(asRaw(await retried(() => raw('fapiPrivateV3GetAccount')()), 'account'));
    },

    async positions(symbol?: MarketSymbol): Promise<readonly ExchangePosition[]> {
      const params = symbol === undefined ? {} : { symbol };
      const [risks, configs] = await Promise.all([
        retried(() => raw('fapiPrivateV3GetPositionRisk')(params)),
        retried(() => raw('fapiPrivateGetSymbolConfig')(params)),
      ]);
      const settings = parseSymbolConfigs(configs);
      const out: ExchangePosition[] = [];
      for (const r of asRawList(risks, 'positionRisk')) {
        const p = parsePosition(r, settings.get(String(r.symbol)));
        if (p) out.push(p);
      }
      return out;
    },

    async openOrders(symbol?: MarketSymbol): Promise<readonly ExchangeOrder[]> {
      const sym = symbol === undefined ? undefined : await unified(symbol);
      if (sym === undefined) await ensureMarkets();
      const [regular, algo] = await Promise.all([openOrdersOf(sym, false), openOrdersOf(sym, true)]);
      for (const o of [...regular, ...algo]) tracker.noteOrder(o);
      return [...regular, ...algo];
    },

    async createOrder(r: CreateOrderRequest): Promise<ExchangeOrder> {
      const sym = await unified(r.symbol);
      const o = await once(async () => ccxtOrderArgs(ex, sym, r));
      // Never retried: a resent order is a second order. AMBIGUOUS -> fetchOrder by clientOrderId.
      const created = await once(() =>
        ex.createOrder(sym, o.type, o.side, o.amount as number, o.price, o.params),
      );
      const info = hasInfo(created);
      const order = 'algoId' in info ? parseAlgoOrder(info) : parseRegularOrder(info);
      tracker.noteOrder(order);
      return order;
    },

    async cancelOrder(l: OrderLookup): Promise<ExchangeOrder> {
      const sym = await unified(l.symbol);
      const clientOrderId = l.clientOrderId;
      if (l.family !== 'algo') {
        try {
          const order = await cancelWith(
            () => ex.cancelOrder(undefined as unknown as string, sym, { clientOrderId }),
            () => fetchRegular(sym, clientOrderId),
            async (o) => parseRegularOrder(hasInfo(o)),
          );
          tracker.noteOrder(order);
          return order;
        } catch (err) {
          if (l.family === 'regular' || !isNotFound(err)) throw err;
        }
      }
      const order = await cancelWith(
        () => ex.cancelOrder(undefined as unknown as string, sym, { clientOrderId, trigger: true }),
        () => fetchAlgo(sym, clientOrderId),
        // DELETE /fapi/v1/algoOrder answers {algoId, clientAlgoId, code, msg}: read the order back.
        async () => {
          const found = await fetchAlgo(sym, clientOrderId);
          if (!found) throw binanceError(BinanceCode.NO_SUCH_ORDER);
          return found;
        },
      );
      tracker.noteOrder(order);
      return order;
    },

    async cancelAllOrders(symbol: MarketSymbol): Promise<CancelAllResult> {
      const sym = await unified(symbol);
      const [regular, algo] = await Promise.all([openOrdersOf(sym, false), openOrdersOf(sym, true)]);
      // Two families, two endpoints: ccxt's cancelAllOrders clears only one per call.
      await retried(() => ex.cancelAllOrders(sym));
      await retried(() => ex.cancelAllOrders(sym, { trigger: true }));
      return { regular: regular.length, algo: algo.length };
    },

    async fetchOrder(l: OrderLookup): Promise<ExchangeOrder | undefined> {
      const sym = await unified(l.symbol);
      let found: ExchangeOrder | undefined;
      if (l.family !== 'algo') found = await fetchRegular(sym, l.clientOrderId);
      if (!found && l.family !== 'regular') found = await fetchAlgo(sym, l.clientOrderId);
      if (found) tracker.noteOrder(found);
      return found;
    },

    async setLeverage(symbol: MarketSymbol, leverage: number): Promise<LeverageResult> {
      const r = asRaw(await retried(() => raw('fapiPrivatePostLeverage')({ symbol, leverage })), 'leverage');
      return {
        symbol: String(r.symbol) as MarketSymbol,
        leverage: Number(r.leverage),
        maxNotional: dec(String(r.maxNotionalValue), 'maxNotionalValue') as Money,
      };
    },

    async setMarginMode(symbol: MarketSymbol, mode: MarginMode): Promise<void> {
      const sym = await unified(symbol);
      try {
        await retried(() => ex.setMarginMode(mode === 'ISOLATED' ? 'isolated' : 'cross', sym));
      } catch (err) {
        if (exchangeCodeOf(err) !== BinanceCode.NO_NEED_TO_CHANGE_MARGIN_TYPE) throw err;
      }
    },

    subscribe(listener: UserStreamListener) {
      listeners.add(listener);
      stream.start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) stream.stop();
      };
    },

    async testCredentials() {
      try {
        const b = await exchange.balance();
        return {
          ok: true,
          message: `connected: wallet ${b.walletBalance.toFixed()} ${b.asset}, available ${b.availableBalance.toFixed()}`,
        };
      } catch (err) {
        const d = toDomainError(err, clock.now());
        const said = typeof d.details?.exchangeMessage === 'string' ? d.details.exchangeMessage : d.message;
        if (d.code === ErrorCode.EXCHANGE_AUTH)
          return { ok: false, message: `Binance refused the key: ${said}` };
        return { ok: false, message: `${d.code}: ${said}` };
      }
    },

    async close() {
      listeners.clear();
      stream.stop();
      await (ex as { close?: () => Promise<void> }).close?.();
    },
  };

  const emit = (events: UserStreamEvent[]): void => {
    for (const event of tracker.observe(events)) {
      for (const l of listeners) {
        try {
          l(event);
        } catch (err) {
          options.logger?.error({ err }, 'a user-stream listener threw');
        }
      }
    }
  };

  const wsBase = options.wsUrl ?? wsBaseFor(client.baseUrl);
  const stream = new UserStreamConnection(
    {
      openListenKey: async () =>
        String(asRaw(await retried(() => raw('fapiPrivatePostListenKey')()), 'listenKey').listenKey),
      // USDⓈ-M's PUT takes no parameters: it extends the account's active key (ccxt does the same).
      keepAliveListenKey: async () => {
        await once(() => raw('fapiPrivatePutListenKey')());
      },
      streamUrl: (key) => userStreamUrl(wsBase, key),
      catchUp: (lostAt) =>
        catchUp(
          {
            tracker,
            balance: () => exchange.balance(),
            positions: () => exchange.positions(),
            openOrders: () => exchange.openOrders(),
            fetchOrder: (l) => exchange.fetchOrder(l),
            trades: async (symbol, startTime) =>
              asRawList(
                await retried(() => raw('fapiPrivateGetUserTrades')({ symbol, startTime })),
                'userTrades',
              ) as unknown as RawTrade[],
            clientOrderIdOf: async (symbol, orderId) => {
              try {
                const o = asRaw(
                  await retried(() => raw('fapiPrivateGetOrder')({ symbol, orderId })),
                  'order',
                );
                return typeof o.clientOrderId === 'string' ? o.clientOrderId : undefined;
              } catch (err) {
                if (isNotFound(err)) return undefined;
                throw err;
              }
            },
            now: () => clock.now(),
          },
          lostAt,
        ),
      parse: (m) => parseUserEvent(m, (family, symbol, id) => tracker.createdAt(family, symbol, id)),
      emit,
      now: () => clock.now(),
      logger: options.logger,
    },
    options.stream,
  );

  return exchange;
}
