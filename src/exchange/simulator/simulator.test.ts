import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../domain/index.js';
import { createTestSimulator, d, trace } from './fixtures.js';
import { rangeVolumeSlippage } from './slippage.js';
import type { SimEvent } from './types.js';

describe('user-stream events', () => {
  it('per fill: ORDER_TRADE_UPDATE with the fill, then ACCOUNT_UPDATE (m=ORDER) with balance and position', () => {
    const { sim, events } = createTestSimulator();
    sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: d('0.01'),
      newClientOrderId: 'x',
    });
    expect(trace(events)).toEqual([
      'ORDER_TRADE_UPDATE:NEW:NEW',
      'ORDER_TRADE_UPDATE:TRADE:FILLED',
      'ACCOUNT_UPDATE:ORDER',
    ]);
    const fill = events[1]!;
    if (fill.type !== 'ORDER_TRADE_UPDATE') throw new Error('expected an order update');
    expect(fill.order.clientOrderId).toBe('x');
    expect(fill.lastFilledQty.toNumber()).toBe(0.01);
    expect(fill.lastFilledPrice.toNumber()).toBe(100_000);
    expect(fill.commission.toNumber()).toBe(0.5);
    expect(fill.commissionAsset).toBe('USDT');
    expect(fill.tradeId).toBeGreaterThan(0);
    expect(fill.maker).toBe(false);
    expect(fill.realizedProfit.toNumber()).toBe(0);
    expect(fill.order.avgPrice.toNumber()).toBe(100_000);
    const account = events[2]!;
    if (account.type !== 'ACCOUNT_UPDATE') throw new Error('expected an account update');
    expect(account.balances).toEqual([
      expect.objectContaining({ asset: 'USDT', walletBalance: d('9999.5'), crossWalletBalance: d('9949.5') }),
    ]);
    expect(account.positions).toHaveLength(1);
    const p = account.positions[0]!;
    expect(p.positionAmt.toNumber()).toBe(0.01);
    expect(p.entryPrice.toNumber()).toBe(100_000);
    expect(p.marginType).toBe('isolated');
    expect(p.isolatedWallet.toNumber()).toBe(50);
    expect(p.breakEvenPrice.gt(100_000)).toBe(true);
  });

  it('no ACCOUNT_UPDATE for orders that are only placed or cancelled', () => {
    const { sim, events } = createTestSimulator();
    const o = sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: d('90000'),
      quantity: d('0.01'),
    });
    sim.cancelOrder('a', 'BTCUSDT', { orderId: o.orderId });
    expect(trace(events)).toEqual(['ORDER_TRADE_UPDATE:NEW:NEW', 'ORDER_TRADE_UPDATE:CANCELED:CANCELED']);
  });

  it('leverage changes emit ACCOUNT_CONFIG_UPDATE; deposits and withdrawals emit ACCOUNT_UPDATE', () => {
    const { sim, events } = createTestSimulator();
    sim.setLeverage('a', 'BTCUSDT', 7);
    sim.deposit('a', 5);
    sim.withdraw('a', 15);
    expect(trace(events)).toEqual([
      'ACCOUNT_CONFIG_UPDATE:7',
      'ACCOUNT_UPDATE:DEPOSIT',
      'ACCOUNT_UPDATE:WITHDRAW',
    ]);
    expect(sim.ledger('a').deposits.toNumber()).toBe(9_990);
    expect(() => sim.withdraw('a', 1e9)).toThrow(DomainError);
  });

  it('events of a command are delivered after it completes; a listener may call back in', () => {
    const { sim } = createTestSimulator();
    const seen: string[] = [];
    sim.subscribe((e) => {
      seen.push(trace([e])[0]!);
      // Re-entrant: react to the fill by placing a stop; its events queue behind the current ones.
      if (
        e.type === 'ORDER_TRADE_UPDATE' &&
        e.executionType === 'TRADE' &&
        e.order.clientOrderId === 'entry'
      ) {
        sim.placeAlgoOrder('a', {
          symbol: 'BTCUSDT',
          side: 'SELL',
          type: 'STOP_MARKET',
          triggerPrice: d('97000'),
          closePosition: true,
          clientAlgoId: 'sl',
        });
      }
    });
    sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
      quantity: d('0.01'),
      newClientOrderId: 'entry',
    });
    expect(seen).toEqual([
      'ORDER_TRADE_UPDATE:NEW:NEW',
      'ORDER_TRADE_UPDATE:TRADE:FILLED',
      'ACCOUNT_UPDATE:ORDER',
      'ALGO_UPDATE:NEW',
    ]);
  });

  it("a listener's exception reaches the caller only after every listener got every event", () => {
    const { sim } = createTestSimulator();
    const other: SimEvent[] = [];
    sim.subscribe(() => {
      throw new Error('listener bug');
    });
    sim.subscribe((e) => other.push(e));
    expect(() =>
      sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d('0.01') }),
    ).toThrow('listener bug');
    expect(other).toHaveLength(3);
    expect(sim.positionRisk('a')).toHaveLength(1);
  });
});

describe('listener errors', () => {
  it('go to onListenerError when given, and the command succeeds', () => {
    const caught: string[] = [];
    const { sim } = createTestSimulator({
      onListenerError: (err, e) => caught.push(`${(err as Error).message}@${e.type}`),
    });
    sim.subscribe((e) => {
      if (e.type === 'ACCOUNT_UPDATE') throw new Error('boom');
    });
    const o = sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d('0.01') });
    expect(o.status).toBe('FILLED');
    expect(caught).toEqual(['boom@ACCOUNT_UPDATE']);
    expect(sim.commissionRate('a').takerCommissionRate.toNumber()).toBe(0.0005);
  });
});

