import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../domain/index.js';
import { createWeightBudget, klinesWeight } from './weight-budget.js';

function setup(limitPerMinute = 10, orderReserve = 0) {
  const clock = createManualClock(1_000_000);
  const sleeps: number[] = [];
  const budget = createWeightBudget({
    clock,
    limitPerMinute,
    orderReserve,
    initialBackoffMs: 5_000,
    maxBackoffMs: 40_000,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  return { clock, sleeps, budget };
}

describe('weight budget', () => {
  it('spends up to the limit at once, then waits for the window to slide', async () => {
    const { clock, sleeps, budget } = setup(10);
    for (let i = 0; i < 5; i++) await budget.acquire(2);
    expect(sleeps).toEqual([]);
    expect(budget.used()).toBe(10);
    await budget.acquire(2);
    expect(sleeps).toEqual([60_000]);
    expect(clock.now()).toBe(1_060_000);
    expect(budget.used()).toBe(2);
  });

  it("counts the exchange's reported weight (other processes on the IP) but never lowers its own", async () => {
    const { sleeps, budget } = setup(10);
    await budget.acquire(1);
    budget.observeUsedWeight(9);
    expect(budget.used()).toBe(9);
    budget.observeUsedWeight(3);
    expect(budget.used()).toBe(9);
    await budget.acquire(2);
    expect(sleeps).toEqual([60_000]);
  });

  it('after a 429 pauses every request, with a backoff that doubles and resets on success', async () => {
    const { clock, sleeps, budget } = setup(100);
    const t0 = clock.now();
    expect(budget.rateLimited()).toBe(t0 + 5_000);
    await budget.acquire(1);
    expect(clock.now()).toBe(t0 + 5_000);
    budget.rateLimited();
    budget.rateLimited(); // back to back: 10 s, then 20 s
    expect(budget.pausedUntil).toBe(clock.now() + 20_000);
    budget.succeeded();
    expect(budget.rateLimited(2_000)).toBe(clock.now() + 20_000); // Retry-After cannot shorten a pause
    expect(sleeps).toEqual([5_000]);
  });

  it('after a 418 waits until the ban ends, or at least two minutes when unknown', async () => {
    const { clock, budget } = setup(100);
    const t0 = clock.now();
    budget.banned(t0 + 300_000);
    await budget.acquire(1);
    expect(clock.now()).toBe(t0 + 301_000);
    budget.banned();
    expect(budget.pausedUntil).toBe(clock.now() + 120_000);
  });

  it('keeps the order reserve from reads: reads wait for the window, order management spends it at once', async () => {
    const { clock, sleeps, budget } = setup(10, 3);
    const t0 = clock.now();
    for (let i = 0; i < 7; i++) await budget.acquire(1);
    await budget.acquire(1, 'order');
    await budget.acquire(2, 'order');
    expect(sleeps).toEqual([]);
    expect(budget.used()).toBe(10);
    // The 8th read, with the reserve spent or not, waits for the window: reads stop at 10 - 3.
    const { budget: other, clock: otherClock } = setup(10, 3);
    for (let i = 0; i < 7; i++) await other.acquire(1);
    await other.acquire(1);
    expect(otherClock.now()).toBe(t0 + 60_000);
  });

  it('order management waits too once the whole limit is spent, and an oversize request is refused', async () => {
    const { clock, budget } = setup(10, 3);
    const t0 = clock.now();
    for (let i = 0; i < 7; i++) await budget.acquire(1);
    await budget.acquire(3, 'order');
    expect(clock.now()).toBe(t0);
    expect(budget.used()).toBe(10);
    await budget.acquire(1, 'order');
    expect(clock.now()).toBe(t0 + 60_000);
    await expect(budget.acquire(8)).rejects.toThrow(/read of weight 8 exceeds its budget of 7\/min/);
    await expect(budget.acquire(8, 'order')).resolves.toBeUndefined();
  });

  it('keeps a tenth of Binance’s 2,400 for order management by default, and refuses a reserve that leaves no reads', () => {
    const clock = createManualClock(0);
    expect(() => createWeightBudget({ clock, orderReserve: 2_400 })).toThrow(/order reserve \(2400\)/);
    expect(() => createWeightBudget({ clock, limitPerMinute: 10, orderReserve: -1 })).toThrow(/at least 0/);
    return (async () => {
      const budget = createWeightBudget({ clock, sleep: async () => Promise.reject(new Error('waited')) });
      for (let i = 0; i < 216; i++) await budget.acquire(10);
      await expect(budget.acquire(1)).rejects.toThrow('waited');
      for (let i = 0; i < 24; i++) await budget.acquire(10, 'order');
      expect(budget.used()).toBe(2_400);
    })();
  });

  it('reports its weight used, its limit and a pause only while the pause lasts', async () => {
    const { clock, budget } = setup(10);
    expect(budget.status()).toEqual({ usedLastMinute: 0, limitPerMinute: 10, pausedUntil: null });
    await budget.acquire(4);
    const until = budget.rateLimited();
    expect(budget.status()).toEqual({ usedLastMinute: 4, limitPerMinute: 10, pausedUntil: until });
    clock.advance(until - clock.now());
    expect(budget.status().pausedUntil).toBeNull();
  });

  it('prices klines like Binance: 499 candles cost 2, 500 cost 5', () => {
    expect([1, 99, 100, 499, 500, 1000, 1500].map(klinesWeight)).toEqual([1, 1, 2, 2, 5, 5, 10]);
  });
});
