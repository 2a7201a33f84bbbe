/**
 * createSymbolScreener: the incremental path. One closed candle at a time per timeframe; every
 * indicator is a streaming state (O(1) per candle; Hurst, on the confirmation timeframe only,
 * O(window log window)), every series a rolling window as long as the filters read. screen() gives
 * the same result as screenSymbol on the same candles (metrics equal to rounding).
 *
 * A candle with bad values restarts its timeframe (as the batch path keeps only the valid suffix);
 * a candle not newer than the last one is ignored (a feed re-sending a candle).
 */
import type { Candle } from '../domain/index.js';
import { timeframeMs } from '../domain/index.js';
import { createEmaState, createHurstState, type StreamingIndicator } from '../indicators/index.js';
import { type ScreenerConfig, viewLength } from './config.js';
import { F, FIELD_COUNT, PrimaryStates } from './primary-states.js';
import { rankViews } from './rank.js';
import { createRollingColumns, type RollingColumns } from './rolling.js';
import { scoreViews } from './score.js';
import { skipped } from './screen.js';
import type {
  ConfirmView,
  PrimaryView,
  RankOutcome,
  ScreenOutcome,
  ScreenRank,
  ScreenSkip,
  ScreenViews,
  TrendView,
  WhaleSignal,
} from './types.js';
import { gapsBetween, higherTimeframeProblem, higherTimeframeUsable, isValidCandle } from './validate.js';

export type TimeframeRole = 'primary' | 'confirm' | 'trend';

export interface SymbolScreener {
  readonly symbol: string;
  /** Feed one closed candle of a role's timeframe, oldest first. */
  push(role: TimeframeRole, candle: Candle): void;
  screen(whale?: WhaleSignal): ScreenOutcome;
  /**
   * screen()'s numbers alone, cheaper: the same direction, score and penalties (see rankViews);
   * with a `floor`, a rank sure to score under it may stop short (its direction exact, its
   * numbers bounds: see rankViews). The answer (unless SKIPPED) is this screener's own object,
   * written again by its next rank: read it before ranking the symbol again (a backtest ranks
   * every symbol at every close, and an object per rank was a tenth of what it allocated).
   */
  rank(whale?: WhaleSignal, floor?: number): RankOutcome;
}

function valid(c: Candle): boolean {
  return isValidCandle(c.openTime, c.open, c.high, c.low, c.close, c.volume, Number.NEGATIVE_INFINITY);
}

/**
 * What screen() hands scoreViews, one per thread: scoreViews keeps the views' fields (the confirm
 * and trend views, the notes), never the object, so it need not be a new one per screen. Every
 * screen sets every field.
 */
const scratchViews: ScreenViews = {
  symbol: '',
  primary: undefined as unknown as PrimaryView,
  confirm: undefined,
  trend: undefined,
  whale: undefined,
  notes: undefined,
};

/**
 * The primary timeframe: rolling candles and indicator outputs, streaming states, cached view.
 *
 * Screening a universe touches each symbol once per candle, from cold cache, so what a push or a
 * screen reaches is kept to few objects: classes (fields inline) rather than closures, numbers in
 * typed arrays rather than boxed, and the missing-candle count kept up to date per push rather
 * than rescanned over the window per screen.
 */
class PrimaryTrack {
  readonly cols: RollingColumns;
  readonly states: PrimaryStates;
  private readonly persistent: PrimaryView;
  private readonly capacity: number;
  private readonly stepMs: number;
  dropped = 0;
  /** countGaps over the rolling window, kept as rows enter and leave it. */
  gaps = 0;

