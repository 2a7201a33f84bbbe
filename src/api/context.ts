import type { AccountService, AuthService, CredentialsTester } from '../auth/index.js';
import type { Clock } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../logging/index.js';
import type { Metrics } from '../metrics/index.js';
import type { Repositories, Store } from '../store/index.js';
import type { BalancePort, MarketDataPort, MarkPricePort, TradingPort } from './ports.js';
import type { TradingStatus } from './routes/health.js';

export interface StreamOptions {
  /** Comment line sent to keep proxies and the browser from timing the stream out. */
  heartbeatMs: number;
  /** Bytes a client may have waiting in its socket buffer before it is dropped as too slow. */
  maxBufferedBytes: number;
  /** Concurrent streams per user (tabs, devices); one more is refused with 429. */
  maxStreamsPerUser: number;
}

/** Everything a route module needs, built once by buildApp. */
export interface ApiContext {
  store: Store;
  logger: Logger;
  version: string;
  clock: Clock;
  repos: Repositories;
  events: EventBus;
  metrics: Metrics;
  auth: AuthService;
  account: AccountService;
  trading: TradingPort;
  balances: BalancePort;
  credentialsTester: CredentialsTester;
  markPrices: MarkPricePort;
  /** Candles for the chart; absent when no market feed is attached (the route answers 503). */
  market?: MarketDataPort | undefined;
  stream: StreamOptions;
  tradingStatus?: (() => TradingStatus) | undefined;
}
