/**
 * The NeuroTrade dashboard (React + TanStack Query), served by the API from web/dist.
 * Entry: this file mounts <App/>. Screens live in screens/, pure logic (formatting, PnL, chart
 * data, validation) in lib/ with unit tests in test/web/, the API client in api/, the live event
 * stream in live/. Invariants: money is formatted by lib/format.ts only; a live figure is drawn as
 * live only while the stream is connected and recent (lib/pnl.ts isFresh); every action that moves
 * or risks money asks through components/confirm-dialog.tsx, never window.confirm.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isApiError } from './api/errors.js';
import { App } from './app.js';
import './styles.css';

const client = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 5_000,
      // A 4xx will not change by asking again; a dropped connection might.
      retry: (count, error) => count < 2 && !(isApiError(error) && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
