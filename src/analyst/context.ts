/**
 * contextFromScreen: the adapter from the screener's ScreenResult to what analysts read. It refuses
 * (with the reason) a result without a usable price or ATR instead of letting an analyst guess.
 */
import type { Decimal } from 'decimal.js';
import { type Candle, decimalOfFloat, type Price, type Timeframe, timeframeMs } from '../domain/index.js';
import { LazyScreenResult, type ScreenResult } from '../screener/index.js';
import type { AnalystContext } from './types.js';

export interface ContextExtras {
  /** The screener's primary timeframe (15m by default). */
  timeframe: Timeframe;
  whale?: { direction: 'PUMP' | 'DUMP'; confidence: number } | null | undefined;
  book?: { bid: Price; ask: Price } | null | undefined;
  tickSize?: Decimal | null | undefined;
  candles?: readonly Candle[] | undefined;
}

export type ContextResult = { ok: true; context: AnalystContext } | { ok: false; reason: string };

const finiteOrNull = (v: number | null | undefined): number | null =>
  v === null || v === undefined || !Number.isFinite(v) ? null : v;

/**
 * The screen as an analyst sees it (AnalystContext.screen). Its `reasons` are the result's, read
 * when read: a result formats its words on first read (see screener/result.ts), and the rule
 * analyst quotes three of them (firstReasons). A class, not an object literal with a getter (which
 * V8 builds on a slow path, ~1 us per candidate). As with LazyScreenResult, `reasons` is a
 * prototype accessor: JSON carries it (toJSON), a spread or structuredClone does not.
 */
class ScreenView {
  direction: AnalystContext['screen']['direction'];
  score: number;
  qualityPenalty: number;
  fakePenalty: number;
  source: string | null;
  #result: ScreenResult;
  #reasons: string[] | undefined = undefined;

  constructor(result: ScreenResult) {
    this.direction = result.direction;
    this.score = result.score;
    this.qualityPenalty = result.qualityPenalty;
    this.fakePenalty = result.fakePenalty;
    this.source = result.source;
    this.#result = result;
  }

  get reasons(): string[] {
    return this.#reasons ?? this.#result.reasons;
  }

  set reasons(value: string[]) {
    this.#reasons = value;
  }

  /** reasons.slice(0, count), without formatting the others (LazyScreenResult.firstReasons). */
  firstReasons(count: number): string[] {
    const result = this.#result;
    return this.#reasons === undefined && result instanceof LazyScreenResult
      ? result.firstReasons(count)
      : this.reasons.slice(0, count);
  }

  toJSON(): AnalystContext['screen'] {
    return {
      direction: this.direction,
      score: this.score,
      qualityPenalty: this.qualityPenalty,
      fakePenalty: this.fakePenalty,
      source: this.source,
      reasons: this.reasons,
    };
  }
}

/** `view.reasons.slice(0, count)`; for a context made here, without formatting the other reasons. */
export function leadingReasons(view: AnalystContext['screen'], count: number): string[] {
  return view instanceof ScreenView ? view.firstReasons(count) : view.reasons.slice(0, count);
}

export function contextFromScreen(screen: ScreenResult, extras: ContextExtras): ContextResult {
  const m = screen.metrics;
  if (!(Number.isFinite(m.price) && m.price > 0)) {
    return { ok: false, reason: `no usable price for ${screen.symbol} (${String(m.price)})` };
  }
  if (m.atr === null || !(Number.isFinite(m.atr) && m.atr > 0)) {
    return { ok: false, reason: `no usable ATR for ${screen.symbol} (${String(m.atr)}): cannot size a stop` };
  }
  const context: AnalystContext = {
    symbol: screen.symbol,
    timeframe: extras.timeframe,
    // candleTime is the open time of the last closed candle; it closes one timeframe later.
    candleCloseTime: screen.candleTime + timeframeMs(extras.timeframe),
    // The price's decimal without printing and parsing the float (the same decimal: see there).
    price: decimalOfFloat(m.price) as Price,
    atr: m.atr,
    rsi: finiteOrNull(m.rsi),
    ema9: finiteOrNull(m.ema9),
    ema21: finiteOrNull(m.ema21),
    ema200: finiteOrNull(m.ema200),
    bollingerPosition: finiteOrNull(m.bollingerPosition),
    volumeRatio: finiteOrNull(m.volumeRatio),
    hurst: finiteOrNull(m.hurst),
    screen: new ScreenView(screen),
  };
  if (extras.whale)
    context.whale = { direction: extras.whale.direction, confidence: extras.whale.confidence };
  if (extras.book) context.book = extras.book;
  if (extras.tickSize) context.tickSize = extras.tickSize;
  if (extras.candles) context.candles = extras.candles;
  return { ok: true, context };
}
