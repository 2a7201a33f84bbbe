/**
 * Panic (close everything, stop auto-trading) and Stop auto-trading: always in the header, each
 * behind the app's own confirmation where it moves money, with the per-symbol result shown.
 */
import { useState } from 'react';
import { errorMessage } from '../api/errors.js';
import { usePanic, useSetAutoTrading } from '../api/queries.js';
import type { CloseOutcomeKind, PanicReport } from '../api/types.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { Badge } from './ui.js';

export function PanicButton({ onResult }: { onResult(report: PanicReport | { error: string }): void }) {
  const [asking, setAsking] = useState(false);
  const panic = usePanic();
  const run = () =>
    panic.mutate(undefined, {
      onSuccess: (report) => onResult(report),
      onError: (e) => onResult({ error: errorMessage(e) }),
      onSettled: () => setAsking(false),
    });
  return (
    <>
      <button type="button" className="button button-danger panic-button" onClick={() => setAsking(true)}>
        Panic
      </button>
      <ConfirmDialog
        open={asking}
        title="Close every position now?"
        confirmLabel="Close everything"
        danger
        busy={panic.isPending}
        onConfirm={run}
        onCancel={() => setAsking(false)}
      >
        <p>
          Panic turns auto-trading off, moves the account to REDUCING (no new trades until you resume) and
          closes every open position at market, PAPER and REAL.
        </p>
      </ConfirmDialog>
    </>
  );
}

export function AutoTradingControl({ enabled }: { enabled: boolean | undefined }) {
  const toggle = useSetAutoTrading();
  if (enabled === undefined) return null;
  return enabled ? (
    <button
      type="button"
      className="button button-warning"
      onClick={() => toggle.mutate(false)}
      disabled={toggle.isPending}
      title={
        toggle.isError ? errorMessage(toggle.error) : 'Stop opening new trades (open positions stay open)'
      }
    >
      {toggle.isPending ? 'Stopping…' : 'Stop auto-trading'}
    </button>
  ) : (
    <span className="auto-off" title="Turn it on in Settings">
      Auto-trading off
    </span>
  );
}

const OUTCOME_TEXT: Record<CloseOutcomeKind, string> = {
  CLOSED: 'closed',
  CLOSING: 'closing',
  CLOSED_IN_BOOKS: 'closed in the books',
  NOT_CLOSED: 'NOT closed',
};

export function PanicResult({
  result,
  onDismiss,
}: {
  result: PanicReport | { error: string };
  onDismiss(): void;
}) {
  const failed = 'error' in result;
  const notClosed = failed ? 0 : result.results.filter((r) => r.outcome === 'NOT_CLOSED').length;
  return (
    <section
      className={`panic-result ${failed || notClosed ? 'panic-result-bad' : ''}`}
      role="alert"
      aria-label="Panic result"
    >
      <div className="panic-result-head">
        <strong>
          {failed
            ? 'Panic failed'
            : `Panic done: auto-trading ${result.autoTrade ? 'still ON' : 'off'}, account ${result.riskState}, ${
                result.results.length
              } position${result.results.length === 1 ? '' : 's'}${notClosed ? `, ${notClosed} NOT closed` : ''}`}
        </strong>
        <button type="button" className="button button-small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
      {failed ? <p>{result.error}</p> : null}
      {!failed && result.results.length === 0 ? <p>There were no open positions to close.</p> : null}
      {!failed && result.results.length > 0 ? (
        <ul className="panic-list">
          {result.results.map((r) => (
            // One row per symbol; a symbol with only open orders has no position id.
            <li key={`${r.symbol}:${r.positionId}`}>
              <strong>{r.symbol}</strong> <Badge kind={r.mode === 'REAL' ? 'real' : 'paper'}>{r.mode}</Badge>{' '}
              <Badge kind={r.outcome === 'NOT_CLOSED' ? 'bad' : 'ok'}>{OUTCOME_TEXT[r.outcome]}</Badge>{' '}
              <span className="muted">{r.message}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
