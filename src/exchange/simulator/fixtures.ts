/**
 * A ready simulator for tests (here and in other modules): BTCUSDT-like and an altcoin, a manual
 * clock, no slippage unless asked, one funded account. Real engine, no mocks.
 */
import { createManualClock, dec, type ManualClock } from '../../domain/index.js';
import { Simulator, type SimulatorOptions } from './simulator.js';
import { noSlippage } from './slippage.js';
import { BTC_BRACKETS, simSymbol } from './spec.js';
import type { SimEvent } from './types.js';

export const TEST_START_MS = Date.UTC(2026, 0, 5, 1, 0, 0);

export const TEST_SYMBOLS = [
  simSymbol({
    symbol: 'BTCUSDT',
    tickSize: '0.1',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '1000',
    marketMaxQty: '120',
    minNotional: '100',
    minPrice: '556.8',
    maxPrice: '4529764',
    pricePrecision: 2,
    quantityPrecision: 3,
    brackets: BTC_BRACKETS,
  }),
  simSymbol({ symbol: 'DOGEUSDT', tickSize: '0.00001', stepSize: '1', minQty: '1', minNotional: '5' }),
];

export interface TestSimulator {
  sim: Simulator;
  clock: ManualClock;
  events: SimEvent[];
}

export function createTestSimulator(
  options: Partial<SimulatorOptions> & {
    deposit?: number;
    accountId?: string;
    prices?: Record<string, number>;
  } = {},
): TestSimulator {
  const clock = options.clock ? (options.clock as ManualClock) : createManualClock(TEST_START_MS);
  const sim = new Simulator({ symbols: TEST_SYMBOLS, slippage: noSlippage, ...options, clock });
  const events: SimEvent[] = [];
  sim.subscribe((e) => events.push(e));
  sim.createAccount(options.accountId ?? 'a', { deposit: options.deposit ?? 10_000 });
  for (const [symbol, last] of Object.entries(options.prices ?? { BTCUSDT: 100_000, DOGEUSDT: 0.2 })) {
    sim.onPrice(symbol, { last, time: clock.now() });
  }
  events.length = 0;
  return { sim, clock, events };
}

/** A compact trace of events for order assertions: ORDER_TRADE_UPDATE:TRADE:FILLED, ACCOUNT_UPDATE:ORDER, ... */
export function trace(events: readonly SimEvent[]): string[] {
  return events.map(traceOne);
}

function traceOne(e: SimEvent): string {
  if (e.type === 'ORDER_TRADE_UPDATE') return `ORDER_TRADE_UPDATE:${e.executionType}:${e.order.status}`;
  if (e.type === 'ACCOUNT_UPDATE') return `ACCOUNT_UPDATE:${e.reason}`;
  if (e.type === 'ALGO_UPDATE') return `ALGO_UPDATE:${e.algo.algoStatus}`;
  return `ACCOUNT_CONFIG_UPDATE:${e.leverage}`;
}

export const d = dec;
