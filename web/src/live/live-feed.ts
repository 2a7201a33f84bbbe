/**
 * The live event stream (GET /api/events, Server-Sent Events) as a small state machine:
 * connecting -> live (after the server's `hello`) -> disconnected -> (backoff) -> connecting ...
 *
 * EventSource cannot send headers, so the access token rides in `?token=`; the server ends the
 * stream when that token expires (`expired`), and a browser EventSource would retry forever with
 * the dead token, so this closes it on any error and reconnects itself with a fresh token and a
 * growing delay. Prices are kept with the time they were true, so the screens can tell a live
 * figure from a stale one; nothing here pretends to be live while disconnected.
 */

export type LiveStatus = 'off' | 'connecting' | 'live' | 'disconnected';

export interface LivePrice {
  price: string;
  /** Epoch ms it arrived here (the browser's clock, so a server clock offset cannot fake freshness). */
  at: number;
}

export interface LiveState {
  status: LiveStatus;
  /** Since when the status holds (epoch ms). */
  since: number;
  /** When the next reconnection attempt is due, while disconnected. */
  retryAt: number | null;
  prices: ReadonlyMap<string, LivePrice>;
}

/** The event kinds the server sends besides hello/expired/bye (src/events/bus.ts). */
export const DATA_EVENTS = [
  'position',
  'order',
  'balance',
  'risk',
  'account',
  'signal',
  'scan',
  'whale',
] as const;
export type DataEvent = (typeof DATA_EVENTS)[number];

export interface LiveFeedDeps {
  /**
   * A usable access token (refreshed when close to expiry), or null when signed out. `rejected`:
   * the last stream was refused before it began (EventSource hides the status, and a revoked or
   * otherwise rejected token looks the same), so refresh it rather than retry it.
   */
  token(rejected: boolean): Promise<string | null>;
  /** A data event arrived (or `hello`: everything may have changed while disconnected). */
  onEvent(type: DataEvent | 'hello', payload: { symbol?: string; data: unknown }): void;
}

const BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000];

function priceOf(data: unknown): string | undefined {
  if (typeof data === 'number' || typeof data === 'string') return String(data);
  if (data === null || typeof data !== 'object') return undefined;
  const d = data as Record<string, unknown>;
  const p = d.markPrice ?? d.price ?? d.close ?? d.last;
  return typeof p === 'number' || typeof p === 'string' ? String(p) : undefined;
}

export function createLiveFeed(deps: LiveFeedDeps) {
  let source: EventSource | null = null;
  let timer: number | undefined;
  let symbolsTimer: number | undefined;
  let attempt = 0;
  let running = false;
  let symbols = '';
  let generation = 0;
  /** The last stream failed before its hello: suspect the token. */
  let rejected = false;
  let state: LiveState = { status: 'off', since: Date.now(), retryAt: null, prices: new Map() };
  const listeners = new Set<() => void>();

  const set = (patch: Partial<LiveState>) => {
    const statusChanged = patch.status !== undefined && patch.status !== state.status;
    state = { ...state, ...patch, ...(statusChanged ? { since: Date.now() } : {}) };
    for (const l of [...listeners]) l();
  };

  const close = () => {
    source?.close();
    source = null;
    window.clearTimeout(timer);
  };

  const scheduleReconnect = (delayMs?: number) => {
    close();
    if (!running) return;
    const wait = delayMs ?? BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!;
    attempt++;
    set({ status: 'disconnected', retryAt: Date.now() + wait });
    timer = window.setTimeout(() => void connect(), wait);
  };

  async function connect() {
    close();
    if (!running) return;
    const mine = ++generation;
    // While disconnected the banner keeps saying so until the server's hello proves otherwise.
    set(state.status === 'disconnected' ? { retryAt: null } : { status: 'connecting', retryAt: null });
    let token: string | null;
    try {
      token = await deps.token(rejected);
    } catch {
      if (mine === generation) scheduleReconnect();
      return;
    }
    if (mine !== generation || !running) return;
    if (!token) {
      set({ status: 'off' });
      return;
    }
    const params = new URLSearchParams({ token });
    if (symbols) params.set('symbols', symbols);
    const es = new EventSource(`/api/events?${params.toString()}`);
    source = es;
    const parse = (e: MessageEvent): { symbol?: string; data: unknown } => {
      try {
        const body = JSON.parse(String(e.data)) as { symbol?: string; data?: unknown };
        return { symbol: body.symbol, data: body.data };
      } catch {
        return { data: undefined };
      }
    };
    let began = false;
    es.addEventListener('hello', () => {
      began = true;
      rejected = false;
      attempt = 0;
      set({ status: 'live', retryAt: null });
      deps.onEvent('hello', { data: undefined });
    });
    es.addEventListener('price', (e) => {
      const { symbol, data } = parse(e as MessageEvent);
      const sym = symbol ?? (data as { symbol?: string } | undefined)?.symbol;
      const price = priceOf(data);
      if (!sym || price === undefined) return;
      const prices = new Map(state.prices);
      prices.set(sym, { price, at: Date.now() });
      set({ prices });
    });
    for (const type of DATA_EVENTS) {
      es.addEventListener(type, (e) => deps.onEvent(type, parse(e as MessageEvent)));
    }
    // The token ran out: reconnect at once (token() refreshes it). The server stopping: back off.
    es.addEventListener('expired', () => {
      attempt = 0;
      scheduleReconnect(0);
    });
    es.addEventListener('bye', () => scheduleReconnect());
    es.onerror = () => {
      if (source !== es) return;
      if (!began) rejected = true;
      scheduleReconnect();
    };
  }

  return {
    getState: (): LiveState => state,
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      if (running) return;
      running = true;
      attempt = 0;
      void connect();
    },
    stop() {
      running = false;
      window.clearTimeout(symbolsTimer);
      generation++;
      close();
      set({ status: 'off', retryAt: null, prices: new Map() });
    },
    /** Symbols whose prices the screens show; the stream reconnects when the set changes. */
    setSymbols(list: Iterable<string>) {
      const next = [...new Set(list)]
        .filter((s) => /^[A-Za-z0-9]{2,30}$/.test(s))
        .sort()
        .slice(0, 100)
        .join(',');
      if (next === symbols) return;
      symbols = next;
      // Screens mount one after another: reconnect once for the settled set, not once per screen.
      window.clearTimeout(symbolsTimer);
      if (running) symbolsTimer = window.setTimeout(() => void connect(), 150);
    },
    /** Try now instead of waiting for the backoff (the "reconnect" button, the browser going online). */
    reconnectNow() {
      if (!running) return;
      attempt = 0;
      void connect();
    },
  };
}

export type LiveFeed = ReturnType<typeof createLiveFeed>;
