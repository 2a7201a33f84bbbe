/**
 * Binance's request-weight budget: 2,400 weight per minute per IP on USD-M futures
 * (https://developers.binance.com/docs/derivatives/usds-margined-futures/general-info, "LIMITS").
 * A request waits until a sliding 60-second window has room for its weight (sliding is stricter
 * than Binance's fixed minute, so never over). The exchange's own count (X-MBX-USED-WEIGHT-1M,
 * which includes other processes on the same IP) can only raise ours. After an HTTP 429 every
 * request pauses with a growing backoff; after a 418 (IP ban) until the ban's end: never hammer.
 *
 * Reads stop short of the limit: the last tenth of the minute's weight is kept for managing
 * orders (cancelling, looking up an order whose answer was lost). A thousand REAL accounts
 * attaching, or the market feed catching up, fill the budget with reads for minutes; a panic's
 * cancels or a stop's lookup must not queue behind them.
 */
import type { Clock } from '../../domain/index.js';

export const BINANCE_WEIGHT_PER_MINUTE = 2_400;
const WINDOW_MS = 60_000;

/**
 * What a request is for: `order` (cancel an order, look one up) may spend the whole budget; a
 * `read` (market data, balances, positions, lists) leaves the order reserve alone.
 */
export type WeightLane = 'read' | 'order';

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface WeightBudgetOptions {
  clock: Clock;
  sleep?: Sleep | undefined;
  limitPerMinute?: number | undefined;
  /** Weight per minute that reads leave to order management; default a tenth of the limit. */
  orderReserve?: number | undefined;
  /** First pause after a 429 without Retry-After (doubles each time, reset on success). */
  initialBackoffMs?: number | undefined;
  maxBackoffMs?: number | undefined;
}

export interface WeightBudget {
  /** Resolve when `weight` may be spent now (and record it as spent); `read` by default. */
  acquire(weight: number, lane?: WeightLane): Promise<void>;
  /** The exchange's X-MBX-USED-WEIGHT-1M after a response. */
  observeUsedWeight(used: number): void;
  /** HTTP 429: pause everything; `retryAfterMs` from the response when it had one. */
  rateLimited(retryAfterMs?: number): number;
  /** HTTP 418: pause everything until `untilMs` (or a growing backoff when unknown). */
  banned(untilMs?: number): number;
  /** A request succeeded: the backoff starts small again next time. */
  succeeded(): void;
  /** Weight spent in the last 60 s. */
  used(): number;
  /** The most weight a minute may carry (order management included). */
  readonly limitPerMinute: number;
  /** Time before which no request is sent. */
  readonly pausedUntil: number;
  /** What /api/health shows of this budget now. */
  status(): WeightBudgetStatus;
}

/** One process's share of the IP's weight: spent in the last minute, its limit, any pause. */
export interface WeightBudgetStatus {
  usedLastMinute: number;
  limitPerMinute: number;
  /** Until when a 429 or a ban pauses every request; null when nothing does. */
  pausedUntil: number | null;
}

export function createWeightBudget(options: WeightBudgetOptions): WeightBudget {
  const { clock } = options;
  const sleep = options.sleep ?? realSleep;
  const limit = options.limitPerMinute ?? BINANCE_WEIGHT_PER_MINUTE;
  const initialBackoff = options.initialBackoffMs ?? 5_000;
  const maxBackoff = options.maxBackoffMs ?? 120_000;
  const reserve = options.orderReserve ?? Math.floor(limit / 10);
  if (!(reserve >= 0 && reserve < limit))
    throw new RangeError(`the order reserve (${reserve}) must be at least 0 and below the limit (${limit})`);
  const spent: { time: number; weight: number }[] = [];
  let pausedUntil = 0;
  let backoff = initialBackoff;

  const prune = (now: number) => {
    while (spent.length > 0 && spent[0]!.time <= now - WINDOW_MS) spent.shift();
  };
  const used = () => {
    prune(clock.now());
    let sum = 0;
    for (const s of spent) sum += s.weight;
    return sum;
  };
  const pause = (until: number) => {
    pausedUntil = Math.max(pausedUntil, until);
    return pausedUntil;
  };

  return {
    async acquire(weight, lane = 'read') {
      const ceiling = lane === 'order' ? limit : limit - reserve;
      if (weight > ceiling)
        throw new RangeError(`a ${lane} of weight ${weight} exceeds its budget of ${ceiling}/min`);
      for (;;) {
        const now = clock.now();
        if (now < pausedUntil) {
          await sleep(pausedUntil - now);
          continue;
        }
        if (used() + weight <= ceiling) {
          spent.push({ time: now, weight });
          return;
        }
        // Wait for the oldest spending to leave the window.
        await sleep(Math.max(1, spent[0]!.time + WINDOW_MS - now));
      }
    },
    observeUsedWeight(reported) {
      if (!Number.isFinite(reported)) return;
      const ours = used();
      if (reported > ours) spent.push({ time: clock.now(), weight: reported - ours });
    },
    rateLimited(retryAfterMs) {
      const wait = retryAfterMs !== undefined && retryAfterMs > 0 ? retryAfterMs : backoff;
      backoff = Math.min(maxBackoff, backoff * 2);
      return pause(clock.now() + wait);
    },
    banned(untilMs) {
      if (untilMs !== undefined && untilMs > clock.now()) return pause(untilMs + 1_000);
      // Binance bans for 2 minutes at least, growing for repeat offenders.
      const wait = Math.max(backoff, 120_000);
      backoff = Math.min(backoff * 2, maxBackoff);
      return pause(clock.now() + wait);
    },
    succeeded() {
      backoff = initialBackoff;
    },
    used,
    limitPerMinute: limit,
    get pausedUntil() {
      return pausedUntil;
    },
    status() {
      return {
        usedLastMinute: used(),
        limitPerMinute: limit,
        pausedUntil: pausedUntil > clock.now() ? pausedUntil : null,
      };
    },
  };
}

/** IP weight of GET /fapi/v1/klines by `limit` (Binance: [1,100) 1, [100,500) 2, [500,1000] 5, >1000 10). */
export function klinesWeight(limit: number): number {
  if (limit < 100) return 1;
  if (limit < 500) return 2;
  if (limit <= 1000) return 5;
  return 10;
}

/** Largest page that still costs weight 2: 499 candles (500 would cost 5). */
export const KLINES_PAGE = 499;
