/**
 * The in-process simulator and the served simulator give the same results for the same script:
 * one trading session runs through SimExchange directly and through ccxt -> HTTP/WS -> the
 * server, on two identical simulators (same seed, same clock, same prices, slippage on), and every
 * answer, every snapshot and every user-stream event must be equal, decimals included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientOrderId,
  createManualClock,
  DomainError,
  type ManualClock,
  marketSymbol,
  price,
  qty,
} from '../../src/domain/index.js';
import type { CcxtExchange } from '../../src/exchange/ccxt/index.js';
import { createCcxtExchange } from '../../src/exchange/ccxt/index.js';
import type { CreateOrderRequest, Exchange, PriceUpdate, UserStreamEvent } from '../../src/exchange/index.js';
import { SimExchangeServer } from '../../src/exchange/server/index.js';
import { FAST, T0, testSimulator, until } from './harness.js';

const BTC = marketSymbol('BTCUSDT');
const ETH = marketSymbol('ETHUSDT');
const id = (s: string) => s as ClientOrderId;
const SIM = { seed: 7, funding: { rate: 0.0001 } } as const;

/** One side of the comparison: a port, and how to move its market. */
interface Venue {
  ex: Exchange;
  clock: ManualClock;
  price(symbol: string, u: PriceUpdate): void;
  events: UserStreamEvent[];
}

type Outcome = { ok: unknown } | { error: { code: string; exchangeCode: unknown } };

async function attempt(p: Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await p };
  } catch (err) {
    if (err instanceof DomainError)
      return { error: { code: err.code, exchangeCode: err.details?.exchangeCode } };
    throw err;
  }
}

/** The script: every step's answer, in order. */
async function session(v: Venue): Promise<unknown[]> {
  const out: unknown[] = [];
  const step = async (p: Promise<unknown>) => out.push(await attempt(p));
  const order = (r: Omit<CreateOrderRequest, 'clientOrderId'> & { clientOrderId: string }) =>
    step(v.ex.createOrder({ ...r, clientOrderId: id(r.clientOrderId) }));
  const at = (ms: number) => v.clock.set(T0 + ms);

  v.price('BTCUSDT', { last: 60_000, high: 60_050, low: 59_950, volume: 120 });
  v.price('ETHUSDT', { last: 3_000, high: 3_004, low: 2_996, volume: 900 });
  await step(v.ex.setLeverage(BTC, 10));
  await step(v.ex.setMarginMode(ETH, 'CROSSED'));
  await step(v.ex.setLeverage(ETH, 25));
  await order({ symbol: BTC, side: 'BUY', type: 'MARKET', clientOrderId: 'p-e1', qty: qty('0.05') });
  await order({
    symbol: BTC,
    side: 'SELL',
    type: 'STOP_MARKET',
    clientOrderId: 'p-sl1',
    triggerPrice: price('58000'),
    closePosition: true,
    workingType: 'MARK_PRICE',
  });
  await order({
    symbol: BTC,
    side: 'SELL',
    type: 'TAKE_PROFIT_MARKET',
    clientOrderId: 'p-tp1',
    triggerPrice: price('63000'),
    qty: qty('0.05'),
    reduceOnly: true,
  });
  await order({
    symbol: ETH,
    side: 'SELL',
    type: 'LIMIT',
    clientOrderId: 'p-l1',
    qty: qty('1'),
    price: price('3050'),
  });
  await order({ symbol: BTC, side: 'BUY', type: 'MARKET', clientOrderId: 'p-big', qty: qty('5') });
  await order({
    symbol: ETH,
    side: 'BUY',
    type: 'LIMIT',
    clientOrderId: 'p-gtx',
    qty: qty('0.1'),
    price: price('3100'),
    timeInForce: 'GTX',
  });
  at(60_000);
  v.price('ETHUSDT', { last: 3_060, high: 3_065, low: 3_040, volume: 1_500 });
  v.price('BTCUSDT', { last: 61_000, high: 61_100, low: 60_400, volume: 300 });
  await order({
    symbol: ETH,
    side: 'BUY',
    type: 'LIMIT',
    clientOrderId: 'p-ioc',
    qty: qty('0.5'),
    price: price('2900'),
    timeInForce: 'IOC',
  });
  await order({
    symbol: BTC,
    side: 'BUY',
    type: 'LIMIT',
    clientOrderId: 'p-l2',
    qty: qty('0.01'),
    price: price('55000'),
  });
  await step(v.ex.cancelOrder({ symbol: BTC, clientOrderId: id('p-l2') }));
  at(120_000);
  v.price('BTCUSDT', { last: 63_500, high: 63_600, low: 61_000, volume: 800 });
  v.price('ETHUSDT', { last: 2_950, high: 3_060, low: 2_940, volume: 2_000 });
  await order({
    symbol: ETH,
    side: 'BUY',
    type: 'MARKET',
    clientOrderId: 'p-x1',
    qty: qty('0.4'),
    reduceOnly: true,
  });
  at(8 * 3_600_000 + 1_000); // past the 08:00 funding
  v.price('ETHUSDT', { last: 2_980, high: 2_990, low: 2_970, volume: 700 });
  await step(v.ex.cancelAllOrders(ETH));
  await step(v.ex.cancelAllOrders(BTC));
  for (const c of ['p-e1', 'p-sl1', 'p-tp1', 'p-l1', 'p-big', 'p-gtx', 'p-ioc', 'p-l2', 'p-x1', 'trg-2']) {
    await step(
      v.ex.fetchOrder({
        symbol: c === 'p-l1' || c.startsWith('p-i') || c === 'p-gtx' || c === 'p-x1' ? ETH : BTC,
        clientOrderId: id(c),
      }),
    );
  }
  await step(v.ex.balance());
  await step(v.ex.positions());
  await step(v.ex.openOrders());
  await step(v.ex.markets());
  return out;
}

