/**
 * Market vocabulary. Candle values are float64 (they feed Float64Array indicators); anything that
 * becomes an order (tick, step, notional) is decimal.
 */
import type { Decimal } from 'decimal.js';
import type { Brand } from './brand.js';
import type { EpochMs, Timeframe } from './time.js';

/** An exchange symbol id as Binance spells it: BTCUSDT. */
export type MarketSymbol = Brand<string, 'MarketSymbol'>;

const SYMBOL_PATTERN = /^[A-Z0-9]{2,30}$/;

export function marketSymbol(value: string): MarketSymbol {
  const upper = value.trim().toUpperCase();
  if (!SYMBOL_PATTERN.test(upper)) {
    throw new RangeError(
      `symbol "${value}" is not a Binance futures symbol (letters and digits, like BTCUSDT)`,
    );
  }
  return upper as MarketSymbol;
}

export interface Candle {
  /** Candle open time, Unix ms, UTC, aligned to the timeframe. */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** Base-asset volume. */
  volume: number;
}

/** Columnar candles: what indicators and the screener consume. All arrays have the same length. */
export interface CandleColumns {
  openTime: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/**
 * Candle columns from their six arrays. Every CandleColumns is made here, never as an object
 * literal: V8 gives objects with the same keys added in the same order the same hidden class, so a
 * literal `{ openTime, open, ... }` of arrays shared its class with every Candle, and V8 widened
 * the candle fields to hold anything. A number written into a candle then became a new heap
 * object each time: ~20 MB of garbage in a backtest pass (the runner's reused candle, the
 * aggregators' closed candles), and candle reads went through a check and a pointer. A class
 * of its own keeps the candles' fields plain doubles.
 */
export function candleColumns(
  openTime: Float64Array,
  open: Float64Array,
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
): CandleColumns {
  return new Columns(openTime, open, high, low, close, volume);
}

class Columns implements CandleColumns {
  constructor(
    public openTime: Float64Array,
    public open: Float64Array,
    public high: Float64Array,
    public low: Float64Array,
    public close: Float64Array,
    public volume: Float64Array,
  ) {}
}

/** `n` rows of zeros. */
export function emptyColumns(n = 0): CandleColumns {
  return candleColumns(
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
    new Float64Array(n),
  );
}

/** Row `i` of candle columns as a Candle (the inverse of toColumns, one row at a time). */
export function candleAt(cols: CandleColumns, i: number): Candle {
  return {
    openTime: cols.openTime[i]!,
    open: cols.open[i]!,
    high: cols.high[i]!,
    low: cols.low[i]!,
    close: cols.close[i]!,
    volume: cols.volume[i]!,
  };
}

export function toColumns(candles: readonly Candle[]): CandleColumns {
  const n = candles.length;
  const cols = emptyColumns(n);
  for (let i = 0; i < n; i++) {
    const c = candles[i]!;
    cols.openTime[i] = c.openTime;
    cols.open[i] = c.open;
    cols.high[i] = c.high;
    cols.low[i] = c.low;
    cols.close[i] = c.close;
    cols.volume[i] = c.volume;
  }
  return cols;
}

export interface CandleUpdate {
  symbol: MarketSymbol;
  timeframe: Timeframe;
  candle: Candle;
  /** False while the candle is still forming; the screener only ever acts on closed candles. */
  closed: boolean;
}

export type SymbolStatus = 'TRADING' | 'PENDING_TRADING' | 'BREAK' | 'SETTLING' | 'CLOSE' | 'DELIVERING';

/** A symbol's exchange rules, as exchangeInfo states them. */
export interface SymbolRules {
  symbol: MarketSymbol;
  baseAsset: string;
  quoteAsset: string;
  status: SymbolStatus;
  tickSize: Decimal;
  stepSize: Decimal;
  minQty: Decimal;
  maxQty: Decimal;
  /** MARKET_LOT_SIZE maximum (smaller than LOT_SIZE on Binance). */
  marketMaxQty: Decimal;
  /** MIN_NOTIONAL.notional: 5, 20, 50 or 100 USDT depending on the symbol. Reduce-only is exempt. */
  minNotional: Decimal;
  maxLeverage: number;
}

export interface Ticker24h {
  symbol: MarketSymbol;
  lastPrice: number;
  quoteVolume: number;
  changePct: number;
}

export type LiquidationSide = 'BUY' | 'SELL';

/**
 * A forced liquidation (forceOrder). side SELL = a long was liquidated (forced sell),
 * BUY = a short was liquidated (forced buy).
 */
export interface Liquidation {
  symbol: MarketSymbol;
  side: LiquidationSide;
  price: number;
  qty: number;
  time: EpochMs;
}
