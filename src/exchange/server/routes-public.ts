/**
 * Public market-data endpoints (no key): ping, time, exchangeInfo, klines, 24 h tickers, last
 * price, premium index (mark price and funding). History comes from the MarketFeed when one is
 * attached, else from the server's own candle tape; the live price is the simulator's.
 */
import { isTimeframe, type MarketSymbol } from '../../domain/index.js';
import { BinanceCode, binanceError } from '../errors.js';
import { type Candle1m, intervalMs } from './candles.js';
import type { RouteContext, RouteTable, ServedState } from './routes.js';
import { exchangeInfoSymbolJson, fmt } from './wire.js';
import { fmtFloat } from './wire-events.js';

const ONBOARD_DATE = 1569398400000;

function knownSymbol(state: ServedState, symbol: string): string {
  state.sim.symbol(symbol); // -1121 when unknown
  return symbol;
}

function symbols(ctx: RouteContext): string[] {
  const one = ctx.params.symbol();
  return one !== undefined ? [knownSymbol(ctx.state, one)] : ctx.state.sim.symbols().map((s) => s.symbol);
}

function limitParam(ctx: RouteContext, fallback: number, max: number): number {
  const limit = ctx.params.integer('limit') ?? fallback;
  if (limit < 1)
    throw binanceError(BinanceCode.MANDATORY_PARAM_EMPTY_OR_MALFORMED, { message: "Illegal 'limit'." });
  return Math.min(limit, max);
}

async function klines(ctx: RouteContext): Promise<unknown[]> {
  const { state, params } = ctx;
  const symbol = knownSymbol(state, params.requiredSymbol());
  const interval = params.required('interval');
  const ms = intervalMs(interval);
  if (ms === undefined) throw binanceError(-1120, { message: 'Invalid interval.' });
  const limit = limitParam(ctx, 500, 1500);
  const from = params.integer('startTime');
  const to = params.integer('endTime');
  let rows: Candle1m[] = [];
  if (state.feed && isTimeframe(interval)) {
    const query: { from?: number; to?: number; limit: number } = { limit };
    if (from !== undefined) query.from = from;
    if (to !== undefined) query.to = to;
    const history = await state.feed.candles(symbol as MarketSymbol, interval, query);
    rows = history.map((c) => ({ ...c, quoteVolume: c.volume * c.close, trades: 0 }));
  }
  // The forming candle (and, without a feed, the whole history) from the server's own tape.
  const taped = state.candles.klines(symbol, interval, { from, to, limit });
  const lastFeed = rows[rows.length - 1]?.openTime ?? Number.NEGATIVE_INFINITY;
  for (const c of taped) if (c.openTime > lastFeed) rows.push(c);
  if (rows.length > limit)
    rows = from !== undefined && to === undefined ? rows.slice(0, limit) : rows.slice(-limit);
  const spec = state.sim.symbol(symbol);
  const px = (v: number) => v.toFixed(spec.pricePrecision);
  return rows.map((c) => [
    c.openTime,
    px(c.open),
    px(c.high),
    px(c.low),
    px(c.close),
    fmtFloat(c.volume, spec.quantityPrecision),
    c.openTime + ms - 1,
    fmtFloat(c.quoteVolume, 8),
    c.trades,
    '0',
    '0',
    '0',
  ]);
}

function ticker24h(ctx: RouteContext, symbol: string) {
  const { state } = ctx;
  const spec = state.sim.symbol(symbol);
  const market = state.sim.marketState(symbol);
  const w = state.candles.window24h(symbol);
  const last = market.lastPrice.toNumber();
  const open = w?.open ?? last;
  const px = (v: number) => v.toFixed(spec.pricePrecision);
  const change = last - open;
  return {
    symbol,
    priceChange: px(change),
    priceChangePercent: (open === 0 ? 0 : (change / open) * 100).toFixed(3),
    weightedAvgPrice: px(w && w.volume > 0 ? w.quoteVolume / w.volume : last),
    lastPrice: fmt(market.lastPrice, spec.pricePrecision),
    lastQty: '0',
    openPrice: px(open),
    highPrice: px(w?.high ?? last),
    lowPrice: px(w?.low ?? last),
    volume: fmtFloat(w?.volume ?? 0, spec.quantityPrecision),
    quoteVolume: fmtFloat(w?.quoteVolume ?? 0, 8),
    openTime: w?.openTime ?? market.time,
    closeTime: market.time,
    firstId: 0,
    lastId: 0,
    count: w?.trades ?? 0,
  };
}

function premiumIndex(ctx: RouteContext, symbol: string) {
  const { state } = ctx;
  const m = state.sim.marketState(symbol);
  const mark = fmt(m.markPrice, 8);
  return {
    symbol,
    markPrice: mark,
    indexPrice: mark,
    estimatedSettlePrice: mark,
    lastFundingRate: m.fundingRate.toFixed(8),
    interestRate: '0.00010000',
    nextFundingTime: m.nextFundingTime,
    time: m.time,
  };
}

function tickerPrice(ctx: RouteContext, symbol: string) {
  const m = ctx.state.sim.marketState(symbol);
  const spec = ctx.state.sim.symbol(symbol);
  return { symbol, price: fmt(m.lastPrice, spec.pricePrecision), time: m.time };
}

/** One object when a symbol was asked for, else an array over every symbol. */
function perSymbol<T>(ctx: RouteContext, build: (symbol: string) => T): T | T[] {
  const list = symbols(ctx).map(build);
  return ctx.params.symbol() !== undefined ? list[0]! : list;
}

export const publicRoutes: RouteTable = {
  'GET /fapi/v1/ping': { security: 'NONE', weight: 1, handler: () => ({}) },
  'GET /fapi/v1/time': {
    security: 'NONE',
    weight: 1,
    handler: (ctx) => ({ serverTime: ctx.state.wallNow() }),
  },
  'GET /fapi/v1/exchangeInfo': {
    security: 'NONE',
    weight: 1,
    handler: (ctx) => ({
      timezone: 'UTC',
      serverTime: ctx.state.wallNow(),
      futuresType: 'U_MARGINED',
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 2400 },
        { rateLimitType: 'ORDERS', interval: 'MINUTE', intervalNum: 1, limit: 1200 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 300 },
      ],
      exchangeFilters: [],
      assets: [{ asset: 'USDT', marginAvailable: true, autoAssetExchange: '-10000' }],
      symbols: ctx.state.sim.symbols().map((s) => exchangeInfoSymbolJson(s, ONBOARD_DATE)),
    }),
  },
  'GET /fapi/v1/klines': { security: 'NONE', weight: 2, handler: klines },
  'GET /fapi/v1/ticker/24hr': {
    security: 'NONE',
    weight: 1,
    handler: (ctx) => perSymbol(ctx, (s) => ticker24h(ctx, s)),
  },
  'GET /fapi/v1/ticker/price': {
    security: 'NONE',
    weight: 1,
    handler: (ctx) => perSymbol(ctx, (s) => tickerPrice(ctx, s)),
  },
  'GET /fapi/v2/ticker/price': {
    security: 'NONE',
    weight: 1,
    handler: (ctx) => perSymbol(ctx, (s) => tickerPrice(ctx, s)),
  },
  'GET /fapi/v1/premiumIndex': {
    security: 'NONE',
    weight: 1,
    handler: (ctx) => perSymbol(ctx, (s) => premiumIndex(ctx, s)),
  },
};
