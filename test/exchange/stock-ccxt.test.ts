/**
 * The interface scripts rely on: a stock `ccxt.pro.binanceusdm`, only its `urls.api` entries
 * rewritten to the served simulator (reference §6.2), works unchanged, REST and WebSocket.
 */
import ccxt from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.js';

const SYMBOL = 'BTC/USDT:USDT';
const timeout = <T>(p: Promise<T>, ms = 5_000): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms))]);

describe('a stock ccxt.pro binanceusdm pointed at the served simulator', () => {
  let h: Harness;
  let ex: InstanceType<typeof ccxt.pro.binanceusdm>;

  beforeAll(async () => {
    h = await startHarness();
    ex = new ccxt.pro.binanceusdm({
      apiKey: 'alice-key',
      secret: 'alice-secret',
      options: { fetchCurrencies: false },
    });
    const api = ex.urls.api as Record<string, unknown>;
    for (const [key, path] of Object.entries({
      fapiPublic: '/fapi/v1',
      fapiPublicV2: '/fapi/v2',
      fapiPublicV3: '/fapi/v3',
      fapiPrivate: '/fapi/v1',
      fapiPrivateV2: '/fapi/v2',
      fapiPrivateV3: '/fapi/v3',
      fapiData: '/futures/data',
    })) {
      api[key] = h.server.url + path;
    }
    await ex.loadHttpProxyAgent();
    (api.ws as Record<string, string>).future = h.server.wsUrl;
  });
  afterAll(async () => {
    await ex.close();
    await h.close();
  });

  it('trades over REST: markets, market order, algo stop, positions, balance, both cancel-alls', async () => {
    await ex.loadMarkets();
    expect(ex.market(SYMBOL).limits.cost?.min).toBe(100);
    const entry = await ex.createOrder(SYMBOL, 'market', 'buy', 0.01, undefined, {
      clientOrderId: 'stock-1',
    });
    expect(entry).toMatchObject({ status: 'closed', filled: 0.01, clientOrderId: 'stock-1' });
    const stop = await ex.createOrder(SYMBOL, 'market', 'sell', undefined as unknown as number, undefined, {
      triggerPrice: 59_000,
      closePosition: true,
      clientOrderId: 'stock-sl',
    });
    expect(stop).toMatchObject({ status: 'open', triggerPrice: 59_000, clientOrderId: 'stock-sl' });
    const [position] = await ex.fetchPositions([SYMBOL]);
    expect(position).toMatchObject({
      side: 'long',
      contracts: 0.01,
      entryPrice: 60_000,
      marginMode: 'isolated',
    });
    expect((await ex.fetchBalance()).USDT).toMatchObject({ total: 9999.7, used: 30 });
    expect(await ex.fetchOpenOrders(SYMBOL, undefined, undefined, { trigger: true })).toHaveLength(1);
    await ex.cancelAllOrders(SYMBOL);
    await ex.cancelAllOrders(SYMBOL, { trigger: true });
    expect(await ex.fetchOpenOrders(SYMBOL, undefined, undefined, { trigger: true })).toHaveLength(0);
  });

  it('streams market data and the user stream over WebSocket', async () => {
    const candles = ex.watchOHLCV(SYMBOL, '1m');
    const marks = ex.watchMarkPrice(SYMBOL);
    const liquidations = ex.watchLiquidations(SYMBOL);
    const orders = ex.watchOrders(SYMBOL);
    await new Promise((r) => setTimeout(r, 300));
    h.server.setPrice('BTCUSDT', { last: 60_100 });
    h.server.publishLiquidation({
      symbol: 'BTCUSDT' as never,
      side: 'SELL',
      price: 59_000,
      qty: 0.5,
      time: 1 as never,
    });
    await ex.createOrder(SYMBOL, 'limit', 'buy', 0.002, 55_000, { clientOrderId: 'stock-limit' });
    expect((await timeout(candles)).at(-1)?.[4]).toBe(60_100);
    expect((await timeout(marks)).markPrice).toBe(60_100);
    expect((await timeout(liquidations))[0]).toMatchObject({ price: 59_000, contracts: 0.5, side: 'sell' });
    expect((await timeout(orders)).map((o) => o.clientOrderId)).toContain('stock-limit');
  });
});
