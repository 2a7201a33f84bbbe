import { describe, expect, it } from 'vitest';
import { createTestSimulator, d, trace } from './fixtures.js';
import type { PlaceAlgoOrderRequest } from './types.js';

const long = (sim: ReturnType<typeof createTestSimulator>['sim'], qty = '0.01') =>
  sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'BUY', type: 'MARKET', quantity: d(qty) });

const sl = (over: Partial<PlaceAlgoOrderRequest> = {}): PlaceAlgoOrderRequest => ({
  symbol: 'BTCUSDT',
  side: 'SELL',
  type: 'STOP_MARKET',
  triggerPrice: d('98000'),
  closePosition: true,
  clientAlgoId: 'sl',
  ...over,
});

describe('conditional orders', () => {
  it('live in their own family: algoId, clientAlgoId, own open list, never among regular orders', () => {
    const { sim } = createTestSimulator();
    long(sim);
    const a = sim.placeAlgoOrder('a', sl());
    expect(a.algoType).toBe('CONDITIONAL');
    expect(a.algoStatus).toBe('NEW');
    expect(a.timeInForce).toBe('GTE_GTC');
    expect(sim.openAlgoOrders('a').map((x) => x.algoId)).toEqual([a.algoId]);
    expect(sim.openOrders('a')).toEqual([]);
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'sl' }).algoId).toBe(a.algoId);
  });

  it('a STOP_MARKET on contract price triggers when the last price crosses and becomes a market order', () => {
    const { sim, events } = createTestSimulator();
    long(sim);
    const a = sim.placeAlgoOrder('a', sl());
    events.length = 0;
    sim.onPrice('BTCUSDT', { last: 98_500 });
    expect(sim.getAlgoOrder('a', { algoId: a.algoId }).algoStatus).toBe('NEW');
    // An interval that traded down through 98,000 (range 97,000..98,500): filled at the level.
    sim.onPrice('BTCUSDT', { last: 97_500, high: 98_500, low: 97_000 });
    const done = sim.getAlgoOrder('a', { algoId: a.algoId });
    expect(done.algoStatus).toBe('FINISHED');
    expect(done.actualOrderId).not.toBeNull();
    expect(done.actualQty.toNumber()).toBe(0.01);
    expect(done.actualPrice.toNumber()).toBe(98_000);
    const child = sim.getOrder('a', 'BTCUSDT', { orderId: done.actualOrderId! });
    expect(child.type).toBe('MARKET');
    expect(child.origType).toBe('STOP_MARKET');
    expect(child.stopPrice.toNumber()).toBe(98_000);
    expect(child.parentAlgoId).toBe(a.algoId);
    expect(sim.positionRisk('a')).toEqual([]);
    expect(trace(events)).toEqual([
      'ALGO_UPDATE:TRIGGERED',
      'ORDER_TRADE_UPDATE:NEW:NEW',
      'ORDER_TRADE_UPDATE:TRADE:FILLED',
      'ACCOUNT_UPDATE:ORDER',
      'ALGO_UPDATE:FINISHED',
    ]);
  });

  it('MARK_PRICE stops follow the mark, CONTRACT_PRICE stops the last price', () => {
    const { sim } = createTestSimulator();
    long(sim, '0.02');
    sim.placeAlgoOrder(
      'a',
      sl({
        clientAlgoId: 'mark',
        workingType: 'MARK_PRICE',
        closePosition: false,
        quantity: d('0.01'),
        reduceOnly: true,
      }),
    );
    sim.placeAlgoOrder(
      'a',
      sl({ clientAlgoId: 'last', closePosition: false, quantity: d('0.01'), reduceOnly: true }),
    );
    sim.onPrice('BTCUSDT', { last: 99_000, mark: 97_900 });
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'mark' }).algoStatus).toBe('FINISHED');
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'last' }).algoStatus).toBe('NEW');
    // The mark-triggered market order fills at the last price, not the mark.
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'mark' }).actualPrice.toNumber()).toBe(99_000);
    sim.onPrice('BTCUSDT', { last: 97_950, mark: 98_500 });
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'last' }).algoStatus).toBe('FINISHED');
  });

  it('a bare tick or a candle open jumps: what it crossed fills at the new price', () => {
    const { sim } = createTestSimulator();
    long(sim);
    sim.placeAlgoOrder(
      'a',
      sl({ type: 'TAKE_PROFIT_MARKET', triggerPrice: d('103000'), clientAlgoId: 'tp' }),
    );
    sim.onPrice('BTCUSDT', { last: 105_000 }); // no trade between 100,000 and 105,000
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'tp' }).actualPrice.toNumber()).toBe(105_000);
    long(sim);
    sim.placeAlgoOrder('a', sl({ type: 'STOP_MARKET', triggerPrice: d('104000'), clientAlgoId: 'sl2' }));
    // Candle that opens below the stop (a gap): triggered at the open.
    sim.onCandle('BTCUSDT', { open: 102_000, high: 102_500, low: 101_000, close: 101_500 });
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'sl2' }).actualPrice.toNumber()).toBe(102_000);
  });

  it('inside a candle the path goes open → low → high → close when it closes up', () => {
    const { sim } = createTestSimulator();
    long(sim);
    sim.placeAlgoOrder('a', sl({ triggerPrice: d('99000'), clientAlgoId: 'sl' }));
    sim.placeAlgoOrder(
      'a',
      sl({ type: 'TAKE_PROFIT_MARKET', triggerPrice: d('101000'), clientAlgoId: 'tp' }),
    );
    sim.onCandle('BTCUSDT', { open: 100_000, high: 101_500, low: 98_500, close: 101_200 });
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'sl' }).algoStatus).toBe('FINISHED');
    // The stop closed the position first; the take-profit then had nothing to close.
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'tp' }).algoStatus).toBe('EXPIRED');
  });

  it('closePosition closes the whole position at trigger time, whatever its size then', () => {
    const { sim } = createTestSimulator();
    long(sim);
    sim.placeAlgoOrder('a', sl());
    long(sim);
    sim.onPrice('BTCUSDT', { last: 97_000 });
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'sl' }).actualQty.toNumber()).toBe(0.02);
    expect(sim.positionRisk('a')).toEqual([]);
  });

  it('closePosition with no position expires at trigger and does nothing', () => {
    const { sim } = createTestSimulator();
    sim.placeAlgoOrder('a', sl());
    sim.onPrice('BTCUSDT', { last: 97_000 });
    const a = sim.getAlgoOrder('a', { clientAlgoId: 'sl' });
    expect(a.algoStatus).toBe('EXPIRED');
    expect(a.actualOrderId).toBeNull();
    expect(sim.trades('a')).toEqual([]);
  });

  it('closePosition orders expire when the position they protect is closed (GTE_GTC)', () => {
    const { sim, events } = createTestSimulator();
    long(sim);
    sim.placeAlgoOrder('a', sl());
    events.length = 0;
    sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: d('0.01') });
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'sl' }).algoStatus).toBe('EXPIRED');
    expect(trace(events).at(-1)).toBe('ALGO_UPDATE:EXPIRED');
  });

  it('a reduce-only stop whose position is gone is REJECTED at trigger with the reason', () => {
    const { sim } = createTestSimulator();
    long(sim);
    sim.placeAlgoOrder('a', sl({ closePosition: false, reduceOnly: true, quantity: d('0.01') }));
    sim.placeOrder('a', { symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: d('0.01') });
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'sl' }).algoStatus).toBe('NEW');
    sim.onPrice('BTCUSDT', { last: 97_000 });
    const a = sim.getAlgoOrder('a', { clientAlgoId: 'sl' });
    expect(a.algoStatus).toBe('REJECTED');
    expect(a.rejectReason).toBe('ReduceOnly Order is rejected.');
  });

  it('no margin check before the trigger; an opening stop without margin is REJECTED at trigger', () => {
    const { sim } = createTestSimulator({ deposit: 200 });
    const a = sim.placeAlgoOrder('a', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'STOP_MARKET',
      triggerPrice: d('101000'),
      quantity: d('1'),
      clientAlgoId: 'breakout',
    });
    expect(a.algoStatus).toBe('NEW');
    sim.onPrice('BTCUSDT', { last: 101_500 });
    const done = sim.getAlgoOrder('a', { clientAlgoId: 'breakout' });
    expect(done.algoStatus).toBe('REJECTED');
    expect(done.rejectReason).toBe('Margin is insufficient.');
  });

  it('STOP (limit) places a limit order at trigger that rests until its price trades', () => {
    const { sim } = createTestSimulator();
    long(sim);
    sim.placeAlgoOrder('a', {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'STOP',
      triggerPrice: d('99000'),
      price: d('99500'),
      quantity: d('0.01'),
      reduceOnly: true,
      clientAlgoId: 'stop-limit',
    });
    sim.onPrice('BTCUSDT', { last: 98_900 });
    const a = sim.getAlgoOrder('a', { clientAlgoId: 'stop-limit' });
    expect(a.algoStatus).toBe('TRIGGERED');
    const child = sim.getOrder('a', 'BTCUSDT', { orderId: a.actualOrderId! });
    expect(child.type).toBe('LIMIT');
    expect(child.status).toBe('NEW');
    sim.onPrice('BTCUSDT', { last: 99_600 });
    expect(sim.getAlgoOrder('a', { clientAlgoId: 'stop-limit' }).algoStatus).toBe('FINISHED');
    expect(sim.getOrder('a', 'BTCUSDT', { orderId: a.actualOrderId! }).avgPrice.toNumber()).toBe(99_500);
  });

  it('cancel one by clientAlgoId; cancel-all per family leaves the other family alone', () => {
    const { sim, events } = createTestSimulator();
    long(sim);
    sim.placeAlgoOrder('a', sl({ clientAlgoId: 's1' }));
    sim.placeAlgoOrder('a', sl({ clientAlgoId: 's2', triggerPrice: d('97000') }));
    sim.placeOrder('a', {
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'LIMIT',
      timeInForce: 'GTC',
      price: d('95000'),
      quantity: d('0.01'),
      newClientOrderId: 'bid',
    });
    events.length = 0;
    expect(sim.cancelAlgoOrder('a', { clientAlgoId: 's1' }).algoStatus).toBe('CANCELED');
    expect(sim.cancelAllOpenOrders('a', 'BTCUSDT').map((o) => o.clientOrderId)).toEqual(['bid']);
    expect(sim.openAlgoOrders('a').map((a) => a.clientAlgoId)).toEqual(['s2']);
    expect(sim.cancelAllAlgoOpenOrders('a', 'BTCUSDT').map((a) => a.clientAlgoId)).toEqual(['s2']);
    expect(trace(events)).toEqual([
      'ALGO_UPDATE:CANCELED',
      'ORDER_TRADE_UPDATE:CANCELED:CANCELED',
      'ALGO_UPDATE:CANCELED',
    ]);
    // A cancelled stop no longer fires.
    sim.onPrice('BTCUSDT', { last: 96_000 });
    expect(sim.positionRisk('a')).toHaveLength(1);
  });
});
