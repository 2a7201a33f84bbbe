/**
 * The one table of screener weights and thresholds. Every number a filter uses lives here, so a
 * score can be explained (and tuned) without reading filter code. `resolveScreenerConfig` merges
 * overrides (from configuration or a test) over the defaults and rejects nonsense.
 */
import type { Timeframe } from '../domain/index.js';
import { MIN_HURST_WINDOW } from '../indicators/index.js';

export interface ScreenerConfig {
  /** Which timeframe plays which role. */
  timeframes: { primary: Timeframe; confirm: Timeframe; trend: Timeframe };
  history: {
    /** Fewer valid primary candles than this: the symbol is SKIPPED. */
    minPrimaryCandles: number;
  };
  periods: {
    emaFast: number;
    emaSlow: number;
    emaTrend: number;
    rsi: number;
    atr: number;
    bollinger: number;
    bollingerStdDev: number;
    /** Candles in the volume average that "last candle's volume" is compared with. */
    volumeAverage: number;
    /** Rescaled-range window, on confirmation-timeframe closes. */
    hurstWindow: number;
  };
  /** Every symbol that gets a direction starts at `points`; below `minScore` after all filters it is NEUTRAL. */
  base: { points: number; minScore: number };
  volumeAnomaly: { ratio: number; points: number };
  trend: { alignedPoints: number; counterPenalty: number };
  rsiZone: { oversold: number; overbought: number; points: number; againstPenalty: number };
  confirmation: {
    conflictPenalty: number;
    /** 'penalty' subtracts conflictPenalty; 'neutral' downgrades the symbol to NEUTRAL. */
    onConflict: 'penalty' | 'neutral';
    /** A whale signal in the same direction with at least this confidence overrides a conflict. */
    whaleOverrideConfidence: number;
  };
  structure: {
    /** The structure window is `blocks` consecutive blocks of `blockSize` candles. */
    blocks: number;
    blockSize: number;
    /** Net higher-high + higher-low steps (out of 2 x (blocks - 1)) that make a clean trend. */
    cleanMinSteps: number;
    /** |net steps| at or below this is choppy. */
    choppyMaxSteps: number;
    cleanPoints: number;
    choppyPenalty: number;
  };
  levels: {
    proximityPct: number;
    penalty: number;
    /** Candles searched for swing highs and lows. */
    swingLookback: number;
    /** A swing high is the highest of `pivotSpan` candles on either side. */
    pivotSpan: number;
  };
  volumeSustain: { ratio: number; needed: number; window: number; points: number };
  momentum: {
    maxPoints: number;
    /** Momentum decides the direction only with at least this many points on one side. */
    minDirectionalPoints: number;
    rocShortCandles: number;
    rocShortPct: number;
    rocShortPoints: number;
    rocLongCandles: number;
    rocLongPct: number;
    rocLongPoints: number;
    /** A 9/21 cross within this many candles is "fresh". */
    freshCrossCandles: number;
    freshCrossPoints: number;
    emaAlignedPoints: number;
    rsiSlopeCandles: number;
    rsiSlopeMin: number;
    rsiSlopePoints: number;
    volumeCandleRatio: number;
    volumeCandleWindow: number;
    volumeCandlePoints: number;
    volumeCandleMax: number;
    patternCandles: number;
    patternMinSteps: number;
    patternPoints: number;
  };
  antiFake: {
    /** A fake penalty at or above this kills the signal. */
    killAt: number;
    window: number;
    /** The move must be at least this many ATRs before "one candle carries it" is checked. */
    minMoveAtr: number;
    singleCandleShare: number;
    singleCandlePoints: number;
    /** Wick against the direction as a share of the last candle's range. */
    wickShare: number;
    wickPoints: number;
    fadingVolumeCandles: number;
    fadingVolumePoints: number;
    /** Reversal candle body relative to the previous candle's body. */
    reversalBodyShare: number;
    reversalPoints: number;
  };
  /** R/S on a 100-candle window reads ~0.55-0.6 on a random walk (see indicators/hurst.ts). */
  hurst: { persistentAbove: number; meanRevertingBelow: number; points: number; penalty: number };
  whale: { minConfidence: number; maxPoints: number };
}

