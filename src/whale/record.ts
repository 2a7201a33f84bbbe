/**
 * The shape a whale event is stored in (the store's whale_events table: symbol, direction,
 * confidence, window, long/short liquidated notional as decimal strings, evidence, event time).
 * Kept here as plain data so the detector needs nothing from the store.
 */
import type { WhaleEvent } from './types.js';

export interface WhaleEventRecord {
  symbol: string;
  direction: 'PUMP' | 'DUMP';
  confidence: number;
  /** The main window, as a timeframe-like label ("5m"). */
  window: string;
  /** Longs liquidated (forced sells) in the window, USDT, decimal string. */
  longLiquidatedNotional: string;
  /** Shorts liquidated (forced buys) in the window, USDT, decimal string. */
  shortLiquidatedNotional: string;
  evidence: WhaleEvent['evidence'] & { reasons: string[] };
  /** Exchange time of the triggering liquidation, Unix ms. */
  eventTime: number;
}

/** USDT to a plain decimal string with cents precision (no float noise like 296.92564200000004). */
const usdt = (x: number): string => (Math.round(x * 100) / 100).toFixed(2);

export function toWhaleEventRecord(event: WhaleEvent): WhaleEventRecord {
  const minutes = event.evidence.windowMs / 60_000;
  return {
    symbol: event.symbol,
    direction: event.direction,
    confidence: event.confidence,
    window: Number.isInteger(minutes) ? `${minutes}m` : `${event.evidence.windowMs}ms`,
    longLiquidatedNotional: usdt(event.evidence.longsLiquidatedUsd5m),
    shortLiquidatedNotional: usdt(event.evidence.shortsLiquidatedUsd5m),
    evidence: { ...event.evidence, reasons: event.reasons },
    eventTime: event.time,
  };
}
