/**
 * Funding in a backtest. Binance USDⓈ-M perpetuals pay funding every 8 hours (00:00, 08:00,
 * 16:00 UTC) between longs and shorts: a position open at that instant pays its notional at the
 * mark price times the rate (positive rate: longs pay). The recorded and synthetic markets carry
 * no funding rates, so a backtest charges none unless asked for an assumed constant rate (as
 * freqtrade's `futures_funding_rate` does when the exchange has no history); Binance's baseline
 * rate, when the premium is small, is 0.01 % per 8 hours.
 */
import { HOUR_MS } from '../domain/index.js';
import { nextBoundary } from '../exchange/index.js';
import type { TradeRecord } from './types.js';

/** The simulator's default interval, which a backtest's simulator keeps. */
export const FUNDING_INTERVAL_MS = 8 * HOUR_MS;

/** The greatest funding rate a backtest accepts, percent per 8 hours (Binance caps most at 2-3 %). */
export const MAX_FUNDING_RATE_PCT = 3;

/** The first funding time strictly after `time` (the simulator's own boundary). */
export const nextFundingTime = (time: number): number => nextBoundary(time, FUNDING_INTERVAL_MS);

/** Trades open across at least one funding time (entered before it, still open at it). */
export function tradesAcrossFunding(trades: readonly Pick<TradeRecord, 'entryTime' | 'exitTime'>[]): number {
  let n = 0;
  for (const t of trades) if (t.exitTime >= nextFundingTime(t.entryTime)) n++;
  return n;
}

/**
 * The report's word on funding: what was charged (the totals the strategy's and buy-and-hold's
 * metrics summed), or that nothing was and on how many trades.
 */
export function fundingNote(
  ratePct: number,
  trades: readonly TradeRecord[],
  paid: number,
  buyAndHold: number,
): string {
  if (ratePct === 0)
    return (
      `Funding is not charged (the market data has no funding rates): ${tradesAcrossFunding(trades)} of ` +
      `${trades.length} trade(s) were open across a funding time (00:00, 08:00, 16:00 UTC); ` +
      "--funding-rate charges an assumed rate (Binance's baseline is 0.01 % per 8 hours)."
    );
  const paying = trades.filter((t) => t.funding !== 0).length;
  return (
    `Funding charged at an assumed constant ${ratePct} % per 8 hours (the market data has no funding ` +
    `rates; positive: longs pay shorts), at the first candle at or after each funding time (00:00, ` +
    `08:00, 16:00 UTC) on the positions open at the candle before, at its close: ${paying} of ` +
    `${trades.length} trade(s) paid or received it, ${round2(paid)} USDT in all; buy-and-hold paid ` +
    `${round2(buyAndHold)} USDT.`
  );
}

const round2 = (x: number): string => (Math.round(x * 100) / 100).toFixed(2);