  /** `spare`: slots for the caller after the states in `states.memory` (see PrimaryStates). */
  constructor(config: ScreenerConfig, spare: number) {
    this.capacity = viewLength(config);
    this.stepMs = timeframeMs(config.timeframes.primary);
    const cols = createRollingColumns(FIELD_COUNT, this.capacity);
    this.cols = cols;
    this.states = new PrimaryStates(config, spare);
    const b = (f: number) => cols.buffer(f);
    this.persistent = {
      first: 0,
      n: 0,
      openTime: b(F.openTime),
      open: b(F.open),
      high: b(F.high),
      low: b(F.low),
      close: b(F.close),
      volume: b(F.volume),
      emaFast: b(F.emaFast),
      emaSlow: b(F.emaSlow),
      emaTrend: b(F.emaTrend),
      rsi: b(F.rsi),
      atr: b(F.atr),
      volumeAvg: b(F.volumeAvg),
      rocShort: b(F.rocShort),
      rocLong: b(F.rocLong),
      bands: { upper: Number.NaN, lower: Number.NaN },
    };
  }

  push(c: Candle): void {
    const cols = this.cols;
    const lastOpenTime = cols.last(F.openTime);
    if (c.openTime <= lastOpenTime) return;
    if (!valid(c)) {
      this.dropped += cols.pushed + 1;
      cols.clear();
      this.states.reset();
      this.gaps = 0;
      return;
    }
    const length = cols.length;
    if (length > 0) {
      // A full window loses its oldest row, and with it the step from that row to the next (which
      // can hold missing candles only if the window has any: most never do, and then the oldest
      // row, a cache line of its own, is not read).
      if (this.gaps > 0 && length === this.capacity && length > 1) {
        const times = this.persistent.openTime;
        const oldest = cols.start;
        this.gaps -= gapsBetween(times[oldest] as number, times[oldest + 1] as number, this.stepMs);
      }
      this.gaps += gapsBetween(lastOpenTime, c.openTime, this.stepMs);
    }
    this.states.update(c, cols.data, cols.append(), cols.stride);
  }

  /**
   * The rolling buffers themselves with the valid range [first, n): no copy and no slice per
   * candle (the buffers never change identity, only the range moves).
   */
  view(): PrimaryView {
    const cols = this.cols;
    const v = this.persistent;
    v.first = cols.start;
    v.n = cols.end;
    v.bands.upper = this.states.upper;
    v.bands.lower = this.states.lower;
    return v;
  }
}

/**
 * A rank's views of a higher timeframe not usable yet: NaN, which its filters read as unknown, as
 * they read no view (a full screen gets none, and a note why).
 */
const NO_CONFIRM: ConfirmView = { emaFast: Number.NaN, emaSlow: Number.NaN, hurst: Number.NaN };
const NO_TREND: TrendView = { close: Number.NaN, emaTrend: Number.NaN };

/** `notes` with `note` added: the array is made by the first note (most screens have none). */
function withNote(notes: string[] | undefined, note: string): string[] {
  if (notes === undefined) return [note];
  notes.push(note);
  return notes;
}

/** Slots of a higher timeframe's numbers: valid candles, last open time, last close, then the outputs. */
const H_COUNT = 0;
const H_OPEN_TIME = 1;
const H_CLOSE = 2;
const H_VALUES = 3;
const higherSlots = (stateCount: number): number => H_VALUES + stateCount;

/**
 * A higher timeframe reduced to what the filters read: the last value of each state, the last close.
 * Its numbers live in slots of the symbol's primary-state array (`memory` at `o`), which the
 * primary push has just touched: a screen finds them in cache.
 */
class HigherTrack {
  /**
   * The view screen() last made of these numbers, until the next candle changes them. Results keep
   * their view (their words are formatted later), so a view is never changed, only replaced; the
   * primary timeframe closes several candles per higher one, and those screens share it.
   */
  private made: ConfirmView | TrendView | undefined = undefined;

  constructor(
    private readonly make: () => StreamingIndicator[],
    private states: StreamingIndicator[],
    private readonly v: Float64Array,
    private readonly o: number,
  ) {
    v.fill(Number.NaN, o, o + higherSlots(states.length));
    v[o + H_COUNT] = 0;
    v[o + H_OPEN_TIME] = Number.NEGATIVE_INFINITY;
  }

