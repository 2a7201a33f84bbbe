/**
 * Building the ccxt `binanceusdm` client for one user: their key and secret, the REST root
 * (production, Binance's demo/testnet, or the simulator server: every URL key binanceusdm uses
 * for USDⓈ-M is rewritten, reference §6.2), ccxt's rate limiter on, and every failed HTTP answer
 * recorded on the thrown error (status, headers, body) so ./map-error.ts can read Binance's code
 * whatever URL ccxt thought it was talking to. ccxt is imported lazily: it takes seconds to load.
 */
import type { Exchange } from 'ccxt';
import { pointUsdmAt, type WeightBudget } from '../../market/index.js';
import { meterIpWeight } from './ip-weight.js';
import { attachWireFailure } from './map-error.js';

export const BINANCE_FAPI_URL = 'https://fapi.binance.com';
export const BINANCE_DEMO_FAPI_URL = 'https://demo-fapi.binance.com';

export interface BinanceClientOptions {
  apiKey: string;
  secret: string;
  /** REST root without a path; default production. */
  baseUrl?: string | undefined;
  timeoutMs?: number | undefined;
  /** ccxt's leaky-bucket interval in ms per cost unit (default 50 = 1,200 units a minute). */
  rateLimitMs?: number | undefined;
  /**
   * The IP's request-weight budget, shared by every client of this process that talks to the same
   * REST root (./ip-weight.ts); absent, only ccxt's per-client limiter paces the requests.
   */
  weightBudget?: WeightBudget | undefined;
}

export type RawCall = (params?: Record<string, unknown>) => Promise<unknown>;

export interface BinanceClient {
  exchange: Exchange;
  /** An implicit endpoint method, e.g. raw('fapiPrivateV3GetAccount'). */
  raw(method: string): RawCall;
  baseUrl: string;
}

export async function createBinanceClient(options: BinanceClientOptions): Promise<BinanceClient> {
  const { default: ccxt } = await import('ccxt');
  const baseUrl = (options.baseUrl ?? BINANCE_FAPI_URL).replace(/\/+$/, '');
  const exchange: Exchange = new ccxt.binanceusdm({
    apiKey: options.apiKey,
    secret: options.secret,
    enableRateLimit: true,
    timeout: options.timeoutMs ?? 10_000,
    ...(options.rateLimitMs !== undefined ? { rateLimit: options.rateLimitMs } : {}),
    options: {
      // Else loadMarkets() asks the spot API for currencies when keys are set (reference §6.2).
      fetchCurrencies: false,
      fetchOpenOrders: { warnWithoutSymbol: false },
      warnOnFetchOpenOrdersWithoutSymbol: false,
    },
  });
  if (baseUrl !== BINANCE_FAPI_URL) pointUsdmAt(exchange, baseUrl);
  recordWireFailures(exchange);
  if (options.weightBudget) meterIpWeight(exchange, options.weightBudget);
  return {
    exchange,
    baseUrl,
    raw(method) {
      const fn = (exchange as unknown as Record<string, RawCall | undefined>)[method];
      if (typeof fn !== 'function') throw new TypeError(`ccxt binanceusdm has no endpoint method ${method}`);
      return (params) => fn.call(exchange, params ?? {});
    },
  };
}

type ErrorHook = (...args: unknown[]) => unknown;

/** Wrap ccxt's two error hooks so a thrown error carries the HTTP answer that caused it. */
function recordWireFailures(exchange: Exchange): void {
  const target = exchange as unknown as Record<string, ErrorHook>;
  const handleErrors = target.handleErrors!.bind(exchange);
  target.handleErrors = (code, reason, url, method, headers, body, ...rest) => {
    try {
      return handleErrors(code, reason, url, method, headers, body, ...rest);
    } catch (err) {
      attachWireFailure(err, {
        httpStatus: Number(code),
        body: typeof body === 'string' ? body : '',
        headers: lowerKeys(headers),
      });
      throw err;
    }
  };
  const handleHttpStatusCode = target.handleHttpStatusCode!.bind(exchange);
  target.handleHttpStatusCode = (code, reason, url, method, body) => {
    try {
      return handleHttpStatusCode(code, reason, url, method, body);
    } catch (err) {
      attachWireFailure(err, {
        httpStatus: Number(code),
        body: typeof body === 'string' ? body : '',
        headers: {},
      });
      throw err;
    }
  };
}

function lowerKeys(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = String(v);
  return out;
}
