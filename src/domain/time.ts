/**
 * Time is injected. Core code asks a Clock, never Date.now(), so a backtest can run a simulated
 * clock as fast as the CPU allows and a test can move time by hand.
 */
import type { Brand } from './brand.js';

export type EpochMs = Brand<number, 'EpochMs'>;
export const epochMs = (ms: number): EpochMs => ms as EpochMs;

export interface Clock {
  now(): EpochMs;
}

/** Wall clock: live trading and PAPER. */
export const systemClock: Clock = { now: () => Date.now() as EpochMs };

/** A clock that moves only when told: tests and backtests. */
export interface ManualClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function createManualClock(startMs = 0): ManualClock {
  let current = startMs;
  return {
    now: () => current as EpochMs,
    set(ms) {
      if (ms < current) throw new RangeError(`ManualClock cannot go back in time (${ms} < ${current})`);
      current = ms;
    },
    advance(ms) {
      if (ms < 0) throw new RangeError(`ManualClock cannot advance by a negative amount (${ms})`);
      current += ms;
    },
  };
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export const TIMEFRAMES = ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': MINUTE_MS,
  '3m': 3 * MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '30m': 30 * MINUTE_MS,
  '1h': HOUR_MS,
  '2h': 2 * HOUR_MS,
  '4h': 4 * HOUR_MS,
  '1d': DAY_MS,
};

export function isTimeframe(value: string): value is Timeframe {
  return (TIMEFRAMES as readonly string[]).includes(value);
}

export function timeframeMs(tf: Timeframe): number {
  return TIMEFRAME_MS[tf];
}

export function parseTimeframe(value: string): Timeframe {
  if (!isTimeframe(value))
    throw new RangeError(`timeframe "${value}" is not one of ${TIMEFRAMES.join(', ')}`);
  return value;
}
