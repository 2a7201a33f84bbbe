/**
 * One symbol's candles in memory for the simulated feeds: the base series (recorded or generated,
 * growable) and, per coarser timeframe, an aggregation cached once and extended as the base grows.
 * Queries answer "as of time t": only candles closed by t, and only whole buckets.
 */
import {
  type Candle,
  type CandleColumns,
  candleAt,
  candleColumns,
  DomainError,
  ErrorCode,
  type MarketSymbol,
  type Ticker24h,
  type Timeframe,
  timeframeMs,
} from '../domain/index.js';
import { type CandleQuery, DEFAULT_CANDLE_LIMIT } from './feed.js';
import {
  aggregateCandles,
  type CandleGap,
  canAggregate,
  emptyColumns,
  findGaps,
  sliceColumns,
} from './timeframes.js';

/** Numbers per candle in CandleSeries.rowMajor: openTime, open, high, low, close, volume. */
export const ROW_FIELDS = 6;

interface Table {
  cols: CandleColumns;
  /** 1 = whole bucket (always 1 for the base series). */
  complete: Uint8Array;
  rows: number;
  incomplete: number;
  /** Aggregations: first base row of the last bucket (re-aggregated on extension). */
  resumeAt: number;
  /** Aggregations: base rows already folded in. */
  covered: number;
}

function allocate(capacity: number): { cols: CandleColumns; complete: Uint8Array } {
  return { cols: emptyColumns(capacity), complete: new Uint8Array(capacity) };
}

function ensureCapacity(table: Table, needed: number): void {
  if (needed <= table.cols.openTime.length) return;
  const capacity = Math.max(needed, table.cols.openTime.length * 2, 64);
  const next = allocate(capacity);
  for (const key of ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const) {
    next.cols[key].set(table.cols[key].subarray(0, table.rows));
  }
  next.complete.set(table.complete.subarray(0, table.rows));
  table.cols = next.cols;
  table.complete = next.complete;
}

