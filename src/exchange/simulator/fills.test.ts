import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UserStreamEvent } from '../port.js';
import { createTestSimulator, d, trace } from './fixtures.js';
import { rangeVolumeSlippage } from './slippage.js';
import type { PlaceOrderRequest } from './types.js';

const order = (over: Partial<PlaceOrderRequest>): PlaceOrderRequest => ({
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'MARKET',
  quantity: d('0.01'),
  ...over,
});

describe('market orders', () => {
  it('fill at the last price with the taker fee (0.05% by default)', () => {
    const { sim } = createTestSimulator();
    const o = sim.placeOrder('a', order({ newClientOrderId: 'm1' }));
    expect(o.status).toBe('FILLED');
    expect(o.avgPrice.toNumber()).toBe(100_000);
    expect(o.executedQty.toNumber()).toBe(0.01);
    const [t] = sim.trades('a');
    expect(t!.commission.toNumber()).toBe(0.5); // 1,000 × 0.0005
    expect(t!.maker).toBe(false);
    expect(sim.ledger('a').fees.toNumber()).toBe(0.5);
    expect(sim.accountSummary('a').walletBalance.toNumber()).toBe(9_999.5);
  });

  it('realise PnL on the reducing part, keep entry on reductions, average entry on increases', () => {
    const { sim } = createTestSimulator({ deposit: 100_000 });
    sim.placeOrder('a', order({ quantity: d('0.01') }));
    sim.onPrice('BTCUSDT', { last: 102_000 });
    sim.placeOrder('a', order({ quantity: d('0.01') }));
    let [p] = sim.positionRisk('a');
    expect(p!.entryPrice.toNumber()).toBe(101_000);
    sim.onPrice('BTCUSDT', { last: 103_000 });
    sim.placeOrder('a', order({ side: 'SELL', quantity: d('0.005') }));
    [p] = sim.positionRisk('a');
    expect(p!.entryPrice.toNumber()).toBe(101_000);
    expect(p!.positionAmt.toNumber()).toBe(0.015);
    const last = sim.trades('a').at(-1)!;
    expect(last.realizedPnl.toNumber()).toBe(10); // 0.005 × (103,000 − 101,000)
    // Flip: sell 0.025 closes 0.015 long (+30) and opens 0.01 short at 103,000.
    sim.placeOrder('a', order({ side: 'SELL', quantity: d('0.025') }));
    [p] = sim.positionRisk('a');
    expect(p!.positionAmt.toNumber()).toBe(-0.01);
    expect(p!.entryPrice.toNumber()).toBe(103_000);
    expect(sim.ledger('a').realizedPnl.toNumber()).toBe(40);
  });

  it('isolated margin: the isolated wallet holds notional / leverage and is released on close', () => {
    const { sim } = createTestSimulator();
    sim.setLeverage('a', 'BTCUSDT', 10);
    sim.placeOrder('a', order({ quantity: d('0.02') }));
    let [p] = sim.positionRisk('a');
    expect(p!.isolatedWallet.toNumber()).toBe(200);
    expect(sim.accountSummary('a').crossWalletBalance.toNumber()).toBe(10_000 - 1 - 200);
    sim.placeOrder('a', order({ side: 'SELL', quantity: d('0.01') }));
    [p] = sim.positionRisk('a');
    expect(p!.isolatedWallet.toNumber()).toBe(100);
    sim.placeOrder('a', order({ side: 'SELL', quantity: d('0.01') }));
    expect(sim.positionRisk('a')).toEqual([]);
    expect(sim.accountSummary('a').crossWalletBalance.toNumber()).toBe(10_000 - 2);
  });

  it('slip against the taker with the range/volume model, on the tick, deterministically', () => {
    const make = () =>
      createTestSimulator({
        slippage: rangeVolumeSlippage({ rangeShare: 0.5, exponent: 1, jitter: 0.5 }),
        seed: 9,
      });
    const runs = [make(), make()].map(({ sim }) => {
      sim.onPrice('BTCUSDT', { last: 100_000, high: 101_000, low: 99_000, volume: 1 });
      const buy = sim.placeOrder('a', order({ quantity: d('0.1') }));
      const sell = sim.placeOrder('a', order({ side: 'SELL', quantity: d('0.1') }));
      return [buy.avgPrice.toNumber(), sell.avgPrice.toNumber()];
    });
    const [buy, sell] = runs[0]!;
    expect(buy).toBeGreaterThan(100_000);
    expect(sell).toBeLessThan(100_000);
    // 0.5 × 2% range × (0.1 / 1) = 0.1% before jitter (≤ +50%).
    expect(buy).toBeLessThanOrEqual(100_150.1);
    expect(Number.isInteger(Math.round(buy! * 10))).toBe(true);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('a reduce-only market larger than the position fills the position and expires the rest (er=4)', () => {
    const { sim, events } = createTestSimulator();
    sim.placeOrder('a', order({ quantity: d('0.01') }));
    events.length = 0;
    const o = sim.placeOrder('a', order({ side: 'SELL', quantity: d('0.05'), reduceOnly: true }));
    expect(o.status).toBe('EXPIRED');
    expect(o.executedQty.toNumber()).toBe(0.01);
    expect(o.expiryReason).toBe(4);
    expect(sim.positionRisk('a')).toEqual([]);
    expect(trace(events)).toEqual([
      'ORDER_TRADE_UPDATE:NEW:NEW',
      'ORDER_TRADE_UPDATE:TRADE:PARTIALLY_FILLED',
      'ACCOUNT_UPDATE:ORDER',
      'ORDER_TRADE_UPDATE:EXPIRED:EXPIRED',
    ]);
  });
});

describe('limit orders', () => {
  it('rest, then fill in full at their own price as maker when the price reaches them', () => {
    const { sim } = createTestSimulator();
    const o = sim.placeOrder(
      'a',
      order({ type: 'LIMIT', timeInForce: 'GTC', price: d('99000'), newClientOrderId: 'l' }),
    );
    expect(o.status).toBe('NEW');
    sim.onPrice('BTCUSDT', { last: 99_500 });
    expect(sim.getOrder('a', 'BTCUSDT', { orderId: o.orderId }).status).toBe('NEW');
    sim.onPrice('BTCUSDT', { last: 98_000 }); // gaps through: still fills at 99,000
    const filled = sim.getOrder('a', 'BTCUSDT', { orderId: o.orderId });
    expect(filled.status).toBe('FILLED');
    expect(filled.avgPrice.toNumber()).toBe(99_000);
    const [t] = sim.trades('a');
    expect(t!.maker).toBe(true);
    expect(t!.commission.toNumber()).toBe(0.198); // 990 × 0.0002
  });

  it('fill on the candle range (low touches the bid), not only on the close', () => {
    const { sim } = createTestSimulator();
    sim.placeOrder(
      'a',
      order({ type: 'LIMIT', timeInForce: 'GTC', price: d('99000'), newClientOrderId: 'l' }),
    );
    sim.onCandle('BTCUSDT', { open: 100_000, high: 100_500, low: 99_000, close: 100_200, volume: 10 });
    expect(sim.positionRisk('a')[0]!.positionAmt.toNumber()).toBe(0.01);
  });

  it("'through' fills only when the price trades a tick beyond the limit", () => {
    const { sim } = createTestSimulator({ limitFill: 'through' });
    const o = sim.placeOrder('a', order({ type: 'LIMIT', timeInForce: 'GTC', price: d('99000') }));
    sim.onPrice('BTCUSDT', { last: 99_000 });
    expect(sim.getOrder('a', 'BTCUSDT', { orderId: o.orderId }).status).toBe('NEW');
    sim.onPrice('BTCUSDT', { last: 98_999.9 });
    expect(sim.getOrder('a', 'BTCUSDT', { orderId: o.orderId }).status).toBe('FILLED');
  });

  it('a limit that crosses on arrival takes at once as taker, never worse than its price', () => {
    const { sim } = createTestSimulator();
    const o = sim.placeOrder('a', order({ type: 'LIMIT', timeInForce: 'GTC', price: d('100500') }));
    expect(o.status).toBe('FILLED');
    expect(o.avgPrice.toNumber()).toBe(100_000);
    expect(sim.trades('a')[0]!.maker).toBe(false);
  });

  it('IOC that cannot fill expires (er=2) and leaves nothing on the book', () => {
    const { sim } = createTestSimulator();
    const o = sim.placeOrder('a', order({ type: 'LIMIT', timeInForce: 'IOC', price: d('99000') }));
    expect(o.status).toBe('EXPIRED');
    expect(o.expiryReason).toBe(2);
    expect(sim.openOrders('a')).toEqual([]);
  });

  it('volume cap: partial fills of at most share × volume per update (the model chosen for partials)', () => {
    const { sim, events } = createTestSimulator({ limitFillVolumeShare: 0.1, deposit: 1e6 });
    const o = sim.placeOrder(
      'a',
      order({ type: 'LIMIT', timeInForce: 'GTC', price: d('99000'), quantity: d('0.5') }),
    );
    events.length = 0;
    sim.onPrice('BTCUSDT', { last: 98_900, volume: 2 }); // 0.2 may fill
    let now = sim.getOrder('a', 'BTCUSDT', { orderId: o.orderId });
    expect(now.status).toBe('PARTIALLY_FILLED');
    expect(now.executedQty.toNumber()).toBe(0.2);
    sim.onPrice('BTCUSDT', { last: 98_950, volume: 10 }); // still below the bid: the rest (0.3) fills
    now = sim.getOrder('a', 'BTCUSDT', { orderId: o.orderId });
    expect(now.status).toBe('FILLED');
    expect(trace(events)).toEqual([
      'ORDER_TRADE_UPDATE:TRADE:PARTIALLY_FILLED',
      'ACCOUNT_UPDATE:ORDER',
      'ORDER_TRADE_UPDATE:TRADE:FILLED',
      'ACCOUNT_UPDATE:ORDER',
    ]);
  });

  it("an order's quote and average price are its trades', filled whole or in parts", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 2_000 }),
        fc.integer({ min: 900_000, max: 999_999 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 6 }),
        (thousandths, tenths, volumes) => {
          const { sim } = createTestSimulator({ limitFillVolumeShare: 0.1, deposit: 1e9 });
          const o = sim.placeOrder(
            'a',
            order({
              type: 'LIMIT',
              timeInForce: 'GTC',
              price: d(tenths).div(10),
              quantity: d(thousandths).div(1000),
            }),
          );
          let last = tenths / 10;
          for (const volume of volumes) {
            last -= 0.1;
            sim.onPrice('BTCUSDT', { last, volume: volume / 100 });
            const now = sim.getOrder('a', 'BTCUSDT', { orderId: o.orderId });
            const trades = sim.trades('a').filter((t) => t.orderId === o.orderId);
            if (trades.length === 0) continue;
            const quote = trades.reduce((sum, t) => sum.plus(t.quoteQty), d(0));
            const qty = trades.reduce((sum, t) => sum.plus(t.qty), d(0));
            expect(now.cumQuote.eq(quote)).toBe(true);
            expect(now.executedQty.eq(qty)).toBe(true);
            expect(now.avgPrice.eq(quote.div(qty))).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reserves open-order margin: available balance drops by notional / leverage while it rests', () => {
    const { sim } = createTestSimulator();
    const before = sim.accountSummary('a').availableBalance.toNumber();
    const o = sim.placeOrder(
      'a',
      order({ type: 'LIMIT', timeInForce: 'GTC', price: d('90000'), quantity: d('0.1') }),
    );
    const s = sim.accountSummary('a');
    expect(s.openOrderInitialMargin.toNumber()).toBe(450); // 9,000 / 20
    expect(s.availableBalance.toNumber()).toBe(before - 450);
    sim.cancelOrder('a', 'BTCUSDT', { orderId: o.orderId });
    expect(sim.accountSummary('a').availableBalance.toNumber()).toBe(before);
  });

  it('a resting reduce-only order expires when the position it would reduce is closed (er=4)', () => {
    const { sim } = createTestSimulator();
    sim.placeOrder('a', order({ quantity: d('0.01') }));
    const tp = sim.placeOrder(
      'a',
      order({
        side: 'SELL',
        type: 'LIMIT',
        timeInForce: 'GTC',
        price: d('105000'),
        reduceOnly: true,
        newClientOrderId: 'tp',
      }),
    );
    sim.placeOrder('a', order({ side: 'SELL', quantity: d('0.01') }));
    const now = sim.getOrder('a', 'BTCUSDT', { origClientOrderId: 'tp' });
    expect(now.orderId).toBe(tp.orderId);
    expect(now.status).toBe('EXPIRED');
    expect(now.expiryReason).toBe(4);
  });

  it('orderId counts up per symbol, shared by all accounts', () => {
    const { sim } = createTestSimulator();
    sim.createAccount('b', { deposit: 10_000 });
    const a1 = sim.placeOrder('a', order({}));
    const b1 = sim.placeOrder('b', order({}));
    const doge = sim.placeOrder('a', order({ symbol: 'DOGEUSDT', quantity: d(100) }));
    expect(b1.orderId).toBe(a1.orderId + 1);
    expect(doge.orderId).toBe(1);
  });
});

describe('the position in ACCOUNT_UPDATE', () => {
  it('carries the break-even price and unrealised PnL of the position at the event, however late they are read', () => {
    const { sim, events } = createTestSimulator();
    const port: UserStreamEvent[] = [];
    sim.account('a').subscribe((e) => port.push(e));
    sim.placeOrder('a', order({ quantity: d('0.01') }));
    const [opened] = sim.positionRisk('a');
    sim.onPrice('BTCUSDT', { last: 101_000 });
    sim.placeOrder('a', order({ quantity: d('0.03') }));
    sim.onPrice('BTCUSDT', { last: 99_000 });
    sim.placeOrder('a', order({ side: 'SELL', quantity: d('0.04') }));
    sim.onPrice('BTCUSDT', { last: 120_000 });
    const updates = events.flatMap((e) => (e.type === 'ACCOUNT_UPDATE' ? e.positions : []));
    // At the mark of each event: 0.01 at 100,000 and mark 100,000; 0.04 at 100,750 and mark
    // 101,000 (+10); closed.
    expect(updates.map((u) => u.unrealizedPnl.toString())).toEqual(['0', '10', '0']);
    const fromPort = port.flatMap((e) => (e.type === 'position' ? [e.unrealizedPnl.toString()] : []));
    expect(fromPort).toEqual(['0', '10', '0']);
    expect(updates.map((u) => u.positionAmt.toString())).toEqual(['0.01', '0.04', '0']);
    // Read only now, after the position moved on twice: each is the break-even of its own event.
    expect(updates[0]!.breakEvenPrice.toString()).toBe(opened!.breakEvenPrice.toString());
    expect(updates[0]!.breakEvenPrice.toString()).toBe(d(100_000).mul(1.0005).div(0.9995).toString());
    expect(updates[1]!.breakEvenPrice.toString()).toBe(
      d(100_750).mul(1.0005).div(0.9995).toString(), // entry (0.01 × 100,000 + 0.03 × 101,000) / 0.04
    );
    expect(updates[2]!.breakEvenPrice.isZero()).toBe(true);
    // And it is a field like the others for whoever serialises the event.
    expect(JSON.parse(JSON.stringify(updates[1]))).toMatchObject({
      breakEvenPrice: d(100_750).mul(1.0005).div(0.9995).toString(),
      unrealizedPnl: '10',
    });
  });
});
