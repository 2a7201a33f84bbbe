/**
 * Binance's documented payload examples, copied verbatim from
 * ../shared/reference/binance-futures-and-ccxt.md (which cites the Binance docs, the official
 * connector's types, the ccxt source and real payloads): the wire-format oracle for shapes.test.ts.
 */

/** §1.2 POST /fapi/v1/order response (B-GEN / 3P-REF). */
export const NEW_ORDER = {
  clientOrderId: 'testOrder',
  cumQty: '0',
  executedQty: '0',
  orderId: 22542179,
  origQty: '10',
  price: '0',
  reduceOnly: false,
  side: 'SELL',
  positionSide: 'SHORT',
  status: 'NEW',
  stopPrice: '0',
  closePosition: false,
  symbol: 'BTCUSDT',
  timeInForce: 'GTD',
  type: 'LIMIT',
  origType: 'LIMIT',
  updateTime: 1566818724722,
  workingType: 'CONTRACT_PRICE',
  priceProtect: false,
  priceMatch: 'NONE',
  selfTradePreventionMode: 'NONE',
  goodTillDate: 1693207680000,
};

/** §1.3 POST /fapi/v1/algoOrder response (ccxt parseOrder comment). */
export const NEW_ALGO_ORDER = {
  algoId: 3358,
  clientAlgoId: 'yT58zmV3DSzMBQxc5tAJXU',
  algoType: 'CONDITIONAL',
  orderType: 'STOP',
  symbol: 'BTCUSDT',
  side: 'BUY',
  positionSide: 'BOTH',
  timeInForce: 'GTC',
  quantity: '0.002',
  algoStatus: 'NEW',
  triggerPrice: '100000.00',
  price: '102000.00',
  icebergQuantity: null,
  selfTradePreventionMode: 'EXPIRE_MAKER',
  workingType: 'CONTRACT_PRICE',
  priceMatch: 'NONE',
  closePosition: false,
  priceProtect: false,
  reduceOnly: false,
  createTime: 1763458576201,
  updateTime: 1763458576201,
  triggerTime: 0,
  goodTillDate: 0,
};

/** §1.3 GET /fapi/v1/algoOrder adds these (BCJS query-algo-order-response). */
export const QUERY_ALGO_EXTRA = ['actualOrderId', 'actualPrice', 'actualType', 'actualQty', 'tpOrderType'];

/** §1.3 DELETE /fapi/v1/algoOrder: `code` is a string on this endpoint. */
export const CANCEL_ALGO = { algoId: 3358, clientAlgoId: 'abc', code: '200', msg: 'success' };

/** §1.3 DELETE /fapi/v1/allOpenOrders and /algoOpenOrders. */
export const CANCEL_ALL = { code: 200, msg: 'The operation of cancel all open order is done.' };

/** §4 POST /fapi/v1/leverage (BCJS type). */
export const LEVERAGE = { leverage: 21, maxNotionalValue: '1000000', symbol: 'BTCUSDT' };

/** §4 GET /fapi/v1/leverageBracket entry. */
export const LEVERAGE_BRACKET = {
  symbol: 'ETHUSDT',
  notionalCoef: 1.5,
  brackets: [
    {
      bracket: 1,
      initialLeverage: 75,
      notionalCap: 10000,
      notionalFloor: 0,
      maintMarginRatio: 0.0065,
      cum: 0,
    },
  ],
};

/** §4 GET /fapi/v1/premiumIndex fields. */
export const PREMIUM_INDEX = {
  symbol: 'BTCUSDT',
  markPrice: '11793.63104562',
  indexPrice: '11781.80495970',
  estimatedSettlePrice: '11781.16138815',
  lastFundingRate: '0.00038246',
  nextFundingTime: 1597392000000,
  interestRate: '0.00010000',
  time: 1597370495002,
};

