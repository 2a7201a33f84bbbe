/**
 * The served market's own candle tape: every price the server applies lands in a one-minute
 * bucket (or, for a feed candle, in the bucket of its open time), and klines of any Binance
 * interval are aggregated from those buckets on request. It answers GET /fapi/v1/klines and the
 * 24 h ticker when no MarketFeed holds the history, and the live kline stream always.
 */
import { MINUTE_MS } from '../../domain/index.js';

export interface Candle1m {
  openTime: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume: number;
  trades: number;
}

const INTERVAL_MS: Record<string, number> = {
  '1m': MINUTE_MS,
  '3m': 3 * MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': 60 * MINUTE_MS,
  '2h': 120 * MINUTE_MS,
  '4h': 240 * MINUTE_MS,
  '6h': 360 * MINUTE_MS,
  '8h': 480 * MINUTE_MS,
  '12h': 720 * MINUTE_MS,
  '1d': 1440 * MINUTE_MS,
};

export const KLINE_INTERVALS = Object.keys(INTERVAL_MS);

export function intervalMs(interval: string): number | undefined {
  return INTERVAL_MS[interval];
}

/** Buckets kept per symbol: three days of minutes. */
const KEEP = 3 * 1440;

export class CandleRecorder {
  private readonly bySymbol = new Map<string, Candle1m[]>();

  /** A price at `time` (optionally with the interval's range and volume). */
  record(symbol: string, time: number, last: number, high = last, low = last, volume = 0): void {
    const open = Math.floor(time / MINUTE_MS) * MINUTE_MS;
    const list = this.list(symbol);
    const tail = list[list.length - 1];
    if (tail && tail.openTime === open) {
      tail.high = Math.max(tail.high, high, last);
      tail.low = Math.min(tail.low, low, last);
      tail.close = last;
      tail.volume += volume;
      tail.quoteVolume += volume * last;
      tail.trades += 1;
      return;
    }
    if (tail && tail.openTime > open) return; // late update: the tape only moves forward
    list.push({
      openTime: open,
      open: last,
      high: Math.max(high, last),
      low: Math.min(low, last),
      close: last,
      volume,
      quoteVolume: volume * last,
      trades: 1,
    });
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
  }

  /** A whole candle (from a feed) at its open time. */
  recordCandle(
    symbol: string,
    c: { openTime: number; open: number; high: number; low: number; close: number; volume: number },
  ): void {
    const list = this.list(symbol);
    const open = Math.floor(c.openTime / MINUTE_MS) * MINUTE_MS;
    const tail = list[list.length - 1];
    if (tail && tail.openTime >= open) {
      if (tail.openTime !== open) return;
      list.pop();
    }
    list.push({
      openTime: open,
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
      volume: c.volume,
      quoteVolume: c.volume * c.close,
      trades: 1,
    });
    if (list.length > KEEP) list.splice(0, list.length - KEEP);
  }

  /** Candles of `interval` whose open time is in [from, to], the last `limit` of them. */
  klines(symbol: string, interval: string, opts: { from?: number; to?: number; limit: number }): Candle1m[] {
    const ms = INTERVAL_MS[interval];
    if (ms === undefined) return [];
    const out: Candle1m[] = [];
    for (const c of this.bySymbol.get(symbol) ?? []) {
      const bucket = Math.floor(c.openTime / ms) * ms;
      const tail = out[out.length - 1];
      if (tail && tail.openTime === bucket) {
        tail.high = Math.max(tail.high, c.high);
        tail.low = Math.min(tail.low, c.low);
        tail.close = c.close;
        tail.volume += c.volume;
        tail.quoteVolume += c.quoteVolume;
        tail.trades += c.trades;
      } else {
        out.push({ ...c, openTime: bucket });
      }
    }
    const inRange = out.filter(
      (c) =>
        (opts.from === undefined || c.openTime >= opts.from) &&
        (opts.to === undefined || c.openTime <= opts.to),
    );
    return opts.from !== undefined && opts.to === undefined
      ? inRange.slice(0, opts.limit)
      : inRange.slice(Math.max(0, inRange.length - opts.limit));
  }

  /** The candle of `interval` containing the latest bucket. */
  current(symbol: string, interval: string): Candle1m | undefined {
    const ms = INTERVAL_MS[interval];
    const list = this.bySymbol.get(symbol);
    if (ms === undefined || !list || list.length === 0) return undefined;
    const last = list[list.length - 1]!;
    const bucket = Math.floor(last.openTime / ms) * ms;
    return this.klines(symbol, interval, { from: bucket, limit: 1 })[0];
  }

  /** The last close and the rolling 24 h window (for GET /fapi/v1/ticker/24hr). */
  window24h(symbol: string): Candle1m | undefined {
    const list = this.bySymbol.get(symbol);
    if (!list || list.length === 0) return undefined;
    const end = list[list.length - 1]!.openTime;
    const rows = list.filter((c) => c.openTime > end - 1440 * MINUTE_MS);
    const first = rows[0]!;
    const out: Candle1m = { ...first };
    for (const c of rows.slice(1)) {
      out.high = Math.max(out.high, c.high);
      out.low = Math.min(out.low, c.low);
      out.close = c.close;
      out.volume += c.volume;
      out.quoteVolume += c.quoteVolume;
      out.trades += c.trades;
    }
    return out;
  }

  private list(symbol: string): Candle1m[] {
    let list = this.bySymbol.get(symbol);
    if (!list) {
      list = [];
      this.bySymbol.set(symbol, list);
    }
    return list;
  }
}
