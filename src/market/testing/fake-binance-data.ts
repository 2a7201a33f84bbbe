/**
 * The fake Binance's contracts, in exchangeInfo's recorded shape (field names and string formats
 * as Binance sends them, see reference/binance-futures-and-ccxt.md section 2), plus contracts a
 * feed must leave out of the universe: a quarterly, a USDC perpetual, one SETTLING, and one whose
 * MIN_NOTIONAL filter is missing.
 */

import { type CandleColumns, MINUTE_MS, type Timeframe, timeframeMs } from '../../domain/index.js';
import { createRandom } from '../synthetic/random.js';

export interface FakeContract {
  symbol: string;
  baseAsset: string;
  price: number;
  tickSize: string;
  stepSize: string;
  minQty: string;
  maxQty: string;
  marketMaxQty: string;
  minNotional: string;
  /** Mean base-asset volume per minute. */
  minuteVolume: number;
}

export const FAKE_CONTRACTS: readonly FakeContract[] = [
  {
    symbol: 'BTCUSDT',
    baseAsset: 'BTC',
    price: 95_000,
    tickSize: '0.10',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '1000',
    marketMaxQty: '120',
    minNotional: '100',
    minuteVolume: 120,
  },
  {
    symbol: 'ETHUSDT',
    baseAsset: 'ETH',
    price: 3_300,
    tickSize: '0.01',
    stepSize: '0.001',
    minQty: '0.001',
    maxQty: '10000',
    marketMaxQty: '2000',
    minNotional: '20',
    minuteVolume: 1_500,
  },
  {
    symbol: 'DOGEUSDT',
    baseAsset: 'DOGE',
    price: 0.32,
    tickSize: '0.00001',
    stepSize: '1',
    minQty: '1',
    maxQty: '50000000',
    marketMaxQty: '30000000',
    minNotional: '5',
    minuteVolume: 2_000_000,
  },
];

const ORDER_TYPES = [
  'LIMIT',
  'MARKET',
  'STOP',
  'STOP_MARKET',
  'TAKE_PROFIT',
  'TAKE_PROFIT_MARKET',
  'TRAILING_STOP_MARKET',
];

function symbolEntry(
  c: Pick<
    FakeContract,
    'symbol' | 'baseAsset' | 'tickSize' | 'stepSize' | 'minQty' | 'maxQty' | 'marketMaxQty' | 'minNotional'
  >,
  extra: { contractType?: string; status?: string; quoteAsset?: string; dropFilter?: string } = {},
) {
  const filters = [
    { filterType: 'PRICE_FILTER', minPrice: c.tickSize, maxPrice: '4529764', tickSize: c.tickSize },
    { filterType: 'LOT_SIZE', minQty: c.minQty, maxQty: c.maxQty, stepSize: c.stepSize },
    { filterType: 'MARKET_LOT_SIZE', minQty: c.minQty, maxQty: c.marketMaxQty, stepSize: c.stepSize },
    { filterType: 'MAX_NUM_ORDERS', limit: 200 },
    { filterType: 'MIN_NOTIONAL', notional: c.minNotional },
    { filterType: 'PERCENT_PRICE', multiplierUp: '1.0500', multiplierDown: '0.9500', multiplierDecimal: '4' },
  ].filter((f) => f.filterType !== extra.dropFilter);
  const quote = extra.quoteAsset ?? 'USDT';
  return {
    symbol: c.symbol,
    pair: c.symbol.replace(/_\d+$/, ''),
    contractType: extra.contractType ?? 'PERPETUAL',
    deliveryDate: extra.contractType === 'CURRENT_QUARTER' ? 1774598400000 : 4133404800000,
    onboardDate: 1569398400000,
    status: extra.status ?? 'TRADING',
    maintMarginPercent: '2.5000',
    requiredMarginPercent: '5.0000',
    baseAsset: c.baseAsset,
    quoteAsset: quote,
    marginAsset: quote,
    pricePrecision: 2,
    quantityPrecision: 3,
    baseAssetPrecision: 8,
    quotePrecision: 8,
    underlyingType: 'COIN',
    underlyingSubType: [],
    triggerProtect: '0.0500',
    liquidationFee: '0.012500',
    marketTakeBound: '0.05',
    maxMoveOrderLimit: 10000,
    filters,
    orderTypes: ORDER_TYPES,
    timeInForce: ['GTC', 'IOC', 'FOK', 'GTX', 'GTD'],
  };
}

export const exchangeInfoSymbol = (c: FakeContract) => symbolEntry(c);

