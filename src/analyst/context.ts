/**
 * contextFromScreen: the adapter from the screener's ScreenResult to what analysts read. It refuses
 * (with the reason) a result without a usable price or ATR instead of letting an analyst guess.
 */
import type { Decimal } from 'decimal.js';
import { type Candle, decimalOfFloat, type Price, type Timeframe, timeframeMs } from '../domain/index.js';
import type { ScreenResult } from '../screener/index.js';
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
    screen: {
      direction: screen.direction,
      score: screen.score,
      qualityPenalty: screen.qualityPenalty,
      fakePenalty: screen.fakePenalty,
      source: screen.source,
      reasons: screen.reasons,
    },
  };
  if (extras.whale)
    context.whale = { direction: extras.whale.direction, confidence: extras.whale.confidence };
  if (extras.book) context.book = extras.book;
  if (extras.tickSize) context.tickSize = extras.tickSize;
  if (extras.candles) context.candles = extras.candles;
  return { ok: true, context };
}
