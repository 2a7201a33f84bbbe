import { beforeAll, describe, expect, it } from 'vitest';
import { runBacktest } from './backtest.js';
import { renderHtmlReport } from './html.js';
import { computeMetrics } from './metrics.js';
import { jsonMetrics } from './report.js';
import type { BacktestReport, Metrics } from './types.js';

/** The cells of a comparison row (strategy, buy and hold, random entries), in page order. */
function rows(page: string, label: string): string[][] {
  const re = new RegExp(`<tr><td>${label.replace(/[()]/g, '\\$&')}</td>((?:<td>[^<]*</td>){3})</tr>`, 'g');
  return [...page.matchAll(re)].map((m) => [...m[1]!.matchAll(/<td>([^<]*)<\/td>/g)].map((c) => c[1]!));
}

describe('renderHtmlReport', () => {
  let report: BacktestReport;
  beforeAll(async () => {
    report = await runBacktest({
      market: { kind: 'synthetic', seed: 3, symbols: 3 },
      to: Date.UTC(2026, 0, 7),
      split: 0.5,
      minConfidence: 55,
      executor: 'direct',
    });
  });

  it('prints the numbers of the JSON summary, for the whole period and both parts, and no NaN or undefined', () => {
    const page = renderHtmlReport(report);
    expect(report.trades.length).toBeGreaterThan(0);
    expect(page).not.toMatch(/NaN|undefined|Infinity|\bnull\b/);
    const periods = [report.full, report.split!.inSample, report.split!.outOfSample];
    const json = periods.map((p) =>
      [p.strategy, p.buyAndHold, p.randomEntry!].map((r) => jsonMetrics(r.metrics)),
    );
    const pct = (v: number) => `${v.toFixed(2)}%`;
    expect(rows(page, 'Trades')).toEqual(json.map((cols) => cols.map((m) => String(m.trades))));
    expect(rows(page, 'Total return')).toEqual(json.map((cols) => cols.map((m) => pct(m.totalReturnPct))));
    expect(rows(page, 'Max drawdown')).toEqual(json.map((cols) => cols.map((m) => pct(m.maxDrawdownPct))));
    expect(rows(page, 'Sharpe (daily, annualised)')).toEqual(
      json.map((cols) => cols.map((m) => (m.sharpe === null ? '–' : m.sharpe.toFixed(2)))),
    );
    // Three equity charts' worth: the strategy on its own scale, with buy and hold, the drawdown.
    expect(page.match(/<svg/g)).toHaveLength(3);
  });

  it('shows a profit factor of ∞ where trades made money and none lost, – where there were none', () => {
    const won = [100, 50].map((pnl) => ({
      symbol: 'BTCUSDT',
      pnl,
      fees: 1,
      funding: 0,
      durationMinutes: 60,
      rMultiple: null,
      reason: 'end' as const,
      ambiguous: false,
    }));
    const stats = {
      startEquity: 1000,
      endEquity: 1150,
      maxDrawdownPct: 0,
      dailyReturns: [0.1, 0.05],
      exposedMs: 1,
      spanMs: 1,
    };
    const allWins: Metrics = computeMetrics(won, stats);
    const none: Metrics = computeMetrics([], stats);
    expect(allWins.profitFactor).toBeNull();
    const page = renderHtmlReport({
      ...report,
      full: {
        ...report.full,
        buyAndHold: { ...report.full.buyAndHold, metrics: allWins },
        randomEntry: { ...report.full.randomEntry!, metrics: none },
      },
    });
    expect(rows(page, 'Profit factor')[0]!.slice(1)).toEqual(['∞', '–']);
  });
});
