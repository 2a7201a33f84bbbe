import { describe, expect, it } from 'vitest';
import { EquityTracker } from './equity.js';
import {
  computeMetrics,
  type EquityStats,
  type MetricTrade,
  maxDrawdownPct,
  perSymbolMetrics,
  sharpeRatio,
  sortinoRatio,
} from './metrics.js';

const trade = (symbol: string, pnl: number, minutes: number, r: number | null = null): MetricTrade => ({
  symbol,
  pnl,
  fees: 0.5,
  funding: 0.25,
  durationMinutes: minutes,
  rMultiple: r,
  reason: pnl > 0 ? 'target' : 'stop',
  ambiguous: false,
});

const flatEquity: EquityStats = {
  startEquity: 1000,
  endEquity: 1030,
  maxDrawdownPct: 2,
  dailyReturns: [],
  exposedMs: 6 * 3_600_000,
  spanMs: 24 * 3_600_000,
};

describe('computeMetrics on hand-made trades', () => {
  // +20, -10, +30, -10, 0: wins 2 (a zero trade is not a win), gross profit 50, gross loss 20.
  const trades = [
    trade('BTCUSDT', 20, 60, 2),
    trade('BTCUSDT', -10, 30, -1),
    trade('ETHUSDT', 30, 90, 3),
    trade('ETHUSDT', -10, 20, -1),
    trade('ETHUSDT', 0, 50, 0),
  ];
  const m = computeMetrics(trades, flatEquity);

  it('counts wins, win rate, profit factor, expectancy and durations', () => {
    expect(m).toMatchObject({ trades: 5, wins: 2, losses: 3, grossProfit: 50, grossLoss: 20, netPnl: 30 });
    expect(m.winRate).toBe(0.4);
    expect(m.profitFactor).toBe(2.5);
    expect(m.expectancy).toBe(6);
    expect(m.expectancyR).toBeCloseTo(0.6, 12);
    expect(m.avgTradeMinutes).toBe(50);
    expect(m.fees).toBe(2.5);
    expect(m.funding).toBe(1.25);
    expect(m.exitReasons).toEqual({ target: 2, stop: 3 });
  });

  it('takes return, drawdown and exposure from the equity', () => {
    expect(m.totalReturnPct).toBeCloseTo(3, 12);
    expect(m.maxDrawdownPct).toBe(2);
    expect(m.exposurePct).toBe(25);
  });

  it('says null, not Infinity or NaN, where a ratio does not exist', () => {
    const none = computeMetrics([], flatEquity);
    expect(none).toMatchObject({ trades: 0, winRate: null, profitFactor: null, expectancy: null });
    expect(none.avgTradeMinutes).toBeNull();
    const onlyWins = computeMetrics([trade('BTCUSDT', 5, 10)], flatEquity);
    expect(onlyWins.profitFactor).toBeNull();
    expect(onlyWins.sharpe).toBeNull();
    expect(JSON.parse(JSON.stringify(onlyWins))).toEqual(onlyWins);
  });

  it('gives a per-symbol table, most traded first', () => {
    expect(perSymbolMetrics(trades)).toEqual([
      {
        symbol: 'ETHUSDT',
        trades: 3,
        wins: 1,
        winRate: 1 / 3,
        netPnl: 20,
        profitFactor: 3,
        avgTradeMinutes: 160 / 3,
      },
      {
        symbol: 'BTCUSDT',
        trades: 2,
        wins: 1,
        winRate: 0.5,
        netPnl: 10,
        profitFactor: 2,
        avgTradeMinutes: 45,
      },
    ]);
  });
});

describe('ratios and drawdown with known answers', () => {
  it('annualises the Sharpe ratio of daily returns over 365 days', () => {
    // mean 0.01, sample standard deviation of [0.02, 0, 0.01] = 0.01 -> 1 x sqrt(365)
    expect(sharpeRatio([0.02, 0, 0.01])).toBeCloseTo(Math.sqrt(365), 10);
    expect(sharpeRatio([0.01])).toBeNull();
    expect(sharpeRatio([0.01, 0.01, 0.01])).toBeNull();
  });

  it('divides by the downside deviation for Sortino', () => {
    // mean 0.005; downside sqrt((0.02^2) / 4) = 0.01 -> 0.5 x sqrt(365)
    expect(sortinoRatio([0.03, -0.02, 0.01, 0])).toBeCloseTo(0.5 * Math.sqrt(365), 10);
    expect(sortinoRatio([0.01, 0.02])).toBeNull();
  });

  it('finds the deepest peak-to-trough fall', () => {
    expect(maxDrawdownPct([100, 120, 90, 130, 104, 125])).toBeCloseTo(25, 12);
    expect(maxDrawdownPct([100, 101, 102])).toBe(0);
  });
});

describe('EquityTracker', () => {
  const DAY = 86_400_000;
  const t0 = Date.UTC(2026, 0, 1);

  it('marks to market: drawdown at full resolution, one close per UTC day, exposure', () => {
    const eq = new EquityTracker(t0, t0 + 3 * DAY, 1000);
    eq.mark(t0 + 3_600_000, 1100, true); // day 1
    eq.mark(t0 + DAY, 1050, false); // 00:00 closes day 1 at 1050
    eq.mark(t0 + DAY + 3_600_000, 880, true); // day 2: 20% below the 1100 peak
    eq.mark(t0 + 2 * DAY, 990, false); // closes day 2
    eq.mark(t0 + 3 * DAY, 990, false); // day 3 flat
    const s = eq.stats();
    expect(s.maxDrawdownPct).toBeCloseTo(20, 12);
    expect(s.dailyReturns.map((r) => Number(r.toFixed(10)))).toEqual([
      0.05,
      Number((990 / 1050 - 1).toFixed(10)),
      0,
    ]);
    // exposed from 01:00 to 00:00 on day 1 (23 h) and from 01:00 to 00:00 on day 2 (23 h)
    expect(s.exposedMs).toBe(46 * 3_600_000);
    expect(s.spanMs).toBe(3 * DAY);
    expect(s.endEquity).toBe(990);
  });

  it('keeps a bounded chart sample however many marks it gets', () => {
    const eq = new EquityTracker(t0, t0 + 10 * DAY, 1000, 100);
    for (let t = t0 + 60_000; t <= t0 + 10 * DAY; t += 60_000)
      eq.mark(t, 1000 + Math.sin(t / 1e7) * 10, false);
    const samples = eq.samples();
    expect(samples.length).toBeLessThanOrEqual(102);
    expect(samples[0]!.time).toBe(t0);
    expect(samples[samples.length - 1]!.time).toBe(t0 + 10 * DAY);
    expect(eq.stats().dailyReturns).toHaveLength(10);
  });
});
