/** Whale events: what the detector emits and what the store keeps. */

export type WhaleDirection = 'PUMP' | 'DUMP';

export interface WhaleEvidence {
  /** The main window, ms. */
  windowMs: number;
  /** Shorts liquidated (forced buys, side BUY), USDT, in the short and main windows. */
  shortsLiquidatedUsd1m: number;
  shortsLiquidatedUsd5m: number;
  /** Longs liquidated (forced sells, side SELL), USDT. */
  longsLiquidatedUsd1m: number;
  longsLiquidatedUsd5m: number;
  /** Liquidations on the dominant side in the main window. */
  count: number;
  /** Dominant side's share of the liquidated notional in the main window, 0..1. */
  dominance: number;
  /** Dominant notional over the normal traded quote volume of the window; null without a baseline. */
  intensity: number | null;
  /** Normal traded quote volume per minute (USDT) used, or null. */
  baselineUsdPerMinute: number | null;
  largestUsd: number;
  /** Notional-weighted average liquidation price of the dominant side. */
  avgPrice: number;
  firstTime: number;
  lastTime: number;
  /** Confidence parts, summing (before the no-baseline cap) to the confidence. */
  parts: { size: number; dominance: number; cluster: number; acceleration: number };
}

export interface WhaleEvent {
  symbol: string;
  direction: WhaleDirection;
  /** 0..100, an integer. */
  confidence: number;
  /** Time of the liquidation that triggered the event (exchange time, ms). */
  time: number;
  evidence: WhaleEvidence;
  reasons: string[];
}
