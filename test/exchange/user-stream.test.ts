/**
 * The adapter's user stream over the served simulator's WebSocket: events in Binance's order,
 * and every way the stream can break (WebSocket drop, listen-key expiry, server restart) ending
 * with lost -> open -> a REST catch-up that delivers what happened while it was down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientOrderId, marketSymbol, price, qty } from '../../src/domain/index.js';
import type { CcxtExchange } from '../../src/exchange/ccxt/index.js';
import type { UserStreamEvent } from '../../src/exchange/index.js';
import { type Harness, startHarness, until } from './harness.js';

const BTC = marketSymbol('BTCUSDT');
const id = (s: string) => s as ClientOrderId;

const describeEvent = (e: UserStreamEvent): string => {
  switch (e.type) {
    case 'order':
      return `order:${e.order.clientOrderId}:${e.order.status}`;
    case 'fill':
      return `fill:${e.fill.clientOrderId}:${e.fill.qty.toFixed()}@${e.fill.price.toFixed()}`;
    case 'balance':
      return `balance:${e.reason}`;
    case 'position':
      return `position:${e.symbol}:${e.positionAmt.toFixed()}`;
    case 'leverage':
      return `leverage:${e.symbol}:${e.leverage}`;
    case 'stream':
      return `stream:${e.state}`;
  }
};

describe('user stream through the adapter', () => {
  let h: Harness;
  let ex: CcxtExchange;
  const events: UserStreamEvent[] = [];
  const seen = () => events.map(describeEvent);
  const take = () => events.splice(0).map(describeEvent);

  beforeAll(async () => {
    h = await startHarness([{ apiKey: 'alice-key', secret: 'alice-secret', deposit: 10_000 }]);
    ex = await h.connect();
    ex.subscribe((e) => events.push(e));
    await until(() => seen().includes('stream:open'), 5_000, 'the stream to open');
    take();
  });
  afterAll(async () => {
    await h.close();
  });

  it('delivers an entry in Binance order: NEW, FILLED with its fill, then balance and position', async () => {
    await ex.createOrder({
      symbol: BTC,
      side: 'BUY',
      type: 'MARKET',
      clientOrderId: id('s-entry'),
      qty: qty('0.01'),
    });
    await until(() => seen().includes('position:BTCUSDT:0.01'), 3_000, 'the position event');
    expect(take()).toEqual([
      'order:s-entry:NEW',
      'order:s-entry:FILLED',
      'fill:s-entry:0.01@60000',
      'balance:ORDER',
      'position:BTCUSDT:0.01',
    ]);
  });

  it('delivers the algo lifecycle and the triggered child order when the stop fires', async () => {
    await ex.createOrder({
      symbol: BTC,
      side: 'SELL',
      type: 'STOP_MARKET',
      clientOrderId: id('s-sl'),
      triggerPrice: price('59000'),
      closePosition: true,
    });
    await until(() => seen().includes('order:s-sl:NEW'), 3_000, 'the algo NEW');
    h.server.setPrice('BTCUSDT', { last: 58_900 });
    await until(() => seen().includes('position:BTCUSDT:0'), 3_000, 'the position to close');
    const got = take();
    expect(got.slice(0, 2)).toEqual(['order:s-sl:NEW', 'order:s-sl:TRIGGERED']);
    expect(got).toContain('order:trg-1:FILLED');
    expect(got).toContain('order:s-sl:FINISHED');
    expect(got.find((e) => e.startsWith('fill:trg-1'))).toBe('fill:trg-1:0.01@58900');
    const finished = events.length === 0; // nothing left over
    expect(finished).toBe(true);
  });

  it('after a WebSocket drop: lost, open, then the catch-up delivers what happened meanwhile', async () => {
    h.server.setPrice('BTCUSDT', { last: 60_000 });
    await ex.createOrder({
      symbol: BTC,
      side: 'BUY',
      type: 'MARKET',
      clientOrderId: id('s-e2'),
      qty: qty('0.01'),
    });
    await ex.createOrder({
      symbol: BTC,
      side: 'SELL',
      type: 'STOP_MARKET',
      clientOrderId: id('s-sl2'),
      triggerPrice: price('59500'),
      closePosition: true,
    });
    await until(() => seen().includes('order:s-sl2:NEW'), 3_000, 'the second stop');
    take();
    expect(h.server.dropWebSockets('user')).toBe(1);
    // The stop fires while nobody listens.
    h.server.setPrice('BTCUSDT', { last: 59_400 });
    await until(() => seen().includes('position:BTCUSDT:0'), 5_000, 'the catch-up');
    const got = take();
    expect(got[0]).toBe('stream:lost');
    expect(got[1]).toBe('stream:open');
    expect(got).toContain('order:s-sl2:FINISHED');
    expect(got.some((e) => e.startsWith('fill:trg-2:0.01@'))).toBe(true);
    expect(got).toContain('balance:ADJUSTMENT');
    expect(h.server.faults.report().fired.wsDrop).toBe(1);
  });

  it('after the listen key expires: a new key, the stream back, and nothing delivered twice', async () => {
    h.server.expireListenKeys();
    await until(() => seen().includes('stream:open'), 5_000, 'the stream to reopen');
    await new Promise((r) => setTimeout(r, 100));
    const got = take();
    expect(got[0]).toBe('stream:lost');
    expect(got.filter((e) => e.startsWith('fill:'))).toEqual([]); // trades already delivered are not repeated
    await ex.createOrder({
      symbol: BTC,
      side: 'BUY',
      type: 'MARKET',
      clientOrderId: id('s-e3'),
      qty: qty('0.002'),
    });
    await until(() => seen().includes('order:s-e3:FILLED'), 3_000, 'live events on the new key');
  });

  it('after a server restart with state kept: lost, then back with the catch-up', async () => {
    take();
    await h.server.restart(100);
    await until(() => seen().includes('stream:open'), 5_000, 'the stream after the restart');
    await until(() => seen().includes('position:BTCUSDT:0.002'), 3_000, 'the position snapshot');
    expect(seen()[0]).toBe('stream:lost');
  });
});

describe('listen-key keepalive', () => {
  it('PUTs the key often enough that a short-lived key never expires under the stream', async () => {
    const h = await startHarness(undefined, {}, { listenKeyValidityMs: 400 });
    try {
      const puts = h.server.faults.arm({
        kind: 'latency',
        ms: 0,
        method: 'PUT',
        path: '/fapi/v1/listenKey',
        times: 0,
      });
      const ex = await h.connect('alice-key', 'alice-secret', {
        stream: { keepAliveMs: 100, reconnectInitialMs: 30, pingIntervalMs: 1_000, pongTimeoutMs: 500 },
      });
      const mine: UserStreamEvent[] = [];
      ex.subscribe((e) => mine.push(e));
      await until(() => mine.some((e) => e.type === 'stream' && e.state === 'open'), 3_000, 'open');
      await new Promise((r) => setTimeout(r, 1_000));
      expect(puts.fired).toBeGreaterThanOrEqual(5);
      expect(mine.filter((e) => e.type === 'stream' && e.state === 'lost')).toEqual([]);
    } finally {
      await h.close();
    }
  });

  it('without keepalive the key expires: listenKeyExpired, lost, and a new key', async () => {
    const h = await startHarness(undefined, {}, { listenKeyValidityMs: 300 });
    try {
      const ex = await h.connect('alice-key', 'alice-secret', {
        stream: { keepAliveMs: 60_000, reconnectInitialMs: 30, pingIntervalMs: 1_000, pongTimeoutMs: 500 },
      });
      const mine: UserStreamEvent[] = [];
      ex.subscribe((e) => mine.push(e));
      await until(() => mine.some((e) => e.type === 'stream' && e.state === 'lost'), 3_000, 'the expiry');
      await until(
        () => mine.filter((e) => e.type === 'stream' && e.state === 'open').length >= 2,
        3_000,
        'reopen',
      );
    } finally {
      await h.close();
    }
  });
});
