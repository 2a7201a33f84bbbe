import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../domain/index.js';
import { createTestSimulator, d, TEST_START_MS } from './fixtures.js';
import type { AccountUpdateEvent } from './types.js';

// TEST_START_MS is 01:00 UTC, so the first funding time is 08:00 UTC the same day.
const EIGHT_UTC = TEST_START_MS + 7 * HOUR_MS;

const fundingEvents = (events: readonly { type: string }[]) =>
  events.filter(
    (e): e is AccountUpdateEvent =>
      e.type === 'ACCOUNT_UPDATE' && (e as AccountUpdateEvent).reason === 'FUNDING_FEE',
  );

describe('funding', () => {
  it('is paid at 00/08/16 UTC by positions open then: longs pay shorts when the rate is positive', () => {
    const { sim, events } = createTestSimulator({ funding: { rate: 0.0001 } });
    sim.createAccount('b', { deposit: 10_000 });
    sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d('0.01') });
    sim.placeOrder('b', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: d('0.01') });
    events.length = 0;
    sim.onPrice('BTCUSDT', { last: 100_000, time: EIGHT_UTC - 1 });
    expect(fundingEvents(events)).toEqual([]);
    sim.onPrice('BTCUSDT', { last: 100_000, time: EIGHT_UTC });
    expect(sim.ledger('a').funding.toNumber()).toBe(0.1); // 1,000 notional × 0.01 %
    expect(sim.ledger('b').funding.toNumber()).toBe(-0.1);
    const [ev] = fundingEvents(events).filter((e) => e.accountId === 'a');
    expect(ev!.balances[0]!.balanceChange.toNumber()).toBe(-0.1);
    expect(ev!.eventTime).toBe(EIGHT_UTC);
    // Isolated: paid from the position's isolated wallet, and the position is in the event.
    expect(ev!.positions).toHaveLength(1);
    expect(ev!.positions[0]!.isolatedWallet.toNumber()).toBe(50 - 0.1);
    const l = sim.ledger('a');
    expect(
      sim.accountSummary('a').walletBalance.eq(l.deposits.plus(l.realizedPnl).minus(l.fees).minus(l.funding)),
    ).toBe(true);
  });

  it('settles every boundary a long gap crosses, once each; a position opened after a boundary skips it', () => {
    const { sim, clock } = createTestSimulator({ funding: { rate: 0.0001 } });
    clock.set(EIGHT_UTC + 1);
    sim.onPrice('BTCUSDT', { last: 100_000, time: EIGHT_UTC + 1 }); // 08:00 passes with no position
    sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d('0.01') });
    expect(sim.ledger('a').funding.toNumber()).toBe(0);
    sim.onPrice('BTCUSDT', { last: 100_000, time: EIGHT_UTC + 24 * HOUR_MS }); // 16:00, 00:00, 08:00
    expect(sim.ledger('a').funding.toNumber()).toBeCloseTo(0.3, 12);
  });

  it('cross positions pay from the cross wallet and ACCOUNT_UPDATE carries balances only', () => {
    const { sim, events } = createTestSimulator({ funding: { rate: -0.0002 }, defaultMarginType: 'CROSSED' });
    sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d('0.01') });
    events.length = 0;
    sim.onPrice('BTCUSDT', { last: 100_000, time: EIGHT_UTC });
    const [ev] = fundingEvents(events);
    expect(ev!.positions).toEqual([]);
    expect(ev!.balances[0]!.balanceChange.toNumber()).toBe(0.2); // negative rate: longs receive
  });

  it('uses the rate a price update carries, the configured function otherwise; off when not configured', () => {
    const seen: number[] = [];
    const { sim } = createTestSimulator({
      funding: {
        rate: (_symbol, time) => {
          seen.push(time);
          return 0.0003;
        },
      },
    });
    sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d('0.01') });
    sim.onPrice('BTCUSDT', { last: 100_000, time: EIGHT_UTC });
    expect(seen).toEqual([EIGHT_UTC]);
    expect(sim.ledger('a').funding.toNumber()).toBeCloseTo(0.3, 12);
    sim.onPrice('BTCUSDT', { last: 100_000, time: EIGHT_UTC + 1, fundingRate: 0.001 });
    sim.onPrice('BTCUSDT', { last: 100_000, time: EIGHT_UTC + 8 * HOUR_MS });
    expect(sim.ledger('a').funding.toNumber()).toBeCloseTo(1.3, 12);
    expect(sim.marketState('BTCUSDT').nextFundingTime).toBe(EIGHT_UTC + 16 * HOUR_MS);

    const off = createTestSimulator();
    off.sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d('0.01') });
    off.sim.onPrice('BTCUSDT', { last: 100_000, time: EIGHT_UTC + 48 * HOUR_MS });
    expect(off.sim.ledger('a').funding.toNumber()).toBe(0);
  });
});
