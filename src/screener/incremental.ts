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
import {
  createAtrState,
  createBollingerState,
  createEmaState,
  createHurstState,
  createRocState,
  createRsiState,
  createSmaState,
  type StreamingIndicator,
} from '../indicators/index.js';
import { type ScreenerConfig, viewLength } from './config.js';
import { createRollingColumns, type RollingColumns } from './rolling.js';
import { scoreViews } from './score.js';
import { skipped } from './screen.js';
import type { PrimaryView, ScreenOutcome, WhaleSignal } from './types.js';
import { countGaps, higherTimeframeProblem, isValidCandle } from './validate.js';

export type TimeframeRole = 'primary' | 'confirm' | 'trend';

export interface SymbolScreener {
  readonly symbol: string;
  /** Feed one closed candle of a role's timeframe, oldest first. */
  push(role: TimeframeRole, candle: Candle): void;
  screen(whale?: WhaleSignal): ScreenOutcome;
}

/** Field indexes of the primary rolling columns. */
const F = {
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
const FIELD_COUNT = 14;

function valid(c: Candle): boolean {
  return isValidCandle(c.openTime, c.open, c.high, c.low, c.close, c.volume, Number.NEGATIVE_INFINITY);
}

function primaryStates(config: ScreenerConfig) {
  const p = config.periods;
  return {
    emaFast: createEmaState(p.emaFast),
    emaSlow: createEmaState(p.emaSlow),
    emaTrend: createEmaState(p.emaTrend),
    rsi: createRsiState(p.rsi),
    atr: createAtrState(p.atr),
    volumeAvg: createSmaState(p.volumeAverage),
    rocShort: createRocState(config.momentum.rocShortCandles),
    rocLong: createRocState(config.momentum.rocLongCandles),
    bands: createBollingerState(p.bollinger, p.bollingerStdDev),
  };
}

/** The primary timeframe: rolling candles and indicator outputs, streaming states, cached view. */
class PrimaryTrack {
  readonly cols: RollingColumns;
  private states: ReturnType<typeof primaryStates>;
  private readonly row = new Float64Array(FIELD_COUNT);
  private upper = Number.NaN;
  private lower = Number.NaN;
  private readonly persistent: PrimaryView;
  dropped = 0;

  constructor(private readonly config: ScreenerConfig) {
    const cols = createRollingColumns(FIELD_COUNT, viewLength(config));
    this.cols = cols;
    this.states = primaryStates(config);
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
    if (c.openTime <= cols.last(F.openTime)) return;
    if (!valid(c)) {
      this.dropped += cols.pushed + 1;
      cols.clear();
      this.states = primaryStates(this.config);
      this.upper = Number.NaN;
      this.lower = Number.NaN;
      return;
    }
    const s = this.states;
    const row = this.row;
    row[F.openTime] = c.openTime;
    row[F.open] = c.open;
    row[F.high] = c.high;
    row[F.low] = c.low;
    row[F.close] = c.close;
    row[F.volume] = c.volume;
    row[F.emaFast] = s.emaFast.update(c.close);
    row[F.emaSlow] = s.emaSlow.update(c.close);
    row[F.emaTrend] = s.emaTrend.update(c.close);
    row[F.rsi] = s.rsi.update(c.close);
    row[F.atr] = s.atr.update(c.high, c.low, c.close);
    row[F.volumeAvg] = s.volumeAvg.update(c.volume);
    row[F.rocShort] = s.rocShort.update(c.close);
    row[F.rocLong] = s.rocLong.update(c.close);
    const b = s.bands.update(c.close);
    this.upper = b.upper;
    this.lower = b.lower;
    cols.push(row);
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
    v.bands.upper = this.upper;
    v.bands.lower = this.lower;
    return v;
  }
}

/** A higher timeframe reduced to what the filters read: the last value of each state, the last close. */
function createHigher(make: () => StreamingIndicator[]) {
  let states = make();
  const last = states.map(() => Number.NaN);
  let count = 0;
  let lastOpenTime = Number.NEGATIVE_INFINITY;
  let lastClose = Number.NaN;
  return {
    get count() {
      return count;
    },
    get lastOpenTime() {
      return lastOpenTime;
    },
    get lastClose() {
      return lastClose;
    },
    value: (i: number) => last[i] as number,
    push(c: Candle): void {
      if (c.openTime <= lastOpenTime) return;
      lastOpenTime = c.openTime;
      if (!valid(c)) {
        states = make();
        last.fill(Number.NaN);
        count = 0;
        lastClose = Number.NaN;
        return;
      }
      for (let i = 0; i < states.length; i++) last[i] = (states[i] as StreamingIndicator).update(c.close);
      lastClose = c.close;
      count++;
    },
  };
}

export function createSymbolScreener(symbol: string, config: ScreenerConfig): SymbolScreener {
  const { periods, timeframes } = config;
  const primary = new PrimaryTrack(config);
  const confirm = createHigher(() => [
    createEmaState(periods.emaFast),
    createEmaState(periods.emaSlow),
    createHurstState(periods.hurstWindow),
  ]);
  const trend = createHigher(() => [createEmaState(periods.emaTrend)]);
  const pMs = timeframeMs(timeframes.primary);

  return {
    symbol,
    push(role, candle) {
      if (role === 'primary') primary.push(candle);
      else if (role === 'confirm') confirm.push(candle);
      else trend.push(candle);
    },
    screen(whale) {
      const cols = primary.cols;
      const n = cols.pushed;
      if (n < config.history.minPrimaryCandles) {
        return skipped(
          symbol,
          `${n} valid ${timeframes.primary} candles, ${config.history.minPrimaryCandles} needed` +
            (primary.dropped > 0 ? ` (${primary.dropped} before an invalid row ignored)` : ''),
        );
      }
      const notes: string[] = [];
      if (primary.dropped > 0) {
        notes.push(`${timeframes.primary}: ${primary.dropped} candle(s) before an invalid row ignored`);
      }
      const view = primary.view();
      const gaps = countGaps(view.openTime, pMs, view.n, view.first);
      if (gaps > 0) notes.push(`${timeframes.primary}: ${gaps} missing candle(s) in the recent window`);
      const primaryClose = cols.last(F.openTime) + pMs;
      const confirmProblem = higherTimeframeProblem(
        'confirmation',
        timeframes.confirm,
        confirm.count,
        periods.emaSlow,
        confirm.lastOpenTime,
        primaryClose,
      );
      if (confirmProblem) notes.push(confirmProblem);
      const trendProblem = higherTimeframeProblem(
        'trend',
        timeframes.trend,
        trend.count,
        periods.emaTrend,
        trend.lastOpenTime,
        primaryClose,
      );
      if (trendProblem) notes.push(trendProblem);
      return scoreViews(
        {
          symbol,
          primary: view,
          confirm: confirmProblem
            ? undefined
            : { emaFast: confirm.value(0), emaSlow: confirm.value(1), hurst: confirm.value(2) },
          trend: trendProblem ? undefined : { close: trend.lastClose, emaTrend: trend.value(0) },
          whale,
          notes,
        },
        config,
      );
    },
  };
}
