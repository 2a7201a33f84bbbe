import { describe, expect, it } from 'vitest';
import {
  type ClientOrderId,
  DomainError,
  ErrorCode,
  type MarketSymbol,
  type Price,
  type Qty,
} from '../../domain/index.js';
import type { CreateOrderRequest, Exchange, UserStreamEvent } from '../port.js';
import { createTestSimulator, d } from './fixtures.js';

const BTC = 'BTCUSDT' as MarketSymbol;
const cid = (s: string) => s as ClientOrderId;
const q = (s: string) => d(s) as Qty;
const p = (s: string) => d(s) as Price;

function setup() {
  const t = createTestSimulator();
  return { ...t, ex: t.sim.account('a') };
}

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, exchangeCode?: number): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe(code);
  if (exchangeCode !== undefined) expect((err as DomainError).details?.exchangeCode).toBe(exchangeCode);
}

const entry = (over: Partial<CreateOrderRequest> = {}): CreateOrderRequest => ({
  symbol: BTC,
  side: 'BUY',
  type: 'MARKET',
  qty: q('0.01'),
  clientOrderId: cid('nt-entry'),
  ...over,
});

const stopLoss = (over: Partial<CreateOrderRequest> = {}): CreateOrderRequest => ({
  symbol: BTC,
  side: 'SELL',
  type: 'STOP_MARKET',
  triggerPrice: p('97000'),
  closePosition: true,
  workingType: 'MARK_PRICE',
  clientOrderId: cid('nt-sl'),
  ...over,
});