  get count(): number {
    return this.v[this.o + H_COUNT] as number;
  }

  get lastOpenTime(): number {
    return this.v[this.o + H_OPEN_TIME] as number;
  }

  get lastClose(): number {
    return this.v[this.o + H_CLOSE] as number;
  }

  value(i: number): number {
    return this.v[this.o + H_VALUES + i] as number;
  }

  /** The confirmation view (a track of the confirmation states: EMA fast, EMA slow, Hurst). */
  confirmView(): ConfirmView {
    this.made ??= { emaFast: this.value(0), emaSlow: this.value(1), hurst: this.value(2) };
    return this.made as ConfirmView;
  }

  /** The trend view (a track of the trend EMA). */
  trendView(): TrendView {
    this.made ??= { close: this.lastClose, emaTrend: this.value(0) };
    return this.made as TrendView;
  }

  push(c: Candle): void {
    const { v, o } = this;
    if (c.openTime <= (v[o + H_OPEN_TIME] as number)) return;
    v[o + H_OPEN_TIME] = c.openTime;
    this.made = undefined;
    if (!valid(c)) {
      this.states = this.make();
      v.fill(Number.NaN, o + H_CLOSE, o + higherSlots(this.states.length));
      v[o + H_COUNT] = 0;
      return;
    }
    const states = this.states;
    for (let i = 0; i < states.length; i++) {
      v[o + H_VALUES + i] = (states[i] as StreamingIndicator).update(c.close);
    }
    v[o + H_CLOSE] = c.close;
    v[o + H_COUNT] = (v[o + H_COUNT] as number) + 1;
  }
}

/** One symbol's incremental screener (a class: one object per symbol, its fields inline). */
class IncrementalScreener implements SymbolScreener {
  private readonly primary: PrimaryTrack;
  private readonly confirm: HigherTrack;
  private readonly trend: HigherTrack;
  private readonly pMs: number;
  private readonly confirmMs: number;
  private readonly trendMs: number;
  /** What rank() answers, written again by each rank (see SymbolScreener.rank). */
  private readonly ranked: ScreenRank;

  constructor(
    readonly symbol: string,
    private readonly config: ScreenerConfig,
  ) {
    const { periods, timeframes } = config;
    this.ranked = { symbol, direction: 'NEUTRAL', score: 0, rawScore: 0, qualityPenalty: 0, fakePenalty: 0 };
    const makeConfirm = () => [
      createEmaState(periods.emaFast),
      createEmaState(periods.emaSlow),
      createHurstState(periods.hurstWindow),
    ];
    const makeTrend = () => [createEmaState(periods.emaTrend)];
    const confirmStates = makeConfirm();
    const trendStates = makeTrend();
    const confirmSlots = higherSlots(confirmStates.length);
    this.primary = new PrimaryTrack(config, confirmSlots + higherSlots(trendStates.length));
    const { memory, spare } = this.primary.states;
    this.confirm = new HigherTrack(makeConfirm, confirmStates, memory, spare);
    this.trend = new HigherTrack(makeTrend, trendStates, memory, spare + confirmSlots);
    this.pMs = timeframeMs(timeframes.primary);
    this.confirmMs = timeframeMs(timeframes.confirm);
    this.trendMs = timeframeMs(timeframes.trend);
  }

  push(role: TimeframeRole, candle: Candle): void {
    if (role === 'primary') this.primary.push(candle);
    else if (role === 'confirm') this.confirm.push(candle);
    else this.trend.push(candle);
  }

  screen(whale?: WhaleSignal): ScreenOutcome {
    return this.prepareScreen(whale) ?? scoreViews(scratchViews, this.config);
  }

  rank(whale?: WhaleSignal, floor?: number): RankOutcome {
    return this.prepareRank(whale) ?? rankViews(scratchViews, this.config, floor, this.ranked);
  }