export const SCREENER_DEFAULTS: Readonly<ScreenerConfig> = Object.freeze({
  timeframes: { primary: '15m', confirm: '1h', trend: '4h' },
  history: { minPrimaryCandles: 60 },
  periods: {
    emaFast: 9,
    emaSlow: 21,
    emaTrend: 200,
    rsi: 14,
    atr: 14,
    bollinger: 20,
    bollingerStdDev: 2,
    volumeAverage: 20,
    hurstWindow: 100,
  },
  base: { points: 30, minScore: 1 },
  volumeAnomaly: { ratio: 1.2, points: 10 },
  trend: { alignedPoints: 15, counterPenalty: 10 },
  rsiZone: { oversold: 30, overbought: 70, points: 10, againstPenalty: 10 },
  confirmation: { conflictPenalty: 25, onConflict: 'penalty', whaleOverrideConfidence: 80 },
  structure: {
    blocks: 4,
    blockSize: 5,
    cleanMinSteps: 4,
    choppyMaxSteps: 1,
    cleanPoints: 15,
    choppyPenalty: 15,
  },
  levels: { proximityPct: 0.3, penalty: 10, swingLookback: 50, pivotSpan: 2 },
  volumeSustain: { ratio: 1.2, needed: 2, window: 3, points: 10 },
  momentum: {
    maxPoints: 25,
    minDirectionalPoints: 12,
    rocShortCandles: 3,
    rocShortPct: 0.3,
    rocShortPoints: 5,
    rocLongCandles: 5,
    rocLongPct: 0.5,
    rocLongPoints: 5,
    freshCrossCandles: 3,
    freshCrossPoints: 5,
    emaAlignedPoints: 3,
    rsiSlopeCandles: 3,
    rsiSlopeMin: 5,
    rsiSlopePoints: 4,
    volumeCandleRatio: 1.2,
    volumeCandleWindow: 3,
    volumeCandlePoints: 2,
    volumeCandleMax: 2,
    patternCandles: 5,
    patternMinSteps: 3,
    patternPoints: 3,
  },
  antiFake: {
    killAt: 40,
    window: 5,
    minMoveAtr: 0.5,
    singleCandleShare: 0.6,
    singleCandlePoints: 20,
    wickShare: 0.6,
    wickPoints: 20,
    fadingVolumeCandles: 3,
    fadingVolumePoints: 15,
    reversalBodyShare: 0.5,
    reversalPoints: 20,
  },
  hurst: { persistentAbove: 0.65, meanRevertingBelow: 0.5, points: 5, penalty: 5 },
  whale: { minConfidence: 50, maxPoints: 20 },
} satisfies ScreenerConfig);

export type ScreenerOverrides = { [K in keyof ScreenerConfig]?: Partial<ScreenerConfig[K]> };

/** Defaults with `overrides` merged section by section; throws RangeError on a bad value. */
export function resolveScreenerConfig(overrides: ScreenerOverrides = {}): ScreenerConfig {
  const merged = {} as Record<string, unknown>;
  for (const key of Object.keys(SCREENER_DEFAULTS) as (keyof ScreenerConfig)[]) {
    merged[key] = { ...SCREENER_DEFAULTS[key], ...(overrides[key] ?? {}) };
  }
  const config = merged as unknown as ScreenerConfig;
  for (const [section, values] of Object.entries(config)) {
    for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
      if (typeof value === 'number' && (!Number.isFinite(value) || value < 0)) {
        throw new RangeError(`screener config ${section}.${name} must be a finite number >= 0, got ${value}`);
      }
    }
  }
  const p = config.periods;
  for (const name of [
    'emaFast',
    'emaSlow',
    'emaTrend',
    'rsi',
    'atr',
    'bollinger',
    'volumeAverage',
  ] as const) {
    if (!Number.isInteger(p[name]) || p[name] < 1)
      throw new RangeError(`screener periods.${name} must be an integer >= 1`);
  }
  if (!Number.isInteger(p.hurstWindow) || p.hurstWindow < MIN_HURST_WINDOW) {
    throw new RangeError(`screener periods.hurstWindow must be an integer >= ${MIN_HURST_WINDOW}`);
  }
  if (config.structure.blocks < 2 || config.structure.blockSize < 1) {
    throw new RangeError('screener structure needs at least 2 blocks of at least 1 candle');
  }
  return Object.freeze(config);
}

/**
 * How many trailing primary candles the filters read. Views (batch or incremental) must hold at
 * least this many; older candles only matter through the path-dependent indicators (EMA, RSI, ATR).
 */
export function viewLength(config: ScreenerConfig): number {
  const m = config.momentum;
  const needs = [
    config.levels.swingLookback + 1,
    config.periods.volumeAverage + config.volumeSustain.window + 1,
    config.periods.volumeAverage + m.volumeCandleWindow + 1,
    config.periods.bollinger + 1,
    config.structure.blocks * config.structure.blockSize + 1,
    m.rocLongCandles + 2,
    m.rocShortCandles + 2,
    m.rsiSlopeCandles + 2,
    m.freshCrossCandles + 2,
    m.patternCandles + 1,
    config.antiFake.window + 2,
  ];
  return Math.max(...needs);
}