describe('determinism', () => {
  function script(seed: number): string {
    const { sim, events } = createTestSimulator({
      seed,
      slippage: rangeVolumeSlippage({ rangeShare: 0.3, jitter: 1 }),
      funding: { rate: 0.0001 },
    });
    let price = 100_000;
    let t = sim.now();
    for (let i = 0; i < 60; i++) {
      t += 3_600_000;
      price = Math.round((price * (1 + Math.sin(i) * 0.01)) / 0.1) * 0.1;
      sim.onPrice('BTCUSDT', {
        last: price,
        high: price * 1.004,
        low: price * 0.996,
        volume: 3,
        time: t,
      });
      if (i % 7 === 0) {
        try {
          sim.placeOrder('a', {
            symbol: 'BTCUSDT',
            side: i % 2 ? 'SELL' : 'BUY',
            type: 'MARKET',
            quantity: d('0.013'),
          });
        } catch (err) {
          if (!(err instanceof DomainError)) throw err;
        }
      }
    }
    return JSON.stringify(events);
  }

  it('the same seed and price path give the same events, byte for byte', () => {
    expect(script(42)).toBe(script(42));
    expect(script(42)).not.toBe(script(43)); // the jitter draws from the seed
  });
});

describe('market state', () => {
  it('reports last and mark; unknown symbols are -1121', () => {
    const { sim } = createTestSimulator();
    sim.onPrice('BTCUSDT', { last: 101_000, mark: 100_900 });
    const m = sim.marketState('BTCUSDT');
    expect(m.lastPrice.toNumber()).toBe(101_000);
    expect(m.markPrice.toNumber()).toBe(100_900);
    // lastPrice: the market state's last price alone; zero before a symbol's first price.
    expect(sim.lastPrice('BTCUSDT').eq(m.lastPrice)).toBe(true);
    const unpriced = createTestSimulator({ prices: {} }).sim;
    expect(unpriced.lastPrice('BTCUSDT').isZero()).toBe(true);
    expect(unpriced.marketState('BTCUSDT').lastPrice.isZero()).toBe(true);
    expect(() => sim.lastPrice('NOPEUSDT')).toThrow(/-1121/);
    try {
      sim.onPrice('NOPEUSDT', { last: 1 });
      expect.unreachable();
    } catch (err) {
      expect((err as DomainError).code).toBe(ErrorCode.EXCHANGE_REJECTED);
      expect((err as DomainError).details?.exchangeCode).toBe(-1121);
    }
  });

  it('market orders need a price: -2020 before the first update', async () => {
    const { Simulator } = await import('./simulator.js');
    const { TEST_SYMBOLS } = await import('./fixtures.js');
    const { createManualClock } = await import('../../domain/index.js');
    const sim = new Simulator({ clock: createManualClock(0), symbols: TEST_SYMBOLS });
    sim.createAccount('a', { deposit: 1_000 });
    expect(() =>
      sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d('0.001') }),
    ).toThrow(/-2020/);
  });
});

describe('onJump', () => {
  /**
   * The same account on two simulators, one moved by bare-tick updates and one by onJump: a long
   * with a stop and a target, a resting limit, a cross position on a second symbol, and jumps that
   * move quietly, fill the limit, trigger the stop, cross a funding time and liquidate the cross
   * position.
   */
  function play(jump: boolean) {
    const t = createTestSimulator({ deposit: 2_000, funding: { rate: 0.001 } });
    const { sim, clock } = t;
    sim.setMarginType('a', 'DOGEUSDT', 'CROSSED');
    sim.setLeverage('a', 'DOGEUSDT', 20);
    sim.placeOrder('a', { symbol: 'DOGEUSDT', side: 'BUY', type: 'MARKET', quantity: d('90000') });
    sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d('0.01') });
    const stop = { symbol: 'BTCUSDT', side: 'SELL', closePosition: true } as const;
    sim.placeAlgoOrder('a', { ...stop, type: 'STOP_MARKET', triggerPrice: d('98000'), clientAlgoId: 'sl' });
    sim.placeAlgoOrder('a', {
      ...stop,
      type: 'TAKE_PROFIT_MARKET',
      triggerPrice: d('104000'),
      clientAlgoId: 'tp',
    });
    sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: d('99000'),
      quantity: d('0.01'),
    });
    const ticks: [string, number][] = [
      ['BTCUSDT', 100_500],
      ['DOGEUSDT', 0.199],
      ['BTCUSDT', 98_900],
      ['BTCUSDT', 99_500],
      ['DOGEUSDT', 0.195],
      ['BTCUSDT', 97_000],
      ['DOGEUSDT', 0.19],
      ['DOGEUSDT', 0.17],
    ];
    for (const [i, [symbol, last]] of ticks.entries()) {
      clock.advance(i === 4 ? 9 * 3_600_000 : 60_000);
      if (jump) sim.onJump(symbol, last, clock.now());
      else sim.onPrice(symbol, { last, time: clock.now() });
    }
    return { events: JSON.stringify(t.events), account: JSON.stringify(sim.exportAccount('a')) };
  }

  it('is onPrice with a bare tick: the same events and the same account', () => {
    const byPrice = play(false);
    const byJump = play(true);
    // The scenario reaches what it is for: a limit fill, a triggered stop, funding, a liquidation.
    expect(byPrice.events).toContain('"executionType":"TRADE"');
    expect(byPrice.events).toContain('"algoStatus":"TRIGGERED"');
    expect(byPrice.events).toContain('FUNDING_FEE');
    expect(byPrice.events).toContain('"executionType":"CALCULATED"');
    expect(byJump.events).toBe(byPrice.events);
    expect(byJump.account).toBe(byPrice.account);
  });
});
