/**
 * TanStack Query hooks over the API routes. Query keys are the cache the live stream invalidates
 * (see live/live-provider.tsx): an event says "this changed", the REST route says what it is now.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.js';
import { isApiError } from './errors.js';
import type {
  BacktestDetail,
  BacktestListItem,
  CloseOutcome,
  CredentialStatus,
  Me,
  Page,
  PanicReport,
  Position,
  RiskState,
  Settings,
  SettingsChange,
  Signal,
} from './types.js';

export const keys = {
  me: ['me'] as const,
  settings: ['settings'] as const,
  credentials: ['credentials'] as const,
  positions: (status: 'open' | 'closed') => ['positions', status] as const,
  position: (id: string) => ['position', id] as const,
  signals: ['signals'] as const,
  signalList: (withRejected: boolean) => ['signals', { withRejected }] as const,
  signal: (id: string) => ['signal', id] as const,
  candles: (symbol: string, timeframe: string) => ['candles', symbol, timeframe] as const,
  insights: ['insights'] as const,
  backtests: ['backtests'] as const,
  backtest: (id: string) => ['backtest', id] as const,
  serverPaths: ['server-paths'] as const,
};

export const useMe = () =>
  useQuery({
    queryKey: keys.me,
    queryFn: () => api<Me>('/api/me'),
    // A REAL balance older than a minute is being refreshed by the server: poll until it lands.
    refetchInterval: (q) => {
      const b = q.state.data?.balance;
      return b?.mode === 'REAL' && (b.wallet === null || (b.ageMs ?? 0) > 60_000) ? 5_000 : 30_000;
    },
  });

export const useSettings = () =>
  useQuery({ queryKey: keys.settings, queryFn: () => api<Settings>('/api/settings') });

export const useCredentials = () =>
  useQuery({ queryKey: keys.credentials, queryFn: () => api<CredentialStatus>('/api/credentials') });

export const usePositions = (status: 'open' | 'closed') =>
  useQuery({
    queryKey: keys.positions(status),
    queryFn: () =>
      api<Page<Position>>(`/api/positions?status=${status}&limit=${status === 'open' ? 200 : 50}`),
    refetchInterval: status === 'open' ? 15_000 : 60_000,
  });

export const usePosition = (id: string | null) =>
  useQuery({
    queryKey: keys.position(id ?? ''),
    queryFn: () => api<Position>(`/api/positions/${encodeURIComponent(id ?? '')}`),
    enabled: Boolean(id),
  });

/** The newest 50 signals; those the pipeline rejected only when asked for. */
export const useSignals = (withRejected = false) =>
  useQuery({
    queryKey: keys.signalList(withRejected),
    queryFn: () => api<Page<Signal>>(`/api/signals?limit=50${withRejected ? '' : '&exclude=REJECTED'}`),
    refetchInterval: 60_000,
  });

export const useSignal = (id: string | null) =>
  useQuery({
    queryKey: keys.signal(id ?? ''),
    queryFn: () => api<Signal>(`/api/signals/${encodeURIComponent(id ?? '')}`),
    enabled: Boolean(id),
  });

/** The paths this server serves, from its OpenAPI document; null when the document is off. */
async function serverPaths(): Promise<ReadonlySet<string> | null> {
  try {
    const doc = await api<{ paths?: Record<string, unknown> }>('/api/docs/json', { auth: false });
    return new Set(Object.keys(doc.paths ?? {}));
  } catch {
    return null;
  }
}

export type Optional<T> = { available: true; body: T } | { available: false };

/**
 * A route another part of NeuroTrade adds later (candles, insights). The OpenAPI document says
 * whether this server has it, so a missing one is not even requested (no 404 in the console); a
 * 404 still means "not served by this build", an answer to show rather than an error to retry.
 */
