/** The analyst port: a context in, a proposal out. */
import type { Decimal } from 'decimal.js';
import type { Candle, Direction, Price, Timeframe } from '../domain/index.js';
import type { OpinionDirection } from '../signals/index.js';

export type EntryType = 'MARKET' | 'LIMIT';

/**
 * Everything an analyst may look at, built from a screen result. The current price and ATR are
 * always there: an analyst that was once sent neither answered with entries of 0.
 */
export interface AnalystContext {
  symbol: string;
  timeframe: Timeframe;
  /** Close time (ms) of the candle the screen result is based on: the cache key. */
  candleCloseTime: number;
  price: Price;
  /** Average true range in price units, > 0. */
  atr: number;
  rsi: number | null;
  ema9: number | null;
  ema21: number | null;
  ema200: number | null;
  /** 0 = lower Bollinger band, 1 = upper (outside 0..1 when price left the band). */
  bollingerPosition: number | null;
  volumeRatio: number | null;
  hurst: number | null;
  screen: {
    direction: 'LONG' | 'SHORT' | 'NEUTRAL';
    score: number;
    qualityPenalty: number;
    fakePenalty: number;
    /** Where the screener's direction came from ('whale' | 'momentum' | 'rsi-trend'). */
    source: string | null;
    reasons: string[];
  };
  whale?: { direction: 'PUMP' | 'DUMP'; confidence: number } | undefined;
  /** Best bid and ask, when a book is at hand: a normal-trend LIMIT entry joins it. */
  book?: { bid: Price; ask: Price } | undefined;
  /** The symbol's price tick: every price is rounded to it. */
  tickSize?: Decimal | undefined;
  /** Closed candles of the timeframe, oldest first: the vision analyst's chart. */
  candles?: readonly Candle[] | undefined;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/**
 * An analyst's proposal, after validation. A trade proposal (direction LONG or SHORT) always has
 * valid prices: stop and target on the correct side, stop 0.5%..2.5% from entry, reward-to-risk
 * at least the minimum, all rounded to the tick. Otherwise direction is NONE and `rejected` or
 * the reasoning says why.
 */
export interface Proposal {
  /** 'rule' | 'llm' | 'vision' (the analyst that actually answered: 'rule' after a fallback). */
  analyst: string;
  direction: OpinionDirection;
  /** 0..100 */
  confidence: number;
  entryType: EntryType | null;
  entry: Price | null;
  stopLoss: Price | null;
  takeProfit: Price | null;
  reasoning: string;
  /** Every change made to what the analyst said, in words. */
  fixes: string[];
  /** Why the answer could not be used (bad output, validation, cache miss); null when usable. */
  rejected: string | null;
  /** Set when the configured analyst could not answer and another one did: why. */
  fallback: string | null;
  model?: string | undefined;
  latencyMs?: number | undefined;
  usage?: TokenUsage | undefined;
  /** True when the answer was replayed from the analyses cache (no tokens spent now). */
  cached?: boolean | undefined;
  /** Cache-only mode found no recorded answer. */
  cacheMiss?: boolean | undefined;
}

export interface Analyst {
  /** 'rule', 'llm', 'vision'. */
  readonly name: string;
  /** Never throws for bad answers or an unavailable provider: it returns a proposal saying why. */
  analyze(context: AnalystContext, signal?: AbortSignal): Promise<Proposal>;
  /**
   * The same answer without waiting, from an analyst that never waits for anything (the rule
   * analyst): proposeSignal then takes it without a promise and an await per screen.
   */
  analyzeNow?(context: AnalystContext): Proposal;
}

/** A trade plan before validation: what an analyst said, prices possibly missing or wrong. */
export interface RawPlan {
  direction: Direction;
  confidence: number;
  entry: Decimal | null;
  stopLoss: Decimal | null;
  takeProfit: Decimal | null;
}
