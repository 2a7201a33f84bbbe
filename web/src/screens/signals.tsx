/**
 * The signals list: direction, confidence, why (reasons), why not (vetoes), and how it ended.
 * Signals the pipeline rejected (most of a scan's output) are hidden unless the trader asks.
 */
import { useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { useSignals } from '../api/queries.js';
import type { Signal } from '../api/types.js';
import { Badge, Card, Empty, ErrorNote, Pnl } from '../components/ui.js';
import { formatConfidence, formatDateTime, formatPercent, formatPrice } from '../lib/format.js';
import { Link } from '../router.js';

function Outcome({ s }: { s: Signal }) {
  if (!s.outcome) return <span className="muted">{s.status === 'PENDING' ? 'open' : 'no outcome yet'}</span>;
  const kind = /WIN|TP/i.test(s.outcome) ? 'ok' : /LOSS|SL/i.test(s.outcome) ? 'bad' : 'neutral';
  return (
    <span>
      <Badge kind={kind}>{s.outcome.replace(/_/g, ' ')}</Badge>
      {s.outcomePnl !== null ? (
        <>
          {' '}
          <Pnl value={s.outcomePnl} />
        </>
      ) : null}
    </span>
  );
}

function ListOf({ label, items, kind }: { label: string; items: string[]; kind: string }) {
  if (items.length === 0) return null;
  return (
    <div className={`signal-list signal-${kind}`}>
      <span className="signal-list-label">{label}</span>
      <ul>
        {items.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: reasons are plain strings and may repeat
          <li key={i}>{item}</li>
        ))}
      </ul>
    </div>
  );
}

export function SignalsList() {
  const [withRejected, setWithRejected] = useState(false);
  const signals = useSignals(withRejected);
  const items = signals.data?.items ?? [];
  return (
    <Card
      title="Signals"
      className="span-2"
      actions={
        <label className="toggle-inline">
          <input
            type="checkbox"
            checked={withRejected}
            onChange={(e) => setWithRejected(e.currentTarget.checked)}
          />{' '}
          Show rejected
        </label>
      }
    >
      {signals.isError ? <ErrorNote>{errorMessage(signals.error)}</ErrorNote> : null}
      {signals.isPending ? <Empty>Loading signals…</Empty> : null}
      {signals.isSuccess && items.length === 0 ? (
        <Empty>
          {withRejected
            ? 'No signals yet: they appear here as the scanner finds setups.'
            : 'No signals to act on yet (rejected ones are hidden): they appear here as the scanner finds setups.'}
        </Empty>
      ) : null}
      {items.length > 0 ? (
        <ul className="signals" aria-label="Signals">
          {items.map((s) => (
            <li key={s.id} className="signal" data-signal-id={s.id}>
              <div className="signal-head">
                <strong className="signal-symbol">{s.symbol}</strong>
                <span className={s.direction === 'LONG' ? 'side-long' : 'side-short'}>{s.direction}</span>
                <Badge kind="neutral" title="combined confidence">
                  {formatConfidence(s.confidence)}
                </Badge>
                {s.winProbability !== null ? (
                  <span className="muted" title="model's probability of a win">
                    p(win) {formatPercent(s.winProbability * 100, { signed: false, decimals: 0 })}
                  </span>
                ) : null}
                <Badge kind={s.status === 'REJECTED' ? 'bad' : s.status === 'EXECUTED' ? 'ok' : 'muted'}>
                  {s.status}
                </Badge>
                <Outcome s={s} />
                <span className="muted signal-time">{formatDateTime(s.createdAt)}</span>
                <Link to={`/chart?signal=${s.id}`} className="button button-small">
                  Chart
                </Link>
              </div>
              <div className="signal-levels muted">
                entry {formatPrice(s.entry)} · SL <span className="sl">{formatPrice(s.stopLoss)}</span> · TP{' '}
                <span className="tp">{formatPrice(s.takeProfit)}</span> · {s.analyst}
                {s.fallback ? ` (fallback: ${s.fallback})` : ''}
              </div>
              <ListOf label="Reasons" items={s.reasons} kind="reasons" />
              <ListOf label="Vetoes" items={s.vetoes} kind="vetoes" />
              <ListOf label="Fixes" items={s.fixes} kind="fixes" />
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}
