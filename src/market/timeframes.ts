/**
 * Timeframe aggregation, pure. Buckets sit on UTC boundaries (floor(openTime / size) * size, which
 * is UTC because the Unix epoch is midnight UTC): open = first open, high = max, low = min,
 * close = last close, volume = sum. Missing base candles are reported as gaps and the buckets they
 * touch are flagged incomplete; nothing is interpolated.
 */
import {
  type Candle,
  type CandleColumns,
  candleAt,
  candleColumns,
  DomainError,
  ErrorCode,
  emptyColumns,
  type Timeframe,
  timeframeMs,
} from '../domain/index.js';

// Made in the domain (one factory for every CandleColumns); the market's modules import it here.
export { emptyColumns };

/** Base candles missing from a series: open times from `from` (inclusive) to `to` (exclusive). */
export interface CandleGap {
  from: number;
  to: number;
  missing: number;
}

export interface Aggregation {
  /** One row per bucket holding at least one base candle, ascending. */
  candles: CandleColumns;
  /** Per row: 1 when every base candle of the bucket is present, 0 when some are missing. */
  complete: Uint8Array;
  /** Holes inside the base series (not before its first or after its last candle). */
  gaps: CandleGap[];
  /** False when the base series ends before the last bucket does: that bucket is still forming. */
  lastClosed: boolean;
}

export function bucketOpen(openTime: number, timeframe: Timeframe): number {
  const size = timeframeMs(timeframe);
  return Math.floor(openTime / size) * size;
}

/** True when candles of `base` add up exactly to candles of `target` (target a multiple of base). */
export function canAggregate(base: Timeframe, target: Timeframe): boolean {
  const b = timeframeMs(base);
  const t = timeframeMs(target);
  return t >= b && t % b === 0;
}

export function columnsLength(columns: CandleColumns): number {
  return columns.openTime.length;
}

/** Rows [start, end) as a copy. */
export function sliceColumns(columns: CandleColumns, start: number, end: number): CandleColumns {
  return candleColumns(
    columns.openTime.slice(start, end),
    columns.open.slice(start, end),
    columns.high.slice(start, end),
    columns.low.slice(start, end),
    columns.close.slice(start, end),
    columns.volume.slice(start, end),
  );
}

export function columnsToCandles(columns: CandleColumns): Candle[] {
  const n = columns.openTime.length;
  const out = new Array<Candle>(n);
  for (let i = 0; i < n; i++) out[i] = candleAt(columns, i);
  return out;
}

function assertAggregatable(base: Timeframe, target: Timeframe): void {
  if (!canAggregate(base, target)) {
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      `${target} candles cannot be built from ${base} candles (the target must be a whole multiple of the base)`,
      { details: { base, target } },
    );
  }
}

/** Holes in an ascending, aligned series of open times. */
export function findGaps(openTime: ArrayLike<number>, timeframe: Timeframe): CandleGap[] {
  const size = timeframeMs(timeframe);
  const gaps: CandleGap[] = [];
  for (let i = 1; i < openTime.length; i++) {
    const prev = openTime[i - 1]!;
    const cur = openTime[i]!;
    if (cur - prev > size) gaps.push({ from: prev + size, to: cur, missing: (cur - prev) / size - 1 });
  }
  return gaps;
}

export interface AggregateOptions {
  /**
   * Decimal places of the volumes (the symbol's step). When given, volumes are summed as exact
   * integers of 10^-decimals and divided once, so 1m -> 5m reproduces the exchange's own 5m
   * volume bit for bit instead of carrying float rounding (0.1 + 0.2 = 0.30000000000000004).
   */
  volumeDecimals?: number | undefined;
}

/** 10^decimals when exact integer sums are safe for these decimals, else 1 (plain float sums). */
function volumeScale(decimals: number | undefined): number {
  return decimals !== undefined && decimals >= 0 && decimals <= 12 && Number.isInteger(decimals)
    ? 10 ** decimals
    : 1;
}

/**
 * Aggregate an ascending, aligned base series into `target` candles. Throws BAD_DATA on a
 * misaligned, duplicated or out-of-order open time (validate at the parse boundary first).
 */
