/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, nothing fetched) with
 * the strategy and both baselines side by side, in-sample and out-of-sample when split, the equity
 * curves, the strategy's drawdown, the per-symbol table, every trade, and the notes that say how
 * the numbers were made (the conservative intrabar rule, LLM cache misses, exclusions).
 */
import type { BacktestReport, EquitySample, Metrics, PeriodResults, TradeRecord } from './types.js';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const num = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
const pct = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${v.toFixed(digits)}%`;
const date = (t: number): string => new Date(t).toISOString().slice(0, 16).replace('T', ' ');

interface Series {
  name: string;
  color: string;
  points: { t: number; v: number }[];
}

/** A time-series line chart as inline SVG: gridlines, y labels, first/last dates, a legend. */
function lineChart(series: Series[], options: { height: number; format: (v: number) => string }): string {
  const width = 960;
  const { height } = options;
  const pad = { left: 70, right: 16, top: 16, bottom: 28 };
  const all = series.flatMap((s) => s.points);
  if (all.length < 2) return '<p class="muted">Not enough data for a chart.</p>';
  const t0 = Math.min(...all.map((p) => p.t));
  const t1 = Math.max(...all.map((p) => p.t));
  let lo = Math.min(...all.map((p) => p.v));
  let hi = Math.max(...all.map((p) => p.v));
  if (hi === lo) {
    hi += 1;
    lo -= 1;
  }
  const x = (t: number) => pad.left + ((t - t0) / Math.max(1, t1 - t0)) * (width - pad.left - pad.right);
  const y = (v: number) => pad.top + ((hi - v) / (hi - lo)) * (height - pad.top - pad.bottom);
  const grid: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((hi - lo) * k) / 4;
    grid.push(
      `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/>`,
      `<text x="${pad.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${esc(options.format(v))}</text>`,
    );
  }
  const lines = series
    .filter((s) => s.points.length > 1)
    .map((s) => {
      const d = s.points
        .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
        .join('');
      return `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"/>`;
    });
  const legend = series
    .map(
      (s, i) =>
        `<rect x="${pad.left + 8 + i * 170}" y="${pad.top + 2}" width="12" height="3" fill="${s.color}"/>` +
        `<text x="${pad.left + 24 + i * 170}" y="${pad.top + 8}">${esc(s.name)}</text>`,
    )
    .join('');
  return (
    `<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">` +
    grid.join('') +
    lines.join('') +
    `<text x="${pad.left}" y="${height - 8}">${esc(date(t0))}</text>` +
    `<text x="${width - pad.right}" y="${height - 8}" text-anchor="end">${esc(date(t1))}</text>` +
    legend +
    '</svg>'
  );
}

/** The JSON says null where no trade lost; here a trader reads ∞ (profits, no loss) or – (none). */
const profitFactor = (v: number | null, noLoss: boolean): string => (v === null && noLoss ? '∞' : num(v));

const curve = (samples: EquitySample[], pick: (s: EquitySample) => number) =>
  samples.map((s) => ({ t: s.time, v: pick(s) }));

const ROWS: [string, (m: Metrics) => string][] = [
  ['Trades', (m) => String(m.trades)],
  ['Win rate', (m) => (m.winRate === null ? '–' : pct(m.winRate * 100, 1))],
  ['Profit factor', (m) => profitFactor(m.profitFactor, m.grossProfit > 0 && m.grossLoss === 0)],
  ['Expectancy (USDT / trade)', (m) => num(m.expectancy, 3)],
  ['Expectancy (R / trade)', (m) => num(m.expectancyR, 3)],
  ['Net PnL (USDT)', (m) => num(m.netPnl)],
  ['Fees (USDT)', (m) => num(m.fees)],
  ['Funding (USDT)', (m) => num(m.funding)],
  ['Total return', (m) => pct(m.totalReturnPct)],
  ['Max drawdown', (m) => pct(m.maxDrawdownPct)],
  ['Sharpe (daily, annualised)', (m) => num(m.sharpe)],
  ['Sortino (daily, annualised)', (m) => num(m.sortino)],
  ['Exposure', (m) => pct(m.exposurePct, 1)],
  ['Average trade (minutes)', (m) => num(m.avgTradeMinutes, 1)],
  ['Stop assumed (both in one candle)', (m) => String(m.ambiguousExits)],
];

