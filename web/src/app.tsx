/**
 * The app shell: signed out -> log in / register; signed in -> the header (REAL badge, live status,
 * stop auto-trading, panic), the panic result, and the screen for the path.
 */
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useState, useSyncExternalStore } from 'react';
import { session } from './api/session.js';
import type { PanicReport } from './api/types.js';
import { DisconnectedBanner, Header } from './components/header.js';
import { PanicResult } from './components/panic.js';
import { LiveProvider } from './live/live-provider.js';
import { navigate, useRoute } from './router.js';
import { AuthScreen } from './screens/auth.js';
import { Dashboard } from './screens/dashboard.js';
import { InsightsScreen } from './screens/insights.js';
import { SettingsScreen } from './screens/settings.js';

const AUTH_PATHS = new Set(['/login', '/register']);

// The chart library is most of the bundle: loaded when the chart is first opened.
const ChartScreen = lazy(() => import('./screens/chart.js').then((m) => ({ default: m.ChartScreen })));
const BacktestsScreen = lazy(() =>
  import('./screens/backtests.js').then((m) => ({ default: m.BacktestsScreen })),
);

export function App() {
  const current = useSyncExternalStore(session.subscribe, session.get);
  const { path } = useRoute();
  const client = useQueryClient();
  const signedIn = current !== null;

  useEffect(() => {
    if (!signedIn) {
      // Nothing of the previous user may linger in the cache.
      client.clear();
      if (!AUTH_PATHS.has(path)) navigate('/login', { replace: true });
    } else if (AUTH_PATHS.has(path)) navigate('/', { replace: true });
  }, [signedIn, path, client]);

  if (!signedIn) return <AuthScreen purpose={path === '/register' ? 'register' : 'login'} />;
  return (
    <LiveProvider>
      <Shell email={current.email} path={path} />
    </LiveProvider>
  );
}

function Shell({ email, path }: { email: string; path: string }) {
  const [panic, setPanic] = useState<PanicReport | { error: string } | null>(null);
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Header email={email} onLogout={() => void session.logout()} onPanic={setPanic} />
      <DisconnectedBanner />
      {panic ? <PanicResult result={panic} onDismiss={() => setPanic(null)} /> : null}
      <main id="main" className="main" tabIndex={-1}>
        <Screen path={path} />
      </main>
    </>
  );
}

function Screen({ path }: { path: string }) {
  switch (path) {
    case '/':
      return <Dashboard />;
    case '/chart':
      return (
        <Suspense fallback={<p className="empty">Loading the chart…</p>}>
          <ChartScreen />
        </Suspense>
      );
    case '/settings':
      return <SettingsScreen />;
    case '/insights':
      return <InsightsScreen />;
    case '/backtests':
      return (
        <Suspense fallback={<p className="empty">Loading backtests…</p>}>
          <BacktestsScreen />
        </Suspense>
      );
    default:
      return (
        <p className="empty">
          There is no page at {path}. <a href="/">Go to the dashboard</a>.
        </p>
      );
  }
}
