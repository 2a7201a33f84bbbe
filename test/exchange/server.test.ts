/**
 * The served simulator at the HTTP/WebSocket level, without ccxt: authentication codes and their
 * HTTP statuses, parameter errors, the request-weight limit, listen keys, the /_sim admin routes,
 * WebSocket routes (/ws/<key>, /stream combined, /market + SUBSCRIBE, pings) and a feed-driven market.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Candle, createManualClock, MINUTE_MS, marketSymbol } from '../../src/domain/index.js';
import { Simulator } from '../../src/exchange/index.js';
import { MarketDriver, SimExchangeServer, simSymbolsFromRules } from '../../src/exchange/server/index.js';
import { createMemoryFeed } from '../../src/market/index.js';
import { type Harness, startHarness, T0 } from './harness.js';
import { openWs, type RawClient, rawClient } from './raw-client.js';

type Json = Record<string, unknown>;

describe('served simulator over HTTP', () => {
  let h: Harness;
  let api: RawClient;

  beforeAll(async () => {
    h = await startHarness();
    api = rawClient(h.server.url, 'alice-key', 'alice-secret');
  });
  afterAll(async () => {
    await h.close();
  });

  it.each<[string, () => RawClient, number, number]>([
    ['no API key', () => rawClient(h.server.url, '', 'x'), 401, -2014],
    ['an unknown API key', () => rawClient(h.server.url, 'who', 'x'), 401, -2015],
    ['a wrong signature', () => rawClient(h.server.url, 'alice-key', 'wrong'), 400, -1022],
    [
      'no signature',
      () => rawClient(h.server.url, 'alice-key', 'alice-secret', { signed: false }),
      400,
      -1102,
    ],
    [
      'a stale timestamp',
      () => rawClient(h.server.url, 'alice-key', 'alice-secret', { timestamp: () => Date.now() - 6_000 }),
      400,
      -1021,
    ],
    [
      'a timestamp from the future',
      () => rawClient(h.server.url, 'alice-key', 'alice-secret', { timestamp: () => Date.now() + 2_000 }),
      400,
      -1021,
    ],
  ])('refuses %s with Binance code and status', async (_, client, status, code) => {
    const answer = await client().call('GET', '/fapi/v3/account');
    expect(answer.status).toBe(status);
    expect((answer.body as Json).code).toBe(code);
    expect(typeof (answer.body as Json).msg).toBe('string');
  });

  it('accepts a timestamp within a larger recvWindow', async () => {
    const late = rawClient(h.server.url, 'alice-key', 'alice-secret', {
      timestamp: () => Date.now() - 6_000,
    });
    expect((await late.call('GET', '/fapi/v3/account', { recvWindow: 10_000 })).status).toBe(200);
  });

  it.each<[string, Record<string, string>, number]>([
    ['an unknown symbol', { symbol: 'NOPEUSDT', side: 'BUY', type: 'MARKET', quantity: '1' }, -1121],
    ['a bad side', { symbol: 'BTCUSDT', side: 'UP', type: 'MARKET', quantity: '1' }, -1117],
    ['a bad type', { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT_MAKER', quantity: '1' }, -1116],
    [
      'a conditional type on /order',
      { symbol: 'BTCUSDT', side: 'SELL', type: 'STOP_MARKET', quantity: '0.01', stopPrice: '50000' },
      -4120,
    ],
    [
      'stopPrice on a LIMIT',
      {
        symbol: 'BTCUSDT',
        side: 'BUY',
        type: 'LIMIT',
        quantity: '0.01',
        price: '50000',
        timeInForce: 'GTC',
        stopPrice: '1',
      },
      -1106,
    ],
    ['a malformed quantity', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '1e3' }, -1102],
    [
      'a hedge-mode position side',
      { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: '0.01', positionSide: 'LONG' },
      -4061,
    ],
  ])('answers %s with its code (HTTP 400)', async (_, params, code) => {
    const answer = await api.call('POST', '/fapi/v1/order', params);
    expect(answer.status).toBe(400);
    expect((answer.body as Json).code).toBe(code);
  });

  it('answers an unknown path with a JSON 404 and counts request weight', async () => {
    const missing = await api.public('/fapi/v1/nothing');
    expect(missing.status).toBe(404);
    const time = await api.public('/fapi/v1/time');
    expect(Math.abs(((time.body as Json).serverTime as number) - Date.now())).toBeLessThan(5_000);
    expect(Number(time.headers.get('x-mbx-used-weight-1m'))).toBeGreaterThan(0);
  });

  it('keeps one listen key per account: POST returns it again, DELETE ends it, PUT then answers -1125', async () => {
    const first = ((await api.call('POST', '/fapi/v1/listenKey')).body as Json).listenKey;
    expect(((await api.call('POST', '/fapi/v1/listenKey')).body as Json).listenKey).toBe(first);
    expect((await api.call('PUT', '/fapi/v1/listenKey')).status).toBe(200);
    expect((await api.call('DELETE', '/fapi/v1/listenKey')).status).toBe(200);
    const put = await api.call('PUT', '/fapi/v1/listenKey');
    expect(put.status).toBe(400);
    expect((put.body as Json).code).toBe(-1125);
  });

  it('admin: creates and funds accounts, sets prices, reports them', async () => {
    const created = await api.admin('POST', '/_sim/accounts', {
      apiKey: 'dave-key',
      secret: 'dave-secret',
      deposit: '2500.5',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ apiKey: 'dave-key', walletBalance: '2500.5' });
    expect((await api.admin('POST', '/_sim/accounts', { apiKey: 'dave-key', secret: 'x' })).status).toBe(400);
    await api.admin('POST', '/_sim/accounts/dave-key/deposit', { amount: 100 });
    expect(((await api.admin('GET', '/_sim/accounts/dave-key')).body as Json).walletBalance).toBe('2600.5');
    const dave = rawClient(h.server.url, 'dave-key', 'dave-secret');
    expect((await dave.call('GET', '/fapi/v3/account')).status).toBe(200);
    const priced = await api.admin('POST', '/_sim/price', { symbol: 'ETHUSDT', last: 3100, mark: 3101 });
    expect(priced.body).toEqual([
      expect.objectContaining({ symbol: 'ETHUSDT', lastPrice: '3100', markPrice: '3101' }),
    ]);
    const mark = (await api.public('/fapi/v1/premiumIndex', { symbol: 'ETHUSDT' })).body as Json;
    expect(mark.markPrice).toBe('3101.00000000');
    expect(
      (await api.admin('POST', '/_sim/symbols', { symbol: 'SOLUSDT', tickSize: '0.01', stepSize: '0.1' }))
        .status,
    ).toBe(201);
    expect((await api.admin('GET', '/_sim/nothing')).status).toBe(404);
    expect((await api.admin('POST', '/_sim/price', { last: 1 })).status).toBe(400);
  });

  it('admin: arms faults, counts their firings, clears them', async () => {
    const armed = await api.admin('POST', '/_sim/faults', {
      faults: [
        { kind: 'reject', code: -2019, path: '/fapi/v1/order', times: 2 },
        { kind: 'http', status: 503, path: '/fapi/v3/account' },
      ],
    });
    expect(armed.status).toBe(201);
    const order = await api.call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.002',
    });
    expect(order.body).toEqual({ code: -2019, msg: 'Margin is insufficient.' });
    const account = await api.call('GET', '/fapi/v3/account');
    expect(account.status).toBe(503);
    const report = (await api.admin('GET', '/_sim/faults')).body as {
      armed: Json[];
      fired: Json;
      total: number;
    };
    expect(report.armed).toHaveLength(1);
    expect(report.fired).toMatchObject({ reject: 1, http: 1 });
    expect((await api.admin('DELETE', '/_sim/faults')).status).toBe(200);
    expect(((await api.admin('GET', '/_sim/faults')).body as { armed: Json[] }).armed).toEqual([]);
    expect((await api.admin('POST', '/_sim/faults', { kind: 'explode' })).status).toBe(400);
  });

  it('admin: rate limits carry Retry-After; restarts keep the state', async () => {
    await api.admin('POST', '/_sim/faults', {
      kind: 'rateLimit',
      status: 418,
      retryAfterSec: 30,
      path: '/fapi/v1/time',
    });
    const banned = await api.public('/fapi/v1/time');
    expect(banned.status).toBe(418);
    expect(banned.headers.get('retry-after')).toBe('30');
    expect((banned.body as Json).code).toBe(-1003);
    const before = (await api.call('GET', '/fapi/v3/account')).body;
    expect((await api.admin('POST', '/_sim/restart', { downMs: 50 })).status).toBe(202);
    await new Promise((r) => setTimeout(r, 250));
    expect((await api.call('GET', '/fapi/v3/account')).body).toEqual(before);
  });
});

describe('served simulator WebSockets', () => {
  let h: Harness;
  let api: RawClient;
  const wsBase = () => h.server.url.replace('http', 'ws');

  beforeAll(async () => {
    h = await startHarness();
    api = rawClient(h.server.url, 'alice-key', 'alice-secret');
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves the user stream on the legacy /ws/<listenKey> route too', async () => {
    const key = ((await api.call('POST', '/fapi/v1/listenKey')).body as Json).listenKey as string;
    const ws = await openWs(`${wsBase()}/ws/${key}`);
    await api.call('POST', '/fapi/v1/leverage', { symbol: 'ETHUSDT', leverage: 5 });
    expect(await ws.next((m) => (m as Json).e === 'ACCOUNT_CONFIG_UPDATE')).toMatchObject({
      ac: { s: 'ETHUSDT', l: 5 },
    });
    ws.close();
  });

  it('wraps combined streams as {stream, data}, lists subscriptions, answers pings', async () => {
    const key = ((await api.call('POST', '/fapi/v1/listenKey')).body as Json).listenKey as string;
    const ws = await openWs(`${wsBase()}/stream?streams=${key}/btcusdt@markPrice`);
    h.server.setPrice('BTCUSDT', { last: 60_500 });
    expect(await ws.next((m) => (m as Json).stream === 'btcusdt@markprice')).toMatchObject({
      data: { e: 'markPriceUpdate', p: '60500.0' },
    });
    ws.send({ method: 'LIST_SUBSCRIPTIONS', id: 7 });
    expect(await ws.next((m) => (m as Json).id === 7)).toEqual({ result: ['btcusdt@markprice'], id: 7 });
    const pong = new Promise<void>((resolve) => ws.socket.once('pong', () => resolve()));
    ws.socket.ping();
    await pong;
    await api.call('POST', '/fapi/v1/order', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: '0.002',
    });
    expect(await ws.next((m) => (m as Json).stream === key)).toMatchObject({
      data: { e: 'ORDER_TRADE_UPDATE' },
    });
    ws.close();
  });

  it('closes a stream opened with an unknown listen key, refuses unknown paths', async () => {
    const ws = await openWs(`${wsBase()}/private/ws?listenKey=${'x'.repeat(64)}`);
    expect((await ws.closed).code).toBe(1008);
    await expect(openWs(`${wsBase()}/nowhere`)).rejects.toThrow();
  });

  it('closes kline candles as the minute turns (x: true) and drops sockets on demand', async () => {
    const ws = await openWs(`${wsBase()}/market/ws/btcusdt@kline_1m`);
    h.server.setPrice('BTCUSDT', { last: 60_000, time: T0 + 10_000 });
    h.server.setPrice('BTCUSDT', { last: 60_200, time: T0 + MINUTE_MS + 5_000 });
    const closed = (await ws.next((m) => ((m as Json).k as Json | undefined)?.x === true)) as { k: Json };
    expect(closed.k).toMatchObject({ t: T0, T: T0 + MINUTE_MS - 1, i: '1m' });
    expect(h.server.dropWebSockets('market')).toBeGreaterThanOrEqual(1);
    await ws.closed;
  });
});

describe('a feed-driven served market', () => {
  it('steps the simulator through the feed candles and serves their history as klines', async () => {
    const start = Date.UTC(2026, 0, 1);
    const candles: Candle[] = Array.from({ length: 30 }, (_, i) => ({
      openTime: start + i * 5 * MINUTE_MS,
      open: 100 + i,
      high: 101 + i,
      low: 99 + i,
      close: 100.5 + i,
      volume: 10,
    }));
    const clock = createManualClock(start + 20 * 5 * MINUTE_MS);
    const feed = createMemoryFeed({
      symbols: [{ symbol: marketSymbol('SOLUSDT'), timeframe: '5m', candles }],
      pace: 'manual',
      clock,
    });
    const sim = new Simulator({ clock, symbols: simSymbolsFromRules(await feed.universe()) });
    const server = new SimExchangeServer({
      simulator: sim,
      feed,
      accounts: [{ apiKey: 'k', secret: 's', deposit: 1_000 }],
    });
    await server.start();
    const driver = new MarketDriver({ server, feed });
    await driver.start();
    try {
      expect(sim.marketState('SOLUSDT').lastPrice.toNumber()).toBe(119.5);
      const api = rawClient(server.url, 'k', 's');
      expect((await api.admin('POST', '/_sim/market/advance', { steps: 3 })).status).toBe(200);
      expect(sim.marketState('SOLUSDT').lastPrice.toNumber()).toBe(122.5);
      const klines = (await api.public('/fapi/v1/klines', { symbol: 'SOLUSDT', interval: '5m', limit: 5 }))
        .body as unknown[][];
      expect(klines.map((k) => k[0])).toEqual([18, 19, 20, 21, 22].map((i) => start + i * 5 * MINUTE_MS));
      const hourly = (await api.public('/fapi/v1/klines', { symbol: 'SOLUSDT', interval: '1h', limit: 1 }))
        .body as unknown[][];
      expect(hourly).toHaveLength(1);
    } finally {
      driver.close();
      await server.close();
      await feed.close();
    }
  });
});
