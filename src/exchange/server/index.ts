/**
 * server: the simulator served over Binance USDⓈ-M's REST and WebSocket protocol, so the real
 * ccxt adapter (and any stock ccxt binanceusdm with its URLs pointed here) trades against it.
 * Entry points: `new SimExchangeServer({ simulator, accounts })` then `start()`; `setPrice` /
 * `applyCandle` to move the market (or a `MarketDriver` over a synthetic or replay feed);
 * `faults.arm(spec)`, `dropWebSockets`, `expireListenKeys`, `restart` for fault injection; the
 * same operations over HTTP under /_sim/ (see ./admin.ts).
 *
 * Invariants: every /fapi answer has Binance's shape (decimals as strings, `{code,msg}` errors
 * with Binance's HTTP status); signed requests are checked as Binance checks them; per-key
 * accounts never see each other; faults fire only on authenticated requests and every firing
 * is counted; a restart keeps the simulator's state.
 */

export { bracketsFor, simSymbolsFromRules } from '../simulator/index.js';
export type { MarketControl } from './admin.js';
export { type ApiKeyRecord, sign } from './auth.js';
export {
  type ArmedFault,
  type FaultAction,
  FaultBook,
  type FaultMatch,
  type FaultReport,
  type FaultSpec,
  parseFaultSpec,
} from './faults.js';
export { httpStatusFor } from './http-util.js';
export { MarketDriver, type MarketDriverOptions } from './market-driver.js';
export { type SimAccountKey, SimExchangeServer, type SimExchangeServerOptions } from './server.js';
export type { DropScope } from './ws-hub.js';
