/**
 * Backtests: every report `neurotrade backtest` stored (GET /api/backtests), and one report
 * (?id=, GET /api/backtests/:id): the strategy's metrics beside the two baselines run on the same
 * data (buy-and-hold, random entries), in-sample and out-of-sample when the run was split, the
 * equity curves and the strategy's drawdown, the per-symbol table, the trades and the notes that
 * say how the run was made. Loaded on demand: the chart library comes with it.
 */
import { type ReactNode, useEffect } from 'react';
import { errorMessage } from '../api/errors.js';
import { useBacktest, useBacktests } from '../api/queries.js';
import type { BacktestMetrics, BacktestPeriod, BacktestReport, BacktestResult } from '../api/types.js';
import { Badge, Card, Empty, ErrorNote, num, TableHead } from '../components/ui.js';
import { formatDateTime, formatPercent, formatPrice, formatUsd, NONE, tone } from '../lib/format.js';
import { Link, useRoute } from '../router.js';
import { EquityChart } from './backtest-equity-chart.js';

const UTC = 'UTC';
const day = (t: string | number) => formatDateTime(t, UTC).slice(0, 16);
const ratio = (v: number | null | undefined, digits = 2) =>
  v === null || v === undefined || !Number.isFinite(v) ? NONE : v.toFixed(digits);
const rate = (v: number | null | undefined) =>
  v === null || v === undefined ? NONE : formatPercent(v * 100, { signed: false, decimals: 1 });
const minutes = (v: number | null | undefined) =>
  v === null || v === undefined || !Number.isFinite(v) ? NONE : `${Math.round(v)} min`;

function Signed({ children, value }: { children: ReactNode; value: number | null | undefined }) {
  return <span className={`pnl ${tone(value ?? null)}`}>{children}</span>;
}

export function BacktestsScreen() {
  const { query } = useRoute();
  const id = query.get('id');
  return id ? <ReportView id={id} /> : <ListView />;
}

// --- the list -------------------------------------------------------------------------------

