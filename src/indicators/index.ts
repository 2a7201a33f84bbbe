/**
 * indicators: pure technical-indicator kernels on Float64Array, each in two forms.
 *
 * Batch: `sma(values, period)`, `ema(values, period)`, `ema9/ema21/ema200(values)`,
 * `volumeAverage(volume, period = 20)`, `rsi(close, period = 14)`, `atr(high, low, close, period = 14)`,
 * `trueRange(high, low, close)`, `bollinger(close, period = 20, stdDev = 2)` -> { upper, middle, lower },
 * `macd(close, fast = 12, slow = 26, signal = 9)` -> { macd, signal, histogram }, `roc(values, period)`,
 * `stddev(values, period)`, `hurst(values, window)`. Input: any numeric array-like (a Float64Array
 * is used as is, anything else is copied into one first); output: new Float64Array(s) as long as the
 * input, NaN where the value is not defined yet.
 *
 * Reusing outputs: sma, ema, rsi, atr, trueRange and stddev take an optional trailing
 * `out: Float64Array`, bollinger an optional `out: BollingerBands`: the result is written there
 * (every element overwritten) and returned instead of a new array. Same values, bit for bit; it
 * skips allocating and page-faulting a fresh output (8 MB per 1M candles), which can cost as much
 * as the maths. `out` must have the input's length and must not share memory with an input
 * (RangeError otherwise). (Kernels pass warm-up sums between their helpers through small
 * module-level scratch arrays rather than allocating per call; no other code runs in between.)
 *
 * Streaming: `createXState(...)` for each (`createSmaState`, `createEmaState`, `createRsiState`,
 * `createAtrState`, `createTrueRangeState`, `createBollingerState`, `createMacdState`,
 * `createRocState`, `createStddevState`, `createHurstState`): `update(next)` in O(1) (amortized
 * for stddev and Bollinger, O(window · log window) for Hurst), `peek(next)` for a still-forming
 * candle without changing the state, `reset()`. The same states as steps over slots of a caller's
 * Float64Array (`emaStep`, `smaStep`, `rsiStep`, `atrStep`, `rocStep`, `deviationStep`, with their
 * `xSlots`/`X_SLOTS` sizes and `xReset`): what the createXState objects run, for a caller packing
 * many states into one array (the screener's per-symbol primary states; see moving-average.ts).
 *
 * Invariants:
 * - Definitions, seeding and smoothing are TA-Lib's (0.6), checked against TA-Lib's own C output
 *   (fixtures/talib-*.csv). SMA, EMA, RSI, ATR, TRANGE, MACD and ROC repeat TA-Lib's
 *   arithmetic and agree bit for bit (fixtures/generate.ts --verify: 1M synthetic candles and real
 *   BTC/ETH/XRP 5m candles, zero differing values); stddev and Bollinger compute the variance more accurately
 *   than TA-Lib (see deviation.ts). Where TA-Lib prints a number for an undefined value we print
 *   NaN: RSI of a flat market (TA-Lib 0), ROC against a zero base (TA-Lib 0).
 * - Streaming equals batch, bit for bit: the i-th `update` returns the batch output at index i.
 * - Bad values: NaN or ±Infinity (and, for Hurst, a price <= 0) is a gap. Its output is NaN and the
 *   indicator starts a new warm-up after it, as if the series began at the next value: the output at
 *   i always equals the indicator of the clean stretch that ends at i. One bad candle costs one
 *   warm-up, never a silent wrong number or a NaN that sticks forever. Negative values are accepted
 *   elsewhere (an EMA of MACD is legitimate); checking that prices are prices is the feed's job.
 * - A period or window that is not an integer in range is a RangeError naming the indicator.
 *   Series shorter than the warm-up, or empty, give all-NaN (or empty) output.
 */
export {
  type BollingerBands,
  type BollingerPoint,
  bollinger,
  createBollingerState,
  createStddevState,
  deviationReset,
  deviationSlots,
  deviationSma,
  deviationStep,
  stddev,
} from './deviation.js';
export { createHurstState, hurst, MIN_HURST_WINDOW } from './hurst.js';
export { createMacdState, type Macd, type MacdPoint, macd } from './macd.js';
export {
  createEmaState,
  createSmaState,
  EMA_SLOTS,
  ema,
  ema9,
  ema21,
  ema200,
  emaFactor,
  emaReset,
  emaStep,
  sma,
  smaReset,
  smaSlots,
  smaStep,
  volumeAverage,
} from './moving-average.js';
export { createRocState, roc, rocReset, rocSlots, rocStep } from './roc.js';
export { createRsiState, RSI_SLOTS, rsi, rsiReset, rsiStep } from './rsi.js';
export {
  MAX_PERIOD,
  type NumericSeries,
  type StreamingCandleIndicator,
  type StreamingIndicator,
} from './series.js';
export {
  ATR_SLOTS,
  atr,
  atrReset,
  atrStep,
  createAtrState,
  createTrueRangeState,
  trueRange,
  trueRangeOf,
} from './true-range.js';
