/**
 * Runs the live feed while signed in and turns its events into cache invalidations: the stream
 * says what changed, the REST routes say what it is now (the server's bus keeps nothing, so after
 * a reconnect everything is re-read).
 */
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  type ReactNode,
  useContext,
  useEffect,
  useId,
  useState,
  useSyncExternalStore,
} from 'react';
import { keys } from '../api/queries.js';
import { session } from '../api/session.js';
import { createLiveFeed, type DataEvent, type LiveFeed, type LiveState } from './live-feed.js';

interface Live {
  feed: LiveFeed;
  /** Each mounted screen's symbols; the stream carries the union of them. */
  watch(id: string, symbols: string[] | null): void;
}

const LiveContext = createContext<Live | null>(null);

const KEYS_BY_EVENT: Record<DataEvent, readonly (readonly unknown[])[]> = {
  position: [['positions'], ['position'], keys.me],
  order: [['positions'], ['position']],
  balance: [keys.me],
  risk: [keys.me, keys.settings],
  account: [keys.me, keys.settings, keys.credentials],
  signal: [keys.signals, ['signal']],
  scan: [],
  whale: [],
};

/** Bursts of events (a scan, a panic) become one refetch per query, not one per event. */
function batchedInvalidator(client: QueryClient) {
  const pending = new Map<string, readonly unknown[]>();
  let timer: number | undefined;
  return (queryKeys: readonly (readonly unknown[])[]) => {
    for (const k of queryKeys) pending.set(JSON.stringify(k), k);
    if (timer !== undefined) return;
    timer = window.setTimeout(() => {
      timer = undefined;
      const batch = [...pending.values()];
      pending.clear();
      for (const queryKey of batch) void client.invalidateQueries({ queryKey });
    }, 250);
  };
}

export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [live] = useState<Live>(() => {
    const invalidate = batchedInvalidator(client);
    const feed = createLiveFeed({
      token: (rejected) =>
        rejected && session.get() ? session.refresh(session.get()?.accessToken) : session.accessToken(),
      onEvent(type) {
        if (type === 'hello') invalidate([keys.me, keys.settings, ['positions'], keys.signals]);
        else invalidate(KEYS_BY_EVENT[type]);
      },
    });
    const watchers = new Map<string, string[]>();
    return {
      feed,
      watch(id, symbols) {
        if (symbols) watchers.set(id, symbols);
        else watchers.delete(id);
        feed.setSymbols([...watchers.values()].flat());
      },
    };
  });
  const { feed } = live;

  useEffect(() => {
    feed.start();
    const online = () => feed.reconnectNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      feed.stop();
    };
  }, [feed]);

  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

function useLiveContext(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('live hooks need a LiveProvider');
  return live;
}

export const useLiveFeed = (): LiveFeed => useLiveContext().feed;

export function useLive(): LiveState {
  const feed = useLiveFeed();
  return useSyncExternalStore(feed.subscribe, feed.getState);
}

/** Ask the stream for these symbols' prices while the calling screen is shown. */
export function useWatchSymbols(symbols: readonly string[]) {
  const live = useLiveContext();
  const id = useId();
  const joined = [...new Set(symbols)].sort().join(',');
  useEffect(() => {
    live.watch(id, joined ? joined.split(',') : []);
    return () => live.watch(id, null);
  }, [live, id, joined]);
}

/** The current time, ticking: ages and freshness must move even when no data arrives. */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs]);
  return now;
}
