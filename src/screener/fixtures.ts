/**
 * Deterministic candle fixtures for the screener's tests and benchmark (no I/O, no randomness
 * beyond a seeded generator): hand-written rows, seeded random walks, and a whole universe of
 * aligned primary/confirm/trend histories.
 */
import type { CandleColumns, Timeframe } from '../domain/index.js';
import { emptyColumns, timeframeMs } from '../domain/index.js';
import { roc } from '../indicators/index.js';
import type { PrimaryView } from './types.js';

export type Row = readonly [open: number, high: number, low: number, close: number, volume: number];

/** Rows to columns; open times `tfMs` apart ending (last open) at `lastOpenTime`. */
export function columnsFromRows(
  rows: readonly Row[],
  tfMs = 900_000,
  lastOpenTime = 1_767_225_600_000,
): CandleColumns {
  const n = rows.length;
  const c: CandleColumns = emptyColumns(n);
  rows.forEach(([o, h, l, cl, v], i) => {
    c.openTime[i] = lastOpenTime - (n - 1 - i) * tfMs;
    c.open[i] = o;
    c.high[i] = h;
    c.low[i] = l;
    c.close[i] = cl;
    c.volume[i] = v;
  });
  return c;
}

/** Candles whose closes are `closes`: open = previous close, high/low a spread around the body. */
export function rowsFromCloses(
  closes: readonly number[],
  volume: number | readonly number[] = 100,
  spreadPct = 0.1,
): Row[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : (closes[i - 1] as number);
    const pad = (close * spreadPct) / 100;
    const v = typeof volume === 'number' ? volume : (volume[i] as number);
    return [open, Math.max(open, close) + pad, Math.min(open, close) - pad, close, v] as const;
  });
}

/** Park-Miller generator: same seed, same numbers, everywhere. */
export function seededRandom(seed: number): () => number {
  let s = (Math.abs(Math.floor(seed)) % 2147483646) + 1;
  return () => {
    s = (s * 48271) % 2147483647;
    return (s - 1) / 2147483646;
  };
}

/** A seeded random walk with drift and volatility regimes: a plausible market, not a real one. */
export function randomWalkColumns(
  n: number,
  seed: number,
  tf: Timeframe,
  lastOpenTime: number,
  startPrice = 100,
): CandleColumns {
  const rnd = seededRandom(seed);
  const tfMs = timeframeMs(tf);
  const c: CandleColumns = emptyColumns(n);
  let price = startPrice;
  let drift = 0;
  const vol = 0.004 * Math.sqrt(tfMs / 900_000);
  for (let i = 0; i < n; i++) {
    if (i % 50 === 0) drift = (rnd() - 0.5) * vol * 0.5;
    const open = price;
    price = Math.max(1e-6, price * (1 + drift + (rnd() - 0.5) * 2 * vol));
    c.openTime[i] = lastOpenTime - (n - 1 - i) * tfMs;
    c.open[i] = open;
    c.close[i] = price;
    c.high[i] = Math.max(open, price) * (1 + rnd() * vol);
    c.low[i] = Math.min(open, price) * (1 - rnd() * vol);
    c.volume[i] = 1000 * (0.3 + rnd() * (rnd() < 0.05 ? 4 : 1));
  }
  return c;
}

export interface FixtureSymbol {
  symbol: string;
  primary: CandleColumns;
  confirm: CandleColumns;
  trend: CandleColumns;
}

/**
 * `symbols` symbols with `candles` candles on each of the three timeframes, all ending with the
 * candle that closes at `endTime` (aligned as a live market would be).
 */
export function universeFixture(
  symbols: number,
  candles: number,
  timeframes: { primary: Timeframe; confirm: Timeframe; trend: Timeframe } = {
    primary: '15m',
    confirm: '1h',
    trend: '4h',
  },
  endTime = 1_767_225_600_000,
): FixtureSymbol[] {
  const out: FixtureSymbol[] = [];
  for (let k = 0; k < symbols; k++) {
    const start = 10 + ((k * 7919) % 990);
    const last = (tf: Timeframe) => endTime - timeframeMs(tf);
    out.push({
      symbol: `SYM${k}USDT`,
      primary: randomWalkColumns(candles, 3 * k + 1, timeframes.primary, last(timeframes.primary), start),
      confirm: randomWalkColumns(candles, 3 * k + 2, timeframes.confirm, last(timeframes.confirm), start),
      trend: randomWalkColumns(candles, 3 * k + 3, timeframes.trend, last(timeframes.trend), start),
    });
  }
  return out;
}

/**
 * A PrimaryView from hand-written series for filter tests: anything not given is filled (EMAs
 * from close, RSI 50, ATR 1% of price, volume 100, volume average 100, ROC(3) and ROC(5) of close
 * from the indicators, no bands unless given).
 */
export function viewFrom(
  parts: Partial<Record<Exclude<keyof PrimaryView, 'first' | 'n' | 'bands'>, readonly number[]>> & {
    close: readonly number[];
  },
  bands: { upper: number; lower: number } = { upper: Number.NaN, lower: Number.NaN },
): PrimaryView {
  const n = parts.close.length;
  const arr = (v: readonly number[] | undefined, fill: (i: number) => number) =>
    Float64Array.from({ length: n }, (_, i) => (v ? (v[i] as number) : fill(i)));
  const close = arr(parts.close, () => 0);
  const open = arr(parts.open, (i) => (i === 0 ? (close[0] as number) : (close[i - 1] as number)));
  return {
    first: 0,
    n,
    openTime: arr(parts.openTime, (i) => 1_767_225_600_000 - (n - 1 - i) * 900_000),
    open,
    high: arr(parts.high, (i) => Math.max(open[i] as number, close[i] as number)),
    low: arr(parts.low, (i) => Math.min(open[i] as number, close[i] as number)),
    close,
    volume: arr(parts.volume, () => 100),
    emaFast: arr(parts.emaFast, (i) => close[i] as number),
    emaSlow: arr(parts.emaSlow, (i) => close[i] as number),
    emaTrend: arr(parts.emaTrend, (i) => close[i] as number),
    rsi: arr(parts.rsi, () => 50),
    atr: arr(parts.atr, (i) => (close[i] as number) / 100),
    volumeAvg: arr(parts.volumeAvg, () => 100),
    rocShort: parts.rocShort ? arr(parts.rocShort, () => 0) : roc(close, 3),
    rocLong: parts.rocLong ? arr(parts.rocLong, () => 0) : roc(close, 5),
    bands: { ...bands },
  };
}
