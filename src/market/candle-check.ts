/**
 * The one place that decides whether a candle from outside (a file, an exchange) may enter.
 * A candle must have a whole, aligned open time later than the previous one, finite positive
 * prices with low <= open, close <= high, and a finite volume >= 0 (zero is allowed: quiet
 * contracts print flat zero-volume candles). Anything else is an error naming the source, symbol
 * and time, or with policy 'skip' a row left out and listed, never a NaN passed inward.
 */
import { DomainError, ErrorCode, type Timeframe, timeframeMs } from '../domain/index.js';

export type BadRowPolicy = 'error' | 'skip';

export interface BadCandle {
  /** 1-based line in the file, or undefined for an exchange response. */
  line: number | undefined;
  /** Open time as read (NaN when unreadable). */
  openTime: number;
  reason: string;
}

export interface CandleCheckerOptions {
  /** File path or endpoint, for messages. */
  source: string;
  symbol: string;
  timeframe: Timeframe;
  onBadRow: BadRowPolicy;
}

export function describeTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : 'an unreadable time';
}

function badPrice(open: number, high: number, low: number, close: number): string {
  const prices: [string, number][] = [
    ['open', open],
    ['high', high],
    ['low', low],
    ['close', close],
  ];
  for (const [name, p] of prices) {
    if (Number.isNaN(p)) return `${name} is not a number`;
    if (p <= 0) return `${name} is ${p} (prices must be positive)`;
  }
  return 'a price is not a positive number';
}

export function createCandleChecker(options: CandleCheckerOptions) {
  const size = timeframeMs(options.timeframe);
  const skipped: BadCandle[] = [];
  let previous = Number.NEGATIVE_INFINITY;

  function fail(line: number | undefined, openTime: number, reason: string, fatal = false): false {
    const where = line === undefined ? '' : ` (line ${line})`;
    const message = `${options.source}: ${options.symbol} ${options.timeframe} candle at ${describeTime(openTime)}${where}: ${reason}`;
    if (fatal || options.onBadRow === 'error') {
      throw new DomainError(ErrorCode.BAD_DATA, message, {
        details: {
          source: options.source,
          symbol: options.symbol,
          timeframe: options.timeframe,
          openTime,
          line,
        },
      });
    }
    skipped.push({ line, openTime, reason });
    return false;
  }

  function accept(
    line: number | undefined,
    t: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): boolean {
    if (!Number.isInteger(t) || t < 0) return fail(line, t, 'open_time is not a whole number of ms');
    if (t % size !== 0) return fail(line, t, `open_time is not aligned to ${options.timeframe}`);
    if (t === previous) return fail(line, t, 'duplicates the previous candle time');
    if (t < previous) return fail(line, t, `is earlier than the previous candle (${describeTime(previous)})`);
    // Written out (no arrays): this runs once per row of every file.
    if (!(open > 0 && high > 0 && low > 0 && close > 0))
      return fail(line, t, badPrice(open, high, low, close));
    if (!Number.isFinite(open + high + low + close)) return fail(line, t, 'a price is not finite');
    if (!Number.isFinite(volume)) return fail(line, t, 'volume is not a number');
    if (volume < 0) return fail(line, t, `volume is ${volume} (must be >= 0)`);
    if (low > high) return fail(line, t, `low ${low} is above high ${high}`);
    if (low > open || low > close) return fail(line, t, `low ${low} is above the open or close`);
    if (high < open || high < close) return fail(line, t, `high ${high} is below the open or close`);
    previous = t;
    return true;
  }

  return { accept, fail, skipped };
}
