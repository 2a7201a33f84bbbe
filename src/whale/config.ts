/**
 * The whale detector's thresholds and weights in one table. Confidence is the sum of four parts
 * (size relative to normal volume, one-sidedness, cluster size, acceleration), so each event can
 * say how much each part weighed.
 */
export interface WhaleConfig {
  /** The fast window (acceleration) and the main window, ms. */
  shortWindowMs: number;
  longWindowMs: number;
  /** A cluster is at least this many liquidations on the dominant side in the main window. */
  minEvents: number;
  /** Dominant side's share of the liquidated notional in the main window. */
  minDominance: number;
  /** Dominant side's liquidated notional (USDT) in the main window, whatever the symbol. */
  minNotionalUsd: number;
  /**
   * With a volume baseline: dominant liquidated notional / normal traded quote volume over the main
   * window. Below minIntensity nothing is emitted; at fullIntensity the size part is full.
   */
  minIntensity: number;
  fullIntensity: number;
  /** Without a baseline the size part grows with log(notional) up to this. */
  fullNotionalUsd: number;
  /** Without a baseline the confidence is capped: size alone says little about a symbol. */
  unknownBaselineCap: number;
  /** Liquidations on the dominant side for a full cluster part. */
  fullClusterEvents: number;
  weights: { size: number; dominance: number; cluster: number; acceleration: number };
  /** Events below this confidence are not emitted. */
  minConfidence: number;
  /** Same symbol and direction: not re-emitted within cooldownMs unless confidence rose by escalation. */
  cooldownMs: number;
  escalation: number;
}

export const WHALE_DEFAULTS: Readonly<WhaleConfig> = Object.freeze({
  shortWindowMs: 60_000,
  longWindowMs: 300_000,
  minEvents: 3,
  minDominance: 0.7,
  minNotionalUsd: 25_000,
  minIntensity: 0.002,
  fullIntensity: 0.02,
  fullNotionalUsd: 2_000_000,
  unknownBaselineCap: 70,
  fullClusterEvents: 12,
  weights: { size: 45, dominance: 20, cluster: 20, acceleration: 15 },
  minConfidence: 40,
  cooldownMs: 60_000,
  escalation: 15,
} satisfies WhaleConfig);

export type WhaleOverrides = Partial<Omit<WhaleConfig, 'weights'>> & {
  weights?: Partial<WhaleConfig['weights']>;
};

export function resolveWhaleConfig(overrides: WhaleOverrides = {}): WhaleConfig {
  const config: WhaleConfig = {
    ...WHALE_DEFAULTS,
    ...overrides,
    weights: { ...WHALE_DEFAULTS.weights, ...(overrides.weights ?? {}) },
  };
  const numbers = { ...config, ...config.weights } as Record<string, unknown>;
  for (const [name, value] of Object.entries(numbers)) {
    if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
      throw new RangeError(`whale config ${name} must be a finite number >= 0, got ${value}`);
    }
  }
  if (config.shortWindowMs <= 0 || config.longWindowMs < config.shortWindowMs) {
    throw new RangeError('whale config needs 0 < shortWindowMs <= longWindowMs');
  }
  if (config.minNotionalUsd <= 0 || config.fullNotionalUsd <= config.minNotionalUsd) {
    throw new RangeError('whale config needs 0 < minNotionalUsd < fullNotionalUsd');
  }
  if (config.fullIntensity <= 0) throw new RangeError('whale config fullIntensity must be > 0');
  return Object.freeze(config);
}
