/**
 * The whale detector: forced liquidations in, whale events out. Pure and deterministic: time is the
 * liquidations' own exchange time, so live, replay and synthetic feeds give the same events for the
 * same stream. Storage and publishing are the caller's job.
 *
 * Shorts liquidated (side BUY, forced buys) in a one-sided cluster predict a squeeze up (PUMP);
 * longs liquidated (side SELL, forced sells) predict a flush down (DUMP).
 */
import type { Liquidation } from '../domain/index.js';
import { resolveWhaleConfig, type WhaleConfig, type WhaleOverrides } from './config.js';
import type { WhaleDirection, WhaleEvent } from './types.js';
import { createLiquidationWindow, type LiquidationWindow } from './window.js';

/** Normal traded quote volume (USDT per minute) for a symbol, or undefined when unknown. */
export type VolumeBaseline = (symbol: string) => number | undefined;

export interface WhaleDetector {
  /** Book one liquidation; returns the events it triggered (zero or one). */
  onLiquidation(liquidation: Liquidation): WhaleEvent[];
  /** The newest event for a symbol no older than maxAgeMs at `now` (what the screener consumes). */
  latest(symbol: string, now: number, maxAgeMs?: number): WhaleEvent | undefined;
  readonly config: WhaleConfig;
}

export interface WhaleDetectorOptions {
  config?: WhaleOverrides;
  baseline?: VolumeBaseline;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const usd = (x: number) =>
  x >= 1e6 ? `$${round1(x / 1e6)}M` : x >= 1e3 ? `$${round1(x / 1e3)}k` : `$${Math.round(x)}`;

export function createWhaleDetector(options: WhaleDetectorOptions = {}): WhaleDetector {
  const config = resolveWhaleConfig(options.config);
  const baseline = options.baseline ?? (() => undefined);
  const windows = new Map<string, LiquidationWindow>();
  const lastEvent = new Map<string, WhaleEvent>();

  function evaluate(symbol: string, win: LiquidationWindow, time: number): WhaleEvent | undefined {
    const t = win.totals();
    const buyDominant = t.buy5m.usd >= t.sell5m.usd;
    const dom5 = buyDominant ? t.buy5m : t.sell5m;
    const dom1 = buyDominant ? t.buy1m : t.sell1m;
    const total = t.buy5m.usd + t.sell5m.usd;
    if (dom5.count < config.minEvents || dom5.usd < config.minNotionalUsd || total <= 0) return undefined;
    const dominance = dom5.usd / total;
    if (dominance < config.minDominance) return undefined;

    const perMinute = baseline(symbol);
    const known = perMinute !== undefined && Number.isFinite(perMinute) && perMinute > 0;
    const windowMinutes = config.longWindowMs / 60_000;
    const intensity = known ? dom5.usd / (perMinute * windowMinutes) : null;
    if (intensity !== null && intensity < config.minIntensity) return undefined;

    const w = config.weights;
    const size =
      intensity !== null
        ? w.size * Math.min(1, intensity / config.fullIntensity)
        : w.size *
          Math.min(
            1,
            Math.log(dom5.usd / config.minNotionalUsd) /
              Math.log(config.fullNotionalUsd / config.minNotionalUsd),
          );
    const parts = {
      size: round1(size),
      dominance: round1(w.dominance * Math.max(0, (dominance - 0.5) / 0.5)),
      cluster: round1(w.cluster * Math.min(1, dom5.count / config.fullClusterEvents)),
      acceleration: round1(w.acceleration * Math.min(1, dom1.usd / dom5.usd)),
    };
    let confidence = Math.round(parts.size + parts.dominance + parts.cluster + parts.acceleration);
    if (!known) confidence = Math.min(confidence, config.unknownBaselineCap);
    confidence = Math.max(0, Math.min(100, confidence));
    if (!Number.isFinite(confidence) || confidence < config.minConfidence) return undefined;

    const direction: WhaleDirection = buyDominant ? 'PUMP' : 'DUMP';
    const previous = lastEvent.get(`${symbol}|${direction}`);
    if (
      previous &&
      time - previous.time < config.cooldownMs &&
      confidence < previous.confidence + config.escalation
    ) {
      return undefined;
    }

    const d = win.details(buyDominant);
    const who = buyDominant ? 'shorts' : 'longs';
    const reasons = [
      `${usd(dom5.usd)} of ${who} liquidated in ${windowMinutes}m (${dom5.count} orders, ${Math.round(dominance * 100)}% one-sided)`,
      intensity !== null
        ? `${round1(intensity * 100)}% of normal traded volume (${usd(perMinute as number)}/min)`
        : `no volume baseline for ${symbol}: confidence capped at ${config.unknownBaselineCap}`,
      `${usd(dom1.usd)} in the last ${config.shortWindowMs / 1000}s, largest single ${usd(d.largestUsd)}`,
      buyDominant ? 'forced buying: short squeeze up' : 'forced selling: long flush down',
    ];
    return {
      symbol,
      direction,
      confidence,
      time,
      evidence: {
        windowMs: config.longWindowMs,
        shortsLiquidatedUsd1m: t.buy1m.usd,
        shortsLiquidatedUsd5m: t.buy5m.usd,
        longsLiquidatedUsd1m: t.sell1m.usd,
        longsLiquidatedUsd5m: t.sell5m.usd,
        count: dom5.count,
        dominance,
        intensity,
        baselineUsdPerMinute: known ? (perMinute as number) : null,
        largestUsd: d.largestUsd,
        avgPrice: d.avgPrice,
        firstTime: d.firstTime,
        lastTime: d.lastTime,
        parts,
      },
      reasons,
    };
  }

  return {
    config,
    onLiquidation(liq) {
      const notional = liq.price * liq.qty;
      if (!(notional > 0) || !Number.isFinite(notional) || !Number.isFinite(liq.time)) return [];
      const symbol = liq.symbol as string;
      let win = windows.get(symbol);
      if (!win) {
        win = createLiquidationWindow(config.shortWindowMs, config.longWindowMs);
        windows.set(symbol, win);
      }
      if (!win.add(liq.time, liq.side === 'BUY', notional, liq.price)) return [];
      const event = evaluate(symbol, win, liq.time);
      if (!event) return [];
      lastEvent.set(`${symbol}|${event.direction}`, event);
      return [event];
    },
    latest(symbol, now, maxAgeMs = config.longWindowMs) {
      let best: WhaleEvent | undefined;
      for (const direction of ['PUMP', 'DUMP'] as const) {
        const e = lastEvent.get(`${symbol}|${direction}`);
        if (e && now - e.time <= maxAgeMs && now >= e.time && (!best || e.time > best.time)) best = e;
      }
      return best;
    },
  };
}

/** Run a whole recorded or synthetic stream through a fresh detector: every event, in order. */
export function detectWhaleEvents(
  liquidations: Iterable<Liquidation>,
  options: WhaleDetectorOptions = {},
): WhaleEvent[] {
  const detector = createWhaleDetector(options);
  const events: WhaleEvent[] = [];
  for (const liq of liquidations) events.push(...detector.onLiquidation(liq));
  return events;
}
