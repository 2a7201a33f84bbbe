/**
 * Every port operation of the ccxt adapter, through the real ccxt client, against the served
 * simulator on 127.0.0.1; each result is checked against what the simulator itself holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientOrderId,
  DomainError,
  ErrorCode,
  marketSymbol,
  price,
  qty,
} from '../../src/domain/index.js';
import type { CcxtExchange } from '../../src/exchange/ccxt/index.js';
import type { CreateOrderRequest } from '../../src/exchange/index.js';
import { type Harness, startHarness } from './harness.js';

const BTC = marketSymbol('BTCUSDT');
const ETH = marketSymbol('ETHUSDT');
const id = (s: string) => s as ClientOrderId;

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('ccxt adapter against the served simulator', () => {
  let h: Harness;
  let ex: CcxtExchange;

  beforeAll(async () => {
    h = await startHarness([
      { apiKey: 'alice-key', secret: 'alice-secret', deposit: 10_000 },
      { apiKey: 'bob-key', secret: 'bob-secret', deposit: 500 },
    ]);
    ex = await h.connect();
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists markets with the simulator rules, decimals intact, max leverage from the brackets', async () => {
    const rules = await ex.markets();
    const btc = rules.find((r) => r.symbol === BTC)!;
    const spec = h.sim.symbol('BTCUSDT');
    expect(btc.tickSize.eq(spec.tickSize)).toBe(true);
    expect(btc.stepSize.eq(spec.stepSize)).toBe(true);
    expect(btc.minNotional.toFixed()).toBe('100');
    expect(btc.maxLeverage).toBe(125);
    expect(rules.find((r) => r.symbol === ETH)!.maxLeverage).toBe(75);
  });

  it('reads the balance the simulator holds, per key', async () => {
    const b = await ex.balance();
    expect(b.asset).toBe('USDT');
    expect(b.walletBalance.toFixed()).toBe('10000');
    const bob = await h.connect('bob-key', 'bob-secret');
    expect((await bob.balance()).walletBalance.toFixed()).toBe('500');
  });

  it('opens a position at market with our client order id, and reads it back', async () => {
    const order = await ex.createOrder({
      symbol: BTC,
      side: 'BUY',
      type: 'MARKET',
      clientOrderId: id('a-entry'),
      qty: qty('0.01'),
    });
    expect(order).toMatchObject({
      family: 'regular',
      status: 'FILLED',
      clientOrderId: 'a-entry',
      type: 'MARKET',
    });
    expect(order.family === 'regular' && order.avgFillPrice?.toFixed()).toBe('60000');
    const served = await ex.positions(BTC);
    const inProcess = await h.sim.account('alice-key').positions(BTC);
    expect(JSON.stringify(served)).toBe(JSON.stringify(inProcess));
    expect(served[0]).toMatchObject({ side: 'LONG', leverage: 20, marginMode: 'ISOLATED' });
    expect(JSON.stringify(await ex.balance())).toBe(
      JSON.stringify(await h.sim.account('alice-key').balance()),
    );
  });

  it('rests a GTC limit, finds it by client id, cancels it', async () => {
    const limit = await ex.createOrder({
      symbol: BTC,
      side: 'BUY',
      type: 'LIMIT',
      clientOrderId: id('a-limit'),
      qty: qty('0.002'),
      price: price('59000'),
    });
    expect(limit).toMatchObject({ status: 'NEW', timeInForce: 'GTC' });
    expect((await ex.openOrders(BTC)).map((o) => o.clientOrderId)).toContain('a-limit');
    const found = await ex.fetchOrder({ symbol: BTC, clientOrderId: id('a-limit') });
    expect(found).toMatchObject({ family: 'regular', status: 'NEW', id: limit.id });
    const canceled = await ex.cancelOrder({ symbol: BTC, clientOrderId: id('a-limit') });
    expect(canceled).toMatchObject({ family: 'regular', status: 'CANCELED' });
    expect(h.sim.openOrders('alice-key')).toHaveLength(0);
  });

  it('places stop-loss and take-profit in the algo family and lists, fetches, cancels them', async () => {
    const sl = await ex.createOrder({
      symbol: BTC,
      side: 'SELL',
      type: 'STOP_MARKET',
      clientOrderId: id('a-sl'),
      triggerPrice: price('58000'),
      closePosition: true,
      workingType: 'MARK_PRICE',
    });
    expect(sl).toMatchObject({
      family: 'algo',
      type: 'STOP_MARKET',
      status: 'NEW',
      closePosition: true,
      qty: null,
    });
    expect(sl.workingType).toBe('MARK_PRICE');
    const tp = await ex.createOrder({
      symbol: BTC,
      side: 'SELL',
      type: 'TAKE_PROFIT_MARKET',
      clientOrderId: id('a-tp'),
      triggerPrice: price('63000'),
      qty: qty('0.01'),
      reduceOnly: true,
    });
    expect(tp).toMatchObject({ family: 'algo', type: 'TAKE_PROFIT_MARKET', reduceOnly: true });
    expect(tp.qty?.toFixed()).toBe('0.01');
    const open = await ex.openOrders();
    expect(open.map((o) => `${o.family}:${o.clientOrderId}`).sort()).toEqual(['algo:a-sl', 'algo:a-tp']);
    // No family given: regular is looked up first, then algo.
    expect(await ex.fetchOrder({ symbol: BTC, clientOrderId: id('a-tp') })).toMatchObject({
      family: 'algo',
      status: 'NEW',
    });
    expect(await ex.cancelOrder({ symbol: BTC, clientOrderId: id('a-tp') })).toMatchObject({
      family: 'algo',
      status: 'CANCELED',
    });
  });

  it('cancels both families with one cancelAllOrders', async () => {
    await ex.createOrder({
      symbol: BTC,
      side: 'BUY',
      type: 'LIMIT',
      clientOrderId: id('a-l2'),
      qty: qty('0.002'),
      price: price('58500'),
    });
    const result = await ex.cancelAllOrders(BTC);
    expect(result).toEqual({ regular: 1, algo: 1 });
    expect(h.sim.openOrders('alice-key')).toHaveLength(0);
    expect(h.sim.openAlgoOrders('alice-key')).toHaveLength(0);
  });

  it('answers fetchOrder with undefined and cancelOrder with ORDER_NOT_FOUND for an unknown id', async () => {
    expect(await ex.fetchOrder({ symbol: BTC, clientOrderId: id('nobody') })).toBeUndefined();
    expect((await rejection(ex.cancelOrder({ symbol: BTC, clientOrderId: id('nobody') }))).code).toBe(
      ErrorCode.ORDER_NOT_FOUND,
    );
  });

  it('sets leverage and margin mode (idempotently), with Binance codes when refused', async () => {
    expect(await ex.setLeverage(ETH, 10)).toMatchObject({ symbol: 'ETHUSDT', leverage: 10 });
    expect((await ex.setLeverage(ETH, 10)).maxNotional.toFixed()).toBe('1000000');
    const tooHigh = await rejection(ex.setLeverage(ETH, 100));
    expect(tooHigh.details?.exchangeCode).toBe(-4028);
    await ex.setMarginMode(ETH, 'CROSSED');
    await ex.setMarginMode(ETH, 'CROSSED'); // -4046 swallowed
    expect(h.sim.symbolConfig('alice-key', 'ETHUSDT')[0]!.marginType).toBe('CROSSED');
    const withPosition = await rejection(ex.setMarginMode(BTC, 'CROSSED'));
    expect(withPosition.details?.exchangeCode).toBe(-4048);
  });

  it.each<[string, Partial<CreateOrderRequest>, ErrorCode, number]>([
    ['margin', { side: 'BUY', type: 'MARKET', qty: qty('5') }, ErrorCode.INSUFFICIENT_MARGIN, -2019],
    ['min notional', { side: 'BUY', type: 'MARKET', qty: qty('0.001') }, ErrorCode.BELOW_MIN_NOTIONAL, -4164],
    [
      'immediate trigger',
      { side: 'SELL', type: 'STOP_MARKET', triggerPrice: price('61000'), closePosition: true },
      ErrorCode.WOULD_TRIGGER_IMMEDIATELY,
      -2021,
    ],
    [
      'reduce-only',
      { side: 'BUY', type: 'MARKET', qty: qty('0.01'), reduceOnly: true },
      ErrorCode.REDUCE_ONLY_REJECTED,
      -2022,
    ],
    [
      'reduceOnly with closePosition',
      {
        side: 'SELL',
        type: 'STOP_MARKET',
        triggerPrice: price('55000'),
        closePosition: true,
        reduceOnly: true,
      },
      ErrorCode.EXCHANGE_REJECTED,
      -1106,
    ],
    [
      'post-only that would take',
      { side: 'BUY', type: 'LIMIT', qty: qty('0.002'), price: price('61000'), timeInForce: 'GTX' },
      ErrorCode.EXCHANGE_REJECTED,
      -5022,
    ],
  ])(
    'maps the %s rejection to its domain error with the Binance code kept',
    async (_, fields, code, exchangeCode) => {
      const err = await rejection(
        ex.createOrder({
          symbol: BTC,
          clientOrderId: id(`r${exchangeCode}`),
          ...fields,
        } as CreateOrderRequest),
      );
      expect(err.code).toBe(code);
      expect(err.details?.exchangeCode).toBe(exchangeCode);
      expect(typeof err.details?.exchangeMessage).toBe('string');
    },
  );

  it('refuses a duplicate client order id among open orders (-4116)', async () => {
    const req: CreateOrderRequest = {
      symbol: BTC,
      side: 'BUY',
      type: 'LIMIT',
      clientOrderId: id('a-dup'),
      qty: qty('0.002'),
      price: price('57000'),
    };
    await ex.createOrder(req);
    const err = await rejection(ex.createOrder(req));
    expect(err.code).toBe(ErrorCode.DUPLICATE_CLIENT_ORDER_ID);
    expect(h.sim.openOrders('alice-key').filter((o) => o.clientOrderId === 'a-dup')).toHaveLength(1);
    await ex.cancelOrder({ symbol: BTC, clientOrderId: id('a-dup') });
  });

  it('never lets ccxt round an order: off-step quantity or off-tick price is refused before sending', async () => {
    const before = h.sim.allOrders('alice-key', 'BTCUSDT').length;
    const step = await rejection(
      ex.createOrder({
        symbol: BTC,
        side: 'BUY',
        type: 'MARKET',
        clientOrderId: id('a-off1'),
        qty: qty('0.0105'),
      }),
    );
    expect(step.details).toMatchObject({ exchangeCode: -4023, local: true });
    const tick = await rejection(
      ex.createOrder({
        symbol: BTC,
        side: 'BUY',
        type: 'LIMIT',
        clientOrderId: id('a-off2'),
        qty: qty('0.002'),
        price: price('59000.05'),
      }),
    );
    expect(tick.details).toMatchObject({ exchangeCode: -4014, local: true });
    expect(h.sim.allOrders('alice-key', 'BTCUSDT')).toHaveLength(before);
  });

  it('reports refused keys as EXCHANGE_AUTH and tests credentials without throwing', async () => {
    const wrongSecret = await h.connect('alice-key', 'not-the-secret');
    const bad = await rejection(wrongSecret.balance());
    expect(bad.code).toBe(ErrorCode.EXCHANGE_AUTH);
    expect(bad.details?.exchangeCode).toBe(-1022);
    const unknown = await h.connect('nobody-key', 'x');
    expect((await rejection(unknown.balance())).details?.exchangeCode).toBe(-2015);
    expect(await unknown.testCredentials()).toMatchObject({ ok: false });
    expect((await unknown.testCredentials()).message).toContain('refused');
    expect(await ex.testCredentials()).toMatchObject({ ok: true });
  });
});
