/**
 * Binance's answers on the wire: JSON bodies, `{code,msg}` error bodies with the HTTP status
 * Binance uses for each kind (B-GEN): 4xx for request errors, 401 for a refused API key, 429 and
 * 418 for rate limits and bans, 408 for a backend timeout and 503 for "unknown, may have executed".
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DomainError } from '../../domain/index.js';
import { BinanceCode, binanceMessage } from '../errors.js';

export interface BinanceErrorBody {
  code: number;
  msg: string;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const UNAUTHORIZED = new Set<number>([
  BinanceCode.UNAUTHORIZED,
  BinanceCode.BAD_API_KEY_FMT,
  BinanceCode.REJECTED_MBX_KEY,
]);

/** The HTTP status Binance answers a given error code with. */
export function httpStatusFor(code: number): number {
  if (UNAUTHORIZED.has(code)) return 401;
  if (code === BinanceCode.TOO_MANY_REQUESTS) return 429;
  if (code === BinanceCode.TIMEOUT) return 408;
  if (
    code === BinanceCode.UNKNOWN ||
    code === BinanceCode.DISCONNECTED ||
    code === BinanceCode.UNEXPECTED_RESP
  )
    return 503;
  return 400;
}

export function errorAnswer(code: number, msg?: string, status?: number): HttpAnswer {
  return { status: status ?? httpStatusFor(code), body: { code, msg: msg ?? binanceMessage(code) } };
}

/** A thrown value as Binance's error answer; anything that is not a Binance rejection is a 500 -1000. */
export function answerForError(err: unknown): HttpAnswer {
  if (err instanceof DomainError) {
    const code = err.details?.exchangeCode;
    const msg = err.details?.exchangeMessage;
    if (typeof code === 'number') return errorAnswer(code, typeof msg === 'string' ? msg : undefined);
  }
  // The engine's own guards (RangeError/TypeError) mean the request made no sense to it.
  if (err instanceof RangeError || err instanceof TypeError) {
    return errorAnswer(BinanceCode.NEW_ORDER_REJECTED, err.message, 400);
  }
  return errorAnswer(BinanceCode.UNKNOWN, undefined, 500);
}

export function send(
  res: ServerResponse,
  answer: HttpAnswer,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.destroyed || res.headersSent) return;
  const payload = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const isJson = typeof answer.body !== 'string';
  res.writeHead(answer.status, {
    'content-type': isJson ? 'application/json;charset=UTF-8' : 'text/plain;charset=UTF-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...extraHeaders,
    ...answer.headers,
  });
  res.end(payload);
}

const MAX_BODY_BYTES = 1_000_000;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new RangeError('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref?.();
  });
