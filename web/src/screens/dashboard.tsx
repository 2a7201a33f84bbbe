/** The screen a trader keeps open: balance, account and risk state, positions, signals. */
import { useEffect } from 'react';
import { errorMessage } from '../api/errors.js';
import { useMe, useResume } from '../api/queries.js';
import type { Me, RiskState } from '../api/types.js';
import { Badge, Card, Empty, ErrorNote } from '../components/ui.js';
import { formatAge, formatPercent, formatUsd } from '../lib/format.js';
import { useNow } from '../live/live-provider.js';
import { Link } from '../router.js';
import { ClosedPositions, OpenPositions } from './positions.js';
import { SignalsList } from './signals.js';

const RISK_TEXT: Record<RiskState, string> = {
  ACTIVE: 'Trading normally.',
  REDUCING: 'No new trades; open positions are managed and closed. A person must resume.',
  HALTED: 'Trading stopped by a protection (e.g. the daily loss limit). A person must resume.',
};

/** A REAL balance older than this is being refreshed from Binance. */
const REAL_BALANCE_FRESH_MS = 60_000;

function BalanceCard({ me, fetchedAt }: { me: Me; fetchedAt: number }) {
  const now = useNow();
  const b = me.balance;
  // The server's age at answer time plus the time since: immune to a clock offset between the two.
  const ageMs = b.ageMs === null ? null : b.ageMs + Math.max(0, now - fetchedAt);
  const syncing = b.mode === 'REAL' && (b.wallet === null || (ageMs ?? 0) > REAL_BALANCE_FRESH_MS);
  return (
    <Card
      title={
        <>
          Balance <Badge kind={b.mode === 'REAL' ? 'real' : 'paper'}>{b.mode}</Badge>
        </>
      }
    >
      <p className="balance" data-testid="balance">
        {formatUsd(b.wallet)}
        <span className="balance-unit"> USDT</span>
      </p>
      <dl className="facts">
        <div>
          <dt>Available</dt>
          <dd>{formatUsd(b.available)}</dd>
        </div>
        <div>
          <dt>As of</dt>
          <dd>
            {formatAge(ageMs)}
            {syncing ? (
              <span className="syncing" role="status">
                {' '}
                syncing…
              </span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{b.mode === 'PAPER' ? 'simulated wallet' : b.source.replace(/-/g, ' ')}</dd>
        </div>
      </dl>
    </Card>
  );
}

function AccountCard({ me }: { me: Me }) {
  const resume = useResume();
  const s = me.settings;
  return (
    <Card title="Account">
      <dl className="facts">
        <div className="fact-wide">
          <dt>Risk state</dt>
          <dd>
            <Badge kind={me.riskState === 'ACTIVE' ? 'ok' : 'bad'}>{me.riskState}</Badge>{' '}
            <span className="muted">{RISK_TEXT[me.riskState]}</span>
          </dd>
        </div>
        <div>
          <dt>Auto-trading</dt>
          <dd data-testid="auto-trading">{me.autoTrade ? 'on' : 'off'}</dd>
        </div>
        <div>
          <dt>Per trade</dt>
          <dd>
            {formatUsd(s.fixedMargin)} at {s.leverage}× leverage
          </dd>
        </div>
        <div>
          <dt>Min confidence</dt>
          <dd>{formatPercent(s.minConfidence, { signed: false, decimals: 0 })}</dd>
        </div>
        <div>
          <dt>Scan</dt>
          <dd>{s.scanProfile}</dd>
        </div>
      </dl>
      {me.riskState !== 'ACTIVE' ? (
        <div className="card-foot">
          <button
            type="button"
            className="button"
            onClick={() => resume.mutate()}
            disabled={resume.isPending}
          >
            {resume.isPending ? 'Resuming…' : 'Resume trading'}
          </button>
          {resume.isError ? <ErrorNote>{errorMessage(resume.error)}</ErrorNote> : null}
        </div>
      ) : null}
      <p className="card-foot">
        <Link to="/settings">Change settings</Link>
      </p>
    </Card>
  );
}

export function Dashboard() {
  const me = useMe();
  useEffect(() => {
    document.title = 'Dashboard · NeuroTrade';
  }, []);
  return (
    <div className="grid">
      {me.isError ? <ErrorNote>{errorMessage(me.error)}</ErrorNote> : null}
      {me.isPending ? <Empty>Loading your account…</Empty> : null}
      {me.data ? (
        <>
          <BalanceCard me={me.data} fetchedAt={me.dataUpdatedAt} />
          <AccountCard me={me.data} />
        </>
      ) : null}
      <OpenPositions />
      <ClosedPositions />
      <SignalsList />
    </div>
  );
}
