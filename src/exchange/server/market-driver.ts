/**
 * Drives a served simulator from a simulated MarketFeed (synthetic or replay): every closed base
 * candle becomes a simulator candle step (open -> low/high -> close, at the candle's close time)
 * and a kline/markPrice update on the streams; recorded liquidations go out on forceOrder. The
 * feed runs in 'manual' pace and the driver moves it: on a wall-clock timer (`speed` market ms per
 * wall ms) or only when asked (`advanceTo`, `step`, POST /_sim/market/advance).
 */
import {
  type CandleUpdate,
  type Clock,
  type Liquidation,
  type MarketSymbol,
  systemClock,
  type Timeframe,
  timeframeMs,
} from '../../domain/index.js';
import type { SimulatedFeed, Subscription } from '../../market/index.js';
import type { MarketControl } from './admin.js';
import type { SimExchangeServer } from './server.js';

export interface MarketDriverOptions {
  server: SimExchangeServer;
  /** A feed in 'manual' pace whose clock is the simulator's clock. */
  feed: SimulatedFeed;
  /** Market milliseconds per wall millisecond; absent = the market moves only when asked. */
  speed?: number | undefined;
  tickMs?: number | undefined;
  wallClock?: Clock | undefined;
}

export class MarketDriver implements MarketControl {
  private readonly server: SimExchangeServer;
  private readonly feed: SimulatedFeed;
  private readonly candleSubs: Array<{ sub: Subscription<CandleUpdate>; ms: number }> = [];
  private liquidations: Subscription<Liquidation> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: MarketDriverOptions) {
    this.server = options.server;
    this.feed = options.feed;
  }

  /** Subscribe, seed every symbol with its last closed price, start the pacing timer if any. */
  async start(): Promise<void> {
    const universe = await this.feed.universe();
    const byTimeframe = new Map<Timeframe, MarketSymbol[]>();
    for (const r of universe) {
      const tf = this.feed.baseTimeframe(r.symbol);
      byTimeframe.set(tf, [...(byTimeframe.get(tf) ?? []), r.symbol]);
    }
    let seeded = true;
    for (const [tf, symbols] of byTimeframe) {
      this.candleSubs.push({ sub: this.feed.watchCandles(symbols, tf), ms: timeframeMs(tf) });
      for (const symbol of symbols) {
        const [last] = await this.feed.candles(symbol, tf, { limit: 1 });
        if (last) this.server.setPrice(symbol, { last: last.close, time: this.feed.clock.now() });
        else seeded = false;
      }
    }
    this.liquidations = this.feed.watchLiquidations();
    this.server.marketControl = this;
    // A recording starts with its first candle still open: step once so every symbol has a price.
    if (!seeded) this.step();
    const speed = this.options.speed;
    if (speed !== undefined && speed > 0) {
      const wall = this.options.wallClock ?? systemClock;
      const wallStart = wall.now();
      const marketStart = this.feed.clock.now();
      this.timer = setInterval(() => {
        const target = marketStart + (wall.now() - wallStart) * speed;
        if (target > this.feed.clock.now()) this.advanceTo(target);
      }, this.options.tickMs ?? 1_000);
      this.timer.unref();
    }
  }

  now(): number {
    return this.feed.clock.now();
  }

  advanceTo(time: number): void {
    if (time <= this.feed.clock.now()) return;
    this.feed.advanceTo(time);
    this.pump();
  }

  step(): boolean {
    const more = this.feed.step();
    this.pump();
    return more;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const { sub } of this.candleSubs) sub.close();
    this.liquidations?.close();
    if (this.server.marketControl === this) this.server.marketControl = undefined;
  }

  /** Apply what the feed published, in market-time order across symbols. */
  private pump(): void {
    const updates: Array<{ at: number; apply: () => void }> = [];
    for (const { sub, ms } of this.candleSubs) {
      for (const u of sub.drain()) {
        if (!u.closed) continue;
        const at = u.candle.openTime + ms;
        updates.push({ at, apply: () => this.server.applyCandle(u.symbol, u.candle, at) });
      }
    }
    for (const l of this.liquidations?.drain() ?? []) {
      updates.push({ at: l.time, apply: () => this.server.publishLiquidation(l) });
    }
    updates.sort((a, b) => a.at - b.at);
    for (const u of updates) u.apply();
  }
}
