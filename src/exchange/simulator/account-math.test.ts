import { describe, expect, it } from 'vitest';
import { createTestSimulator, d } from './fixtures.js';

describe('open-order initial margin', () => {
  it('follows resting orders across market fills, on their symbol and on others', () => {
    const { sim } = createTestSimulator({ deposit: 100_000 });
    const im = () => sim.accountSummary('a').openOrderInitialMargin.toNumber();
    const market = (side: 'BUY' | 'SELL', quantity: string) =>
      sim.placeOrder('a', { symbol: 'BTCUSDT', side, type: 'MARKET', quantity: d(quantity) });
    const restingBuy = () =>
      sim.placeOrder('a', {
        symbol: 'DOGEUSDT',
        side: 'BUY',
        type: 'LIMIT',
        timeInForce: 'GTC',
        price: d('0.1'),
        quantity: d('10000'),
      });

    market('BUY', '0.01'); // nothing rests
    expect(im()).toBe(0);
    const limit = restingBuy();
    expect(im()).toBe(50); // 1,000 / 20
    market('SELL', '0.01'); // a fill on another symbol leaves it locked
    expect(im()).toBe(50);
    // The cancel releases it; the margin check of the next order is the first to look (with no
    // order open any more, but a symbol still counted as locking margin).
    sim.cancelOrder('a', 'DOGEUSDT', { orderId: limit.orderId });
    market('BUY', '0.01');
    expect(im()).toBe(0);
    market('SELL', '0.01'); // nothing open, nothing locked
    expect(im()).toBe(0);
    const again = restingBuy();
    market('BUY', '0.01');
    expect(im()).toBe(50);
    sim.cancelOrder('a', 'DOGEUSDT', { orderId: again.orderId });
    expect(im()).toBe(0);
    expect(sim.accountSummary('a').availableBalance.toNumber()).toBeGreaterThan(99_000);
  });
});
