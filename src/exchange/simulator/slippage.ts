/**
 * How far from the current price a taker fill lands. A model returns a non-negative fraction of
 * the price; the engine moves the fill against the taker by it and rounds to the tick (buys up,
 * sells down). Randomness, if a model wants any, comes from the seeded `random` it is handed, so a
 * run is deterministic for a seed and a price path.
 */
import type { OrderSide } from '../../domain/index.js';

export interface SlippageInput {
  side: OrderSide;
  qty: number;
  price: number;
  /** Range and base volume of the latest price update (candle); equal to price / NaN when unknown. */
  high: number;
  low: number;
  volume: number;
  /** Seeded uniform [0, 1). */
  random: () => number;
}

export type SlippageModel = (input: SlippageInput) => number;

export const noSlippage: SlippageModel = () => 0;

export interface RangeVolumeSlippageOptions {
  /** Fixed part, in basis points of the price. */
  fixedBps?: number;
  /** Share of the candle's relative range (high − low) / price paid by an order of full volume. */
  rangeShare?: number;
  /** Impact grows as (qty / volume) ^ exponent (square-root law by default). */
  exponent?: number;
  /** Uniform jitter in [0, jitter) × the computed fraction, from the seeded generator. */
  jitter?: number;
  /** Never more than this fraction. */
  maxFraction?: number;
}

/**
 * Slippage from the candle: fixed + rangeShare × relativeRange × min(1, qty/volume)^exponent.
 * Unknown volume counts as a full-volume order; no range means no range part.
 */
export function rangeVolumeSlippage(options: RangeVolumeSlippageOptions = {}): SlippageModel {
  const fixed = (options.fixedBps ?? 0) / 10_000;
  const rangeShare = options.rangeShare ?? 0.1;
  const exponent = options.exponent ?? 0.5;
  const jitter = options.jitter ?? 0;
  const maxFraction = options.maxFraction ?? 0.02;
  if (fixed < 0 || rangeShare < 0 || jitter < 0 || maxFraction < 0) {
    throw new RangeError('slippage parameters must not be negative');
  }
  return ({ qty, price, high, low, volume, random }) => {
    const range = high > low && price > 0 ? (high - low) / price : 0;
    const participation = volume > 0 ? Math.min(1, qty / volume) : 1;
    let fraction = fixed + rangeShare * range * participation ** exponent;
    if (jitter > 0) fraction *= 1 + jitter * random();
    return Math.min(maxFraction, fraction);
  };
}

/** mulberry32: small, fast, good enough for fill noise; the same seed gives the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