function comparison(p: PeriodResults): string {
  const cols: [string, Metrics | null][] = [
    ['Strategy', p.strategy.metrics],
    ['Buy and hold', p.buyAndHold.metrics],
    ['Random entries', p.randomEntry?.metrics ?? null],
  ];
  const head = cols.map(([name]) => `<th>${name}</th>`).join('');
  const body = ROWS.map(
    ([label, f]) => `<tr><td>${label}</td>${cols.map(([, m]) => `<td>${m ? f(m) : '–'}</td>`).join('')}</tr>`,
  ).join('');
  return `<table><tr><th></th>${head}</tr>${body}</table>`;
}

function tradesTable(trades: TradeRecord[], limit = 2000): string {
  const rows = trades
    .slice(0, limit)
    .map(
      (t) =>
        `<tr class="${t.pnl > 0 ? 'win' : 'loss'}"><td>${t.id}</td><td>${esc(t.symbol)}</td><td>${t.direction}</td>` +
        `<td>${date(t.entryTime)}</td><td>${num(t.entryPrice, 6)}</td><td>${date(t.exitTime)}</td>` +
        `<td>${num(t.exitPrice, 6)}</td><td>${t.reason}${t.ambiguous ? ' *' : ''}</td><td>${num(t.pnl, 3)}</td>` +
        `<td>${pct(t.pnlPct)}</td><td>${num(t.rMultiple, 2)}</td><td>${num(t.durationMinutes, 0)}</td></tr>`,
    )
    .join('');
  const more =
    trades.length > limit
      ? `<p class="muted">${trades.length - limit} more trades in the JSON report.</p>`
      : '';
  return (
    '<table><tr><th>#</th><th>Symbol</th><th>Side</th><th>Entry time</th><th>Entry</th><th>Exit time</th>' +
    '<th>Exit</th><th>Reason</th><th>PnL (USDT)</th><th>PnL %</th><th>R</th><th>Minutes</th></tr>' +
    `${rows}</table>${more}<p class="muted">* the candle held both the stop and the target: the stop was assumed.</p>`
  );
}

