/**
 * The numbers a trader reads, from a list of closed trades and the equity's summary. Pure.
 * Conventions: a win is a trade with net PnL > 0 (fees included); Sharpe and Sortino are on daily
 * returns of the marked-to-market equity, annualised over 365 days (crypto trades every day),
 * risk-free rate 0; an undefined ratio is null, never Infinity or NaN (JSON cannot carry those).
 */
import type { ExitReason, Metrics, SymbolMetrics, TradeRecord } from './types.js';

/** What the metrics need from the equity curve (see ./equity.ts). */
export interface EquityStats {
  startEquity: number;
  endEquity: number;
  maxDrawdownPct: number;
  /** Close-to-close returns of each UTC day in the period (the first from the start equity). */
  dailyReturns: readonly number[];
  /** Time with at least one open position, and the period's length. */
  exposedMs: number;
  spanMs: number;
}

export type MetricTrade = Pick<
  TradeRecord,
  'symbol' | 'pnl' | 'fees' | 'funding' | 'durationMinutes' | 'rMultiple' | 'reason' | 'ambiguous'
>;

const DAYS_PER_YEAR = 365;

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Annualised Sharpe ratio of daily returns (sample standard deviation). */
export function sharpeRatio(returns: readonly number[], periodsPerYear = DAYS_PER_YEAR): number | null {
  if (returns.length < 2) return null;
  const m = mean(returns);
  let ss = 0;
  for (const r of returns) ss += (r - m) ** 2;
  const sd = Math.sqrt(ss / (returns.length - 1));
  if (!(sd > 1e-15)) return null;
  return (m / sd) * Math.sqrt(periodsPerYear);
}

/** Annualised Sortino ratio: the mean over the downside deviation (target 0, over all periods). */
export function sortinoRatio(returns: readonly number[], periodsPerYear = DAYS_PER_YEAR): number | null {
  if (returns.length < 2) return null;
  let ss = 0;
  for (const r of returns) if (r < 0) ss += r * r;
  const downside = Math.sqrt(ss / returns.length);
  if (!(downside > 1e-15)) return null;
  return (mean(returns) / downside) * Math.sqrt(periodsPerYear);
}

/** Largest peak-to-trough fall of a series, percent of the peak (>= 0). */
export function maxDrawdownPct(curve: readonly number[]): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (const v of curve) {
    if (v > peak) peak = v;
    if (peak > 0) worst = Math.max(worst, ((peak - v) / peak) * 100);
  }
  return worst;
}

interface Tally {
  trades: number;
  wins: number;
  grossProfit: number;
  grossLoss: number;
  fees: number;
  funding: number;
  minutes: number;
  rSum: number;
  rCount: number;
  ambiguous: number;
}

function tally(trades: readonly MetricTrade[]): Tally {
  const t: Tally = {
    trades: trades.length,
    wins: 0,
    grossProfit: 0,
    grossLoss: 0,
    fees: 0,
    funding: 0,
    minutes: 0,
    rSum: 0,
    rCount: 0,
    ambiguous: 0,
  };
  for (const trade of trades) {
    if (trade.pnl > 0) {
      t.wins++;
      t.grossProfit += trade.pnl;
    } else t.grossLoss -= trade.pnl;
    t.fees += trade.fees;
    t.funding += trade.funding;
    t.minutes += trade.durationMinutes;
    if (trade.rMultiple !== null && Number.isFinite(trade.rMultiple)) {
      t.rSum += trade.rMultiple;
      t.rCount++;
    }
    if (trade.ambiguous) t.ambiguous++;
  }
  return t;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function computeMetrics(trades: readonly MetricTrade[], equity: EquityStats): Metrics {
  const t = tally(trades);
  const exitReasons: Partial<Record<ExitReason, number>> = {};
  for (const trade of trades) exitReasons[trade.reason] = (exitReasons[trade.reason] ?? 0) + 1;
  const net = t.grossProfit - t.grossLoss;
  return {
    trades: t.trades,
    wins: t.wins,
    losses: t.trades - t.wins,
    winRate: ratio(t.wins, t.trades),
    profitFactor: t.grossLoss > 0 ? t.grossProfit / t.grossLoss : null,
    expectancy: ratio(net, t.trades),
    expectancyR: ratio(t.rSum, t.rCount),
    grossProfit: t.grossProfit,
    grossLoss: t.grossLoss,
    netPnl: net,
    fees: t.fees,
    funding: t.funding,
    startEquity: equity.startEquity,
    endEquity: equity.endEquity,
    totalReturnPct: equity.startEquity > 0 ? (equity.endEquity / equity.startEquity - 1) * 100 : Number.NaN,
    maxDrawdownPct: equity.maxDrawdownPct,
    sharpe: sharpeRatio(equity.dailyReturns),
    sortino: sortinoRatio(equity.dailyReturns),
    exposurePct: equity.spanMs > 0 ? (equity.exposedMs / equity.spanMs) * 100 : 0,
    avgTradeMinutes: ratio(t.minutes, t.trades),
    ambiguousExits: t.ambiguous,
    exitReasons,
  };
}

/** The per-symbol table, most traded first (then by symbol). */
export function perSymbolMetrics(trades: readonly MetricTrade[]): SymbolMetrics[] {
  const by = new Map<string, MetricTrade[]>();
  for (const trade of trades) {
    const list = by.get(trade.symbol);
    if (list) list.push(trade);
    else by.set(trade.symbol, [trade]);
  }
  return [...by]
    .map(([symbol, list]) => {
      const t = tally(list);
      return {
        symbol,
        trades: t.trades,
        wins: t.wins,
        winRate: ratio(t.wins, t.trades),
        netPnl: t.grossProfit - t.grossLoss,
        profitFactor: t.grossLoss > 0 ? t.grossProfit / t.grossLoss : null,
        avgTradeMinutes: ratio(t.minutes, t.trades),
      };
    })
    .sort((a, b) => b.trades - a.trades || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
}