  /** Why the symbol is skipped (too few primary candles), or undefined and scratchViews' primary set. */
  private preparePrimary(whale: WhaleSignal | undefined): ScreenSkip | undefined {
    const { config, symbol, primary } = this;
    const n = primary.cols.pushed;
    if (n < config.history.minPrimaryCandles) return this.tooFew(n);
    const views = scratchViews;
    views.symbol = symbol;
    views.primary = primary.view();
    views.whale = whale;
    return undefined;
  }

  private tooFew(n: number): ScreenSkip {
    const { config, primary } = this;
    return skipped(
      this.symbol,
      `${n} valid ${config.timeframes.primary} candles, ${config.history.minPrimaryCandles} needed` +
        (primary.dropped > 0 ? ` (${primary.dropped} before an invalid row ignored)` : ''),
    );
  }

  /** The close time of the newest primary candle (what a higher timeframe's staleness is judged at). */
  private primaryClose(): number {
    return this.primary.cols.last(F.openTime) + this.pMs;
  }

  /**
   * Fills scratchViews with what a rank scores (no notes: a rank reads none, and half the ranks of
   * a backtest have one to make, a new string each time); or why the symbol is skipped. A higher
   * timeframe not usable yet is a view of NaN (what its filters read as unknown, as they read no
   * view), and its view is made either way: the rank's path is the same from its first candle on
   * (see points.ts).
   */
  private prepareRank(whale: WhaleSignal | undefined): ScreenSkip | undefined {
    const skip = this.preparePrimary(whale);
    if (skip !== undefined) return skip;
    const { config, confirm, trend } = this;
    const periods = config.periods;
    const primaryClose = this.primaryClose();
    const views = scratchViews;
    const confirmView = confirm.confirmView();
    const trendView = trend.trendView();
    views.confirm = higherTimeframeUsable(
      this.confirmMs,
      confirm.count,
      periods.emaSlow,
      confirm.lastOpenTime,
      primaryClose,
    )
      ? confirmView
      : NO_CONFIRM;
    views.trend = higherTimeframeUsable(
      this.trendMs,
      trend.count,
      periods.emaTrend,
      trend.lastOpenTime,
      primaryClose,
    )
      ? trendView
      : NO_TREND;
    views.notes = undefined;
    return undefined;
  }

  /** Fills scratchViews with what a full screen scores, its notes too; or why the symbol is skipped. */
  private prepareScreen(whale: WhaleSignal | undefined): ScreenSkip | undefined {
    const skip = this.preparePrimary(whale);
    if (skip !== undefined) return skip;
    const { config, primary, confirm, trend } = this;
    const { periods, timeframes } = config;
    const primaryClose = this.primaryClose();
    const views = scratchViews;
    // Most screens have no notes: the array only when there is one (scoreViews shares an empty one).
    let notes: string[] | undefined;
    if (primary.dropped > 0) {
      notes = [`${timeframes.primary}: ${primary.dropped} candle(s) before an invalid row ignored`];
    }
    const gaps = primary.gaps;
    if (gaps > 0)
      notes = withNote(notes, `${timeframes.primary}: ${gaps} missing candle(s) in the recent window`);
    const confirmProblem = higherTimeframeProblem(
      'confirmation',
      timeframes.confirm,
      confirm.count,
      periods.emaSlow,
      confirm.lastOpenTime,
      primaryClose,
    );
    if (confirmProblem) notes = withNote(notes, confirmProblem);
    const trendProblem = higherTimeframeProblem(
      'trend',
      timeframes.trend,
      trend.count,
      periods.emaTrend,
      trend.lastOpenTime,
      primaryClose,
    );
    if (trendProblem) notes = withNote(notes, trendProblem);
    views.confirm = confirmProblem ? undefined : confirm.confirmView();
    views.trend = trendProblem ? undefined : trend.trendView();
    views.notes = notes;
    return undefined;
  }
}

export function createSymbolScreener(symbol: string, config: ScreenerConfig): SymbolScreener {
  return new IncrementalScreener(symbol, config);
}