/** §6.2 probe: GET /fapi/v3/positionRisk row. */
export const POSITION_RISK_V3 = {
  symbol: 'BTCUSDT',
  positionSide: 'BOTH',
  positionAmt: '-0.010',
  entryPrice: '60000.0',
  breakEvenPrice: '59970.0',
  markPrice: '61000.00000000',
  unRealizedProfit: '-10.00000000',
  liquidationPrice: '65000.1',
  isolatedMargin: '0',
  notional: '-610.00000000',
  marginAsset: 'USDT',
  isolatedWallet: '0',
  initialMargin: '61.0',
  maintMargin: '2.44',
  positionInitialMargin: '61.0',
  openOrderInitialMargin: '0',
  adl: 1,
  bidNotional: '0',
  askNotional: '0',
  updateTime: 1700000000000,
};

/** §6.2 probe: GET /fapi/v3/account (positions left out: they hold one row per open position). */
export const ACCOUNT_V3 = {
  totalInitialMargin: '61',
  totalMaintMargin: '2.44',
  totalWalletBalance: '1000',
  totalUnrealizedProfit: '-10',
  totalMarginBalance: '990',
  totalPositionInitialMargin: '61',
  totalOpenOrderInitialMargin: '0',
  totalCrossWalletBalance: '1000',
  totalCrossUnPnl: '-10',
  availableBalance: '929',
  maxWithdrawAmount: '929',
  assets: [
    {
      asset: 'USDT',
      walletBalance: '1000',
      unrealizedProfit: '-10',
      marginBalance: '990',
      maintMargin: '2.44',
      initialMargin: '61',
      positionInitialMargin: '61',
      openOrderInitialMargin: '0',
      crossWalletBalance: '1000',
      crossUnPnl: '-10',
      availableBalance: '929',
      maxWithdrawAmount: '929',
      updateTime: 1700000000000,
    },
  ],
};

/** §2 exchangeInfo symbol (probe, from the BCJS types and live fixtures). */
export const EXCHANGE_INFO_SYMBOL = {
  symbol: 'BTCUSDT',
  pair: 'BTCUSDT',
  contractType: 'PERPETUAL',
  deliveryDate: 4133404800000,
  onboardDate: 1569398400000,
  status: 'TRADING',
  maintMarginPercent: '2.5000',
  requiredMarginPercent: '5.0000',
  baseAsset: 'BTC',
  quoteAsset: 'USDT',
  marginAsset: 'USDT',
  pricePrecision: 2,
  quantityPrecision: 3,
  baseAssetPrecision: 8,
  quotePrecision: 8,
  underlyingType: 'COIN',
  triggerProtect: '0.0500',
  liquidationFee: '0.012500',
  marketTakeBound: '0.05',
  orderTypes: ['LIMIT'],
  timeInForce: ['GTC'],
};

export const FILTERS: Record<string, Record<string, unknown>> = {
  PRICE_FILTER: { filterType: 'PRICE_FILTER', minPrice: '556.80', maxPrice: '4529764', tickSize: '0.10' },
  LOT_SIZE: { filterType: 'LOT_SIZE', minQty: '0.001', maxQty: '1000', stepSize: '0.001' },
  MARKET_LOT_SIZE: { filterType: 'MARKET_LOT_SIZE', minQty: '0.001', maxQty: '120', stepSize: '0.001' },
  MAX_NUM_ORDERS: { filterType: 'MAX_NUM_ORDERS', limit: 200 },
  MIN_NOTIONAL: { filterType: 'MIN_NOTIONAL', notional: '100' },
  PERCENT_PRICE: {
    filterType: 'PERCENT_PRICE',
    multiplierUp: '1.0500',
    multiplierDown: '0.9500',
    multiplierDecimal: '4',
  },
};

