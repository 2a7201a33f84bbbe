/**
 * What a backtest is asked to do: runBacktest's options and their defaults, the executor choice,
 * and the slippage model a spec stands for.
 */
import type { Decimal } from 'decimal.js';
import type { AnalysisCache, AnalystConfig, ProposeOutcome } from '../analyst/index.js';
import type { Clock, ManualClock, SymbolRules, Timeframe } from '../domain/index.js';
import {
  type Exchange,
  noSlippage,
  rangeVolumeSlippage,
  type Simulator,
  type SlippageModel,
} from '../exchange/index.js';
import { DEFAULT_OPTIONS as ENGINE_DEFAULTS } from '../execution/index.js';
import type { RiskLimits } from '../risk/index.js';
import type { ScreenerOverrides } from '../screener/index.js';
import type { Store } from '../store/index.js';
import type { TradeLedger } from './ledger.js';
import type { MarketSpec } from './market.js';
import type { Executor } from './seam.js';
import type { PipelineAnalysts } from './strategy.js';

export type SlippageSpec = 'none' | 'range' | { bps: number };

export interface ExecutorContext {
  sim: Simulator;
  exchange: Exchange;
  clock: ManualClock;
  userId: string;
  rules: ReadonlyMap<string, SymbolRules>;
  ledger: TradeLedger;
  margin: Decimal;
  leverage: number;
  minConfidence: number;
  risk: RiskLimits;
  /** The store's deduplication window (what the signal book applies too). */
  dedupWindowMs: number;
  /** A resting LIMIT entry is cancelled this long after it was sent. */
  limitEntryTtlMs: number;
  /** The simulator's latest price of a symbol (sizing of MARKET entries, as the live mark price). */
  markPrice: (symbol: string) => Decimal | undefined;
}

/** How signals reach the exchange: an executor of your own (see Executor). */
export type ExecutorFactory = (context: ExecutorContext) => Executor | Promise<Executor>;

/**
 * 'engine': the live execution engine, its books in an in-memory database (what the `backtest`
 * command runs). 'direct' (the programmatic default, for bulk runs such as ML labelling): the
 * in-memory executor that makes the same trades straight through the Exchange port, several
 * times faster when trades are many (./engine-executor.test.ts compares the two).
 */
export type ExecutorChoice = 'engine' | 'direct' | ExecutorFactory;

export interface BacktestOptions {
  market: MarketSpec;
  symbols?: readonly string[] | undefined;
  top?: number | undefined;
  /** Period (Unix ms): candles opening at or after `from` and closing by `to`. */
  from?: number | undefined;
  to?: number | undefined;
  /** Candle cadence the market is played at (stops resolve inside these candles). Default 5m. */
  baseTimeframe?: Timeframe | undefined;
  analyst?: 'rule' | 'llm-cache' | undefined;
  /** llm-cache: the recorded answers (the store's analyses repository) and the model settings. */
  analysisCache?: AnalysisCache | undefined;
  analystConfig?: AnalystConfig | undefined;
  /** Programmatic: analysts of your own (instead of `analyst`). */
  analysts?: PipelineAnalysts | undefined;
  balance?: number | undefined;
  /** USDT committed per trade; notional = margin x leverage. */
  margin?: number | undefined;
  leverage?: number | undefined;
  makerFeePct?: number | undefined;
  takerFeePct?: number | undefined;
  slippage?: SlippageSpec | undefined;
  /**
   * Funding charged every 8 hours (00:00, 08:00, 16:00 UTC) on every position open then, percent
   * of its notional at the mark (positive: longs pay shorts), -3 to 3. The recorded and synthetic
   * markets carry no funding rates: 0, the default, charges none (./funding.ts).
   */
  fundingRatePct?: number | undefined;
  minConfidence?: number | undefined;
  dedupWindowMinutes?: number | undefined;
  cooldownMinutes?: number | undefined;
  /** Realised loss per UTC day (USDT) after which entries stop; none by default. */
  dailyLossLimit?: number | undefined;
  /** 0 < split < 1: in-sample share of the period; the rest is out-of-sample. */
  split?: number | undefined;
  /** Seeds the random-entry baseline and the simulator's slippage noise. */
  seed?: number | undefined;
  screener?: ScreenerOverrides | undefined;
  /** Closed candles of each timeframe read as history before the start (a live scan reads 500). */
  warmupCandles?: number | undefined;
  randomBaseline?: boolean | undefined;
  executor?: ExecutorChoice | undefined;
  /**
   * Opens the engine executor's database, once per pass (each pass replays the period from its
   * start, so each needs books of its own): migrated and empty. The executor closes it. Default: a
   * fresh in-memory PGlite.
   */
  engineStore?: (() => Promise<Store>) | undefined;
  /** A resting LIMIT entry is cancelled this long after it was sent (the engine's default, 15 min). */
  limitEntryTtlMs?: number | undefined;
  onProgress?: ((phase: 'strategy' | 'baseline', done: number, candles: number) => void) | undefined;
  /** Stamps the report's creation time (the only wall-clock read). */
  wallClock?: Clock | undefined;
  /** Every scan's analyst outcomes (accepted or not), e.g. to sample candidates for ML. */
  onScan?: ((at: number, outcomes: readonly ProposeOutcome[]) => void) | undefined;
}

export const BACKTEST_DEFAULTS = {
  balance: 10_000,
  margin: 100,
  leverage: 5,
  makerFeePct: 0.02,
  takerFeePct: 0.05,
  fundingRatePct: 0,
  minConfidence: 75,
  dedupWindowMinutes: 120,
  cooldownMinutes: 30,
  seed: 1,
  warmupCandles: 500,
  limitEntryTtlMs: ENGINE_DEFAULTS.limitEntryTtlMs,
  baseTimeframe: '5m' as Timeframe,
  /** Without --from: a week of history first (the confirmation Hurst needs ~100 hours). */
  defaultWarmupDays: 7,
} as const;

export function slippageModel(spec: SlippageSpec): SlippageModel {
  if (spec === 'none') return noSlippage;
  if (spec === 'range') return rangeVolumeSlippage();
  return rangeVolumeSlippage({ fixedBps: spec.bps, rangeShare: 0 });
}

export const describeSlippage = (spec: SlippageSpec): string =>
  spec === 'none'
    ? 'none'
    : spec === 'range'
      ? 'range-volume (10% of range, sqrt participation)'
      : `${spec.bps} bps`;
