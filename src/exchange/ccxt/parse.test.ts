import { describe, expect, it } from 'vitest';
import {
  parseAlgoOrder,
  parseBalance,
  parseMaxLeverages,
  parsePosition,
  parseRegularOrder,
  parseSymbolRules,
  parseUserEvent,
} from './parse.js';
import { userStreamUrl, wsBaseFor } from './urls.js';

// Payloads from ../shared/reference/binance-futures-and-ccxt.md (Binance docs and real payloads).
const ORDER_TRADE_UPDATE = {
  e: 'ORDER_TRADE_UPDATE',
  E: 1568879465651,
  T: 1568879465650,
  o: {
    s: 'BTCUSDT',
    c: 'TEST',
    S: 'SELL',
    o: 'LIMIT',
    f: 'GTC',
    q: '0.001',
    p: '7100.5',
    ap: '7100.5',
    sp: '0',
    x: 'TRADE',
    X: 'FILLED',
    i: 8886774,
    l: '0.001',
    z: '0.001',
    L: '7100.5',
    N: 'USDT',
    n: '0.00142010',
    T: 1568879465650,
    t: 42,
    b: '0',
    a: '9.91',
    m: true,
    R: false,
    wt: 'CONTRACT_PRICE',
    ot: 'LIMIT',
    ps: 'BOTH',
    cp: false,
    rp: '1.20000000',
    pP: false,
    si: 0,
    ss: 0,
    V: 'EXPIRE_TAKER',
    pm: 'NONE',
    gtd: 0,
    er: '0',
  },
};
const ALGO_UPDATE = {
  e: 'ALGO_UPDATE',
  T: 1765431097030,
  E: 1765431097037,
  o: {
    caid: 'O-1',
    aid: 1000000033225453,
    at: 'CONDITIONAL',
    o: 'STOP_MARKET',
    s: 'DOGEUSDT',
    S: 'BUY',
    ps: 'BOTH',
    f: 'GTC',
    q: '38',
    X: 'TRIGGERED',
    ai: '88937381063',
    ap: '0',
    aq: '0',
    act: 'MARKET',
    tp: '0.13855',
    p: '0',
    V: 'EXPIRE_MAKER',
    wt: 'CONTRACT_PRICE',
    pm: 'NONE',
    cp: false,
    pP: false,
    R: false,
    tt: 1765431097019,
    gtd: 0,
  },
};