/** §5.2 ORDER_TRADE_UPDATE (B-ORDUPD). AP and cr exist only for trailing stops (not simulated). */
export const ORDER_TRADE_UPDATE = {
  e: 'ORDER_TRADE_UPDATE',
  E: 1568879465651,
  T: 1568879465650,
  o: {
    s: 'BTCUSDT',
    c: 'TEST',
    S: 'SELL',
    o: 'TRAILING_STOP_MARKET',
    f: 'GTC',
    q: '0.001',
    p: '0',
    ap: '0',
    sp: '7103.04',
    x: 'NEW',
    X: 'NEW',
    i: 8886774,
    l: '0',
    z: '0',
    L: '0',
    N: 'USDT',
    n: '0',
    T: 1568879465650,
    t: 0,
    b: '0',
    a: '9.91',
    m: false,
    R: false,
    wt: 'CONTRACT_PRICE',
    ot: 'TRAILING_STOP_MARKET',
    ps: 'LONG',
    cp: false,
    AP: '7476.89',
    cr: '5.0',
    pP: false,
    si: 0,
    ss: 0,
    rp: '0',
    V: 'EXPIRE_TAKER',
    pm: 'OPPONENT',
    gtd: 0,
    er: '0',
  },
};
export const TRAILING_ONLY = ['AP', 'cr'];

/** §5.2 ACCOUNT_UPDATE (B-ACCUPD). */
export const ACCOUNT_UPDATE = {
  e: 'ACCOUNT_UPDATE',
  E: 1564745798939,
  T: 1564745798938,
  a: {
    m: 'ORDER',
    B: [{ a: 'USDT', wb: '122624.12345678', cw: '100.12345678', bc: '50.12345678' }],
    P: [
      {
        s: 'BTCUSDT',
        pa: '0',
        ep: '0.00000',
        bep: '0',
        cr: '200',
        up: '0',
        mt: 'isolated',
        iw: '0.00000000',
        ps: 'BOTH',
      },
    ],
  },
};

/** §5.2 ALGO_UPDATE, a real mainnet payload (nautilus_trader#3287), plus `rm` (B-CL 2025-12-10). */
export const ALGO_UPDATE = {
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
    rm: '',
  },
};

/** §5.2 listenKeyExpired (E an integer since 2026-05). */
export const LISTEN_KEY_EXPIRED = { e: 'listenKeyExpired', E: 1576653824250, listenKey: 'abc' };

/** §5.3 kline event. */
export const KLINE = {
  e: 'kline',
  E: 1,
  s: 'BTCUSDT',
  k: {
    t: 1,
    T: 2,
    s: 'BTCUSDT',
    i: '1m',
    f: 1,
    L: 2,
    o: '1',
    c: '1',
    h: '1',
    l: '1',
    v: '1',
    n: 1,
    x: false,
    q: '1',
    V: '1',
    Q: '1',
    B: '0',
  },
};

/** §5.3 markPriceUpdate. */
export const MARK_PRICE_UPDATE = {
  e: 'markPriceUpdate',
  E: 1562305380000,
  s: 'BTCUSDT',
  p: '11794.15',
  ap: '11794.15',
  i: '11784.62',
  P: '11784.25',
  r: '0.00038167',
  T: 1562306400000,
};

/** §5.3 forceOrder (ccxt handleLiquidation comment). */
export const FORCE_ORDER = {
  e: 'forceOrder',
  E: 1698871323061,
  o: {
    s: 'BTCUSDT',
    S: 'BUY',
    o: 'LIMIT',
    f: 'IOC',
    q: '1.437',
    p: '35100.81',
    ap: '34959.70',
    X: 'FILLED',
    l: '1.437',
    z: '1.437',
    T: 1698871323059,
  },
};

/** Every key of `example` is in `actual` with the same JSON type, recursively (first array item). */
export function shapeProblems(
  actual: unknown,
  example: unknown,
  path = '$',
  ignore: readonly string[] = [],
): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(actual) !== kind(example))
    return [`${path}: ${kind(actual)} where Binance sends ${kind(example)}`];
  if (Array.isArray(example)) {
    if (example.length === 0 || !Array.isArray(actual) || actual.length === 0) return [];
    return shapeProblems(actual[0], example[0], `${path}[0]`, ignore);
  }
  if (typeof example === 'object' && example !== null) {
    const out: string[] = [];
    for (const [k, v] of Object.entries(example)) {
      if (ignore.includes(k)) continue;
      if (!(k in (actual as object))) out.push(`${path}.${k}: missing`);
      else out.push(...shapeProblems((actual as Record<string, unknown>)[k], v, `${path}.${k}`, ignore));
    }
    return out;
  }
  return [];
}
