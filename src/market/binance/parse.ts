/**
 * Binance payloads to domain values, at the boundary: nothing unchecked goes further. Field names
 * follow https://developers.binance.com/docs/derivatives/usds-margined-futures (exchangeInfo,
 * klines, ticker/24hr, premiumIndex, and the kline / forceOrder / markPrice streams).
 */
import {
  type Candle,
  type CandleColumns,
  candleColumns,
  dec,
  type EpochMs,
  type Liquidation,
  type MarketSymbol,
  marketSymbol,
  type SymbolRules,
  type SymbolStatus,
  type Ticker24h,
  type Timeframe,
} from '../../domain/index.js';
import type { createCandleChecker } from '../candle-check.js';
import type { MarkPrice } from '../feed.js';
import { defaultMaxLeverage } from '../rules-file.js';
import { emptyColumns } from '../timeframes.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ParsedUniverse {
  rules: SymbolRules[];
  /** Perpetual USDT symbols left out because a filter was missing or malformed. */
  rejected: { symbol: string; reason: string }[];
}

/**
 * The tradable universe: perpetual, USDT-quoted and USDT-margined, status TRADING. exchangeInfo
 * states no leverage (that is the signed leverageBracket endpoint), so `maxLeverage` is a
 * conservative default unless `leverageOf` knows better.
 */
export function parseExchangeInfo(
  body: unknown,
  leverageOf: (symbol: string) => number = defaultMaxLeverage,
): ParsedUniverse {
  const symbols = isObject(body) && Array.isArray(body.symbols) ? body.symbols : [];
  const rules: SymbolRules[] = [];
  const rejected: ParsedUniverse['rejected'] = [];
  for (const s of symbols) {
    if (!isObject(s)) continue;
    if (s.contractType !== 'PERPETUAL' || s.quoteAsset !== 'USDT' || (s.marginAsset ?? 'USDT') !== 'USDT')
      continue;
    if (s.status !== 'TRADING') continue;
    const name = String(s.symbol);
    try {
      const filters = new Map<string, Json>();
      for (const f of Array.isArray(s.filters) ? s.filters : []) {
        if (isObject(f)) filters.set(String(f.filterType), f);
      }
      const need = (type: string, field: string) => {
        const value = filters.get(type)?.[field];
        if (value === undefined) throw new Error(`${type}.${field} is missing`);
        return dec(value as string, `${type}.${field}`);
      };
      const lot = filters.get('LOT_SIZE');
      rules.push({
        symbol: marketSymbol(name),
        baseAsset: String(s.baseAsset),
        quoteAsset: 'USDT',
        status: s.status as SymbolStatus,
        tickSize: need('PRICE_FILTER', 'tickSize'),
        stepSize: need('LOT_SIZE', 'stepSize'),
        minQty: need('LOT_SIZE', 'minQty'),
        maxQty: need('LOT_SIZE', 'maxQty'),
        marketMaxQty: filters.has('MARKET_LOT_SIZE')
          ? need('MARKET_LOT_SIZE', 'maxQty')
          : dec(lot?.maxQty as string),
        minNotional: need('MIN_NOTIONAL', 'notional'),
        maxLeverage: leverageOf(name),
      });
    } catch (err) {
      rejected.push({ symbol: name, reason: (err as Error).message });
    }
  }
  return { rules, rejected };
}

/**
 * Kline rows `[openTime, "open", "high", "low", "close", "volume", closeTime, ...]` to columns.
 * Rows opening after `lastClosedOpen` (the still-forming candle) are dropped; anything else
 * malformed, duplicated or out of order is a BAD_DATA error naming the symbol and time.
 * `checker` carries order across pages.
 */