function ListView() {
  const list = useBacktests();
  useEffect(() => {
    document.title = 'Backtests · NeuroTrade';
  }, []);
  const items = list.data?.items ?? [];
  return (
    <div className="grid">
      <Card title="Backtests" className="span-2">
        {list.isError ? <ErrorNote>{errorMessage(list.error)}</ErrorNote> : null}
        {list.isPending ? <Empty>Loading backtests…</Empty> : null}
        {list.data && items.length === 0 ? (
          <div data-testid="backtests-empty">
            <p className="empty">No backtest has been stored yet.</p>
            <p className="muted">
              Run one, for example <code>neurotrade backtest --synthetic 1 --symbols BTCUSDT,ETHUSDT</code> or{' '}
              <code>neurotrade backtest --data DIR --top 20</code>: each run is stored here.
            </p>
          </div>
        ) : null}
        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table" aria-label="Stored backtests">
              <TableHead
                columns={[
                  'Run',
                  'Period (UTC)',
                  'Market',
                  'Analyst',
                  'Execution',
                  num('Trades'),
                  num('Win rate'),
                  num('Profit factor'),
                  num('Return'),
                  num('Max drawdown'),
                  num('Sharpe'),
                ]}
              />
              <tbody>
                {items.map((b) => (
                  <tr key={b.id}>
                    <td>
                      <Link to={`/backtests?id=${b.id}`}>{formatDateTime(b.createdAt)}</Link>
                    </td>
                    <td>
                      {day(b.periodFrom)} → {day(b.periodTo)}
                    </td>
                    <td>
                      {b.source}, {b.symbols.length} symbol{b.symbols.length === 1 ? '' : 's'}
                    </td>
                    <td>{b.analyst}</td>
                    <td>
                      {b.executor ?? NONE}
                      {b.margin !== null && b.leverage !== null
                        ? `, ${formatUsd(b.margin)} × ${b.leverage}`
                        : ''}
                    </td>
                    <td className="num">{b.trades}</td>
                    <td className="num">{rate(b.winRate)}</td>
                    <td className="num">{ratio(b.profitFactor)}</td>
                    <td className="num">
                      <Signed value={b.totalReturnPct}>{formatPercent(b.totalReturnPct)}</Signed>
                    </td>
                    <td className="num">{formatPercent(b.maxDrawdownPct, { signed: false })}</td>
                    <td className="num">{ratio(b.sharpe)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </Card>
    </div>
  );
}

// --- one report -----------------------------------------------------------------------------

function ReportView({ id }: { id: string }) {
  const detail = useBacktest(id);
  const report = detail.data?.report;
  useEffect(() => {
    document.title = report
      ? `Backtest ${day(report.params.from)} → ${day(report.params.to)} · NeuroTrade`
      : 'Backtest · NeuroTrade';
  }, [report]);
  const back = <Link to="/backtests">← All backtests</Link>;
  if (detail.isError)
    return (
      <div className="grid">
        <Card title="Backtest" className="span-2" actions={back}>
          <ErrorNote>{errorMessage(detail.error)}</ErrorNote>
        </Card>
      </div>
    );
  if (!report)
    return (
      <div className="grid">
        <Card title="Backtest" className="span-2" actions={back}>
          <Empty>Loading the report…</Empty>
        </Card>
      </div>
    );
  return (
    <div className="grid" data-testid="backtest-report">
      <Card
        title={
          <>
            Backtest {day(report.params.from)} → {day(report.params.to)} UTC{' '}
            <Badge kind="paper" title="Simulated: no real money">
              {report.params.executor === 'engine'
                ? 'execution engine'
                : (report.params.executor ?? 'direct')}
            </Badge>
          </>
        }
        className="span-2"
        actions={back}
      >
        <Facts report={report} />
      </Card>
      <Card title="Results: the strategy beside its baselines" className="span-2">
        <MetricsTable period={report.full} label="Results over the whole period" />
      </Card>
      {report.split ? (
        <>
          <Card title={`In-sample (to ${day(report.split.at)})`}>
            <MetricsTable period={report.split.inSample} label="In-sample results" />
          </Card>
          <Card title="Out-of-sample">
            <MetricsTable period={report.split.outOfSample} label="Out-of-sample results" />
          </Card>
        </>
      ) : null}
      <Card title="Equity and drawdown" className="span-2">
        <EquityChart period={report.full} />
      </Card>
      <Card title="Per symbol" className="span-2">
        <PerSymbol result={report.full.strategy} />
      </Card>
      <Card title={`Trades (${report.trades.length})`} className="span-2">
        <Trades report={report} />
      </Card>
      <Card title="How this run was made" className="span-2">
        <ul className="muted" aria-label="Notes">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      </Card>
    </div>
  );
}

function Facts({ report }: { report: BacktestReport }) {
  const { params, market, performance } = report;
  const facts: [string, ReactNode][] = [
    ['Market', `${market.source}${market.seed !== undefined ? ` (seed ${market.seed})` : ''}`],
    ['Symbols', market.symbols.join(', ')],
    ['Analyst', params.analyst],
    ['Execution', params.executor === 'engine' ? 'the live execution engine' : (params.executor ?? 'direct')],
    ['Balance', formatUsd(params.balance)],
    ['Margin × leverage', `${formatUsd(params.margin)} × ${params.leverage}`],
    ['Fees (maker / taker)', `${params.makerFeePct}% / ${params.takerFeePct}%`],
    ['Funding', params.fundingRatePct ? `${params.fundingRatePct}% per 8 h (assumed)` : 'not charged'],
    ['Slippage', params.slippage],
    ['Minimum confidence', `${params.minConfidence}`],
    [
      'Candles',
      `${market.baseTimeframe}, screener ${market.timeframes.primary} / ${market.timeframes.confirm} / ${market.timeframes.trend}`,
    ],
    [
      'Speed',
      `${performance.candles.toLocaleString('en-US')} candles, ${Math.round(performance.candlesPerSecond).toLocaleString('en-US')}/s`,
    ],
    ['Random seed', String(params.seed)],
  ];
  return (
    <dl className="facts">
      {facts.map(([k, v]) => (
        <div key={k} className={k === 'Symbols' ? 'fact-wide' : undefined}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

const METRIC_ROWS: [string, (m: BacktestMetrics) => ReactNode][] = [
  ['Trades', (m) => String(m.trades)],
  ['Win rate', (m) => rate(m.winRate)],
  ['Profit factor', (m) => ratio(m.profitFactor)],
  [
    'Expectancy / trade',
    (m) => <Signed value={m.expectancy}>{formatUsd(m.expectancy, { signed: true })}</Signed>,
  ],
  ['Expectancy (R)', (m) => ratio(m.expectancyR)],
  ['Net PnL', (m) => <Signed value={m.netPnl}>{formatUsd(m.netPnl, { signed: true })}</Signed>],
  ['Fees', (m) => formatUsd(m.fees)],
  ['Funding', (m) => formatUsd(m.funding ?? 0)],
  ['Total return', (m) => <Signed value={m.totalReturnPct}>{formatPercent(m.totalReturnPct)}</Signed>],
  ['Max drawdown', (m) => formatPercent(m.maxDrawdownPct, { signed: false })],
  ['Sharpe (daily)', (m) => ratio(m.sharpe)],
  ['Sortino (daily)', (m) => ratio(m.sortino)],
  ['Exposure', (m) => formatPercent(m.exposurePct, { signed: false, decimals: 1 })],
  ['Average trade', (m) => minutes(m.avgTradeMinutes)],
  ['Stop assumed (both in a candle)', (m) => String(m.ambiguousExits)],
];

function MetricsTable({ period, label }: { period: BacktestPeriod; label: string }) {
  const cols: [string, BacktestResult | null][] = [
    ['Strategy', period.strategy],
    ['Buy and hold', period.buyAndHold],
    ['Random entries', period.randomEntry],
  ];
  return (
    <div className="table-wrap">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {cols.map(([name]) => (
              <th key={name} scope="col" className="num">
                {name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {METRIC_ROWS.map(([name, f]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              {cols.map(([col, r]) => (
                <td key={col} className="num">
                  {r ? f(r.metrics) : <span className="muted">not run</span>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function PerSymbol({ result }: { result: BacktestResult }) {
  if (result.perSymbol.length === 0) return <Empty>No trades, so no symbol to show.</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Per symbol">
        <TableHead
          columns={[
            'Symbol',
            num('Trades'),
            num('Win rate'),
            num('Net PnL'),
            num('Profit factor'),
            num('Average trade'),
          ]}
        />
        <tbody>
          {result.perSymbol.map((s) => (
            <tr key={s.symbol}>
              <th scope="row">{s.symbol}</th>
              <td className="num">{s.trades}</td>
              <td className="num">{rate(s.winRate)}</td>
              <td className="num">
                <Signed value={s.netPnl}>{formatUsd(s.netPnl, { signed: true })}</Signed>
              </td>
              <td className="num">{ratio(s.profitFactor)}</td>
              <td className="num">{minutes(s.avgTradeMinutes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const TRADES_SHOWN = 500;

function Trades({ report }: { report: BacktestReport }) {
  const trades = report.trades;
  if (trades.length === 0) return <Empty>The strategy made no trade in this period.</Empty>;
  return (
    <>
      <div className="table-wrap">
        <table className="table" aria-label="Trades">
          <TableHead
            columns={[
              '#',
              'Symbol',
              'Side',
              'Entry (UTC)',
              num('Entry price'),
              'Exit (UTC)',
              num('Exit price'),
              'Reason',
              num('PnL'),
              num('R'),
              num('Duration'),
            ]}
          />
          <tbody>
            {trades.slice(0, TRADES_SHOWN).map((t) => (
              <tr key={t.id}>
                <td>{t.id}</td>
                <td>{t.symbol}</td>
                <td className={t.direction === 'LONG' ? 'side-long' : 'side-short'}>{t.direction}</td>
                <td>{formatDateTime(t.entryTime, UTC)}</td>
                <td className="num">{formatPrice(t.entryPrice)}</td>
                <td>{formatDateTime(t.exitTime, UTC)}</td>
                <td className="num">{formatPrice(t.exitPrice)}</td>
                <td
                  title={
                    t.ambiguous
                      ? 'The candle held both the stop and the target: the stop was assumed'
                      : undefined
                  }
                >
                  {t.reason}
                  {t.ambiguous ? ' *' : ''}
                </td>
                <td className="num">
                  <Signed value={t.pnl}>{formatUsd(t.pnl, { signed: true })}</Signed>{' '}
                  <span className="muted">({formatPercent(t.pnlPct)})</span>
                </td>
                <td className="num">{ratio(t.rMultiple)}</td>
                <td className="num">{minutes(t.durationMinutes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {trades.length > TRADES_SHOWN ? (
        <p className="muted">
          The first {TRADES_SHOWN} of {trades.length} trades; the rest are in the stored report (GET
          /api/backtests/{'{id}'}).
        </p>
      ) : null}
    </>
  );
}