export function renderHtmlReport(report: BacktestReport): string {
  const { full, split, params, market } = report;
  const strategyLine: Series = {
    name: 'Strategy',
    color: '#1f6feb',
    points: curve(full.strategy.equity, (s) => s.equity),
  };
  const randomLine: Series[] = full.randomEntry
    ? [{ name: 'Random entries', color: '#d29922', points: curve(full.randomEntry.equity, (s) => s.equity) }]
    : [];
  // Trades of margin x leverage move the balance far less than holding all of it: on one scale
  // with buy and hold, the strategy's curve is a flat line. First on its own scale.
  const equityChart = lineChart([strategyLine, ...randomLine], {
    height: 320,
    format: (v) => v.toFixed(0),
  });
  const withHoldChart = lineChart(
    [
      strategyLine,
      { name: 'Buy and hold', color: '#8b949e', points: curve(full.buyAndHold.equity, (s) => s.equity) },
      ...randomLine,
    ],
    { height: 320, format: (v) => v.toFixed(0) },
  );
  const ddDigits = full.strategy.metrics.maxDrawdownPct < 2 ? 2 : 1;
  const ddChart = lineChart(
    [
      {
        name: 'Strategy drawdown',
        color: '#cf222e',
        points: curve(full.strategy.equity, (s) => -s.drawdownPct),
      },
    ],
    { height: 200, format: (v) => `${v.toFixed(ddDigits)}%` },
  );
  const perSymbol = full.strategy.perSymbol
    .map(
      (s) =>
        `<tr><td>${esc(s.symbol)}</td><td>${s.trades}</td><td>${s.winRate === null ? '–' : pct(s.winRate * 100, 1)}</td>` +
        `<td>${num(s.netPnl)}</td><td>${profitFactor(s.profitFactor, s.trades > 0 && s.wins === s.trades)}</td>` +
        `<td>${num(s.avgTradeMinutes, 1)}</td></tr>`,
    )
    .join('');
  const splitSection = split
    ? `<h2>In-sample and out-of-sample (split at ${esc(date(split.at))})</h2>
<p class="muted">Trades count in the part they were entered in (a trade open across the split counts once, in-sample, with all its PnL); return, drawdown, Sharpe, Sortino and exposure come from the equity within each part, the out-of-sample part starting from the equity at the split.</p>
<div class="cols"><div><h3>In-sample ${esc(date(split.inSample.from))} – ${esc(date(split.inSample.to))}</h3>${comparison(split.inSample)}</div>
<div><h3>Out-of-sample ${esc(date(split.outOfSample.from))} – ${esc(date(split.outOfSample.to))}</h3>${comparison(split.outOfSample)}</div></div>`
    : '';
  const p = report.pipeline;
  const refused = Object.entries(p.refused)
    .map(([k, v]) => `${esc(k)} ${v}`)
    .join(', ');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NeuroTrade backtest ${esc(date(params.from))} – ${esc(date(params.to))}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1f2328;max-width:1200px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}tr.win td{background:#f0fff4}tr.loss td{background:#fff5f5}
.muted{color:#656d76}.cols{display:flex;gap:24px;flex-wrap:wrap}svg text{font-size:11px;fill:#656d76}
svg .grid{stroke:#eaeef2}
</style></head><body>
<h1>Backtest ${esc(date(params.from))} – ${esc(date(params.to))} UTC</h1>
<p>${esc(market.source)}${market.dir ? ` ${esc(market.dir)}` : ''}${market.seed !== undefined ? ` seed ${market.seed}` : ''},
${market.symbols.length} symbols at ${esc(market.baseTimeframe)} (screener ${esc(market.timeframes.primary)} / ${esc(market.timeframes.confirm)} / ${esc(market.timeframes.trend)});
analyst ${esc(params.analyst)}; balance ${params.balance} USDT, margin ${params.margin} USDT x ${params.leverage};
fees ${params.makerFeePct}% maker / ${params.takerFeePct}% taker; ${params.fundingRatePct ? `funding ${params.fundingRatePct}% per 8 h (assumed)` : 'no funding charged'}; slippage ${esc(params.slippage)};
minimum confidence ${params.minConfidence}; random seed ${params.seed}${params.executor ? `; executor ${esc(params.executor)}` : ''}.</p>
<h2>Results</h2>${comparison(full)}
<p class="muted">Buy and hold: the balance split equally across the symbols, each bought at 1x (no leverage) at its first close in the period, taker fee in and out, no slippage, funding at the same rate as the strategy, sold at its last price at the end (a symbol whose recording ends early keeps its last price). Random entries: as many trades as the strategy (per part when split), MARKET entries at random ${esc(market.timeframes.primary)} closes in random directions (seed ${params.seed}), the same stop and target rule, sizing (${params.margin} USDT x ${params.leverage}), fees and slippage. A win is a trade with net PnL above 0; Sharpe and Sortino are on daily returns of the marked-to-market equity (closing prices), annualised over 365 days.</p>
<h2>Equity</h2>${equityChart}
<h3>With buy and hold</h3>${withHoldChart}
<h2>Drawdown</h2>${ddChart}
${splitSection}
<h2>Per symbol</h2><table><tr><th>Symbol</th><th>Trades</th><th>Win rate</th><th>Net PnL</th><th>Profit factor</th><th>Avg minutes</th></tr>${perSymbol}</table>
<h2>Pipeline</h2><p>${p.candles} candles, ${p.scans} scans, ${p.screens} screens (${p.skippedScreens} skipped), ${p.directional} directional,
${p.blockedByDedup} blocked by a live signal, ${p.analysed} analysed (${p.belowCeiling} refused before asking: no answer could pass), ${p.accepted} accepted, ${p.duplicates} duplicates,
${p.executed} executed${refused ? `, refused: ${refused}` : ''}; ${p.expiredEntries} LIMIT entries expired unfilled;
${p.protectionFailures} protection failures; ${p.ambiguousCandles} candles with both stop and target in range.
${report.performance.candles} candles in ${num(report.performance.seconds, 2)} s (${Math.round(report.performance.candlesPerSecond)} candles/s; ${Math.round(report.performance.candlesPerCpuSecond)} per CPU-second of the process).</p>
<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
${market.excluded.length ? `<p class="muted">Excluded: ${market.excluded.map((e) => `${esc(e.symbol)} (${esc(e.reason)})`).join('; ')}</p>` : ''}
<h2>Trades</h2>${tradesTable(report.trades)}
</body></html>
`;
}
