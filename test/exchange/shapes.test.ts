/**
 * The served simulator's REST answers and WebSocket events against Binance's documented examples
 * (./binance-examples.ts): every documented field present with the documented JSON type
 * (decimals as strings, ids and times as numbers, the algo cancel's `code` as the string "200").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ex from './binance-examples.js';
import { type Harness, startHarness } from './harness.js';
import { openWs, type RawClient, rawClient } from './raw-client.js';

type Json = Record<string, unknown>;

describe('wire shapes of the served simulator', () => {
  let h: Harness;
  let api: RawClient;

  beforeAll(async () => {
    h = await startHarness();
    api = rawClient(h.server.url, 'alice-key', 'alice-secret');
  });
  afterAll(async () => {
    await h.close();
  });

  it('order endpoints answer in the documented order shape', async () => {
    const created = await api.call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      quantity: '0.002',
      price: '59000',
      timeInForce: 'GTC',
      newClientOrderId: 'shape-1',
      newOrderRespType: 'RESULT',
    });
    expect(created.status).toBe(200);
    expect(ex.shapeProblems(created.body, ex.NEW_ORDER)).toEqual([]);
    expect(created.body).toMatchObject({
      clientOrderId: 'shape-1',
      status: 'NEW',
      price: '59000.0',
      origQty: '0.002',
    });
    const queried = await api.call('GET', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      origClientOrderId: 'shape-1',
    });
    expect(ex.shapeProblems(queried.body, { ...ex.NEW_ORDER, time: 1 })).toEqual([]);
    const open = await api.call('GET', '/fapi/v1/openOrders', { symbol: 'BTCUSDT' });
    expect(ex.shapeProblems(open.body, [ex.NEW_ORDER])).toEqual([]);
    expect((await api.call('DELETE', '/fapi/v1/allOpenOrders', { symbol: 'BTCUSDT' })).body).toEqual(
      ex.CANCEL_ALL,
    );
  });

  it('algo endpoints answer in the documented algo shapes; the cancel code is the string "200"', async () => {
    const created = await api.call('POST', '/fapi/v1/algoOrder', {
      algoType: 'CONDITIONAL',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'STOP_MARKET',
      quantity: '0.002',
      triggerPrice: '65000',
      clientAlgoId: 'shape-a1',
    });
    expect(created.status).toBe(200);
    expect(ex.shapeProblems(created.body, ex.NEW_ALGO_ORDER)).toEqual([]);
    const queried = (await api.call('GET', '/fapi/v1/algoOrder', { clientAlgoId: 'shape-a1' })).body as Json;
    expect(ex.shapeProblems(queried, ex.NEW_ALGO_ORDER)).toEqual([]);
    for (const k of ex.QUERY_ALGO_EXTRA) expect(queried).toHaveProperty(k);
    const canceled = await api.call('DELETE', '/fapi/v1/algoOrder', { algoId: String(queried.algoId) });
    expect(canceled.body).toEqual({ ...ex.CANCEL_ALGO, algoId: queried.algoId, clientAlgoId: 'shape-a1' });
    // The oracle itself tells a numeric code from a string one.
    expect(ex.shapeProblems({ ...ex.CANCEL_ALGO, code: 200 }, ex.CANCEL_ALGO)).toEqual([
      '$.code: number where Binance sends string',
    ]);
    expect((await api.call('DELETE', '/fapi/v1/algoOpenOrders', { symbol: 'BTCUSDT' })).body).toEqual(
      ex.CANCEL_ALL,
    );
  });

  it('account, position risk, leverage and brackets answer in the documented shapes', async () => {
    await api.call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: '0.01',
    });
    const risk = await api.call('GET', '/fapi/v3/positionRisk', { symbol: 'BTCUSDT' });
    expect(ex.shapeProblems(risk.body, [ex.POSITION_RISK_V3])).toEqual([]);
    expect((risk.body as Json[])[0]).toMatchObject({ positionAmt: '-0.010', notional: '-600.00000000' });
    expect(ex.shapeProblems((await api.call('GET', '/fapi/v3/account')).body, ex.ACCOUNT_V3)).toEqual([]);
    expect(
      ex.shapeProblems(
        (await api.call('POST', '/fapi/v1/leverage', { symbol: 'BTCUSDT', leverage: 21 })).body,
        ex.LEVERAGE,
      ),
    ).toEqual([]);
    expect(
      ex.shapeProblems((await api.call('GET', '/fapi/v1/leverageBracket')).body, [ex.LEVERAGE_BRACKET]),
    ).toEqual([]);
    const one = (await api.call('GET', '/fapi/v1/leverageBracket', { symbol: 'ETHUSDT' })).body as Json;
    expect(ex.shapeProblems(one, ex.LEVERAGE_BRACKET)).toEqual([]);
  });

  it('public endpoints answer in the documented shapes', async () => {
    const info = (await api.public('/fapi/v1/exchangeInfo')).body as { symbols: Json[] };
    const btc = info.symbols.find((s) => s.symbol === 'BTCUSDT')!;
    expect(ex.shapeProblems(btc, ex.EXCHANGE_INFO_SYMBOL)).toEqual([]);
    const filters = btc.filters as Json[];
    for (const [type, example] of Object.entries(ex.FILTERS)) {
      expect(
        ex.shapeProblems(
          filters.find((f) => f.filterType === type),
          example,
        ),
      ).toEqual([]);
    }
    // ccxt refuses locally any order type not listed here (reference §6.2).
    expect(btc.orderTypes).toEqual([
      'LIMIT',
      'MARKET',
      'STOP',
      'STOP_MARKET',
      'TAKE_PROFIT',
      'TAKE_PROFIT_MARKET',
      'TRAILING_STOP_MARKET',
    ]);
    expect(
      ex.shapeProblems(
        (await api.public('/fapi/v1/premiumIndex', { symbol: 'BTCUSDT' })).body,
        ex.PREMIUM_INDEX,
      ),
    ).toEqual([]);
    const klines = (await api.public('/fapi/v1/klines', { symbol: 'BTCUSDT', interval: '1m' }))
      .body as unknown[][];
    expect(klines.length).toBeGreaterThan(0);
    expect(klines[0]!.map((v) => typeof v)).toEqual([
      'number',
      'string',
      'string',
      'string',
      'string',
      'string',
      'number',
      'string',
      'number',
      'string',
      'string',
      'string',
    ]);
  });

  it('user-stream events carry every documented field', async () => {
    const key = ((await api.call('POST', '/fapi/v1/listenKey')).body as { listenKey: string }).listenKey;
    const ws = await openWs(`${h.server.url.replace('http', 'ws')}/private/ws?listenKey=${key}`);
    try {
      await api.call('POST', '/fapi/v1/order', {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'MARKET',
        quantity: '0.01',
      });
      await api.call('POST', '/fapi/v1/algoOrder', {
        algoType: 'CONDITIONAL',
        symbol: 'ETHUSDT',
        side: 'SELL',
        type: 'STOP_MARKET',
        quantity: '0.1',
        triggerPrice: '2000',
      });
      const isEvent = (name: string) => (m: unknown) => (m as Json).e === name;
      const trade = await ws.next(
        (m) => isEvent('ORDER_TRADE_UPDATE')(m) && ((m as Json).o as Json).x === 'TRADE',
      );
      expect(ex.shapeProblems(trade, ex.ORDER_TRADE_UPDATE, '$', ex.TRAILING_ONLY)).toEqual([]);
      expect(ex.shapeProblems(await ws.next(isEvent('ACCOUNT_UPDATE')), ex.ACCOUNT_UPDATE)).toEqual([]);
      expect(ex.shapeProblems(await ws.next(isEvent('ALGO_UPDATE')), ex.ALGO_UPDATE)).toEqual([]);
      h.server.expireListenKeys('alice-key');
      expect(ex.shapeProblems(await ws.next(isEvent('listenKeyExpired')), ex.LISTEN_KEY_EXPIRED)).toEqual([]);
    } finally {
      ws.close();
    }
  });

  it('market streams (kline, markPrice, forceOrder) carry every documented field', async () => {
    const ws = await openWs(`${h.server.url.replace('http', 'ws')}/market/ws/0`);
    try {
      ws.send({
        method: 'SUBSCRIBE',
        params: ['btcusdt@kline_1m', 'btcusdt@markPrice@1s', 'btcusdt@forceOrder'],
        id: 1,
      });
      expect(await ws.next((m) => (m as Json).id === 1)).toEqual({ result: null, id: 1 });
      h.server.setPrice('BTCUSDT', { last: 60_100 });
      expect(ex.shapeProblems(await ws.next((m) => (m as Json).e === 'kline'), ex.KLINE)).toEqual([]);
      expect(
        ex.shapeProblems(await ws.next((m) => (m as Json).e === 'markPriceUpdate'), ex.MARK_PRICE_UPDATE),
      ).toEqual([]);
      h.server.publishLiquidation({
        symbol: 'BTCUSDT' as never,
        side: 'SELL',
        price: 59_000,
        qty: 0.5,
        time: 1 as never,
      });
      expect(ex.shapeProblems(await ws.next((m) => (m as Json).e === 'forceOrder'), ex.FORCE_ORDER)).toEqual(
        [],
      );
    } finally {
      ws.close();
    }
  });
});