const BTC = FAKE_CONTRACTS[0]!;
export const EXTRA_EXCHANGE_INFO_SYMBOLS = [
  symbolEntry({ ...BTC, symbol: 'BTCUSDT_260327' }, { contractType: 'CURRENT_QUARTER' }),
  symbolEntry({ ...BTC, symbol: 'BTCUSDC' }, { quoteAsset: 'USDC' }),
  symbolEntry({ ...BTC, symbol: 'OLDUSDT', baseAsset: 'OLD' }, { status: 'SETTLING' }),
  symbolEntry({ ...BTC, symbol: 'BROKENUSDT', baseAsset: 'BROKEN' }, { dropFilter: 'MIN_NOTIONAL' }),
];

export const decimals = (step: string) => (step.includes('.') ? step.split('.')[1]!.length : 0);

export function klineEvent(
  symbol: string,
  tf: Timeframe,
  openTime: number,
  k: { o: number; h: number; l: number; c: number; v: number },
  closed: boolean,
) {
  return {
    e: 'kline',
    E: openTime + 1,
    s: symbol,
    k: {
      t: openTime,
      T: openTime + timeframeMs(tf) - 1,
      s: symbol,
      i: tf,
      f: 1,
      L: 2,
      o: String(k.o),
      c: String(k.c),
      h: String(k.h),
      l: String(k.l),
      v: String(k.v),
      n: 10,
      x: closed,
      q: String(k.v * k.c),
      V: '0',
      Q: '0',
      B: '0',
    },
  };
}

/** Binance's IP weights for the endpoints served here. */
export function weightOf(path: string, p: Record<string, string>): number {
  if (path === '/fapi/v1/klines') {
    const n = Number(p.limit ?? 500);
    return n < 100 ? 1 : n < 500 ? 2 : n <= 1000 ? 5 : 10;
  }
  if (path === '/fapi/v1/ticker/24hr') return p.symbol ? 1 : 40;
  if (path === '/fapi/v1/premiumIndex') return p.symbol ? 1 : 10;
  return 1;
}

export function randomWalk(
  c: FakeContract,
  origin: number,
  count: number,
  seed: number,
  stream: number,
): CandleColumns {
  const rnd = createRandom(seed, stream);
  const tick = Number(c.tickSize);
  const step = Number(c.stepSize);
  // Divide by the inverse tick so 0.1-ticks print as 88632.7, not 88632.70000000001.
  const inverse = Math.round(1 / tick);
  const round = (x: number) =>
    Math.max(tick, tick < 1 ? Math.round(x * inverse) / inverse : Math.round(x / tick) * tick);
  const cols = {
    openTime: new Float64Array(count),
    open: new Float64Array(count),
    high: new Float64Array(count),
    low: new Float64Array(count),
    close: new Float64Array(count),
    volume: new Float64Array(count),
  };
  let price = c.price;
  for (let i = 0; i < count; i++) {
    const open = round(price);
    price *= Math.exp(0.0008 * rnd.studentT(4));
    const close = round(price);
    cols.openTime[i] = origin + i * MINUTE_MS;
    cols.open[i] = open;
    cols.close[i] = close;
    cols.high[i] = round(Math.max(open, close) * (1 + 0.0004 * rnd.next()));
    cols.low[i] = round(Math.min(open, close) * (1 - 0.0004 * rnd.next()));
    const steps = Math.round((c.minuteVolume * (0.5 + rnd.next())) / step);
    cols.volume[i] = step < 1 ? steps / Math.round(1 / step) : steps * step;
  }
  return cols;
}

export function lastClose(cols: CandleColumns, now: number): number {
  let i = cols.openTime.length - 1;
  while (i > 0 && cols.openTime[i]! > now) i--;
  return cols.close[i]!;
}

export function ticker(c: FakeContract, cols: CandleColumns, now: number) {
  let last = cols.openTime.length - 1;
  while (last > 0 && cols.openTime[last]! > now) last--;
  const first = Math.max(0, last - 1439);
  let volume = 0;
  let quote = 0;
  let high = 0;
  let low = Number.POSITIVE_INFINITY;
  for (let i = first; i <= last; i++) {
    volume += cols.volume[i]!;
    quote += cols.volume[i]! * cols.close[i]!;
    high = Math.max(high, cols.high[i]!);
    low = Math.min(low, cols.low[i]!);
  }
  const open = cols.open[first]!;
  const close = cols.close[last]!;
  const pd = decimals(c.tickSize);
  return {
    symbol: c.symbol,
    priceChange: (close - open).toFixed(pd),
    priceChangePercent: (((close - open) / open) * 100).toFixed(3),
    weightedAvgPrice: (quote / volume).toFixed(pd),
    lastPrice: close.toFixed(pd),
    lastQty: c.minQty,
    openPrice: open.toFixed(pd),
    highPrice: high.toFixed(pd),
    lowPrice: low.toFixed(pd),
    volume: volume.toFixed(3),
    quoteVolume: quote.toFixed(2),
    openTime: cols.openTime[first]!,
    closeTime: now,
    firstId: 1,
    lastId: 1000,
    count: 1000,
  };
}
