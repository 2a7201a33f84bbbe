/**
 * Binance USD-M market-data REST through ccxt's `binanceusdm` (its raw endpoint methods: the
 * exact decimal strings of exchangeInfo survive, and one JSON parse per response). Every call
 * goes through the weight budget; reads are idempotent, so 418/429 and network failures are
 * retried after a pause, a bounded number of times. ccxt's own limiter is off: it counts a
 * cost model of 1,200/min, ours follows Binance's real weights and headers.
 * ccxt is imported lazily: it takes seconds to load and only the live feed needs it.
 */
import type { Exchange } from 'ccxt';
import { type Clock, DomainError, ErrorCode } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import { pointUsdmAt } from './ccxt-urls.js';
import { createWeightBudget, realSleep, type Sleep, type WeightBudget } from './weight-budget.js';

export const DEFAULT_BINANCE_BASE_URL = 'https://fapi.binance.com';

export interface BinanceRestOptions {
  /** REST root, e.g. https://fapi.binance.com or http://127.0.0.1:8080 (a simulator). */
  baseUrl?: string | undefined;
  clock: Clock;
  sleep?: Sleep | undefined;
  logger?: Logger | undefined;
  weightLimitPerMinute?: number | undefined;
  /**
   * The IP's weight budget when it is shared (the REAL users' clients of this process leave from
   * the same IP); absent, the feed keeps its own, from the three options around this one.
   */
  budget?: WeightBudget | undefined;
  initialBackoffMs?: number | undefined;
  maxBackoffMs?: number | undefined;
  /** Per request; default 10 s. */
  timeoutMs?: number | undefined;
  /** Tries per request before giving up; default 5. */
  maxAttempts?: number | undefined;
}

export interface KlinesParams {
  symbol: string;
  interval: string;
  startTime?: number | undefined;
  endTime?: number | undefined;
  limit: number;
}

export interface BinanceRest {
  exchangeInfo(): Promise<unknown>;
  klines(params: KlinesParams, weight: number): Promise<unknown>;
  /** All symbols (weight 40). */
  ticker24hr(): Promise<unknown>;
  premiumIndex(symbol: string): Promise<unknown>;
  readonly budget: WeightBudget;
  readonly baseUrl: string;
}

type RawCall = (params?: Record<string, unknown>) => Promise<unknown>;

export async function createBinanceRest(options: BinanceRestOptions): Promise<BinanceRest> {
  const { default: ccxt } = await import('ccxt');
  const baseUrl = (options.baseUrl ?? DEFAULT_BINANCE_BASE_URL).replace(/\/+$/, '');
  const exchange: Exchange = new ccxt.binanceusdm({
    enableRateLimit: false,
    timeout: options.timeoutMs ?? 10_000,
    options: { fetchCurrencies: false },
  });
  pointUsdmAt(exchange, baseUrl);
  const sleep = options.sleep ?? realSleep;
  const budget =
    options.budget ??
    createWeightBudget({
      clock: options.clock,
      sleep,
      limitPerMinute: options.weightLimitPerMinute,
      initialBackoffMs: options.initialBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
    });
  const maxAttempts = options.maxAttempts ?? 5;
  const log = options.logger;

  async function call(method: string, params: Record<string, unknown>, weight: number, what: string) {
    const fn = (exchange as unknown as Record<string, RawCall>)[method]!.bind(exchange);
    let networkPause = 500;
    for (let attempt = 1; ; attempt++) {
      await budget.acquire(weight);
      try {
        const result = await fn(params);
        budget.succeeded();
        const headers = exchange.last_response_headers as Record<string, string> | undefined;
        const used = Number(headers?.['X-Mbx-Used-Weight-1m']);
        if (Number.isFinite(used)) budget.observeUsedWeight(used);
        return result;
      } catch (err) {
        const last = attempt >= maxAttempts;
        if (err instanceof ccxt.DDoSProtection || err instanceof ccxt.RateLimitExceeded) {
          const message = (err as Error).message;
          const bannedUntil = /banned until (\d{10,})/.exec(message)?.[1];
          const headers = exchange.last_response_headers as Record<string, string> | undefined;
          const retryAfterS = Number(headers?.['Retry-After']);
          const until = / 418 /.test(message)
            ? budget.banned(bannedUntil ? Number(bannedUntil) : undefined)
            : budget.rateLimited(Number.isFinite(retryAfterS) ? retryAfterS * 1000 : undefined);
          log?.warn(
            { what, attempt, pausedUntil: new Date(until).toISOString() },
            'binance rate limit: pausing requests',
          );
          if (last) {
            throw new DomainError(
              ErrorCode.RATE_LIMITED,
              `${what}: Binance rate limit (${message.slice(0, 200)})`,
              {
                cause: err,
                details: { retryAfterMs: until - options.clock.now() },
              },
            );
          }
          continue;
        }
        if (err instanceof ccxt.BadSymbol) {
          throw new DomainError(ErrorCode.NOT_FOUND, `${what}: ${(err as Error).message}`, { cause: err });
        }
        if (err instanceof ccxt.NetworkError) {
          if (last) {
            throw new DomainError(
              ErrorCode.AMBIGUOUS,
              `${what}: Binance did not answer (${(err as Error).message.slice(0, 200)})`,
              {
                cause: err,
              },
            );
          }
          log?.warn({ what, attempt, err: (err as Error).message }, 'binance request failed, retrying');
          await sleep(networkPause);
          networkPause = Math.min(networkPause * 2, 30_000);
          continue;
        }
        if (err instanceof ccxt.ExchangeError) {
          throw new DomainError(
            ErrorCode.EXCHANGE_REJECTED,
            `${what}: ${(err as Error).message.slice(0, 300)}`,
            {
              cause: err,
            },
          );
        }
        throw err;
      }
    }
  }

  return {
    budget,
    baseUrl,
    exchangeInfo: () => call('fapiPublicGetExchangeInfo', {}, 1, 'GET /fapi/v1/exchangeInfo'),
    klines: (p, weight) => {
      const params: Record<string, unknown> = { symbol: p.symbol, interval: p.interval, limit: p.limit };
      if (p.startTime !== undefined) params.startTime = p.startTime;
      if (p.endTime !== undefined) params.endTime = p.endTime;
      return call('fapiPublicGetKlines', params, weight, `GET /fapi/v1/klines ${p.symbol} ${p.interval}`);
    },
    ticker24hr: () => call('fapiPublicGetTicker24hr', {}, 40, 'GET /fapi/v1/ticker/24hr'),
    premiumIndex: (symbol) =>
      call('fapiPublicGetPremiumIndex', { symbol }, 1, `GET /fapi/v1/premiumIndex ${symbol}`),
  };
}
