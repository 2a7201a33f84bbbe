/**
 * Rolling liquidation windows for one symbol: running notional sums and counts per side over the
 * short (1m) and main (5m) windows, O(1) amortized per liquidation. Time only moves forward: a
 * liquidation stamped slightly earlier than the newest one (the stream arrives in arrival order,
 * not strictly sorted) is booked at the newest time; one older than the main window is dropped.
 */

export interface SideSums {
  usd: number;
  count: number;
}

export interface WindowTotals {
  buy1m: SideSums;
  sell1m: SideSums;
  buy5m: SideSums;
  sell5m: SideSums;
}

export interface LiquidationWindow {
  /** Book a liquidation; false when it was too old to count. */
  add(time: number, isBuy: boolean, usd: number, price: number): boolean;
  /** Move the clock forward without a liquidation (expires old entries). */
  advance(now: number): void;
  totals(): WindowTotals;
  /** Largest single notional, notional-weighted price and first/last time of one side in the main window. */
  details(isBuy: boolean): { largestUsd: number; avgPrice: number; firstTime: number; lastTime: number };
  readonly now: number;
  readonly size: number;
}

export function createLiquidationWindow(shortMs: number, longMs: number): LiquidationWindow {
  const times: number[] = [];
  const realTimes: number[] = [];
  const buys: boolean[] = [];
  const usds: number[] = [];
  const prices: number[] = [];
  let headLong = 0;
  let headShort = 0;
  let now = Number.NEGATIVE_INFINITY;
  const t: WindowTotals = {
    buy1m: { usd: 0, count: 0 },
    sell1m: { usd: 0, count: 0 },
    buy5m: { usd: 0, count: 0 },
    sell5m: { usd: 0, count: 0 },
  };

  const sub = (s: SideSums, usd: number) => {
    s.usd -= usd;
    s.count -= 1;
    // Floating sums drift; an emptied side is exactly zero.
    if (s.count === 0) s.usd = 0;
  };

  function expire(): void {
    while (headShort < times.length && (times[headShort] as number) <= now - shortMs) {
      sub(buys[headShort] ? t.buy1m : t.sell1m, usds[headShort] as number);
      headShort++;
    }
    while (headLong < times.length && (times[headLong] as number) <= now - longMs) {
      sub(buys[headLong] ? t.buy5m : t.sell5m, usds[headLong] as number);
      headLong++;
    }
    if (headLong > 512 && headLong * 2 > times.length) {
      for (const arr of [times, realTimes, buys, usds, prices] as unknown[][]) arr.splice(0, headLong);
      headShort -= headLong;
      headLong = 0;
    }
  }

  return {
    add(time, isBuy, usd, price) {
      if (time <= now - longMs) return false;
      const booked = Math.max(time, now);
      now = booked;
      expire();
      times.push(booked);
      realTimes.push(time);
      buys.push(isBuy);
      usds.push(usd);
      prices.push(price);
      for (const s of isBuy ? [t.buy1m, t.buy5m] : [t.sell1m, t.sell5m]) {
        s.usd += usd;
        s.count += 1;
      }
      return true;
    },
    advance(to) {
      if (to > now) {
        now = to;
        expire();
      }
    },
    totals: () => t,
    details(isBuy) {
      let largestUsd = 0;
      let weighted = 0;
      let total = 0;
      let firstTime = Number.POSITIVE_INFINITY;
      let lastTime = Number.NEGATIVE_INFINITY;
      for (let i = headLong; i < times.length; i++) {
        if (buys[i] !== isBuy) continue;
        const usd = usds[i] as number;
        if (usd > largestUsd) largestUsd = usd;
        weighted += (prices[i] as number) * usd;
        total += usd;
        firstTime = Math.min(firstTime, realTimes[i] as number);
        lastTime = Math.max(lastTime, realTimes[i] as number);
      }
      return { largestUsd, avgPrice: total > 0 ? weighted / total : 0, firstTime, lastTime };
    },
    get now() {
      return now;
    },
    get size() {
      return times.length - headLong;
    },
  };
}
