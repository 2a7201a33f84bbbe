/**
 * Insights: win rate by confidence bucket, by analyst agreement, by whale signal and by symbol,
 * and the equity curve. The ML and backtest work serves them (GET /api/insights); until it does,
 * this page says "no data yet" rather than inventing numbers. When the route answers, each table
 * it sends is shown as it comes.
 */
import { useEffect } from 'react';
import { errorMessage } from '../api/errors.js';
import { useInsights } from '../api/queries.js';
import { Card, Empty, ErrorNote } from '../components/ui.js';

const SECTIONS = [
  'Win rate by confidence bucket',
  'Win rate by analyst agreement',
  'Win rate by whale signal',
  'Win rate by symbol',
  'Equity curve',
];

type Row = Record<string, unknown>;
const isRows = (v: unknown): v is Row[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every((r) => r !== null && typeof r === 'object' && !Array.isArray(r));
const cell = (v: unknown) =>
  v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v);
const titleOf = (key: string) =>
  key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

function Table({ name, rows }: { name: string; rows: Row[] }) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return (
    <Card title={titleOf(name)}>
      <div className="table-wrap">
        <table className="table" aria-label={titleOf(name)}>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col">
                  {titleOf(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id of their own
              <tr key={i}>
                {columns.map((c) => (
                  <td key={c}>{cell(r[c])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

export function InsightsScreen() {
  const insights = useInsights();
  useEffect(() => {
    document.title = 'Insights · NeuroTrade';
  }, []);
  const body = insights.data?.available ? insights.data.body : undefined;
  const tables =
    body && typeof body === 'object'
      ? Object.entries(body as Record<string, unknown>).filter(([, v]) => isRows(v))
      : [];
  return (
    <div className="grid">
      {insights.isError ? <ErrorNote>{errorMessage(insights.error)}</ErrorNote> : null}
      {insights.isPending ? <Empty>Loading insights…</Empty> : null}
      {insights.data && tables.length === 0 ? (
        <Card title="Insights" className="span-2">
          <p className="empty" data-testid="insights-empty">
            No data yet.
          </p>
          <p className="muted">
            {insights.data.available
              ? 'The server has no closed trades to learn from yet.'
              : 'This server does not serve insights yet: they arrive with the learning and backtest parts of NeuroTrade.'}{' '}
            This page will show:
          </p>
          <ul className="muted">
            {SECTIONS.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </Card>
      ) : null}
      {tables.map(([name, rows]) => (
        <Table key={name} name={name} rows={rows as Row[]} />
      ))}
    </div>
  );
}