describe('parsing Binance payloads', () => {
  it('turns ORDER_TRADE_UPDATE into an order event and its fill, decimals exact', () => {
    const [order, fill] = parseUserEvent(ORDER_TRADE_UPDATE);
    expect(order).toMatchObject({
      type: 'order',
      order: { family: 'regular', id: '8886774', clientOrderId: 'TEST', status: 'FILLED' },
    });
    expect(fill?.type === 'fill' && fill.fill.fee.toFixed()).toBe('0.0014201');
    expect(fill?.type === 'fill' && fill.fill).toMatchObject({
      tradeId: '42',
      maker: true,
      liquidation: false,
    });
    expect(fill?.type === 'fill' && fill.fill.realizedPnl.toFixed()).toBe('1.2');
  });

  it('turns a real ALGO_UPDATE into an algo order (huge ids kept as strings)', () => {
    const [event] = parseUserEvent(ALGO_UPDATE);
    expect(event?.type === 'order' && event.order).toMatchObject({
      family: 'algo',
      id: '1000000033225453',
      clientOrderId: 'O-1',
      status: 'TRIGGERED',
      triggeredOrderId: '88937381063',
      triggeredAt: 1765431097019,
      rejectReason: null,
    });
    expect(event?.type === 'order' && event.order.triggerPrice?.toFixed()).toBe('0.13855');
  });

  it('turns ACCOUNT_UPDATE into balance then position events; unknown reasons are ADJUSTMENT', () => {
    const events = parseUserEvent({
      e: 'ACCOUNT_UPDATE',
      E: 1,
      T: 1,
      a: {
        m: 'ADMIN_DEPOSIT',
        B: [{ a: 'USDT', wb: '122624.12345678', cw: '100.12345678', bc: '50.12345678' }],
        P: [
          {
            s: 'BTCUSDT',
            pa: '-0.5',
            ep: '60000',
            bep: '0',
            cr: '200',
            up: '-1.5',
            mt: 'isolated',
            iw: '300',
            ps: 'BOTH',
          },
        ],
      },
    });
    expect(events.map((e) => e.type)).toEqual(['balance', 'position']);
    expect(events[0]).toMatchObject({ reason: 'ADJUSTMENT', asset: 'USDT' });
    expect(events[1]?.type === 'position' && events[1].positionAmt.toFixed()).toBe('-0.5');
    expect(events[1]).toMatchObject({ marginMode: 'ISOLATED' });
    expect(parseUserEvent({ e: 'TRADE_LITE', E: 1 })).toEqual([]);
  });

  it('parses REST orders, balances, positions and symbol rules', () => {
    const regular = parseRegularOrder({
      orderId: 22542179,
      symbol: 'BTCUSDT',
      status: 'NEW',
      clientOrderId: 'testOrder',
      price: '0',
      avgPrice: '0',
      origQty: '10',
      executedQty: '0',
      timeInForce: 'GTC',
      type: 'MARKET',
      reduceOnly: false,
      closePosition: false,
      side: 'SELL',
      stopPrice: '0',
      workingType: 'CONTRACT_PRICE',
      updateTime: 1566818724722,
    });
    expect(regular).toMatchObject({
      price: null,
      triggerPrice: null,
      avgFillPrice: null,
      createdAt: 1566818724722,
    });
    const algo = parseAlgoOrder({
      algoId: 3358,
      clientAlgoId: 'x',
      orderType: 'STOP_MARKET',
      symbol: 'BTCUSDT',
      side: 'SELL',
      timeInForce: 'GTE_GTC',
      quantity: '0',
      algoStatus: 'NEW',
      triggerPrice: '55000.00',
      price: '0',
      workingType: 'MARK_PRICE',
      closePosition: true,
      reduceOnly: false,
      createTime: 1,
      updateTime: 2,
      triggerTime: 0,
    });
    expect(algo).toMatchObject({ qty: null, price: null, triggeredOrderId: null, workingType: 'MARK_PRICE' });
    const balance = parseBalance({
      assets: [
        {
          asset: 'USDT',
          walletBalance: '1000',
          crossWalletBalance: '990',
          unrealizedProfit: '-10',
          marginBalance: '990',
          availableBalance: '929',
          initialMargin: '61',
          maintMargin: '2.44',
          updateTime: 5,
        },
      ],
    });
    expect(balance.maintMargin.toFixed()).toBe('2.44');
    const short = parsePosition(
      {
        symbol: 'BTCUSDT',
        positionAmt: '-0.010',
        entryPrice: '60000.0',
        markPrice: '61000',
        unRealizedProfit: '-10',
        notional: '-610',
        isolatedWallet: '0',
        liquidationPrice: '0',
        updateTime: 1,
      },
      undefined,
    );
    expect(short).toMatchObject({ side: 'SHORT', marginMode: 'CROSSED', liquidationPrice: null });
    expect(short?.notional.toFixed()).toBe('610');
    expect(parsePosition({ symbol: 'X', positionAmt: '0' }, undefined)).toBeUndefined();
    const info = {
      symbol: 'BTCUSDT',
      contractType: 'PERPETUAL',
      marginAsset: 'USDT',
      status: 'TRADING',
      baseAsset: 'BTC',
      quoteAsset: 'USDT',
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize: '0.10' },
        { filterType: 'LOT_SIZE', minQty: '0.001', maxQty: '1000', stepSize: '0.001' },
        { filterType: 'MARKET_LOT_SIZE', minQty: '0.001', maxQty: '120', stepSize: '0.001' },
        { filterType: 'MIN_NOTIONAL', notional: '100' },
      ],
    };
    expect(parseSymbolRules(info, 125)).toMatchObject({ maxLeverage: 125 });
    expect(parseSymbolRules(info, 125)?.marketMaxQty.toFixed()).toBe('120');
    expect(parseSymbolRules({ ...info, contractType: 'CURRENT_QUARTER' }, 125)).toBeUndefined();
    expect(parseMaxLeverages({ symbol: 'ETHUSDT', brackets: [{ initialLeverage: 75 }] }).get('ETHUSDT')).toBe(
      75,
    );
  });

  it('refuses garbage at the boundary with BAD_DATA', () => {
    expect(() => parseBalance({ assets: [{ asset: 'USDT', walletBalance: 'lots' }] })).toThrow(
      /walletBalance/,
    );
    expect(() => parseUserEvent('nope')).toThrow();
  });

  it('derives the user-stream URL from the REST root', () => {
    expect(userStreamUrl(wsBaseFor('https://fapi.binance.com'), 'K')).toBe(
      'wss://fstream.binance.com/private/ws?listenKey=K',
    );
    expect(userStreamUrl(wsBaseFor('https://demo-fapi.binance.com'), 'K')).toBe(
      'wss://fstream.binancefuture.com/ws/K',
    );
    expect(userStreamUrl(wsBaseFor('http://127.0.0.1:8080'), 'K')).toBe(
      'ws://127.0.0.1:8080/private/ws?listenKey=K',
    );
    expect(userStreamUrl('ws://127.0.0.1:8080/ws', 'K')).toBe('ws://127.0.0.1:8080/private/ws?listenKey=K');
  });
});
