import { describe, expect, it } from 'vitest';
import { createTestSimulator, d } from './fixtures.js';
import type { SimAccountSnapshot } from './snapshot-schema.js';

/**
 * 12 round trips on BTC (24 filled MARKET orders) with 12 cancelled stops, then an open position
 * (one more filled order) with its live stop, and a resting LIMIT: 25 closed orders, 12 closed stops.
 */
function busyAccount() {
  const t = createTestSimulator({ deposit: 100_000 });
  const { sim, clock } = t;
  const stop = (clientAlgoId: string) =>
    sim.placeAlgoOrder('a', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: d('90000'),
      closePosition: true,
      clientAlgoId,
    });
  for (let i = 0; i < 12; i++) {
    clock.advance(1_000);
    sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: d('0.01'),
      newClientOrderId: `in-${i}`,
    });
    stop(`sl-${i}`);
    sim.cancelAlgoOrder('a', { clientAlgoId: `sl-${i}` });
    sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: d('0.01'),
      newClientOrderId: `out-${i}`,
    });
  }
  sim.placeOrder('a', {
    symbol: 'DOGEUSDT',
    side: 'BUY',
    type: 'LIMIT',
    timeInForce: 'GTC',
    price: d('0.1'),
    quantity: d('100'),
    newClientOrderId: 'resting',
  });
  sim.placeOrder('a', {
    symbol: 'BTCUSDT',
    side: 'BUY',
    type: 'MARKET',
    quantity: d('0.01'),
    newClientOrderId: 'live',
  });
  stop('live-sl');
  return t;
}

const withoutCounters = (s: SimAccountSnapshot) => ({ ...s, counters: undefined });

describe('order history pruning', () => {
  // 0 is what the backtest prunes to (every closed record goes, nothing is sorted).
  it.each([
    { limit: 5, dropped: { orders: 20, algoOrders: 7 } },
    { limit: 0, dropped: { orders: 25, algoOrders: 12 } },
  ])('keeps in memory exactly what an export with limit $limit keeps', ({ limit, dropped }) => {
    const { sim } = busyAccount();
    const before = sim.exportAccount('a', { historyLimit: limit });
    expect(sim.pruneHistory('a', limit)).toEqual(dropped);
    const after = sim.exportAccount('a', { historyLimit: limit });
    expect(withoutCounters(after)).toEqual(withoutCounters(before));
    // The books hold the same orders (allOrders reads the book, not the account's list).
    expect(sim.allOrders('a', 'BTCUSDT').map((o) => o.clientOrderId)).toEqual(
      after.orders.filter((o) => o.symbol === 'BTCUSDT').map((o) => o.clientOrderId),
    );
    // Nothing left to drop: the whole history is now what the limit keeps.
    expect({ ...withoutCounters(sim.exportAccount('a')), historyLimit: limit }).toEqual(
      withoutCounters(before),
    );
    expect(sim.pruneHistory('a', limit)).toEqual({ orders: 0, algoOrders: 0 });
  });

  it('forgets the old records as Binance does, and the account trades on', () => {
    const { sim } = busyAccount();
    sim.pruneHistory('a', 5);
    expect(() => sim.getOrder('a', 'BTCUSDT', { origClientOrderId: 'in-0' })).toThrow(/does not exist/i);
    expect(sim.getOrder('a', 'BTCUSDT', { origClientOrderId: 'out-11' }).status).toBe('FILLED');
    expect(sim.getOrder('a', 'DOGEUSDT', { origClientOrderId: 'resting' }).status).toBe('NEW');
    expect(sim.openAlgoOrders('a').map((a) => a.clientAlgoId)).toEqual(['live-sl']);
    // Fills of forgotten orders go with them; the position is untouched and trades on.
    expect(sim.trades('a', 'BTCUSDT').length).toBeLessThan(25);
    expect(sim.positionRisk('a', 'BTCUSDT')[0]?.positionAmt.toFixed()).toBe('0.01');
    sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: d('0.01'),
      newClientOrderId: 'close',
    });
    expect(sim.positionRisk('a', 'BTCUSDT').every((p) => p.positionAmt.isZero())).toBe(true);
  });

  it('refuses a limit that is not a whole number of orders', () => {
    const { sim } = busyAccount();
    expect(() => sim.pruneHistory('a', -1)).toThrow(/non-negative integer/);
  });
});
