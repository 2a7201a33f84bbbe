/**
 * The primary timeframe's streaming indicators of one symbol, packed into one Float64Array.
 *
 * Why not nine createXState objects: across a universe (500 symbols) a symbol's state is cold when
 * its candle arrives, and each closure state is a chain of pointer hops (state object, closure,
 * context, a boxed heap number per variable, a window array), each hop a cache miss: ~7 µs per
 * symbol per candle. Here every number sits in a few adjacent cache lines of one array, advanced by
 * the indicators' own step functions (the ones the createXState objects wrap), so the values are
 * the same, bit for bit. What does not depend on the symbol (periods, offsets, factors) lives in a
 * layout shared by every symbol of a config, which stays in cache.
 *
 * The steps take finite values only: the caller (PrimaryTrack) restarts the whole timeframe on an
 * invalid candle, so no state ever sees one.
 */
import type { Candle } from '../domain/index.js';
import {
  ATR_SLOTS,
  atrReset,
  atrStep,
  createAtrState,
  createBollingerState,
  createEmaState,
  createRocState,
  createRsiState,
  createSmaState,
  deviationReset,
  deviationSlots,
  deviationSma,
  deviationStep,
  EMA_SLOTS,
  emaFactor,
  emaReset,
  emaStep,
  RSI_SLOTS,
  rocReset,
  rocSlots,
  rocStep,
  rsiReset,
  rsiStep,
  smaReset,
  smaSlots,
  smaStep,
} from '../indicators/index.js';
import type { ScreenerConfig } from './config.js';

/** Field indexes of a primary row: the candle, then the indicator outputs (the rolling columns). */
export const F = {
  openTime: 0,
  open: 1,
  high: 2,
  low: 3,
  close: 4,
  volume: 5,
  emaFast: 6,
  emaSlow: 7,
  emaTrend: 8,
  rsi: 9,
  atr: 10,
  volumeAvg: 11,
  rocShort: 12,
  rocLong: 13,
} as const;
export const FIELD_COUNT = 14;

/** Periods, factors and slot offsets: the same for every symbol screened with one config. */
interface Layout {
  emaFastPeriod: number;
  emaSlowPeriod: number;
  emaTrendPeriod: number;
  emaFastK: number;
  emaSlowK: number;
  emaTrendK: number;
  rsiPeriod: number;
  atrPeriod: number;
  volumePeriod: number;
  rocShortPeriod: number;
  rocLongPeriod: number;
  bandsPeriod: number;
  bandsInverse: number;
  stdDev: number;
  // Slot offsets, in update order (the order each candle touches them).
  emaFast: number;
  emaSlow: number;
  emaTrend: number;
  rsi: number;
  atr: number;
  volumeAvg: number;
  rocShort: number;
  rocLong: number;
  bands: number;
  /** The last candle's upper and lower Bollinger bands (NaN when not ready). */
  upper: number;
  lower: number;
  size: number;
}

const layouts = new WeakMap<ScreenerConfig, Layout>();

/** Whether a cached layout still matches its config (only the top level of a config is frozen). */
function matches(l: Layout, config: ScreenerConfig): boolean {
  const p = config.periods;
  const m = config.momentum;
  return (
    l.emaFastPeriod === p.emaFast &&
    l.emaSlowPeriod === p.emaSlow &&
    l.emaTrendPeriod === p.emaTrend &&
    l.rsiPeriod === p.rsi &&
    l.atrPeriod === p.atr &&
    l.volumePeriod === p.volumeAverage &&
    l.rocShortPeriod === m.rocShortCandles &&
    l.rocLongPeriod === m.rocLongCandles &&
    l.bandsPeriod === p.bollinger &&
    l.stdDev === p.bollingerStdDev
  );
}

function layoutOf(config: ScreenerConfig): Layout {
  const known = layouts.get(config);
  if (known && matches(known, config)) return known;
  const p = config.periods;
  const m = config.momentum;
  // The indicators' own parameter checks (a bad period is a RangeError naming the indicator).
  createEmaState(p.emaFast);
  createEmaState(p.emaSlow);
  createEmaState(p.emaTrend);
  createRsiState(p.rsi);
  createAtrState(p.atr);
  createSmaState(p.volumeAverage);
  createRocState(m.rocShortCandles);
  createRocState(m.rocLongCandles);
  createBollingerState(p.bollinger, p.bollingerStdDev);
  let size = 0;
  const take = (slots: number): number => {
    const at = size;
    size += slots;
    return at;
  };
  const layout: Layout = {
    emaFastPeriod: p.emaFast,
    emaSlowPeriod: p.emaSlow,
    emaTrendPeriod: p.emaTrend,
    emaFastK: emaFactor(p.emaFast),
    emaSlowK: emaFactor(p.emaSlow),
    emaTrendK: emaFactor(p.emaTrend),
    rsiPeriod: p.rsi,
    atrPeriod: p.atr,
    volumePeriod: p.volumeAverage,
    rocShortPeriod: m.rocShortCandles,
    rocLongPeriod: m.rocLongCandles,
    bandsPeriod: p.bollinger,
    bandsInverse: 1 / p.bollinger,
    stdDev: p.bollingerStdDev,
    emaFast: take(EMA_SLOTS),
    emaSlow: take(EMA_SLOTS),
    emaTrend: take(EMA_SLOTS),
    rsi: take(RSI_SLOTS),
    atr: take(ATR_SLOTS),
    volumeAvg: take(smaSlots(p.volumeAverage)),
    rocShort: take(rocSlots(m.rocShortCandles)),
    rocLong: take(rocSlots(m.rocLongCandles)),
    upper: take(1),
    lower: take(1),
    bands: take(deviationSlots(p.bollinger)),
    size: 0,
  };
  layout.size = size;
  layouts.set(config, layout);
  return layout;
}

