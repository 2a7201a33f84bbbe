/**
 * Fault injection for the served simulator: faults armed by tests (or the /_sim/faults admin
 * route) that fire on the next requests matching them, and one-shot actions (WebSocket drop,
 * listen-key expiry, restart) that are counted the same way. Every firing is counted, so a
 * fault-injection suite can report "F faults injected".
 *
 * Kinds (each fires `times` times, default 1; times 0 = until cleared):
 * - reject: answer `{code,msg}` (Binance's message for the code unless `msg`), nothing executed.
 * - http: answer a bare HTTP status (5xx, 408, 403) with `body`; `execute: true` runs the request
 *   first (Binance's 503 "Unknown error": it may have executed).
 * - rateLimit: 429 (or 418 with `status: 418`) with Retry-After and a -1003 body; nothing executed.
 * - drop: the request is executed (unless `execute: false`) and the response is lost: the socket
 *   is destroyed (`mode: 'close'`, default) or left hanging until the client gives up ('hang').
 * - latency: every matching request waits `ms` first (does not stop other faults from firing).
 */
import { BinanceCode, binanceMessage } from '../errors.js';

export interface FaultMatch {
  /** HTTP method, e.g. POST. */
  method?: string | undefined;
  /** Exact path (/fapi/v1/order) or a prefix ending in * (/fapi/*). */
  path?: string | undefined;
  apiKey?: string | undefined;
  symbol?: string | undefined;
  side?: string | undefined;
  /** The order's `type` parameter (MARKET, STOP_MARKET, ...). */
  type?: string | undefined;
}

export type FaultAction =
  | { kind: 'reject'; code: number; msg?: string | undefined; status?: number | undefined }
  | { kind: 'http'; status: number; body?: unknown; execute?: boolean | undefined }
  | {
      kind: 'rateLimit';
      status?: 429 | 418 | undefined;
      retryAfterSec?: number | undefined;
      msg?: string | undefined;
    }
  | { kind: 'drop'; execute?: boolean | undefined; mode?: 'close' | 'hang' | undefined }
  | { kind: 'latency'; ms: number };

export type FaultSpec = FaultMatch & FaultAction & { times?: number | undefined };

export type FaultEventKind = FaultAction['kind'] | 'wsDrop' | 'listenKeyExpiry' | 'restart';

export interface ArmedFault {
  id: number;
  spec: FaultSpec;
  fired: number;
  /** Firings left; null = until cleared. */
  remaining: number | null;
}

export interface FaultRequest {
  method: string;
  path: string;
  apiKey: string | undefined;
  params: Record<string, string>;
}

export interface FaultReport {
  armed: ArmedFault[];
  fired: Partial<Record<FaultEventKind, number>>;
  total: number;
}

const KINDS = new Set(['reject', 'http', 'rateLimit', 'drop', 'latency']);

/** Validate an admin payload into a FaultSpec (throws RangeError with a readable message). */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null) throw new RangeError('a fault is a JSON object');
  const o = input as Record<string, unknown>;
  const kind = o.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    throw new RangeError(`fault kind must be one of ${[...KINDS].join(', ')}`);
  }
  const num = (k: string): number | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`fault ${k} must be a number`);
    return v;
  };
  const str = (k: string): string | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new RangeError(`fault ${k} must be a string`);
    return v;
  };
  const bool = (k: string): boolean | undefined => {
    const v = o[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean') throw new RangeError(`fault ${k} must be true or false`);
    return v;
  };
  const match: FaultMatch & { times?: number | undefined } = {
    method: str('method')?.toUpperCase(),
    path: str('path'),
    apiKey: str('apiKey'),
    symbol: str('symbol')?.toUpperCase(),
    side: str('side')?.toUpperCase(),
    type: str('type')?.toUpperCase(),
    times: num('times'),
  };
  switch (kind) {
    case 'reject': {
      const code = num('code');
      if (code === undefined) throw new RangeError('a reject fault needs a Binance code');
      return { ...match, kind, code, msg: str('msg'), status: num('status') };
    }
    case 'http': {
      const status = num('status') ?? 503;
      if (status < 400 || status > 599) throw new RangeError('an http fault status is 400..599');
      return { ...match, kind, status, body: o.body, execute: bool('execute') };
    }
    case 'rateLimit': {
      const status = num('status') ?? 429;
      if (status !== 429 && status !== 418) throw new RangeError('a rateLimit fault status is 429 or 418');
      return { ...match, kind, status, retryAfterSec: num('retryAfterSec'), msg: str('msg') };
    }
    case 'drop': {
      const mode = str('mode');
      if (mode !== undefined && mode !== 'close' && mode !== 'hang')
        throw new RangeError("drop mode is 'close' or 'hang'");
      return { ...match, kind, execute: bool('execute'), mode };
    }
    default: {
      const ms = num('ms');
      if (ms === undefined || ms < 0) throw new RangeError('a latency fault needs ms >= 0');
      return { ...match, kind: 'latency', ms };
    }
  }
}

