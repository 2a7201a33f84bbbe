/**
 * Open positions with their live mark price and PnL, and closed positions with what they made.
 * A live figure is only drawn as live while the stream is connected and the price is recent
 * (lib/pnl.ts isFresh); otherwise it is greyed and says how old it is.
 */
import { useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { useClosePosition, usePositions } from '../api/queries.js';
import type { CloseOutcome, Position } from '../api/types.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { Badge, Card, Empty, ErrorNote, num, Pnl, TableHead } from '../components/ui.js';
import { formatAge, formatDateTime, formatPrice, formatQty, formatUsd } from '../lib/format.js';
import { liveFigures } from '../lib/pnl.js';
import { useLive, useNow, useWatchSymbols } from '../live/live-provider.js';
import { Link } from '../router.js';

function Side({ direction }: { direction: 'LONG' | 'SHORT' }) {
  return <span className={direction === 'LONG' ? 'side-long' : 'side-short'}>{direction}</span>;
}

function StatusBadge({ p }: { p: Position }) {
  if (p.status === 'UNPROTECTED') {
    return (
      <Badge
        kind="bad"
        title={`No accepted stop-loss since ${formatDateTime(p.unprotectedSince)}: the engine is protecting or closing it`}
      >
        UNPROTECTED
      </Badge>
    );
  }
  return <Badge kind={p.open ? 'neutral' : 'muted'}>{p.status.replace(/_/g, ' ')}</Badge>;
}

export function OpenPositions() {
  const positions = usePositions('open');
  const live = useLive();
  const now = useNow();
  const close = useClosePosition();
  const [closing, setClosing] = useState<Position | null>(null);
  const [outcome, setOutcome] = useState<CloseOutcome | { error: string } | null>(null);
  const items = positions.data?.items ?? [];
  useWatchSymbols(items.map((p) => p.symbol));

  return (
    <Card title={`Open positions${positions.data ? ` (${items.length})` : ''}`} className="span-2">
      {positions.isError ? <ErrorNote>{errorMessage(positions.error)}</ErrorNote> : null}
      {outcome ? (
        <p
          className={'error' in outcome || outcome.outcome === 'NOT_CLOSED' ? 'error-note' : 'ok-note'}
          role="status"
        >
          {'error' in outcome ? outcome.error : `${outcome.symbol}: ${outcome.message}`}
        </p>
      ) : null}
      {positions.isPending ? <Empty>Loading positions…</Empty> : null}
      {positions.isSuccess && items.length === 0 ? <Empty>No open positions.</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" aria-label="Open positions">
            <TableHead
              columns={[
                'Symbol',
                'Side',
                num('Size'),
                num('Entry'),
                num('Mark'),
                num('PnL'),
                num('SL / TP'),
                num('Margin × lev.'),
                'Status',
                { label: 'Actions', hidden: true },
              ]}
            />
            <tbody>
              {items.map((p) => {
                const f = liveFigures(p, live, positions.dataUpdatedAt, now);
                return (
                  <tr key={p.id} data-position-id={p.id} data-status={p.status}>
                    <th scope="row">
                      {p.symbol} {p.mode === 'REAL' ? <Badge kind="real">REAL</Badge> : null}
                    </th>
                    <td>
                      <Side direction={p.direction} />
                    </td>
                    <td className="num">{formatQty(p.filledQty)}</td>
                    <td className="num">{formatPrice(p.entryPrice)}</td>
                    <td className={`num ${f.fresh ? '' : 'stale'}`} data-testid="mark">
                      {formatPrice(f.mark)}
                      {!f.fresh && f.mark !== null ? (
                        <span className="stale-note">{f.asOf ? formatAge(now - f.asOf) : 'stale'}</span>
                      ) : null}
                    </td>
                    <td className="num" data-testid="pnl">
                      <Pnl value={f.pnl} percent={f.pnlPercent} stale={!f.fresh} />
                    </td>
                    <td className="num">
                      <span className="sl">{formatPrice(p.stopLoss)}</span> /{' '}
                      <span className="tp">{formatPrice(p.takeProfit)}</span>
                    </td>
                    <td className="num">
                      {formatUsd(p.margin)} × {p.leverage}
                    </td>
                    <td>
                      <StatusBadge p={p} />
                    </td>
                    <td>
                      <div className="row-actions">
                        <Link to={`/chart?position=${p.id}`} className="button button-small">
                          Chart
                        </Link>
                        <button
                          type="button"
                          className="button button-small button-danger-outline"
                          onClick={() => setClosing(p)}
                          aria-label={`Close ${p.symbol} ${p.direction}`}
                        >
                          Close
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <ConfirmDialog
        open={closing !== null}
        title={closing ? `Close ${closing.symbol} ${closing.direction}?` : ''}
        confirmLabel="Close at market"
        danger
        busy={close.isPending}
        onCancel={() => setClosing(null)}
        onConfirm={() =>
          closing &&
          close.mutate(closing.id, {
            onSuccess: (o) => setOutcome(o),
            onError: (e) => setOutcome({ error: errorMessage(e) }),
            onSettled: () => setClosing(null),
          })
        }
      >
        <p>
          The {closing?.mode} position is closed at market now
          {closing?.mode === 'REAL' ? ', with real money' : ''}.
        </p>
      </ConfirmDialog>
    </Card>
  );
}

export function ClosedPositions() {
  const positions = usePositions('closed');
  const items = positions.data?.items ?? [];
  return (
    <Card title="Closed positions" className="span-2">
      {positions.isError ? <ErrorNote>{errorMessage(positions.error)}</ErrorNote> : null}
      {positions.isPending ? <Empty>Loading…</Empty> : null}
      {positions.isSuccess && items.length === 0 ? <Empty>No closed positions yet.</Empty> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" aria-label="Closed positions">
            <TableHead
              columns={[
                'Symbol',
                'Side',
                num('Entry'),
                num('Exit'),
                num('PnL'),
                num('Fees'),
                'Reason',
                'Closed',
                { label: 'Actions', hidden: true },
              ]}
            />
            <tbody>
              {items.map((p) => (
                <tr key={p.id} data-position-id={p.id} data-status={p.status}>
                  <th scope="row">
                    {p.symbol} {p.mode === 'REAL' ? <Badge kind="real">REAL</Badge> : null}
                  </th>
                  <td>
                    <Side direction={p.direction} />
                  </td>
                  <td className="num">{formatPrice(p.entryPrice)}</td>
                  <td className="num">{formatPrice(p.exitPrice)}</td>
                  <td className="num">
                    <Pnl value={p.pnl} percent={p.pnlPercent} />
                  </td>
                  <td className="num">{formatUsd(p.fees)}</td>
                  <td>{p.closeReason?.replace(/_/g, ' ') ?? p.status.replace(/_/g, ' ')}</td>
                  <td>{formatDateTime(p.closedAt)}</td>
                  <td>
                    <div className="row-actions">
                      <Link to={`/chart?position=${p.id}`} className="button button-small">
                        Chart
                      </Link>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Card>
  );
}