export class PrimaryStates {
  private readonly at: Layout;
  private readonly s: Float64Array;
  /** Where the `spare` slots asked for start in `memory` (what follows the states). */
  readonly spare: number;

  /**
   * `spare`: slots to allocate after the states, for the caller's own per-symbol numbers (the
   * higher timeframes'): numbers a screen reads right after the push touched these lines.
   */
  constructor(config: ScreenerConfig, spare = 0) {
    this.at = layoutOf(config);
    this.spare = this.at.size;
    this.s = new Float64Array(this.at.size + spare);
    this.reset();
  }

  /** The states and the spare slots after them. */
  get memory(): Float64Array {
    return this.s;
  }

  /** Every state back to its start (a new warm-up). */
  reset(): void {
    const { at, s } = this;
    emaReset(s, at.emaFast);
    emaReset(s, at.emaSlow);
    emaReset(s, at.emaTrend);
    rsiReset(s, at.rsi);
    atrReset(s, at.atr);
    smaReset(s, at.volumeAvg);
    rocReset(s, at.rocShort);
    rocReset(s, at.rocLong);
    deviationReset(s, at.bands);
    s[at.upper] = Number.NaN;
    s[at.lower] = Number.NaN;
  }

  /**
   * Advances every state with a valid candle; writes the candle and the outputs as a row of
   * rolling columns, field f (F order) at `data[f * stride + at]` (see RollingColumns.append: in
   * place, no row to copy). In three parts, each small enough for V8 to inline the indicators'
   * steps into it: a step left as a call takes its price and returns its output as heap numbers
   * (allocations per push).
   */
  update(c: Candle, data: Float64Array, at: number, stride: number): void {
    const close = c.close;
    data[at + F.openTime * stride] = c.openTime;
    data[at + F.open * stride] = c.open;
    data[at + F.high * stride] = c.high;
    data[at + F.low * stride] = c.low;
    data[at + F.close * stride] = close;
    data[at + F.volume * stride] = c.volume;
    this.averages(c, data, at, stride);
    this.ranges(c, data, at, stride);
    this.bands(c);
  }

  // The candle, not its numbers, goes to the steps below: a number handed to a function that is
  // not inlined is boxed (a new heap object each), a field read where it is used is not.
  private averages(c: Candle, data: Float64Array, at: number, stride: number): void {
    const close = c.close;
    const { at: l, s } = this;
    data[at + F.emaFast * stride] = emaStep(s, l.emaFast, l.emaFastPeriod, l.emaFastK, close);
    data[at + F.emaSlow * stride] = emaStep(s, l.emaSlow, l.emaSlowPeriod, l.emaSlowK, close);
    data[at + F.emaTrend * stride] = emaStep(s, l.emaTrend, l.emaTrendPeriod, l.emaTrendK, close);
    data[at + F.rsi * stride] = rsiStep(s, l.rsi, l.rsiPeriod, close);
  }

  private ranges(c: Candle, data: Float64Array, at: number, stride: number): void {
    const close = c.close;
    const { at: l, s } = this;
    data[at + F.atr * stride] = atrStep(s, l.atr, l.atrPeriod, c.high, c.low, close);
    data[at + F.volumeAvg * stride] = smaStep(s, l.volumeAvg, l.volumePeriod, c.volume);
    data[at + F.rocShort * stride] = rocStep(s, l.rocShort, l.rocShortPeriod, close);
    data[at + F.rocLong * stride] = rocStep(s, l.rocLong, l.rocLongPeriod, close);
  }

  /** Bollinger as createBollingerState gives it: NaN bands until the SMA is ready (or not finite). */
  private bands(c: Candle): void {
    const { at, s } = this;
    const deviation = deviationStep(s, at.bands, at.bandsPeriod, at.bandsInverse, c.close, true);
    const middle = deviationSma(s, at.bands);
    if (!Number.isFinite(middle)) {
      s[at.upper] = Number.NaN;
      s[at.lower] = Number.NaN;
    } else {
      const width = deviation * at.stdDev;
      s[at.upper] = middle + width;
      s[at.lower] = middle - width;
    }
  }

  get upper(): number {
    return this.s[this.at.upper] as number;
  }

  get lower(): number {
    return this.s[this.at.lower] as number;
  }
}
