/**
 * The equity curve, marked to market at every step, in O(1) memory per step: the running peak and
 * the deepest drawdown at full resolution, one closing value per UTC day (Sharpe, Sortino), the
 * time with a position open, and a bounded, evenly spaced sample for charts. Memory grows with
 * the number of days, never with the number of candles.
 */
import { DAY_MS } from '../domain/index.js';
import type { EquityStats } from './metrics.js';
import type { EquitySample } from './types.js';

export class EquityTracker {
  private peak: number;
  private maxDd = 0;
  private last: number;
  private lastTime: number;
  private lastExposed = false;
  private exposedMs = 0;
  private day: number;
  private readonly dayCloses: number[] = [];
  private readonly sampled: EquitySample[] = [];
  private nextSample: number;
  private readonly interval: number;

  constructor(
    readonly from: number,
    readonly to: number,
    readonly startEquity: number,
    maxSamples = 2000,
  ) {
    this.peak = startEquity;
    this.last = startEquity;
    this.lastTime = from;
    // A mark at exactly 00:00 closes the previous day's last candle: it belongs to that day.
    this.day = Math.floor((from - 1) / DAY_MS);
    this.interval = Math.max(1, (to - from) / maxSamples);
    this.nextSample = from;
    this.sampled.push({ time: from, equity: startEquity, drawdownPct: 0 });
    this.nextSample = from + this.interval;
  }

  /** Equity at `time`, and whether a position was open from this mark to the next. */
  mark(time: number, equity: number, exposed: boolean): void {
    if (this.lastExposed && time > this.lastTime) this.exposedMs += time - this.lastTime;
    this.lastExposed = exposed;
    this.lastTime = time;
    const day = Math.floor((time - 1) / DAY_MS);
    // Days without a mark (a gap in the data) keep the equity: zero returns.
    while (this.day < day) {
      if (this.day >= Math.floor(this.from / DAY_MS)) this.dayCloses.push(this.last);
      this.day++;
    }
    this.last = equity;
    if (equity > this.peak) this.peak = equity;
    const dd = this.peak > 0 ? ((this.peak - equity) / this.peak) * 100 : 0;
    if (dd > this.maxDd) this.maxDd = dd;
    if (time >= this.nextSample) {
      this.sampled.push({ time, equity, drawdownPct: dd });
      this.nextSample = time + this.interval;
    }
  }

  get equity(): number {
    return this.last;
  }

  get time(): number {
    return this.lastTime;
  }

  stats(): EquityStats {
    const closes = [...this.dayCloses];
    if (this.lastTime > this.from) closes.push(this.last);
    const dailyReturns: number[] = [];
    let previous = this.startEquity;
    for (const close of closes) {
      dailyReturns.push(previous > 0 ? close / previous - 1 : 0);
      previous = close;
    }
    return {
      startEquity: this.startEquity,
      endEquity: this.last,
      maxDrawdownPct: this.maxDd,
      dailyReturns,
      exposedMs: this.exposedMs,
      spanMs: Math.max(0, Math.min(this.to, this.lastTime) - this.from),
    };
  }

  samples(): EquitySample[] {
    const out = [...this.sampled];
    const tail = out[out.length - 1]!;
    if (tail.time !== this.lastTime) {
      out.push({
        time: this.lastTime,
        equity: this.last,
        drawdownPct: this.peak > 0 ? ((this.peak - this.last) / this.peak) * 100 : 0,
      });
    }
    return out;
  }
}

/**
 * The whole period, plus its in-sample and out-of-sample parts when split at `splitAt`: the
 * out-of-sample part starts from the equity the in-sample part ended with.
 */
export class SplitEquity {
  readonly whole: EquityTracker;
  readonly inSample: EquityTracker | null;
  private outOfSampleTracker: EquityTracker | null = null;

  constructor(
    readonly from: number,
    readonly to: number,
    startEquity: number,
    readonly splitAt: number | null,
  ) {
    this.whole = new EquityTracker(from, to, startEquity);
    this.inSample = splitAt === null ? null : new EquityTracker(from, splitAt, startEquity);
  }

  mark(time: number, equity: number, exposed: boolean): void {
    this.whole.mark(time, equity, exposed);
    if (this.splitAt === null || this.inSample === null) return;
    if (time <= this.splitAt) this.inSample.mark(time, equity, exposed);
    else {
      this.outOfSampleTracker ??= new EquityTracker(this.splitAt, this.to, this.inSample.equity);
      this.outOfSampleTracker.mark(time, equity, exposed);
    }
  }

  get outOfSample(): EquityTracker | null {
    if (this.splitAt === null || this.inSample === null) return null;
    this.outOfSampleTracker ??= new EquityTracker(this.splitAt, this.to, this.inSample.equity);
    return this.outOfSampleTracker;
  }
}
