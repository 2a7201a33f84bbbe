/**
 * ccxt: the Exchange port over ccxt's binanceusdm for REAL trading with a user's own keys, and
 * the same code against Binance's demo environment or the simulator server (tests).
 * Entry points: `createCcxtExchange({ apiKey, secret, baseUrl? })` (async: ccxt loads lazily) ->
 * `CcxtExchange` (the port + `testCredentials()` + `close()`); `toDomainError` is the one mapping
 * from anything ccxt throws to a DomainError.
 *
 * Invariants: our clientOrderId goes out on every order (ccxt would invent one per call);
 * createOrder is never retried (AMBIGUOUS means: look the order up by its client id); money read
 * from Binance stays decimal (raw endpoint strings, never ccxt's floats); conditional orders use
 * the Algo Order family and cancel-all covers both families; ccxt never silently rounds an order
 * (a quantity or price off the symbol's precision is refused before sending).
 */
export { type CcxtExchange, type CcxtExchangeOptions, createCcxtExchange } from './adapter.js';
export { BINANCE_DEMO_FAPI_URL, BINANCE_FAPI_URL } from './client.js';
export {
  ccxtClassChain,
  parseBinanceBody,
  retryAfterMs,
  toDomainError,
  type WireFailure,
} from './map-error.js';
export { parseUserEvent } from './parse.js';
export type { RetryPolicy } from './retry.js';
export { userStreamUrl, wsBaseFor } from './urls.js';
export type { UserStreamTiming } from './user-stream.js';