export function aggregateCandles(
  base: CandleColumns,
  baseTimeframe: Timeframe,
  target: Timeframe,
  options: AggregateOptions = {},
): Aggregation {
  const scale = volumeScale(options.volumeDecimals);
  assertAggregatable(baseTimeframe, target);
  const baseSize = timeframeMs(baseTimeframe);
  const size = timeframeMs(target);
  const perBucket = size / baseSize;
  const n = base.openTime.length;
  const { openTime, open, high, low, close, volume } = base;

  // Upper bound on buckets: one per base candle; trimmed below.
  const out = emptyColumns(
    Math.min(n, n === 0 ? 0 : Math.floor((openTime[n - 1]! - openTime[0]!) / size) + 2),
  );
  const complete = new Uint8Array(out.openTime.length);
  let rows = -1;
  let count = 0;
  let current = Number.NaN;
  let prevTime = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = openTime[i]!;
    if (!(t > prevTime) || t % baseSize !== 0) {
      throw new DomainError(
        ErrorCode.BAD_DATA,
        `candle at ${new Date(t).toISOString()} is ${t % baseSize !== 0 ? `not aligned to ${baseTimeframe}` : 'duplicated or out of order'}`,
        { details: { openTime: t } },
      );
    }
    prevTime = t;
    const b = Math.floor(t / size) * size;
    if (b !== current) {
      if (rows >= 0) complete[rows] = count === perBucket ? 1 : 0;
      rows++;
      current = b;
      count = 0;
      out.openTime[rows] = b;
      out.open[rows] = open[i]!;
      out.high[rows] = high[i]!;
      out.low[rows] = low[i]!;
      out.volume[rows] = 0;
    } else {
      if (high[i]! > out.high[rows]!) out.high[rows] = high[i]!;
      if (low[i]! < out.low[rows]!) out.low[rows] = low[i]!;
    }
    out.close[rows] = close[i]!;
    out.volume[rows] = out.volume[rows]! + (scale === 1 ? volume[i]! : Math.round(volume[i]! * scale));
    count++;
  }
  if (rows >= 0) complete[rows] = count === perBucket ? 1 : 0;
  if (scale !== 1) for (let r = 0; r <= rows; r++) out.volume[r] = out.volume[r]! / scale;
  const length = rows + 1;
  const lastClosed = n === 0 ? true : openTime[n - 1]! + baseSize >= current + size;
  return {
    candles: length === out.openTime.length ? out : sliceColumns(out, 0, length),
    complete: complete.slice(0, length),
    gaps: findGaps(openTime, baseTimeframe),
    lastClosed,
  };
}

export interface AggregatedUpdate {
  candle: Candle;
  /** True on the update that completes the bucket (its last base candle, none missing). */
  closed: boolean;
}

/** Slots of one running bucket (see CandleBuckets). */
const AGG_BUCKET = 0;
const AGG_END = 1;
const AGG_COUNT = 2;
/** Open time the next base candle must have for the bucket to stay whole. */
const AGG_NEXT = 3;
const AGG_OPEN = 4;
const AGG_HIGH = 5;
const AGG_LOW = 6;
const AGG_CLOSE = 7;
const AGG_VOLUME = 8;
const AGG_SLOTS = 9;

/**
 * Streaming aggregation of many base series (a backtest's symbols) into several target
 * timeframes at once: base candles go in one at a time per series (ascending), and `add` answers
 * which targets' buckets that candle closed. A bucket with a missing base candle never closes.
 * Every running bucket sits in one Float64Array (series-major, a row of AGG_SLOTS per target), so
 * a base candle is one monomorphic call that touches one cache line or two, with nothing boxed and
 * nothing allocated; a candle object is built by `candle` only for a bucket that closed. (One
 * closure aggregator per symbol and timeframe cost about three times as much per base candle: a
 * call site shared by sixty closures, each with its own context and array to load.)
 */
export class CandleBuckets {
  /** Number of target timeframes (at most 30: `add` answers with a bit per target). */
  readonly targets: number;
  private readonly state: Float64Array;
  private readonly baseSize: number;
  private readonly sizes: Float64Array;
  /** Base candles in a whole bucket, per target. */
  private readonly perBucket: Float64Array;
  /** Per series: 10^volumeDecimals (exact integer volume sums), or 1 (float sums). */
  private readonly scales: Float64Array;

  /** `volumeDecimals[i]`: see AggregateOptions, for series i (its length is the number of series). */
  constructor(
    baseTimeframe: Timeframe,
    targets: readonly Timeframe[],
    volumeDecimals: readonly (number | undefined)[],
  ) {
    if (targets.length > 30) throw new RangeError(`at most 30 target timeframes (got ${targets.length})`);
    for (const target of targets) assertAggregatable(baseTimeframe, target);
    this.targets = targets.length;
    this.baseSize = timeframeMs(baseTimeframe);
    this.sizes = Float64Array.from(targets, timeframeMs);
    this.perBucket = this.sizes.map((size) => size / this.baseSize);
    this.scales = Float64Array.from(volumeDecimals, volumeScale);
    // No bucket yet: the NaN bounds make the first base candle start one.
    this.state = new Float64Array(volumeDecimals.length * targets.length * AGG_SLOTS).fill(Number.NaN);
    for (let p = 0; p < this.state.length; p += AGG_SLOTS) {
      this.state[p + AGG_COUNT] = 0;
      for (let k = AGG_OPEN; k <= AGG_VOLUME; k++) this.state[p + k] = 0;
    }
  }