/** First index in [0, n) with a[i] >= x (n when none). */
export function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class CandleSeries {
  readonly symbol: string;
  readonly baseTimeframe: Timeframe;
  private readonly base: Table;
  private readonly tables = new Map<Timeframe, Table>();
  /** See rowMajor: base rows [interleavedFrom, interleavedRows), interleaved (none yet). */
  private interleaved = new Float64Array(0);
  private interleavedFrom = Number.POSITIVE_INFINITY;
  private interleavedRows = 0;

  /** See AggregateOptions.volumeDecimals. */
  readonly volumeDecimals: number | undefined;

  constructor(
    symbol: string,
    baseTimeframe: Timeframe,
    initial?: CandleColumns,
    options: { volumeDecimals?: number | undefined } = {},
  ) {
    this.symbol = symbol;
    this.baseTimeframe = baseTimeframe;
    this.volumeDecimals = options.volumeDecimals;
    const n = initial?.openTime.length ?? 0;
    const { cols, complete } = allocate(Math.max(n, 64));
    this.base = { cols, complete, rows: 0, incomplete: 0, resumeAt: 0, covered: 0 };
    if (initial && n > 0) this.append(initial);
  }

  get length(): number {
    return this.base.rows;
  }

  /** Base rows as read-only views (valid until the next append). */
  get baseColumns(): CandleColumns {
    return viewColumns(this.base.cols, 0, this.base.rows);
  }

  /**
   * The base storage itself, no allocation (hot loops): rows [0, length) are the candles, rows
   * beyond are spare capacity. Read-only; replaced by a larger copy when an append outgrows it.
   */
  get raw(): CandleColumns {
    return this.base.cols;
  }

  /**
   * The base rows from `from` on, interleaved, ROW_FIELDS numbers per candle (openTime, open,
   * high, low, close, volume): row i at (i - rowMajorFrom) * ROW_FIELDS, rows up to `length`.
   * A copy of the columns made on first use (from the first row asked for: a replay reads the
   * rows after its start only) and extended as the base grows. Stepping a market reads one
   * candle of every symbol per step: from the columns that is six far-apart arrays per symbol,
   * more streams than the hardware prefetches, a cache miss on each; here one stream a symbol.
   */
  rowMajor(from: number): Float64Array {
    if (from < this.interleavedFrom) {
      this.interleavedFrom = from;
      this.interleavedRows = from;
      this.interleaved = new Float64Array(0);
    }
    const n = this.base.rows;
    if (this.interleavedRows < n) this.interleave(n);
    return this.interleaved;
  }

  /** The first row of rowMajor's copy. */
  get rowMajorFrom(): number {
    return this.interleavedFrom;
  }

  private interleave(n: number): void {
    const from = this.interleavedFrom;
    if (this.interleaved.length < (n - from) * ROW_FIELDS) {
      const next = new Float64Array(Math.max(n - from, (this.interleavedRows - from) * 2, 64) * ROW_FIELDS);
      next.set(this.interleaved.subarray(0, (this.interleavedRows - from) * ROW_FIELDS));
      this.interleaved = next;
    }
    const { openTime, open, high, low, close, volume } = this.base.cols;
    const rows = this.interleaved;
    for (let i = this.interleavedRows, o = (i - from) * ROW_FIELDS; i < n; i++, o += ROW_FIELDS) {
      rows[o] = openTime[i]!;
      rows[o + 1] = open[i]!;
      rows[o + 2] = high[i]!;
      rows[o + 3] = low[i]!;
      rows[o + 4] = close[i]!;
      rows[o + 5] = volume[i]!;
    }
    this.interleavedRows = n;
  }

  /** Base candle `i` as an object. */
  candleAt(i: number): Candle {
    return candleAt(this.base.cols, i);
  }

  /**
   * 24h rolling ticker from the base candles closed by `now`; undefined when none traded in the
   * last 24h. quoteVolume is estimated as sum(volume x typical price (h+l+c)/3): candles do not
   * carry Binance's exact quote volume.
   */
  ticker24h(now: number): Ticker24h | undefined {
    const k = this.closedBaseCount(now);
    if (k === 0) return undefined;
    const cols = this.base.cols;
    const since = now - 86_400_000;
    let i = k;
    let quoteVolume = 0;
    while (i > 0 && cols.openTime[i - 1]! >= since) {
      i--;
      quoteVolume += (cols.volume[i]! * (cols.high[i]! + cols.low[i]! + cols.close[i]!)) / 3;
    }
    if (i === k) return undefined;
    const open = cols.open[i]!;
    const last = cols.close[k - 1]!;
    return {
      symbol: this.symbol as MarketSymbol,
      lastPrice: last,
      quoteVolume,
      changePct: ((last - open) / open) * 100,
    };
  }

  firstOpenTime(): number | undefined {
    return this.base.rows > 0 ? this.base.cols.openTime[0] : undefined;
  }

  lastOpenTime(): number | undefined {
    return this.base.rows > 0 ? this.base.cols.openTime[this.base.rows - 1] : undefined;
  }

  /** Append ascending base candles (callers validate them first). */
  append(columns: CandleColumns): void {
    const n = columns.openTime.length;
    const t = this.base;
    ensureCapacity(t, t.rows + n);
    for (const key of ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const) {
      t.cols[key].set(columns[key].subarray(0, n), t.rows);
    }
    t.complete.fill(1, t.rows, t.rows + n);
    t.rows += n;
  }

  gaps(): CandleGap[] {
    return findGaps(this.base.cols.openTime.subarray(0, this.base.rows), this.baseTimeframe);
  }

  /** Index after the last base candle closed by `now`. */
  closedBaseCount(now: number): number {
    return lowerBound(this.base.cols.openTime, this.base.rows, now - timeframeMs(this.baseTimeframe) + 1);
  }

  private table(timeframe: Timeframe): Table {
    if (timeframe === this.baseTimeframe) return this.base;
    if (!canAggregate(this.baseTimeframe, timeframe)) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `${this.symbol} is held at ${this.baseTimeframe}; ${timeframe} candles cannot be built from it`,
        { details: { symbol: this.symbol, base: this.baseTimeframe, timeframe } },
      );
    }
    let table = this.tables.get(timeframe);
    if (!table) {
      const { cols, complete } = allocate(64);
      table = { cols, complete, rows: 0, incomplete: 0, resumeAt: 0, covered: 0 };
      this.tables.set(timeframe, table);
    }
    this.extend(table, timeframe);
    return table;
  }

  /** Aggregate base rows not yet covered (re-doing the last, possibly partial, bucket). */
  private extend(table: Table, timeframe: Timeframe): void {
    const base = this.base;
    if (table.covered === base.rows) return;
    const from = table.resumeAt;
    const slice = viewColumns(base.cols, from, base.rows);
    const agg = aggregateCandles(slice, this.baseTimeframe, timeframe, {
      volumeDecimals: this.volumeDecimals,
    });
    const produced = agg.candles.openTime.length;
    table.covered = base.rows;
    if (produced === 0) return;
    // The first produced bucket replaces the previous last bucket when they share an open time.
    let at = table.rows;
    if (at > 0 && table.cols.openTime[at - 1] === agg.candles.openTime[0]) {
      at--;
      if (table.complete[at] === 0) table.incomplete--;
    }
    ensureCapacity(table, at + produced);
    for (const key of ['openTime', 'open', 'high', 'low', 'close', 'volume'] as const) {
      table.cols[key].set(agg.candles[key], at);
    }
    table.complete.set(agg.complete, at);
    // The trailing bucket counts as incomplete while forming; it is redone on the next extension.
    for (let i = 0; i < produced; i++) if (agg.complete[i] === 0) table.incomplete++;
    table.rows = at + produced;
    const lastBucket = agg.candles.openTime[produced - 1]!;
    table.resumeAt = lowerBound(base.cols.openTime, base.rows, lastBucket);
    if (table.resumeAt < from) table.resumeAt = from;
    table.covered = base.rows;
  }

  /** Closed, whole candles of `timeframe` as of `now`, per CandleQuery semantics (copies). */
  query(timeframe: Timeframe, now: number, q: CandleQuery = {}): CandleColumns {
    const table = this.table(timeframe);
    const size = timeframeMs(timeframe);
    const times = table.cols.openTime;
    const closedEnd = lowerBound(times, table.rows, now - size + 1);
    let lo = q.from === undefined ? 0 : lowerBound(times, closedEnd, q.from);
    let hi = q.to === undefined ? closedEnd : Math.min(closedEnd, lowerBound(times, closedEnd, q.to + 1));
    if (hi < lo) hi = lo;
    const limit =
      q.limit ??
      (q.from === undefined && q.to === undefined ? DEFAULT_CANDLE_LIMIT : Number.POSITIVE_INFINITY);
    const fromStart = q.from !== undefined && q.to === undefined;
    if (table.incomplete === 0) {
      if (hi - lo > limit) {
        if (fromStart) hi = lo + limit;
        else lo = hi - limit;
      }
      return sliceColumns(table.cols, lo, hi);
    }
    const keep: number[] = [];
    for (let i = lo; i < hi; i++) if (table.complete[i] === 1) keep.push(i);
    const picked =
      keep.length <= limit ? keep : fromStart ? keep.slice(0, limit) : keep.slice(keep.length - limit);
    const out = emptyColumns(picked.length);
    for (let j = 0; j < picked.length; j++) {
      const i = picked[j]!;
      out.openTime[j] = table.cols.openTime[i]!;
      out.open[j] = table.cols.open[i]!;
      out.high[j] = table.cols.high[i]!;
      out.low[j] = table.cols.low[i]!;
      out.close[j] = table.cols.close[i]!;
      out.volume[j] = table.cols.volume[i]!;
    }
    return out;
  }
}

function viewColumns(cols: CandleColumns, start: number, end: number): CandleColumns {
  return candleColumns(
    cols.openTime.subarray(start, end),
    cols.open.subarray(start, end),
    cols.high.subarray(start, end),
    cols.low.subarray(start, end),
    cols.close.subarray(start, end),
    cols.volume.subarray(start, end),
  );
}
