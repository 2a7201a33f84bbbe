import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../domain/index.js';
import { createTestSimulator, d } from './fixtures.js';
import type { PlaceAlgoOrderRequest, PlaceOrderRequest } from './types.js';

/** Run `fn`, expect a DomainError with this Binance code, return it. */
function rejection(fn: () => unknown, code: number): DomainError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).details?.exchangeCode).toBe(code);
    return err as DomainError;
  }
  throw new Error(`expected Binance ${code}, nothing was thrown`);
}

const buyMarket = (over: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest => ({
  symbol: 'BTCUSDT',
  side: 'BUY',
  type: 'MARKET',
  quantity: d('0.01'),
  newClientOrderId: 'cid-1',
  ...over,
});

const buyLimit = (over: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest =>
  buyMarket({ type: 'LIMIT', timeInForce: 'GTC', price: d('99000'), ...over });

const stop = (over: Partial<PlaceAlgoOrderRequest> = {}): PlaceAlgoOrderRequest => ({
  symbol: 'BTCUSDT',
  side: 'SELL',
  type: 'STOP_MARKET',
  triggerPrice: d('95000'),
  closePosition: true,
  clientAlgoId: 'sl-1',
  ...over,
});

describe('regular order rules (POST /fapi/v1/order)', () => {
  it('conditional types answer -4120 on the regular endpoint', () => {
    const { sim } = createTestSimulator();
    for (const type of [
      'STOP_MARKET',
      'TAKE_PROFIT_MARKET',
      'STOP',
      'TAKE_PROFIT',
      'TRAILING_STOP_MARKET',
    ] as const) {
      const err = rejection(() => sim.placeOrder('a', buyMarket({ type })), -4120);
      expect(err.details?.exchangeMessage).toBe(
        'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
      );
    }
  });

  it('unknown symbol -1121, missing quantity -1102, missing timeInForce -1102, price on MARKET -1106', () => {
    const { sim } = createTestSimulator();
    rejection(() => sim.placeOrder('a', buyMarket({ symbol: 'NOPEUSDT' })), -1121);
    const e = rejection(() => sim.placeOrder('a', buyMarket({ quantity: undefined })), -1102);
    expect(e.details?.exchangeMessage).toContain("'quantity'");
    rejection(() => sim.placeOrder('a', buyLimit({ timeInForce: undefined })), -1102);
    rejection(() => sim.placeOrder('a', buyMarket({ price: d(100_000) })), -1106);
    rejection(() => sim.placeOrder('a', buyMarket({ closePosition: true })), -1106);
    rejection(() => sim.placeOrder('a', buyMarket({ positionSide: 'LONG' })), -4061);
  });

  it('quantity filters: <= 0 -4003, precision -1111, step -4023, min -4004, max -4005 (market lot smaller)', () => {
    const { sim } = createTestSimulator({ deposit: 1e9 });
    rejection(() => sim.placeOrder('a', buyMarket({ quantity: d(0) })), -4003);
    rejection(() => sim.placeOrder('a', buyMarket({ quantity: d('0.0015') })), -1111);
    rejection(() => sim.placeOrder('a', buyMarket({ quantity: d('1001') })), -4005);
    rejection(() => sim.placeOrder('a', buyMarket({ quantity: d('121') })), -4005); // MARKET_LOT_SIZE 120
    const { sim: doge } = createTestSimulator();
    rejection(() => doge.placeOrder('a', { ...buyMarket(), symbol: 'DOGEUSDT', quantity: d('0.5') }), -1111);
  });

  it('step that is not a power of ten: -4023; min qty: -4004', async () => {
    const { simSymbol } = await import('./spec.js');
    const { Simulator } = await import('./simulator.js');
    const { createManualClock } = await import('../../domain/index.js');
    const sim = new Simulator({
      clock: createManualClock(0),
      symbols: [simSymbol({ symbol: 'XUSDT', tickSize: '0.5', stepSize: '5', minQty: '10', minNotional: 1 })],
    });
    sim.createAccount('a', { deposit: 1e6 });
    sim.onPrice('XUSDT', { last: 100, time: 1 });
    rejection(() => sim.placeOrder('a', { ...buyMarket(), symbol: 'XUSDT', quantity: d(12) }), -4023);
    rejection(() => sim.placeOrder('a', { ...buyMarket(), symbol: 'XUSDT', quantity: d(5) }), -4004);
    rejection(
      () => sim.placeOrder('a', { ...buyLimit(), symbol: 'XUSDT', quantity: d(10), price: d('99.25') }),
      -1111,
    );
    rejection(
      () => sim.placeOrder('a', { ...buyLimit(), symbol: 'XUSDT', quantity: d(10), price: d('99.3') }),
      -4014,
    );
  });

  it('price filters: tick -4014, precision -1111, min -4013, max -4002, PERCENT_PRICE -4016 / -4024', () => {
    const { sim } = createTestSimulator({ deposit: 1e9 });
    rejection(() => sim.placeOrder('a', buyLimit({ price: d('99000.05') })), -4014);
    rejection(() => sim.placeOrder('a', buyLimit({ price: d('99000.001') })), -1111);
    rejection(() => sim.placeOrder('a', buyLimit({ price: d('500') })), -4013);
    rejection(() => sim.placeOrder('a', buyLimit({ price: d('5000000') })), -4002);
    rejection(() => sim.placeOrder('a', buyLimit({ price: d('105000.1') })), -4016);
    rejection(() => sim.placeOrder('a', buyLimit({ side: 'SELL', price: d('94999.9') })), -4024);
  });

  it('min notional -4164 names the symbol floor; reduce-only is exempt', () => {
    const { sim } = createTestSimulator();
    const err = rejection(() => sim.placeOrder('a', buyMarket({ quantity: d('0.0009') })), -1111);
    expect(err.code).toBe(ErrorCode.EXCHANGE_REJECTED);
    const below = rejection(() => sim.placeOrder('a', buyMarket({ quantity: d('0.000') })), -4003);
    expect(below).toBeDefined();
    const small = rejection(
      () => sim.placeOrder('a', buyLimit({ quantity: d('0.001'), price: d('99000') })),
      -4164,
    );
    expect(small.code).toBe(ErrorCode.BELOW_MIN_NOTIONAL);
    expect(small.details?.exchangeMessage).toBe(
      "Order's notional must be no smaller than 100 (unless you choose reduce only)",
    );
    sim.placeOrder('a', buyMarket({ quantity: d('0.002'), newClientOrderId: 'open' }));
    const closed = sim.placeOrder('a', {
      ...buyMarket({ side: 'SELL', quantity: d('0.001'), newClientOrderId: 'tiny-close' }),
      reduceOnly: true,
    });
    expect(closed.status).toBe('FILLED');
  });

  it('client order ids: invalid -4015, empty -1118, duplicate of an open order -4116, reuse after close allowed', () => {
    const { sim } = createTestSimulator();
    rejection(() => sim.placeOrder('a', buyMarket({ newClientOrderId: 'has space' })), -4015);
    rejection(() => sim.placeOrder('a', buyMarket({ newClientOrderId: 'x'.repeat(37) })), -4015);
    rejection(() => sim.placeOrder('a', buyMarket({ newClientOrderId: '' })), -1118);
    sim.placeOrder('a', buyLimit({ newClientOrderId: 'dup' }));
    const dup = rejection(() => sim.placeOrder('a', buyLimit({ newClientOrderId: 'dup' })), -4116);
    expect(dup.code).toBe(ErrorCode.DUPLICATE_CLIENT_ORDER_ID);
    sim.cancelOrder('a', 'BTCUSDT', { origClientOrderId: 'dup' });
    expect(sim.placeOrder('a', buyLimit({ newClientOrderId: 'dup' })).status).toBe('NEW');
  });

  it("clientIdUniqueness 'always' refuses any reuse", () => {
    const { sim } = createTestSimulator({ clientIdUniqueness: 'always' });
    sim.placeOrder('a', buyMarket({ newClientOrderId: 'once' }));
    rejection(() => sim.placeOrder('a', buyMarket({ newClientOrderId: 'once' })), -4116);
  });

  it('generates a client id when none is sent, as Binance does', () => {
    const { sim } = createTestSimulator();
    const o = sim.placeOrder('a', buyMarket({ newClientOrderId: undefined }));
    expect(o.clientOrderId).toMatch(/^[.A-Z:/a-z0-9_-]{1,36}$/);
  });

  it('reduce-only that would open or increase: -2022', () => {
    const { sim } = createTestSimulator();
    const flat = rejection(() => sim.placeOrder('a', buyMarket({ reduceOnly: true })), -2022);
    expect(flat.code).toBe(ErrorCode.REDUCE_ONLY_REJECTED);
    sim.placeOrder('a', buyMarket({ newClientOrderId: 'long' }));
    rejection(() => sim.placeOrder('a', buyMarket({ reduceOnly: true, newClientOrderId: 'more' })), -2022);
  });

  it('insufficient margin -2019; position above the leverage bracket cap -2027', () => {
    const { sim } = createTestSimulator({ deposit: 100 });
    // 0.1 BTC = 10,000 notional at 20x needs 500.
    const err = rejection(() => sim.placeOrder('a', buyMarket({ quantity: d('0.1') })), -2019);
    expect(err.code).toBe(ErrorCode.INSUFFICIENT_MARGIN);
    rejection(() => sim.placeOrder('a', buyLimit({ quantity: d('0.1'), price: d('99000') })), -2019);
    const rich = createTestSimulator({ deposit: 1e9 }).sim;
    rich.setLeverage('a', 'BTCUSDT', 125);
    rejection(() => rich.placeOrder('a', buyMarket({ quantity: d('1') })), -2027); // 100k > 50k cap at 125x
  });

  it('GTX that would take is rejected -5022; FOK that cannot fill -5021', () => {
    const { sim } = createTestSimulator();
    rejection(() => sim.placeOrder('a', buyLimit({ timeInForce: 'GTX', price: d('100000') })), -5022);
    rejection(() => sim.placeOrder('a', buyLimit({ timeInForce: 'FOK', price: d('99000') })), -5021);
    expect(sim.placeOrder('a', buyLimit({ timeInForce: 'GTX', price: d('99900') })).status).toBe('NEW');
  });

  it('too many open orders on a symbol: -2025', async () => {
    const { simSymbol } = await import('./spec.js');
    const { sim } = createTestSimulator({
      symbols: [simSymbol({ symbol: 'BTCUSDT', tickSize: '0.1', stepSize: '0.001', maxOpenOrders: 2 })],
      prices: { BTCUSDT: 100_000 },
    });
    sim.placeOrder('a', buyLimit({ newClientOrderId: 'l1' }));
    sim.placeOrder('a', buyLimit({ newClientOrderId: 'l2' }));
    rejection(() => sim.placeOrder('a', buyLimit({ newClientOrderId: 'l3' })), -2025);
  });

  it('a symbol that is not trading: -1122', async () => {
    const { simSymbol } = await import('./spec.js');
    const { sim } = createTestSimulator({
      symbols: [simSymbol({ symbol: 'BTCUSDT', tickSize: '0.1', stepSize: '0.001', status: 'SETTLING' })],
      prices: { BTCUSDT: 100_000 },
    });
    rejection(() => sim.placeOrder('a', buyMarket()), -1122);
  });
});

describe('algo order rules (POST /fapi/v1/algoOrder)', () => {
  it('a stop that would trigger immediately is rejected -2021, on the price its workingType watches', () => {
    const { sim } = createTestSimulator();
    sim.placeOrder('a', buyMarket({ quantity: d('0.01') }));
    const e = rejection(() => sim.placeAlgoOrder('a', stop({ triggerPrice: d('100000') })), -2021);
    expect(e.code).toBe(ErrorCode.WOULD_TRIGGER_IMMEDIATELY);
    rejection(() => sim.placeAlgoOrder('a', stop({ side: 'BUY', triggerPrice: d('99000') })), -2021);
    rejection(
      () => sim.placeAlgoOrder('a', stop({ type: 'TAKE_PROFIT_MARKET', triggerPrice: d('99000') })),
      -2021,
    );
    // Mark far below last: a SELL stop at 99,000 has not triggered on contract price, has on mark.
    sim.onPrice('BTCUSDT', { last: 100_000, mark: 98_000 });
    expect(sim.placeAlgoOrder('a', stop({ triggerPrice: d('99000'), clientAlgoId: 'c' })).algoStatus).toBe(
      'NEW',
    );
    rejection(
      () =>
        sim.placeAlgoOrder(
          'a',
          stop({ triggerPrice: d('99000'), workingType: 'MARK_PRICE', clientAlgoId: 'm' }),
        ),
      -2021,
    );
  });

  it('closePosition with reduceOnly -1106, with quantity -4137', () => {
    const { sim } = createTestSimulator();
    const e = rejection(() => sim.placeAlgoOrder('a', stop({ reduceOnly: true })), -1106);
    expect(e.details?.exchangeMessage).toBe("Parameter 'reduceOnly' sent when not required.");
    rejection(() => sim.placeAlgoOrder('a', stop({ quantity: d('0.01') })), -4137);
  });

  it('closePosition with no position is accepted (it expires at trigger)', () => {
    const { sim } = createTestSimulator();
    expect(sim.placeAlgoOrder('a', stop()).algoStatus).toBe('NEW');
  });

  it('trigger price filters: <= 0 -4006, above max -4007, tick -4014; TRAILING_STOP_MARKET -1116', () => {
    const { sim } = createTestSimulator();
    rejection(() => sim.placeAlgoOrder('a', stop({ triggerPrice: d(0) })), -4006);
    rejection(() => sim.placeAlgoOrder('a', stop({ side: 'BUY', triggerPrice: d('5000000') })), -4007);
    rejection(() => sim.placeAlgoOrder('a', stop({ triggerPrice: d('95000.05') })), -4014);
    rejection(() => sim.placeAlgoOrder('a', stop({ type: 'TRAILING_STOP_MARKET' })), -1116);
    rejection(() => sim.placeAlgoOrder('a', stop({ type: 'LIMIT' })), -1116);
  });

  it('reduce-only conditional that could only increase: -2022; min notional unless reduce-only: -4164', () => {
    const { sim } = createTestSimulator();
    rejection(
      () => sim.placeAlgoOrder('a', stop({ closePosition: false, reduceOnly: true, quantity: d('0.01') })),
      -2022,
    );
    rejection(
      () =>
        sim.placeAlgoOrder(
          'a',
          stop({ closePosition: false, side: 'BUY', triggerPrice: d('101000'), quantity: d('0.0009') }),
        ),
      -1111,
    );
    const dogeStop = stop({ symbol: 'DOGEUSDT', closePosition: false, side: 'BUY', triggerPrice: d('0.21') });
    rejection(() => sim.placeAlgoOrder('a', { ...dogeStop, quantity: d(10) }), -4164); // 2.1 < 5
    expect(sim.placeAlgoOrder('a', { ...dogeStop, quantity: d(30) }).algoStatus).toBe('NEW');
  });

  it('duplicate clientAlgoId among open algo orders: -4116; the two families are separate namespaces', () => {
    const { sim } = createTestSimulator();
    sim.placeAlgoOrder('a', stop({ clientAlgoId: 'same' }));
    rejection(() => sim.placeAlgoOrder('a', stop({ clientAlgoId: 'same' })), -4116);
    expect(sim.placeOrder('a', buyLimit({ newClientOrderId: 'same' })).status).toBe('NEW');
  });

  it('at most maxOpenAlgoOrders open conditional orders: -4045', () => {
    const { sim } = createTestSimulator({ maxOpenAlgoOrders: 2 });
    sim.placeAlgoOrder('a', stop({ clientAlgoId: 's1' }));
    sim.placeAlgoOrder('a', stop({ clientAlgoId: 's2' }));
    rejection(() => sim.placeAlgoOrder('a', stop({ clientAlgoId: 's3' })), -4045);
  });
});

describe('settings rules', () => {
  it('leverage outside 1..max -4028; lowering isolated leverage with a position -4161', () => {
    const { sim } = createTestSimulator();
    const e = rejection(() => sim.setLeverage('a', 'BTCUSDT', 126), -4028);
    expect(e.details?.exchangeMessage).toBe('Leverage 126 is not valid');
    rejection(() => sim.setLeverage('a', 'BTCUSDT', 0), -4028);
    rejection(() => sim.setLeverage('a', 'DOGEUSDT', 76), -4028); // ALT table tops at 75
    expect(sim.setLeverage('a', 'BTCUSDT', 10).maxNotionalValue.toNumber()).toBe(230_000_000);
    sim.placeOrder('a', buyMarket());
    rejection(() => sim.setLeverage('a', 'BTCUSDT', 5), -4161);
    expect(sim.setLeverage('a', 'BTCUSDT', 20).leverage).toBe(20);
  });

  it('margin type: unchanged -4046, open orders -4047, position -4048; ISOLATED by default', () => {
    const { sim } = createTestSimulator();
    expect(sim.symbolConfig('a', 'BTCUSDT')[0]!.marginType).toBe('ISOLATED');
    rejection(() => sim.setMarginType('a', 'BTCUSDT', 'ISOLATED'), -4046);
    sim.placeOrder('a', buyLimit({ newClientOrderId: 'rest' }));
    rejection(() => sim.setMarginType('a', 'BTCUSDT', 'CROSSED'), -4047);
    sim.cancelAllOpenOrders('a', 'BTCUSDT');
    sim.placeOrder('a', buyMarket({ newClientOrderId: 'pos' }));
    rejection(() => sim.setMarginType('a', 'BTCUSDT', 'CROSSED'), -4048);
    sim.setMarginType('a', 'DOGEUSDT', 'CROSSED');
    expect(sim.symbolConfig('a', 'DOGEUSDT')[0]!.marginType).toBe('CROSSED');
  });

  it('unknown orders: cancel -2011, query -2013', () => {
    const { sim } = createTestSimulator();
    rejection(() => sim.cancelOrder('a', 'BTCUSDT', { origClientOrderId: 'ghost' }), -2011);
    rejection(() => sim.getOrder('a', 'BTCUSDT', { orderId: 424242 }), -2013);
    rejection(() => sim.cancelAlgoOrder('a', { clientAlgoId: 'ghost' }), -2011);
    rejection(() => sim.getAlgoOrder('a', { algoId: 424242 }), -2013);
  });
});
