import { describe, expect, it } from 'vitest';
import type { MarketSymbol } from '../../domain/index.js';
import { createTestSimulator, d, trace } from './fixtures.js';
import type { EngineState } from './state.js';

function openLong(sim: ReturnType<typeof createTestSimulator>['sim'], symbol = 'BTCUSDT', qty = '0.01') {
  return sim.placeOrder('a', { symbol, side: 'BUY', type: 'MARKET', quantity: d(qty) });
}

describe('isolated liquidation', () => {
  it('at the liquidation price when the mark trades through it; the isolated margin is lost, no more', () => {
    const { sim, events } = createTestSimulator();
    openLong(sim); // 0.01 at 100,000, 20x: isolated wallet 50, entry fee 0.5
    const lp = sim.positionRisk('a')[0]!.liquidationPrice;
    expect(lp.toNumber()).toBeCloseTo(950 / 0.00996, 4);
    events.length = 0;
    sim.onPrice('BTCUSDT', { last: 95_500, high: 100_000, low: 95_000 });
    expect(sim.positionRisk('a')).toEqual([]);
    const fill = sim.trades('a').at(-1)!;
    expect(fill.price.eq(lp)).toBe(true);
    expect(fill.clientOrderId).toMatch(/^autoclose-/);
    expect(trace(events)).toEqual(['ORDER_TRADE_UPDATE:CALCULATED:FILLED', 'ACCOUNT_UPDATE:ORDER']);
    const e = events[0]!;
    expect(e.type === 'ORDER_TRADE_UPDATE' && e.order.type).toBe('LIQUIDATION');
    // Realised loss + clearance fee = the isolated wallet, exactly.
    const s = sim.accountSummary('a');
    expect(s.walletBalance.toNumber()).toBeCloseTo(10_000 - 0.5 - 50, 9);
    expect(s.walletBalance.gte(d(10_000 - 0.5 - 50).minus('1e-9'))).toBe(true);
  });

  it('a jump past the bankruptcy price fills at the bankruptcy price: the wallet never pays more', () => {
    const { sim } = createTestSimulator();
    openLong(sim);
    sim.onPrice('BTCUSDT', { last: 80_000 });
    const fill = sim.trades('a').at(-1)!;
    expect(fill.price.toNumber()).toBe(95_000); // entry − isolated wallet / qty
    expect(fill.realizedPnl.toNumber()).toBe(-50);
    expect(fill.commission.toNumber()).toBe(0);
    expect(sim.accountSummary('a').walletBalance.toNumber()).toBe(10_000 - 0.5 - 50);
  });

  it('watches the mark, not the last price', () => {
    const { sim } = createTestSimulator();
    openLong(sim);
    sim.onPrice('BTCUSDT', { last: 94_000, mark: 99_000 });
    expect(sim.positionRisk('a')).toHaveLength(1);
    sim.onPrice('BTCUSDT', { last: 99_000, mark: 95_000 });
    expect(sim.positionRisk('a')).toEqual([]);
  });

  it('shorts liquidate on the way up; open orders on the symbol are cancelled first', () => {
    const { sim, events } = createTestSimulator();
    sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: d('0.01') });
    sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: d('110000'),
      quantity: d('0.01'),
      newClientOrderId: 'ask',
    });
    events.length = 0;
    sim.onPrice('BTCUSDT', { last: 104_000, high: 105_000, low: 100_000 });
    expect(sim.positionRisk('a')).toEqual([]);
    expect(trace(events)).toEqual([
      'ORDER_TRADE_UPDATE:CANCELED:CANCELED',
      'ORDER_TRADE_UPDATE:CALCULATED:FILLED',
      'ACCOUNT_UPDATE:ORDER',
    ]);
  });

  it('a stop above the liquidation price fires first and saves the rest of the margin', () => {
    const { sim } = createTestSimulator();
    openLong(sim);
    sim.placeAlgoOrder('a', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: d('97000'),
      closePosition: true,
      workingType: 'MARK_PRICE',
      clientAlgoId: 'sl',
    });
    sim.onPrice('BTCUSDT', { last: 94_000, high: 100_000, low: 94_000 });
    expect(sim.trades('a').at(-1)!.clientOrderId).toBe(
      `trg-${sim.getAlgoOrder('a', { clientAlgoId: 'sl' }).algoId}`,
    );
    expect(sim.ledger('a').realizedPnl.toNumber()).toBe(-30);
  });
});

