/**
 * A served simulator and the real ccxt adapter on 127.0.0.1 for the cross tests: a Simulator on a
 * manual engine clock with BTCUSDT and ETHUSDT, the Binance-compatible server in front of it, and
 * `connect()` for a CcxtExchange (fast retries and reconnects, ccxt's limiter at 1 ms) per key.
 */
import { createManualClock, type ManualClock } from '../../src/domain/index.js';
import {
  type CcxtExchange,
  type CcxtExchangeOptions,
  createCcxtExchange,
} from '../../src/exchange/ccxt/index.js';
import {
  BTC_BRACKETS,
  noSlippage,
  type SimSymbolSpec,
  Simulator,
  type SimulatorOptions,
  simSymbol,
} from '../../src/exchange/index.js';
import {
  type SimAccountKey,
  SimExchangeServer,
  type SimExchangeServerOptions,
} from '../../src/exchange/server/index.js';

export const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);

export function testSymbols(): SimSymbolSpec[] {
  return [
    simSymbol({
      symbol: 'BTCUSDT',
      tickSize: '0.1',
      stepSize: '0.001',
      minNotional: 100,
      brackets: BTC_BRACKETS,
    }),
    simSymbol({ symbol: 'ETHUSDT', tickSize: '0.01', stepSize: '0.001', minNotional: 20 }),
  ];
}

export function testSimulator(clock: ManualClock, options: Partial<SimulatorOptions> = {}): Simulator {
  return new Simulator({ clock, symbols: testSymbols(), slippage: noSlippage, ...options });
}

export interface Harness {
  clock: ManualClock;
  sim: Simulator;
  server: SimExchangeServer;
  connect(apiKey?: string, secret?: string, options?: Partial<CcxtExchangeOptions>): Promise<CcxtExchange>;
  close(): Promise<void>;
}

export const FAST: Partial<CcxtExchangeOptions> = {
  rateLimitMs: 1,
  timeoutMs: 1_500,
  retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 40, maxRateLimitWaitMs: 1_500 },
  stream: { reconnectInitialMs: 30, reconnectMaxMs: 200, pingIntervalMs: 1_000, pongTimeoutMs: 500 },
};

export async function startHarness(
  accounts: SimAccountKey[] = [{ apiKey: 'alice-key', secret: 'alice-secret', deposit: 10_000 }],
  simOptions: Partial<SimulatorOptions> = {},
  serverOptions: Partial<SimExchangeServerOptions> = {},
): Promise<Harness> {
  const clock = createManualClock(T0);
  const sim = testSimulator(clock, simOptions);
  const server = new SimExchangeServer({ ...serverOptions, simulator: sim, accounts });
  await server.start();
  server.setPrice('BTCUSDT', { last: 60_000 });
  server.setPrice('ETHUSDT', { last: 3_000 });
  const opened: CcxtExchange[] = [];
  return {
    clock,
    sim,
    server,
    async connect(apiKey = 'alice-key', secret = 'alice-secret', options = {}) {
      const ex = await createCcxtExchange({ apiKey, secret, baseUrl: server.url, ...FAST, ...options });
      opened.push(ex);
      return ex;
    },
    async close() {
      for (const ex of opened) await ex.close();
      await server.close();
    },
  };
}

/** Wait until `predicate` holds (polling), or fail after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