export class FaultBook {
  private armed: ArmedFault[] = [];
  private nextId = 1;
  private readonly counts: Partial<Record<FaultEventKind, number>> = {};
  private totalFired = 0;

  arm(spec: FaultSpec): ArmedFault {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 0)
      throw new RangeError('fault times must be a whole number >= 0');
    const fault: ArmedFault = { id: this.nextId++, spec, fired: 0, remaining: times === 0 ? null : times };
    this.armed.push(fault);
    return fault;
  }

  disarm(id: number): boolean {
    const before = this.armed.length;
    this.armed = this.armed.filter((f) => f.id !== id);
    return this.armed.length < before;
  }

  /** Disarm everything; the firing counts are kept (they are what a suite reports). */
  clear(): void {
    this.armed = [];
  }

  /** Count a one-shot action (WebSocket drop, listen-key expiry, restart). */
  recordAction(kind: 'wsDrop' | 'listenKeyExpiry' | 'restart'): void {
    this.count(kind);
  }

  /** Total latency to add to this request (each matching latency fault fires). */
  latencyFor(req: FaultRequest): number {
    let ms = 0;
    for (const f of this.armed) {
      if (f.spec.kind === 'latency' && matches(f.spec, req)) {
        ms += f.spec.ms;
        this.fire(f);
      }
    }
    this.prune();
    return ms;
  }

  /** The first armed non-latency fault matching this request, consumed; undefined when none. */
  take(req: FaultRequest): FaultAction | undefined {
    const f = this.armed.find((x) => x.spec.kind !== 'latency' && matches(x.spec, req));
    if (!f) return undefined;
    this.fire(f);
    this.prune();
    return f.spec;
  }

  report(): FaultReport {
    return {
      armed: this.armed.map((f) => ({ ...f })),
      fired: { ...this.counts },
      total: this.totalFired,
    };
  }

  private fire(f: ArmedFault): void {
    f.fired += 1;
    if (f.remaining !== null) f.remaining -= 1;
    this.count(f.spec.kind);
  }

  private count(kind: FaultEventKind): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    this.totalFired += 1;
  }

  private prune(): void {
    this.armed = this.armed.filter((f) => f.remaining === null || f.remaining > 0);
  }
}

function matches(m: FaultMatch, req: FaultRequest): boolean {
  if (m.method !== undefined && m.method !== req.method) return false;
  if (m.path !== undefined) {
    const ok = m.path.endsWith('*') ? req.path.startsWith(m.path.slice(0, -1)) : req.path === m.path;
    if (!ok) return false;
  }
  if (m.apiKey !== undefined && m.apiKey !== req.apiKey) return false;
  if (m.symbol !== undefined && m.symbol !== req.params.symbol?.toUpperCase()) return false;
  if (m.side !== undefined && m.side !== req.params.side?.toUpperCase()) return false;
  if (m.type !== undefined && m.type !== req.params.type?.toUpperCase()) return false;
  return true;
}

/** The HTTP answer of a rate-limit fault: -1003 with Binance's wording and a Retry-After header. */
export function rateLimitAnswer(
  action: Extract<FaultAction, { kind: 'rateLimit' }>,
  now: number,
): { status: number; body: { code: number; msg: string }; headers: Record<string, string> } {
  const status = action.status ?? 429;
  const retryAfterSec = action.retryAfterSec ?? (status === 418 ? 120 : 60);
  const msg =
    action.msg ??
    (status === 418
      ? `Way too many requests; IP banned until ${now + retryAfterSec * 1000}. Please use the websocket for live updates to avoid bans.`
      : binanceMessage(BinanceCode.TOO_MANY_REQUESTS, 2400));
  return {
    status,
    body: { code: BinanceCode.TOO_MANY_REQUESTS, msg },
    headers: { 'retry-after': String(retryAfterSec) },
  };
}
