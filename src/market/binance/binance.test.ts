/**
 * The Binance feed against a local fake Binance (127.0.0.1, recorded response shapes): universe
 * filtering, kline paging within the weight budget, 418/429 backoff, WebSocket candles,
 * liquidations and mark prices, reconnect with backfill.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CandleUpdate,
  createManualClock,
  isDomainError,
  type ManualClock,
  marketSymbol,
} from '../../domain/index.js';
import { type FakeBinance, klineEvent, startFakeBinance } from '../testing/fake-binance.js';
import { columnsToCandles } from '../timeframes.js';
import { type BinanceFeed, createBinanceFeed } from './binance-feed.js';

const BTC = marketSymbol('BTCUSDT');
const ETH = marketSymbol('ETHUSDT');
const NOW = Date.UTC(2026, 0, 10, 12, 3, 20); // mid-candle on purpose
const M = 60_000;

let clock: ManualClock;
let fake: FakeBinance;
let feed: BinanceFeed;

async function open(options: Parameters<typeof createBinanceFeed>[0] = {}, fakeOptions = {}) {
  clock = createManualClock(NOW);
  fake = await startFakeBinance({ now: () => clock.now(), ...fakeOptions });
  feed = await createBinanceFeed({
    baseUrl: fake.url,
    clock,
    sleep: async (ms) => clock.advance(ms),
    initialBackoffMs: 5_000,
    reconnectInitialMs: 20,
    ...options,
  });
}

async function nextOf<T>(sub: AsyncIterator<T>, timeoutMs = 5_000): Promise<T> {
  const timer = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error('no event in time')), timeoutMs),
  );
  const r = await Promise.race([sub.next(), timer]);
  if (r.done) throw new Error('subscription ended');
  return r.value;
}

afterEach(async () => {
  await feed?.close();
  await fake?.close();
});

describe('binance feed: REST', () => {
  beforeEach(() => open());

  it('lists only perpetual, USDT-margined, TRADING contracts, with exchangeInfo’s exact decimals', async () => {
    const rules = await feed.universe();
    expect(rules.map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'DOGEUSDT']);
    const btc = rules[0]!;
    expect(
      [btc.tickSize, btc.stepSize, btc.minQty, btc.maxQty, btc.marketMaxQty, btc.minNotional].map(String),
    ).toEqual(['0.1', '0.001', '0.001', '1000', '120', '100']);
    expect(rules[2]!.tickSize.toFixed()).toBe('0.00001');
    expect(() => feed.watchCandles([marketSymbol('OLDUSDT')], '5m')).toThrow(
      /OLDUSDT is not in Binance's USDT perpetual universe/,
    );
    await feed.universe();
    expect(fake.requests.filter((r) => r.path === '/fapi/v1/exchangeInfo')).toHaveLength(1); // cached
  });

  it('pages history in 499-candle requests (weight 2) and returns closed candles only', async () => {
    const candles = await feed.candles(BTC, '5m', { limit: 800 });
    const klines = fake.requests.filter((r) => r.path === '/fapi/v1/klines');
    expect(klines.map((r) => [Number(r.params.limit), r.weight])).toEqual([
      [499, 2],
      [301, 2],
    ]);
    expect(candles).toHaveLength(800);
    const last = candles.at(-1)!;
    expect(last.openTime).toBe(Date.UTC(2026, 0, 10, 11, 55)); // 12:00 is still forming at 12:03
    const server = columnsToCandles(fake.candles('BTCUSDT', '5m')).filter((c) => c.openTime <= last.openTime);
    expect(candles).toEqual(server.slice(-800));
    const ranged = await feed.candleColumns(BTC, '1h', {
      from: Date.UTC(2026, 0, 9, 22, 30),
      to: Date.UTC(2026, 0, 10, 2),
    });
    expect([...ranged.openTime].map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      '23:00',
      '00:00',
      '01:00',
      '02:00',
    ]);
  });

  it('serves tickers for the universe and the mark price', async () => {
    const tickers = await feed.tickers();
    expect(tickers.map((t) => t.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'DOGEUSDT']);
    for (const t of tickers)
      expect(t.lastPrice > 0 && Number.isFinite(t.quoteVolume) && Number.isFinite(t.changePct)).toBe(true);
    const mark = await feed.markPrice(ETH);
    expect(mark.symbol).toBe(ETH);
    expect(mark.markPrice).toBeGreaterThan(0);
    expect(mark.time).toBe(NOW);
  });

  it('maps Binance’s invalid-symbol answer to NOT_FOUND and bad klines to BAD_DATA naming symbol and time', async () => {
    await expect(feed.candles(marketSymbol('NOPEUSDT'), '5m', { limit: 10 })).rejects.toSatisfy((e) =>
      isDomainError(e, 'NOT_FOUND'),
    );
    const t = Date.UTC(2026, 0, 10, 11, 0);
    fake.failNext({
      status: 200,
      body: [[t, '100', '101', '-1', '100.5', '3', t + 299_999, '0', 1, '0', '0', '0']],
    });
    await expect(feed.candles(ETH, '5m', { limit: 10 })).rejects.toThrow(
      'GET /fapi/v1/klines: ETHUSDT 5m candle at 2026-01-10T11:00:00.000Z: low is -1 (prices must be positive)',
    );
  });
});

describe('binance feed: request weight', () => {
  it('waits for the budget instead of exceeding it: the server never answers 429', async () => {
    await open({ weightLimitPerMinute: 10 }, { weightLimitPerMinute: 10 });
    const candles = await feed.candles(BTC, '1m', { limit: 3_000 });
    expect(candles).toHaveLength(3_000);
    const klines = fake.requests.filter((r) => r.path === '/fapi/v1/klines');
    expect(klines).toHaveLength(7);
    expect(klines.every((r) => r.status === 200)).toBe(true);
    expect(clock.now()).toBeGreaterThanOrEqual(NOW + 60_000); // it waited a window out
  });

  it('counts the weight Binance reports for the IP (other processes on it), not only its own', async () => {
    await open();
    const t = Date.UTC(2026, 0, 10, 11, 0);
    fake.failNext({
      status: 200,
      body: [[t, '100', '101', '99', '100.5', '3', t + 299_999, '300', 1, '0', '0', '0']],
      headers: { 'x-mbx-used-weight-1m': '2000' },
    });
    await feed.candles(ETH, '5m', { limit: 1 });
    expect(feed.budget.used()).toBe(2000);
  });

  it('backs off after a 429 and sends nothing until the pause is over', async () => {
    await open();
    fake.failNext({
      status: 429,
      body: { code: -1003, msg: 'Too many requests; current limit is 2400 requests per minute.' },
    });
    const candles = await feed.candles(BTC, '5m', { limit: 10 });
    expect(candles).toHaveLength(10);
    const [refused, retried] = fake.requests.filter((r) => r.path === '/fapi/v1/klines');
    expect(refused!.status).toBe(429);
    expect(retried!.time - refused!.time).toBeGreaterThanOrEqual(5_000);
  });

  it('after a 418 waits until the ban Binance announced', async () => {
    await open();
    const until = NOW + 180_000;
    fake.failNext({
      status: 418,
      body: {
        code: -1003,
        msg: `Way too many requests; IP banned until ${until}. Please use the websocket for live updates to avoid bans.`,
      },
    });
    await feed.candles(BTC, '5m', { limit: 5 });
    const klines = fake.requests.filter((r) => r.path === '/fapi/v1/klines');
    expect(klines.map((r) => r.status)).toEqual([418, 200]);
    expect(klines[1]!.time).toBeGreaterThan(until);
  });

  it('retries a 5xx without a JSON body (idempotent read)', async () => {
    await open();
    fake.failNext({ status: 503, body: 'Service Unavailable.' });
    expect(await feed.candles(ETH, '5m', { limit: 3 })).toHaveLength(3);
  });
});

describe('binance feed: WebSocket', () => {
  beforeEach(() => open());

  it('streams forming then closed candles, each closed candle once and in order', async () => {
    const sub = feed.watchCandles([BTC], '5m');
    const got: CandleUpdate[] = [];
    for (let i = 0; i < 4; i++) got.push(await nextOf(sub));
    expect(got.map((u) => [new Date(u.candle.openTime).toISOString().slice(11, 16), u.closed])).toEqual([
      ['12:00', false],
      ['12:00', true],
      ['12:05', false],
      ['12:05', true],
    ]);
    expect(got[1]!.candle).toEqual(
      columnsToCandles(fake.candles('BTCUSDT', '5m')).find((c) => c.openTime === got[1]!.candle.openTime),
    );
    // A replayed older candle and a malformed event are not delivered; the next real one is.
    const t = Date.UTC(2026, 0, 10, 12, 0);
    fake.push('btcusdt@kline_5m', klineEvent('BTCUSDT', '5m', t, { o: 1, h: 2, l: 1, c: 2, v: 1 }, true));
    fake.push('btcusdt@kline_5m', { e: 'kline', s: 'BTCUSDT', k: { i: '5m', t: t + 600_000, o: 'x' } });
    fake.push(
      'btcusdt@kline_5m',
      klineEvent('BTCUSDT', '5m', t + 600_000, { o: 1, h: 2, l: 0.5, c: 1.5, v: 3 }, false),
    );
    const next = await nextOf(sub);
    expect([next.candle.openTime, next.candle.low, next.closed]).toEqual([t + 600_000, 0.5, false]);
    sub.close();
  });

  it('turns forceOrder into liquidations (average price, filled quantity) and filters by symbol', async () => {
    const sub = feed.watchLiquidations([ETH]);
    const liq = await nextOf(sub);
    expect(liq).toMatchObject({ symbol: 'ETHUSDT', side: 'BUY', qty: 0.004 });
    expect(liq.price).toBeGreaterThan(0);
    expect(fake.subscriptions()).toEqual(new Set(['!forceOrder@arr']));
    sub.close();
    const marks = feed.watchMarkPrices([BTC]);
    expect((await nextOf(marks)).symbol).toBe(BTC);
  });

  it('reconnects after a dropped socket and delivers the closed candles it missed', async () => {
    const sub = feed.watchCandles([ETH], '5m');
    for (let i = 0; i < 4; i++) await nextOf(sub); // 12:00 and 12:05 closed
    await feed.whenSubscribed();
    clock.advance(16 * M); // now 12:19:20; 12:10 closed while the socket was down
    fake.dropConnections();
    const backfilled = await nextOf(sub);
    expect([new Date(backfilled.candle.openTime).toISOString().slice(11, 16), backfilled.closed]).toEqual([
      '12:10',
      true,
    ]);
    // Then the resubscribed stream plays on, without repeating 12:10.
    const after = await nextOf(sub);
    expect(after.candle.openTime).toBeGreaterThan(backfilled.candle.openTime);
    expect(fake.subscriptions()).toEqual(new Set(['ethusdt@kline_5m']));
  });
});
