/**
 * Where a ccxt `binanceusdm` client sends its USDⓈ-M requests: production, Binance's demo or
 * testnet, or the simulator server. Every URL key binanceusdm uses for USDⓈ-M is rewritten
 * (reference/binance-futures-and-ccxt.md §6.2); one table for the market feed's client and the
 * users' trading clients.
 */
import type { Exchange } from 'ccxt';

const USDM_URL_KEYS: Readonly<Record<string, string>> = {
  fapiPublic: '/fapi/v1',
  fapiPublicV2: '/fapi/v2',
  fapiPublicV3: '/fapi/v3',
  fapiPrivate: '/fapi/v1',
  fapiPrivateV2: '/fapi/v2',
  fapiPrivateV3: '/fapi/v3',
  fapiData: '/futures/data',
};

/** Point every USDⓈ-M URL key of `exchange` at `baseUrl` (no trailing slash). */
export function pointUsdmAt(exchange: Exchange, baseUrl: string): void {
  const api = exchange.urls.api as Record<string, string>;
  for (const [key, path] of Object.entries(USDM_URL_KEYS)) api[key] = baseUrl + path;
}
