/**
 * The route table's vocabulary: each Binance path has a security level (NONE, USER_STREAM with
 * the API key only, SIGNED), a request weight (Binance's IP weight, for X-MBX-USED-WEIGHT-1M and
 * the optional limiter) and a handler that returns the JSON body or throws a Binance error.
 */
import type { MarketFeed } from '../../market/index.js';
import type { Simulator } from '../simulator/index.js';
import type { ApiKeyRecord, Security } from './auth.js';
import type { CandleRecorder } from './candles.js';
import type { ListenKeyBook } from './listen-keys.js';
import type { Params } from './params.js';
import type { Precision } from './wire.js';
import type { WsHub } from './ws-hub.js';

export interface ServedState {
  sim: Simulator;
  candles: CandleRecorder;
  feed: MarketFeed | undefined;
  listenKeys: ListenKeyBook;
  hub: WsHub;
  /** Wall-clock time: signatures, listen keys, serverTime. */
  wallNow(): number;
  precision(symbol: string): Precision;
}

export interface RouteContext {
  state: ServedState;
  params: Params;
  /** The key the request was authenticated with (USER_STREAM and SIGNED routes). */
  key: ApiKeyRecord | undefined;
}

export interface Route {
  security: Security;
  weight: number;
  handler(ctx: RouteContext): unknown;
}

export type RouteTable = Record<string, Route>;

export const routeKey = (method: string, path: string): string => `${method} ${path}`;

/** The account a USER_STREAM/SIGNED route acts for (the table guarantees it is authenticated). */
export function accountOf(ctx: RouteContext): string {
  if (!ctx.key) throw new Error('route used without authentication');
  return ctx.key.accountId;
}