function useOptionalRoute() {
  const client = useQueryClient();
  return async <T>(path: string): Promise<Optional<T>> => {
    const paths = await client.fetchQuery({
      queryKey: keys.serverPaths,
      queryFn: serverPaths,
      staleTime: Infinity,
    });
    if (paths && !paths.has(path.split('?')[0]!)) return { available: false };
    try {
      return { available: true, body: await api<T>(path) };
    } catch (e) {
      if (isApiError(e, 404)) return { available: false };
      throw e;
    }
  };
}

export function useCandles(symbol: string, timeframe: string) {
  const optional = useOptionalRoute();
  return useQuery({
    queryKey: keys.candles(symbol, timeframe),
    queryFn: () =>
      optional<unknown>(
        `/api/candles?symbol=${encodeURIComponent(symbol)}&timeframe=${encodeURIComponent(timeframe)}&limit=500`,
      ),
    enabled: symbol !== '',
    staleTime: 30_000,
  });
}

export function useInsights() {
  const optional = useOptionalRoute();
  return useQuery({
    queryKey: keys.insights,
    queryFn: () => optional<unknown>('/api/insights'),
    staleTime: 60_000,
  });
}

/** Stored backtest reports (`neurotrade backtest` stores each run), newest first. */
export const useBacktests = () =>
  useQuery({
    queryKey: keys.backtests,
    queryFn: () => api<{ items: BacktestListItem[] }>('/api/backtests?limit=100'),
    staleTime: 30_000,
  });

/** One stored report: never changes once stored. */
export const useBacktest = (id: string | null) =>
  useQuery({
    queryKey: keys.backtest(id ?? ''),
    queryFn: () => api<BacktestDetail>(`/api/backtests/${encodeURIComponent(id ?? '')}`),
    enabled: Boolean(id),
    staleTime: Infinity,
  });

function useInvalidate() {
  const client = useQueryClient();
  return (...queryKeys: readonly (readonly unknown[])[]) =>
    Promise.all(queryKeys.map((queryKey) => client.invalidateQueries({ queryKey })));
}

export function useUpdateSettings() {
  const client = useQueryClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (change: SettingsChange) => api<Settings>('/api/settings', { method: 'PUT', body: change }),
    onSuccess: (settings) => {
      client.setQueryData(keys.settings, settings);
      return invalidate(keys.me);
    },
  });
}

export function useSetAutoTrading() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (enabled: boolean) =>
      api<{ autoTrade: boolean; riskState: RiskState }>('/api/auto-trading', {
        method: 'POST',
        body: { enabled },
      }),
    onSuccess: () => invalidate(keys.me, keys.settings),
  });
}

export function usePanic() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: () => api<PanicReport>('/api/panic', { method: 'POST' }),
    onSettled: () => invalidate(keys.me, keys.settings, ['positions']),
  });
}

export function useResume() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: () => api<{ riskState: RiskState }>('/api/risk/resume', { method: 'POST' }),
    onSuccess: () => invalidate(keys.me, keys.settings),
  });
}

export function useClosePosition() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: string) =>
      api<CloseOutcome>(`/api/positions/${encodeURIComponent(id)}/close`, { method: 'POST' }),
    onSettled: () => invalidate(['positions'], keys.me),
  });
}

export function useSaveCredentials() {
  const client = useQueryClient();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (pair: { apiKey: string; apiSecret: string }) =>
      api<CredentialStatus>('/api/credentials', { method: 'PUT', body: pair }),
    onSuccess: (status) => {
      client.setQueryData(keys.credentials, status);
      return invalidate(keys.me);
    },
  });
}

export function useDeleteCredentials() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: () =>
      api<{ deleted: boolean; mode: 'PAPER' | 'REAL' }>('/api/credentials', { method: 'DELETE' }),
    onSuccess: () => invalidate(keys.credentials, keys.me, keys.settings),
  });
}

export const useTestCredentials = () =>
  useMutation({
    mutationFn: (pair?: { apiKey: string; apiSecret: string }) =>
      api<{ ok: boolean; message: string }>('/api/credentials/test', { method: 'POST', body: pair }),
  });
