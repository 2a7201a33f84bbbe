/**
 * The one place where what ccxt throws becomes a DomainError.
 *
 * ccxt's own classes are not enough: it picks Binance's futures error table by URL prefix, so
 * against any other URL (the simulator, a proxy) every coded error degrades to ExchangeError,
 * and it matches some messages before codes (a -2011 surfaces as "Unknown order sent." with no
 * code). So the client (./client.ts) records the HTTP status, headers and body of every failed
 * response on the error, and this mapping reads Binance's `{code,msg}` from the body first,
 * through ../errors.ts, exactly as the simulator raises it. Without a body it falls back on the
 * HTTP status, then on ccxt's class: timeouts and dropped connections are AMBIGUOUS (the order
 * may exist), 429/418 RATE_LIMITED with retryAfterMs from Retry-After (or the ban's end).
 */
import { DomainError, ErrorCode } from '../../domain/index.js';
import { ambiguousError, BinanceCode, binanceError, httpStatusError, rateLimitedError } from '../errors.js';

/** What the wire said, attached to ccxt's error by the client. */
export interface WireFailure {
  httpStatus: number;
  body: string;
  headers: Record<string, string>;
}

const WIRE = Symbol.for('neurotrade.exchange.ccxt.wire');

export function attachWireFailure(err: unknown, failure: WireFailure): void {
  if (typeof err === 'object' && err !== null) (err as Record<symbol, unknown>)[WIRE] = failure;
}

export function wireFailureOf(err: unknown): WireFailure | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  return (err as Record<symbol, WireFailure | undefined>)[WIRE];
}

/** Class names from the error's own class up to Error (ccxt's hierarchy, see base/errors.js). */
export function ccxtClassChain(err: unknown): string[] {
  const out: string[] = [];
  let proto = typeof err === 'object' && err !== null ? Object.getPrototypeOf(err) : null;
  while (proto && proto !== Error.prototype && proto !== Object.prototype) {
    out.push(proto.constructor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return out;
}

/** Binance's `{code,msg}` from a response body, when it is one (200/0 mean success). */
export function parseBinanceBody(body: string): { code: number; msg: string } | undefined {
  const trimmed = body.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(trimmed) as { code?: unknown; msg?: unknown };
    const code = typeof parsed.code === 'string' ? Number(parsed.code) : parsed.code;
    if (typeof code !== 'number' || !Number.isFinite(code) || code === 200 || code === 0) return undefined;
    return { code, msg: typeof parsed.msg === 'string' ? parsed.msg : '' };
  } catch {
    return undefined;
  }
}

const DEFAULT_RATE_LIMIT_MS = 60_000;
const DEFAULT_BAN_MS = 120_000;
const RATE_CODES = new Set<number>([
  BinanceCode.TOO_MANY_REQUESTS,
  BinanceCode.TOO_MANY_ORDERS,
  BinanceCode.REQUEST_THROTTLED,
]);

/** Retry-After (seconds) or the end of a 418 ban ("IP banned until <ms>"), as milliseconds from now. */
export function retryAfterMs(wire: WireFailure | undefined, now: number): number | undefined {
  if (!wire) return undefined;
  const header = wire.headers['retry-after'] ?? wire.headers['Retry-After'];
  if (header !== undefined && /^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const until = /banned until (\d{10,})/.exec(wire.body);
  if (until) return Math.max(0, Number(until[1]) - now);
  return undefined;
}

/** Map anything the ccxt client threw to a DomainError (DomainErrors pass through). */
export function toDomainError(err: unknown, now: number = Date.now()): DomainError {
  if (err instanceof DomainError) return err;
  const wire = wireFailureOf(err);
  const chain = ccxtClassChain(err);
  const message = err instanceof Error ? err.message : String(err);
  const retryAfter = retryAfterMs(wire, now);

  if (wire) {
    const coded = parseBinanceBody(wire.body);
    const status = wire.httpStatus;
    if (status === 429 || status === 418 || (coded && RATE_CODES.has(coded.code))) {
      return rateLimitedError(retryAfter ?? (status === 418 ? DEFAULT_BAN_MS : DEFAULT_RATE_LIMIT_MS), {
        code: coded?.code ?? BinanceCode.TOO_MANY_REQUESTS,
        message: coded?.msg || `HTTP ${status}`,
        httpStatus: status,
        cause: err,
      });
    }
    if (coded)
      return binanceError(coded.code, { message: coded.msg || undefined, httpStatus: status, cause: err });
    if (status >= 400)
      return httpStatusError(status, { body: wire.body.slice(0, 300), retryAfterMs: retryAfter, cause: err });
  }

  if (chain.includes('RequestTimeout'))
    return ambiguousError(`request timed out: ${message}`, { cause: err });
  if (chain.includes('DDoSProtection') || chain.includes('RateLimitExceeded')) {
    return rateLimitedError(retryAfter ?? DEFAULT_RATE_LIMIT_MS, { message, cause: err });
  }
  // Connection refused, reset, closed mid-answer: the request may have reached the exchange.
  if (chain.includes('NetworkError')) return ambiguousError(`connection failed: ${message}`, { cause: err });
  if (chain.includes('AuthenticationError')) {
    return new DomainError(ErrorCode.EXCHANGE_AUTH, message, { cause: err });
  }
  if (chain.includes('OrderNotFound'))
    return new DomainError(ErrorCode.ORDER_NOT_FOUND, message, { cause: err });
  if (chain.includes('InsufficientFunds'))
    return new DomainError(ErrorCode.INSUFFICIENT_MARGIN, message, { cause: err });
  if (chain.includes('BaseError')) {
    // ccxt refused locally (bad arguments, NotSupported...) or the exchange said no without a code.
    return new DomainError(ErrorCode.EXCHANGE_REJECTED, message, { cause: err });
  }
  // Not ccxt's: we cannot tell whether the request left, so it is treated as possibly executed.
  return ambiguousError(`unexpected failure: ${message}`, { cause: err });
}