/** JSON with decimals as strings; a negative zero (a short's zero PnL) equals zero. */
const plain = (x: unknown) =>
  JSON.parse(JSON.stringify(x, (_k, v) => (typeof v === 'string' && /^-0(\.0*)?$/.test(v) ? '0' : v)));
const withoutStreamState = (events: UserStreamEvent[]) => plain(events.filter((e) => e.type !== 'stream'));

describe('in-process and served simulators', () => {
  let server: SimExchangeServer;
  let served: CcxtExchange;
  let local: Venue;
  let remote: Venue;

  beforeAll(async () => {
    const localClock = createManualClock(T0);
    const localSim = testSimulator(localClock, SIM);
    localSim.createAccount('p1', { deposit: 10_000 });
    local = {
      ex: localSim.account('p1'),
      clock: localClock,
      price: (s, u) => localSim.onPrice(s, u),
      events: [],
    };
    local.ex.subscribe((e) => local.events.push(e));

    const remoteClock = createManualClock(T0);
    const remoteSim = testSimulator(remoteClock, SIM);
    server = new SimExchangeServer({
      simulator: remoteSim,
      accounts: [{ apiKey: 'p1', secret: 'p1-secret', deposit: 10_000 }],
    });
    await server.start();
    served = await createCcxtExchange({ apiKey: 'p1', secret: 'p1-secret', baseUrl: server.url, ...FAST });
    remote = { ex: served, clock: remoteClock, price: (s, u) => server.setPrice(s, u), events: [] };
    served.subscribe((e) => remote.events.push(e));
    await until(() => remote.events.some((e) => e.type === 'stream'), 5_000, 'the served stream');
    // The in-process deposit happened before subscribing; the served one before connecting.
    local.events.length = 0;
  });
  afterAll(async () => {
    await served.close();
    await server.close();
  });

  it('answer every step of one session identically, and stream the same events', async () => {
    const a = plain(await session(local));
    const b = plain(await session(remote));
    expect(b).toEqual(a);
    // Sanity: the script did trade, trigger and get refused.
    const text = JSON.stringify(a);
    expect(text).toContain('"INSUFFICIENT_MARGIN"');
    expect(text).toContain('"FINISHED"');
    expect(text).toContain('"exchangeCode":-5022');
    await until(
      () => remote.events.filter((e) => e.type !== 'stream').length >= local.events.length,
      5_000,
      'the served events',
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(withoutStreamState(remote.events)).toEqual(withoutStreamState(local.events));
    expect(local.events.some((e) => e.type === 'balance' && e.reason === 'FUNDING_FEE')).toBe(true);
  });
});