  /** A base candle of `series` into every target; bit t of the answer: target t's bucket closed. */
  add(
    series: number,
    openTime: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): number {
    const v = this.scaled(series, volume);
    let closed = 0;
    for (let t = 0, p = series * this.targets * AGG_SLOTS; t < this.targets; t++, p += AGG_SLOTS) {
      if (this.step(p, t, openTime, open, high, low, close, v)) closed |= 1 << t;
    }
    return closed;
  }

  /** A base candle of `series` into target `target` only; true when it closed the bucket. */
  addTo(
    series: number,
    target: number,
    openTime: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): boolean {
    const p = (series * this.targets + target) * AGG_SLOTS;
    return this.step(p, target, openTime, open, high, low, close, this.scaled(series, volume));
  }

  /** A volume of `series` as the buckets sum it: a whole number of its smallest unit when known. */
  private scaled(series: number, volume: number): number {
    const scale = this.scales[series]!;
    return scale === 1 ? volume : Math.round(volume * scale);
  }

  /**
   * The bucket of `series` in `target` as it stands after the latest base candle: a new candle, or
   * written into `into` (a caller that hands each closed candle on to code that copies its numbers
   * needs no new object per close).
   */
  candle(series: number, target: number, into?: Candle): Candle {
    const s = this.state;
    const p = (series * this.targets + target) * AGG_SLOTS;
    const scale = this.scales[series]!;
    const v = s[p + AGG_VOLUME]!;
    const out = into ?? { openTime: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
    out.openTime = s[p + AGG_BUCKET]!;
    out.open = s[p + AGG_OPEN]!;
    out.high = s[p + AGG_HIGH]!;
    out.low = s[p + AGG_LOW]!;
    out.close = s[p + AGG_CLOSE]!;
    out.volume = scale === 1 ? v : v / scale;
    return out;
  }

  /** One bucket at slot `p` of target `t`; `volume` already scaled. */
  private step(
    p: number,
    t: number,
    openTime: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
  ): boolean {
    const s = this.state;
    // Inside [bucket, bucketEnd) is the same bucket: no division on the common path.
    if (!(openTime >= s[p + AGG_BUCKET]! && openTime < s[p + AGG_END]!)) {
      const size = this.sizes[t]!;
      const bucket = Math.floor(openTime / size) * size;
      s[p + AGG_BUCKET] = bucket;
      s[p + AGG_END] = bucket + size;
      s[p + AGG_COUNT] = 0;
      s[p + AGG_OPEN] = open;
      s[p + AGG_HIGH] = high;
      s[p + AGG_LOW] = low;
      s[p + AGG_VOLUME] = 0;
      // A bucket is only whole if it starts at its boundary and no base candle is skipped.
      s[p + AGG_NEXT] = bucket;
    } else {
      if (high > s[p + AGG_HIGH]!) s[p + AGG_HIGH] = high;
      if (low < s[p + AGG_LOW]!) s[p + AGG_LOW] = low;
    }
    if (openTime === s[p + AGG_NEXT]) s[p + AGG_COUNT]!++;
    s[p + AGG_NEXT] = openTime + this.baseSize;
    s[p + AGG_CLOSE] = close;
    s[p + AGG_VOLUME]! += volume;
    return s[p + AGG_COUNT] === this.perBucket[t] && openTime + this.baseSize === s[p + AGG_END];
  }
}

/**
 * Streaming form for live updates: feed base candles one at a time (ascending), get the
 * target candle as it forms. A bucket with a missing base candle never reports closed.
 * `push` answers with a fresh candle object each time; `add` takes the base candle as numbers
 * and answers whether the bucket just closed, `candle()` builds the candle when needed. (One
 * series and one target of CandleBuckets; hot loops over many symbols use CandleBuckets itself.)
 */
export function createCandleAggregator(
  baseTimeframe: Timeframe,
  target: Timeframe,
  options: AggregateOptions = {},
) {
  const buckets = new CandleBuckets(baseTimeframe, [target], [options.volumeDecimals]);
  const add = (openTime: number, open: number, high: number, low: number, close: number, volume: number) =>
    buckets.addTo(0, 0, openTime, open, high, low, close, volume);
  const candle = (): Candle => buckets.candle(0, 0);
  return {
    push(base: Candle): AggregatedUpdate {
      const closed = add(base.openTime, base.open, base.high, base.low, base.close, base.volume);
      return { candle: candle(), closed };
    },
    /** One base candle as numbers; true when it completes the bucket (see `push`). */
    add,
    /** The bucket as it stands after the latest `add` or `push`. */
    candle,
  };
}
