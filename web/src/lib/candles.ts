/**
 * Chart data, pure: the candles answer of the API -> candle, volume and EMA 9/21/200 series in the
 * shape lightweight-charts draws (times in UTC seconds), and the overlay of a selected position or
 * signal (entry, stop-loss and take-profit lines; fill markers). EMAs come from src/indicators, the
 * very kernels the screener uses, so the chart shows the numbers the signal was made on.
 */
import { ema } from '../../../src/indicators/index.js';
import { toDecimal } from './decimal.js';

export interface Candle {
  /** Open time, epoch ms (UTC). */
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const num = (v: unknown): number =>
  typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;

function rowOf(raw: unknown): Candle | undefined {
  if (Array.isArray(raw)) {
    // Binance kline tuple: [openTime, open, high, low, close, volume, ...]
    const [t, o, h, l, c, v] = raw;
    return validCandle({
      openTime: num(t),
      open: num(o),
      high: num(h),
      low: num(l),
      close: num(c),
      volume: num(v),
    });
  }
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  return validCandle({
    openTime: num(r.openTime ?? r.time ?? r.t),
    open: num(r.open ?? r.o),
    high: num(r.high ?? r.h),
    low: num(r.low ?? r.l),
    close: num(r.close ?? r.c),
    volume: num(r.volume ?? r.v ?? 0),
  });
}

function validCandle(c: Candle): Candle | undefined {
  const finite = [c.openTime, c.open, c.high, c.low, c.close, c.volume].every(Number.isFinite);
  return finite && c.high >= c.low ? c : undefined;
}

/**
 * Accepts `{ candles: [...] }`, `{ items: [...] }` or a bare array of candle objects
 * (`openTime|time, open, high, low, close, volume`, numbers or decimal strings) or kline tuples,
 * and columnar `{ openTime: [], open: [], ... }`. Returns candles sorted by time, one per open time,
 * dropping malformed rows.
 */
export function parseCandles(body: unknown): Candle[] {
  let rows: unknown[] = [];
  if (Array.isArray(body)) rows = body;
  else if (body !== null && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const inner = b.candles ?? b.items;
    if (Array.isArray(inner)) rows = inner;
    else if (inner && typeof inner === 'object') return parseCandles(inner);
    else if (Array.isArray(b.openTime)) {
      const cols = b as Record<string, ArrayLike<unknown>>;
      rows = Array.from(cols.openTime as ArrayLike<unknown>, (_, i) => ({
        openTime: cols.openTime?.[i],
        open: cols.open?.[i],
        high: cols.high?.[i],
        low: cols.low?.[i],
        close: cols.close?.[i],
        volume: cols.volume?.[i],
      }));
    }
  }
  const byTime = new Map<number, Candle>();
  for (const raw of rows) {
    const c = rowOf(raw);
    if (c) byTime.set(c.openTime, c);
  }
  return [...byTime.values()].sort((a, b) => a.openTime - b.openTime);
}

/** lightweight-charts wants UTC seconds. */
export const toChartTime = (epochMs: number): number => Math.floor(epochMs / 1000);

export interface ChartSeries {
  candles: { time: number; open: number; high: number; low: number; close: number }[];
  volume: { time: number; value: number; color: string }[];
  ema: Record<'ema9' | 'ema21' | 'ema200', { time: number; value: number }[]>;
}

export const UP_COLOR = '#16a34a';
export const DOWN_COLOR = '#dc2626';

export function chartSeries(candles: Candle[]): ChartSeries {
  const times = candles.map((c) => toChartTime(c.openTime));
  const closes = Float64Array.from(candles, (c) => c.close);
  const line = (values: Float64Array) =>
    times.flatMap((time, i) => (Number.isFinite(values[i]) ? [{ time, value: values[i]! }] : []));
  return {
    candles: candles.map((c, i) => ({
      time: times[i]!,
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
    })),
    volume: candles.map((c, i) => ({
      time: times[i]!,
      value: c.volume,
      color: c.close >= c.open ? 'rgba(22,163,74,0.35)' : 'rgba(220,38,38,0.35)',
    })),
    ema: { ema9: line(ema(closes, 9)), ema21: line(ema(closes, 21)), ema200: line(ema(closes, 200)) },
  };
}

/** Fold a live price into the last candle (or open the next one when its slot has begun). */
export function applyLivePrice(
  candles: Candle[],
  price: number,
  atMs: number,
  timeframeMs: number,
): Candle[] {
  if (!Number.isFinite(price) || candles.length === 0) return candles;
  const last = candles[candles.length - 1]!;
  if (atMs < last.openTime) return candles;
  if (atMs < last.openTime + timeframeMs) {
    const updated = {
      ...last,
      close: price,
      high: Math.max(last.high, price),
      low: Math.min(last.low, price),
    };
    return [...candles.slice(0, -1), updated];
  }
  const openTime = atMs - (atMs % timeframeMs);
  return [
    ...candles,
    {
      openTime,
      open: last.close,
      high: Math.max(last.close, price),
      low: Math.min(last.close, price),
      close: price,
      volume: 0,
    },
  ];
}

export interface TradePlan {
  direction: 'LONG' | 'SHORT';
  entry: string | null;
  stopLoss: string | null;
  takeProfit: string | null;
  /** Entry fill, exit fill (positions) or the moment the signal was made. */
  fills: { at: string | number | null; price: string | null; kind: 'entry' | 'exit' | 'signal' }[];
}

export interface Overlay {
  lines: { price: number; title: string; color: string }[];
  markers: {
    time: number;
    position: 'aboveBar' | 'belowBar';
    shape: 'arrowUp' | 'arrowDown' | 'circle';
    color: string;
    text: string;
  }[];
}

/**
 * Entry / SL / TP price lines and fill markers for the chart. Marker times snap to the open of the
 * candle they fall in (`timeframeMs`), since a marker between candles would not be drawn.
 */
export function tradeOverlay(plan: TradePlan, timeframeMs = 60_000): Overlay {
  const lines: Overlay['lines'] = [];
  const add = (value: string | null, title: string, color: string) => {
    const d = toDecimal(value);
    if (d) lines.push({ price: d.toNumber(), title, color });
  };
  add(plan.entry, 'Entry', '#2563eb');
  add(plan.stopLoss, 'SL', DOWN_COLOR);
  add(plan.takeProfit, 'TP', UP_COLOR);
  const long = plan.direction === 'LONG';
  const markers: Overlay['markers'] = [];
  for (const fill of plan.fills) {
    if (fill.at === null) continue;
    const ms = typeof fill.at === 'number' ? fill.at : Date.parse(fill.at);
    if (!Number.isFinite(ms)) continue;
    const buying = fill.kind === 'exit' ? !long : long;
    const price = toDecimal(fill.price);
    const label =
      fill.kind === 'signal'
        ? `${plan.direction} signal`
        : fill.kind === 'entry'
          ? 'Entry fill'
          : 'Exit fill';
    markers.push({
      time: toChartTime(ms - (ms % timeframeMs)),
      position: buying ? 'belowBar' : 'aboveBar',
      shape: fill.kind === 'signal' ? 'circle' : buying ? 'arrowUp' : 'arrowDown',
      color: fill.kind === 'signal' ? '#2563eb' : buying ? UP_COLOR : DOWN_COLOR,
      text: price ? `${label} ${price.toFixed()}` : label,
    });
  }
  markers.sort((a, b) => a.time - b.time);
  return { lines, markers };
}
