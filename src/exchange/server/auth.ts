/**
 * Request authentication as Binance does it (B-GEN "SIGNED endpoint security"): the API key in
 * the X-MBX-APIKEY header (-2014 missing or malformed, -2015 unknown), `timestamp` within
 * `recvWindow` of the server's time (-1021; at most 1000 ms ahead), and `signature` = hex
 * HMAC-SHA256(secret, totalParams) where totalParams is the query string followed by the body,
 * without the signature parameter itself (-1022).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { BinanceCode, binanceError, binanceMessage } from '../errors.js';
import { mandatory } from './params.js';

export interface ApiKeyRecord {
  apiKey: string;
  secret: string;
  accountId: string;
}

export type Security = 'NONE' | 'USER_STREAM' | 'SIGNED';

const DEFAULT_RECV_WINDOW_MS = 5_000;
const MAX_RECV_WINDOW_MS = 60_000;
const MAX_AHEAD_MS = 1_000;

export function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

/** Remove `signature=…` from a raw urlencoded string, keeping every other byte as sent. */
export function withoutSignature(raw: string): { payload: string; signature: string | undefined } {
  let signature: string | undefined;
  const kept = raw
    .split('&')
    .filter((part) => {
      if (part.startsWith('signature=')) {
        signature = decodeURIComponent(part.slice('signature='.length));
        return false;
      }
      return true;
    })
    .join('&');
  return { payload: kept, signature };
}

export interface AuthInput {
  security: Security;
  apiKeyHeader: string | undefined;
  rawQuery: string;
  rawBody: string;
  now: number;
  lookup(apiKey: string): ApiKeyRecord | undefined;
}

/** The key record the request acts for, or a thrown Binance error. NONE returns undefined. */
export function authenticate(input: AuthInput): ApiKeyRecord | undefined {
  if (input.security === 'NONE') return undefined;
  const apiKey = input.apiKeyHeader;
  if (apiKey === undefined || apiKey === '' || !/^[\x21-\x7e]{1,128}$/.test(apiKey)) {
    throw binanceError(BinanceCode.BAD_API_KEY_FMT);
  }
  const record = input.lookup(apiKey);
  if (!record) throw binanceError(BinanceCode.REJECTED_MBX_KEY);
  if (input.security === 'USER_STREAM') return record;

  const query = withoutSignature(input.rawQuery);
  const body = withoutSignature(input.rawBody);
  const params = new URLSearchParams(`${query.payload}&${body.payload}`);
  const timestampRaw = params.get('timestamp');
  if (timestampRaw === null || !/^\d+$/.test(timestampRaw)) throw mandatory('timestamp');
  const recvRaw = params.get('recvWindow');
  let recvWindow = DEFAULT_RECV_WINDOW_MS;
  if (recvRaw !== null) {
    if (!/^\d+$/.test(recvRaw)) throw mandatory('recvWindow');
    recvWindow = Number(recvRaw);
    if (recvWindow <= 0 || recvWindow > MAX_RECV_WINDOW_MS) {
      throw binanceError(BinanceCode.INVALID_TIMESTAMP, {
        message: 'recvWindow must be less than 60000',
      });
    }
  }
  const timestamp = Number(timestampRaw);
  if (timestamp >= input.now + MAX_AHEAD_MS) {
    throw binanceError(BinanceCode.INVALID_TIMESTAMP, {
      message: "Timestamp for this request was 1000ms ahead of the server's time.",
    });
  }
  if (input.now - timestamp > recvWindow) throw binanceError(BinanceCode.INVALID_TIMESTAMP);

  const signature = query.signature ?? body.signature;
  if (signature === undefined || signature === '') throw mandatory('signature');
  const expected = sign(record.secret, query.payload + body.payload);
  const given = Buffer.from(signature, 'utf8');
  const wanted = Buffer.from(expected, 'utf8');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw binanceError(BinanceCode.INVALID_SIGNATURE, {
      message: binanceMessage(BinanceCode.INVALID_SIGNATURE),
    });
  }
  return record;
}
