/**
 * The bar that is always on screen: where you are, whether money is at risk (the red REAL badge),
 * whether live updates are flowing, and the two controls that must always be reachable.
 */
import { useMe } from '../api/queries.js';
import type { PanicReport } from '../api/types.js';
import { formatAge } from '../lib/format.js';
import { useLive, useLiveFeed, useNow } from '../live/live-provider.js';
import { Link, useRoute } from '../router.js';
import { AutoTradingControl, PanicButton } from './panic.js';
import { Badge } from './ui.js';

const TABS = [
  { to: '/', label: 'Dashboard' },
  { to: '/chart', label: 'Chart' },
  { to: '/settings', label: 'Settings' },
  { to: '/insights', label: 'Insights' },
  { to: '/backtests', label: 'Backtests' },
];

export function Header({
  email,
  onLogout,
  onPanic,
}: {
  email: string;
  onLogout(): void;
  onPanic(r: PanicReport | { error: string }): void;
}) {
  const me = useMe();
  const { path } = useRoute();
  const mode = me.data?.mode;
  return (
    <header className="topbar">
      <div className="topbar-row">
        <Link to="/" className="brand" aria-label="NeuroTrade dashboard">
          NeuroTrade
        </Link>
        {mode === 'REAL' ? (
          <Badge kind="real" title="Real money on Binance is at risk">
            REAL
          </Badge>
        ) : mode === 'PAPER' ? (
          <Badge kind="paper" title="Simulated wallet: no real money">
            PAPER
          </Badge>
        ) : null}
        <Connection />
        <div className="topbar-controls">
          <AutoTradingControl enabled={me.data?.autoTrade} />
          <PanicButton onResult={onPanic} />
        </div>
      </div>
      <div className="topbar-row">
        <nav className="tabs" aria-label="Sections">
          {TABS.map((t) => (
            <Link key={t.to} to={t.to} className="tab" aria-current={path === t.to ? 'page' : undefined}>
              {t.label}
            </Link>
          ))}
        </nav>
        <div className="account">
          <span className="muted account-email">{email}</span>
          <button type="button" className="button button-small" onClick={onLogout}>
            Log out
          </button>
        </div>
      </div>
    </header>
  );
}

function Connection() {
  const live = useLive();
  const feed = useLiveFeed();
  const now = useNow();
  if (live.status === 'live') {
    return (
      <span className="conn conn-live" role="status">
        ● Live
      </span>
    );
  }
  if (live.status === 'connecting' || live.status === 'off') {
    return (
      <span className="conn conn-connecting" role="status">
        ○ Connecting…
      </span>
    );
  }
  const retryIn = live.retryAt ? Math.max(0, Math.ceil((live.retryAt - now) / 1000)) : null;
  return (
    <span className="conn conn-down" role="status">
      ● Disconnected {formatAge(now - live.since)}
      {retryIn !== null ? ` · retrying in ${retryIn} s` : ''}{' '}
      <button type="button" className="button button-small" onClick={() => feed.reconnectNow()}>
        Reconnect
      </button>
    </span>
  );
}

/** Under the header while the stream is down: nothing on screen is updating. */
export function DisconnectedBanner() {
  const live = useLive();
  if (live.status !== 'disconnected') return null;
  return (
    <p className="banner banner-warning" role="status">
      Live updates are disconnected: prices and PnL on screen are not updating (shown in grey) until the
      connection returns.
    </p>
  );
}