export function parseKlines(
  body: unknown,
  ctx: { checker: ReturnType<typeof createCandleChecker>; lastClosedOpen: number },
): CandleColumns {
  const rows = Array.isArray(body) ? body : [];
  const out = emptyColumns(rows.length);
  let n = 0;
  for (const row of rows) {
    if (!Array.isArray(row) || row.length < 6) {
      ctx.checker.fail(
        undefined,
        Number.NaN,
        'is not a kline row [openTime, open, high, low, close, volume, ...]',
      );
      continue;
    }
    const t = Number(row[0]);
    if (t > ctx.lastClosedOpen) continue;
    const o = Number(row[1]);
    const h = Number(row[2]);
    const l = Number(row[3]);
    const c = Number(row[4]);
    const v = Number(row[5]);
    if (!ctx.checker.accept(undefined, t, o, h, l, c, v)) continue;
    out.openTime[n] = t;
    out.open[n] = o;
    out.high[n] = h;
    out.low[n] = l;
    out.close[n] = c;
    out.volume[n] = v;
    n++;
  }
  if (n === rows.length) return out;
  return candleColumns(
    out.openTime.slice(0, n),
    out.open.slice(0, n),
    out.high.slice(0, n),
    out.low.slice(0, n),
    out.close.slice(0, n),
    out.volume.slice(0, n),
  );
}

export function parseTickers(body: unknown, universe: ReadonlySet<string>): Ticker24h[] {
  const out: Ticker24h[] = [];
  for (const t of Array.isArray(body) ? body : []) {
    if (!isObject(t) || !universe.has(String(t.symbol))) continue;
    const lastPrice = Number(t.lastPrice);
    const quoteVolume = Number(t.quoteVolume);
    const changePct = Number(t.priceChangePercent);
    // A malformed row is left out rather than passing NaN into a score.
    if (!(lastPrice > 0) || !Number.isFinite(quoteVolume) || !Number.isFinite(changePct)) continue;
    out.push({ symbol: String(t.symbol) as MarketSymbol, lastPrice, quoteVolume, changePct });
  }
  return out;
}

export function parsePremiumIndex(body: unknown, symbol: MarketSymbol): MarkPrice | undefined {
  if (!isObject(body)) return undefined;
  const markPrice = Number(body.markPrice);
  const time = Number(body.time);
  if (!(markPrice > 0) || !Number.isFinite(time)) return undefined;
  return { symbol, markPrice, time: time as EpochMs };
}

/** `<s>@kline_<i>` event to an update; undefined when malformed (the caller logs and skips it). */
export function parseKlineEvent(
  msg: Json,
  timeframe: Timeframe,
): { symbol: MarketSymbol; candle: Candle; closed: boolean } | undefined {
  const k = msg.k;
  if (!isObject(k) || k.i !== timeframe) return undefined;
  const candle: Candle = {
    openTime: Number(k.t),
    open: Number(k.o),
    high: Number(k.h),
    low: Number(k.l),
    close: Number(k.c),
    volume: Number(k.v),
  };
  const ok =
    Number.isInteger(candle.openTime) &&
    candle.low > 0 &&
    candle.low <= Math.min(candle.open, candle.close) &&
    candle.high >= Math.max(candle.open, candle.close) &&
    Number.isFinite(candle.high) &&
    candle.volume >= 0 &&
    Number.isFinite(candle.volume);
  if (!ok) return undefined;
  try {
    return { symbol: marketSymbol(String(k.s ?? msg.s)), candle, closed: k.x === true };
  } catch {
    return undefined;
  }
}

/** forceOrder event: price = average fill price `ap` (order price `p` when absent), qty = filled `z`. */
export function parseForceOrder(msg: Json): Liquidation | undefined {
  const o = msg.o;
  if (!isObject(o)) return undefined;
  const side = o.S;
  if (side !== 'BUY' && side !== 'SELL') return undefined;
  const ap = Number(o.ap);
  const price = ap > 0 ? ap : Number(o.p);
  const z = Number(o.z);
  const qty = z > 0 ? z : Number(o.q);
  const time = Number(o.T ?? msg.E);
  if (!(price > 0) || !(qty > 0) || !Number.isFinite(time)) return undefined;
  try {
    return { symbol: marketSymbol(String(o.s)), side, price, qty, time: time as EpochMs };
  } catch {
    return undefined; // a contract name outside A-Z0-9 (they exist): not one we trade
  }
}

export function parseMarkPriceEvent(msg: Json): MarkPrice | undefined {
  const markPrice = Number(msg.p);
  const time = Number(msg.E);
  if (!(markPrice > 0) || !Number.isFinite(time)) return undefined;
  try {
    return { symbol: marketSymbol(String(msg.s)), markPrice, time: time as EpochMs };
  } catch {
    return undefined;
  }
}