describe('cross liquidation', () => {
  it('closes every cross position of the account when margin balance reaches maintenance', () => {
    const { sim } = createTestSimulator({ defaultMarginType: 'CROSSED', deposit: 1_000 });
    sim.setLeverage('a', 'BTCUSDT', 50);
    openLong(sim, 'BTCUSDT', '0.4'); // 40,000 notional, 800 initial margin
    openLong(sim, 'DOGEUSDT', '100'); // 20 notional
    expect(sim.positionRisk('a')).toHaveLength(2);
    const lp = sim.positionRisk('a', 'BTCUSDT')[0]!.liquidationPrice.toNumber();
    expect(lp).toBeGreaterThan(97_000);
    expect(lp).toBeLessThan(99_000);
    sim.onPrice('BTCUSDT', { last: lp + 500 });
    expect(sim.positionRisk('a')).toHaveLength(2);
    sim.onPrice('BTCUSDT', { last: 96_000, high: lp + 500, low: 96_000 });
    expect(sim.positionRisk('a')).toEqual([]);
    const btcFill = sim.trades('a', 'BTCUSDT').at(-1)!;
    expect(btcFill.price.toNumber()).toBeCloseTo(lp, 6);
    expect(sim.accountSummary('a').walletBalance.gte(0)).toBe(true);
  });

  it('a jump far past bankruptcy leaves the wallet at zero, never below', () => {
    const { sim } = createTestSimulator({ defaultMarginType: 'CROSSED', deposit: 1_000 });
    sim.setLeverage('a', 'BTCUSDT', 50);
    openLong(sim, 'BTCUSDT', '0.4');
    sim.onPrice('BTCUSDT', { last: 50_000 });
    expect(sim.positionRisk('a')).toEqual([]);
    const s = sim.accountSummary('a');
    expect(s.walletBalance.toNumber()).toBe(0);
    const l = sim.ledger('a');
    expect(l.deposits.plus(l.realizedPnl).minus(l.fees).minus(l.funding).eq(s.walletBalance)).toBe(true);
  });

  it('isolated positions of the same account are not touched by a cross liquidation', () => {
    const { sim } = createTestSimulator({ deposit: 1_000 });
    openLong(sim, 'DOGEUSDT', '100'); // isolated (default)
    sim.setMarginType('a', 'BTCUSDT', 'CROSSED');
    sim.setLeverage('a', 'BTCUSDT', 50);
    openLong(sim, 'BTCUSDT', '0.4');
    sim.onPrice('BTCUSDT', { last: 90_000 });
    expect(sim.positionRisk('a').map((p) => p.symbol)).toEqual(['DOGEUSDT']);
  });

  it('a closed cross position leaves no cross figures behind, beside an isolated one', () => {
    const { sim } = createTestSimulator();
    const record = (sim as unknown as { state: EngineState }).state.accounts.get('a')!;
    sim.setMarginType('a', 'BTCUSDT', 'CROSSED');
    openLong(sim, 'BTCUSDT', '0.01');
    openLong(sim, 'DOGEUSDT', '100');
    sim.onPrice('BTCUSDT', { last: 99_000 });
    const btc = record.positions.get('BTCUSDT' as MarketSymbol)!;
    expect(btc.mmF).toBeGreaterThan(0);
    expect(record.crossUpnlF).toBeLessThan(0);
    sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: d('0.01'),
      reduceOnly: true,
    });
    expect([btc.upnlF, btc.mmF, record.crossUpnlF, record.crossMmF]).toEqual([0, 0, 0, 0]);
  });
});