describe('the Exchange port over the simulator', () => {
  it('lists markets with their rules', async () => {
    const { ex } = setup();
    const markets = await ex.markets();
    const btc = markets.find((m) => m.symbol === 'BTCUSDT')!;
    expect(btc.tickSize.toString()).toBe('0.1');
    expect(btc.minNotional.toNumber()).toBe(100);
    expect(btc.maxLeverage).toBe(125);
  });

  it('routes MARKET/LIMIT to the regular family and stops to the algo family', async () => {
    const { ex } = setup();
    const filled = await ex.createOrder(entry());
    expect(filled.family).toBe('regular');
    expect(filled.status).toBe('FILLED');
    expect(filled.family === 'regular' && filled.avgFillPrice?.toNumber()).toBe(100_000);
    const sl = await ex.createOrder(stopLoss());
    expect(sl.family).toBe('algo');
    expect(sl.status).toBe('NEW');
    expect(sl.qty).toBeNull();
    expect(sl.triggerPrice?.toNumber()).toBe(97_000);
    const open = await ex.openOrders(BTC);
    expect(open.map((o) => [o.family, o.clientOrderId])).toEqual([['algo', 'nt-sl']]);
  });

  it('rejects with domain codes and keeps the Binance code', async () => {
    const { ex } = setup();
    await rejectsWith(ex.createOrder(entry({ qty: q('5') })), ErrorCode.INSUFFICIENT_MARGIN, -2019);
    await rejectsWith(
      ex.createOrder(entry({ type: 'LIMIT', price: p('99000'), qty: q('0.001') })),
      ErrorCode.BELOW_MIN_NOTIONAL,
      -4164,
    );
    await rejectsWith(
      ex.createOrder(entry({ side: 'SELL', reduceOnly: true })),
      ErrorCode.REDUCE_ONLY_REJECTED,
      -2022,
    );
    await rejectsWith(
      ex.createOrder(stopLoss({ triggerPrice: p('100500') })),
      ErrorCode.WOULD_TRIGGER_IMMEDIATELY,
      -2021,
    );
    await rejectsWith(ex.createOrder(entry({ price: p('1') })), ErrorCode.EXCHANGE_REJECTED, -1106);
    await rejectsWith(ex.createOrder(stopLoss({ price: p('96000') })), ErrorCode.EXCHANGE_REJECTED, -1106);
    await rejectsWith(
      ex.createOrder(entry({ triggerPrice: p('96000') })),
      ErrorCode.EXCHANGE_REJECTED,
      -1106,
    );
    await ex.createOrder(entry({ type: 'LIMIT', price: p('99000'), clientOrderId: cid('dup') }));
    await rejectsWith(
      ex.createOrder(entry({ type: 'LIMIT', price: p('99000'), clientOrderId: cid('dup') })),
      ErrorCode.DUPLICATE_CLIENT_ORDER_ID,
      -4116,
    );
  });

  it('looks orders up by client order id in either family, undefined when unknown', async () => {
    const { ex } = setup();
    await ex.createOrder(entry());
    await ex.createOrder(stopLoss());
    expect((await ex.fetchOrder({ symbol: BTC, clientOrderId: cid('nt-entry') }))?.status).toBe('FILLED');
    const sl = await ex.fetchOrder({ symbol: BTC, clientOrderId: cid('nt-sl') });
    expect(sl?.family).toBe('algo');
    expect(
      await ex.fetchOrder({ symbol: BTC, clientOrderId: cid('nt-sl'), family: 'regular' }),
    ).toBeUndefined();
    expect(
      await ex.fetchOrder({ symbol: BTC, clientOrderId: cid('nt-entry'), family: 'algo' }),
    ).toBeUndefined();
    expect(await ex.fetchOrder({ symbol: BTC, clientOrderId: cid('never-sent') })).toBeUndefined();
    expect(
      await ex.fetchOrder({ symbol: 'DOGEUSDT' as MarketSymbol, clientOrderId: cid('nt-sl') }),
    ).toBeUndefined();
  });

  it('cancels one order of either family by client id, and both families at once', async () => {
    const { ex } = setup();
    await ex.createOrder(entry());
    await ex.createOrder(stopLoss());
    await ex.createOrder(entry({ type: 'LIMIT', price: p('95000'), clientOrderId: cid('bid') }));
    expect((await ex.cancelOrder({ symbol: BTC, clientOrderId: cid('nt-sl') })).status).toBe('CANCELED');
    await rejectsWith(
      ex.cancelOrder({ symbol: BTC, clientOrderId: cid('nt-sl') }),
      ErrorCode.ORDER_NOT_FOUND,
    );
    await rejectsWith(
      ex.cancelOrder({ symbol: BTC, clientOrderId: cid('nt-entry') }),
      ErrorCode.ORDER_NOT_FOUND,
    );
    await ex.createOrder(stopLoss({ clientOrderId: cid('nt-sl2') }));
    expect(await ex.cancelAllOrders(BTC)).toEqual({ regular: 1, algo: 1 });
    expect(await ex.openOrders()).toEqual([]);
  });

  it('sets leverage and margin mode; setting the same margin mode again succeeds', async () => {
    const { ex } = setup();
    const r = await ex.setLeverage(BTC, 10);
    expect(r.maxNotional.toNumber()).toBe(230_000_000);
    await ex.setMarginMode(BTC, 'ISOLATED');
    await ex.setMarginMode(BTC, 'CROSSED');
    await ex.setMarginMode(BTC, 'CROSSED');
    await ex.createOrder(entry());
    await rejectsWith(ex.setMarginMode(BTC, 'ISOLATED'), ErrorCode.EXCHANGE_REJECTED, -4048);
    const [pos] = await ex.positions();
    expect(pos!.marginMode).toBe('CROSSED');
    expect(pos!.leverage).toBe(10);
  });

  it('reports balance and positions: equity = wallet + unrealised PnL', async () => {
    const { ex, sim } = setup();
    await ex.createOrder(entry());
    sim.onPrice('BTCUSDT', { last: 101_000 });
    const [pos] = await ex.positions(BTC);
    expect(pos!.side).toBe('LONG');
    expect(pos!.qty.toNumber()).toBe(0.01);
    expect(pos!.unrealizedPnl.toNumber()).toBe(10);
    expect(pos!.notional.toNumber()).toBe(1_010);
    expect(pos!.liquidationPrice?.toNumber()).toBeGreaterThan(95_000);
    const b = await ex.balance();
    expect(b.walletBalance.toNumber()).toBe(9_999.5);
    expect(b.marginBalance.eq(b.walletBalance.plus(b.unrealizedPnl))).toBe(true);
    expect(b.crossWalletBalance.toNumber()).toBe(9_999.5 - 50);
  });

  it('streams order, fill, balance and position events in Binance order', async () => {
    const { ex, sim } = setup();
    const seen: UserStreamEvent[] = [];
    const stop = ex.subscribe((e) => seen.push(e));
    await ex.createOrder(entry());
    expect(seen.map((e) => (e.type === 'order' ? `order:${e.order.status}` : e.type))).toEqual([
      'order:NEW',
      'order:FILLED',
      'fill',
      'balance',
      'position',
    ]);
    const fill = seen.find((e) => e.type === 'fill');
    expect(fill?.type === 'fill' && fill.fill.fee.toNumber()).toBe(0.5);
    const position = seen.find((e) => e.type === 'position');
    expect(position?.type === 'position' && position.positionAmt.toNumber()).toBe(0.01);
    // Another account's activity is not on this stream; after unsubscribe nothing arrives.
    sim.createAccount('other', { deposit: 1_000 });
    await sim.account('other').createOrder(entry());
    const count = seen.length;
    stop();
    await ex.createOrder(entry({ side: 'SELL', clientOrderId: cid('exit') }));
    expect(seen).toHaveLength(count);
  });

  it('gives every listener the same events, in the same order, each listener in turn', async () => {
    const { ex } = setup();
    const log: string[] = [];
    const first: UserStreamEvent[] = [];
    const second: UserStreamEvent[] = [];
    const stops = [
      ex.subscribe((e) => {
        first.push(e);
        log.push(`1:${e.type}`);
      }),
      ex.subscribe((e) => {
        second.push(e);
        log.push(`2:${e.type}`);
      }),
    ];
    await ex.createOrder(entry());
    await ex.createOrder(entry({ side: 'SELL', clientOrderId: cid('exit') }));
    expect(first.map((e) => e.type)).toEqual([
      'order',
      'order',
      'fill',
      'balance',
      'position',
      'order',
      'order',
      'fill',
      'balance',
      'position',
    ]);
    // One engine event at a time: its port events to the first listener, then to the second.
    expect(log.slice(0, 7)).toEqual([
      '1:order',
      '2:order',
      '1:order',
      '1:fill',
      '2:order',
      '2:fill',
      '1:balance',
    ]);
    // Translated once: the second listener gets the very events the first got.
    expect(second).toHaveLength(first.length);
    for (const [i, e] of second.entries()) expect(e).toBe(first[i]);
    for (const stop of stops) stop();
  });

  it('is the same object for the same account, and refuses unknown accounts', () => {
    const { sim } = setup();
    const ex: Exchange = sim.account('a');
    expect(sim.account('a')).toBe(ex);
    expect(() => sim.account('nobody')).toThrow(DomainError);
  });
});
