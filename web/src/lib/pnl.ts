/**
 * Live PnL of an open position from a mark price, computed exactly as the API computes it
 * (src/api/dto.ts): LONG (mark - entry) x filledQty, SHORT (entry - mark) x filledQty, before fees;
 * PnL % is PnL / margin x 100. And the rule that decides whether a figure may be shown as live.
 */
import { D, type DecimalLike, toDecimal } from './decimal.js';

export interface PnlInput {
  direction: 'LONG' | 'SHORT';
  entryPrice: DecimalLike | null;
  filledQty: DecimalLike;
  margin: DecimalLike;
}

export interface Pnl {
  /** Decimal strings, as the API would send them. */
  pnl: string;
  pnlPercent: string | null;
}

/** Unrealised PnL at `mark`; undefined when it cannot be known (no entry, nothing filled, no mark). */
export function unrealizedPnl(position: PnlInput, mark: DecimalLike | null | undefined): Pnl | undefined {
  const entry = toDecimal(position.entryPrice);
  const filled = toDecimal(position.filledQty);
  const price = toDecimal(mark);
  if (!entry || !filled || !price || filled.lte(0)) return undefined;
  const move = position.direction === 'LONG' ? price.minus(entry) : entry.minus(price);
  const pnl = move.times(filled);
  const margin = toDecimal(position.margin);
  return {
    pnl: pnl.toFixed(),
    pnlPercent: margin?.gt(0)
      ? pnl.div(margin).times(100).toDecimalPlaces(4, D.ROUND_HALF_UP).toFixed()
      : null,
  };
}

/** A live price older than this is stale even while the stream is connected. */
export const LIVE_PRICE_MAX_AGE_MS = 30_000;

export interface Freshness {
  /** The live stream is connected right now. */
  connected: boolean;
  /** When the figure was true (epoch ms), or undefined when never. */
  asOf: number | undefined;
  now: number;
  maxAgeMs?: number;
}

/**
 * Whether a live figure may be shown as current. A disconnected stream makes every live figure
 * stale at once: a PnL must never look fresh when nothing is updating it.
 */
export function isFresh({ connected, asOf, now, maxAgeMs = LIVE_PRICE_MAX_AGE_MS }: Freshness): boolean {
  return connected && asOf !== undefined && now - asOf <= maxAgeMs;
}

/** What the positions table needs of a position (the API's Position body). */
export interface OpenPositionLike extends PnlInput {
  symbol: string;
  markPrice: string | null;
  unrealizedPnl: string | null;
  unrealizedPnlPercent: string | null;
}

/** What it needs of the live stream (live/live-feed.ts LiveState). */
export interface LivePrices {
  status: string;
  prices: ReadonlyMap<string, { price: string; at: number }>;
}

export interface LiveFigures {
  mark: string | null;
  pnl: string | null;
  pnlPercent: string | null;
  /** When the figures were true (epoch ms, browser clock), undefined when never. */
  asOf: number | undefined;
  /** May be drawn as live. */
  fresh: boolean;
}

/**
 * Mark and PnL of an open position: from the stream's price when it is newer than the REST answer
 * (fetched at `fetchedAt`), else the answer's own mark; fresh only under the isFresh rule.
 */
export function liveFigures(
  p: OpenPositionLike,
  live: LivePrices,
  fetchedAt: number,
  now: number,
): LiveFigures {
  const streamed = live.prices.get(p.symbol);
  const connected = live.status === 'live';
  if (streamed && (p.markPrice === null || streamed.at >= fetchedAt)) {
    const computed = unrealizedPnl(p, streamed.price);
    return {
      mark: streamed.price,
      pnl: computed?.pnl ?? null,
      pnlPercent: computed?.pnlPercent ?? null,
      asOf: streamed.at,
      fresh: isFresh({ connected, asOf: streamed.at, now }),
    };
  }
  const asOf = p.markPrice === null ? undefined : fetchedAt;
  return {
    mark: p.markPrice,
    pnl: p.unrealizedPnl,
    pnlPercent: p.unrealizedPnlPercent,
    asOf,
    fresh: isFresh({ connected, asOf, now }),
  };
}
