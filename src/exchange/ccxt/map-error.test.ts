import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../../domain/index.js';
import { ambiguousError } from '../errors.js';
import { attachWireFailure, parseBinanceBody, retryAfterMs, toDomainError } from './map-error.js';

/** An error as ccxt throws it after an HTTP answer, with the answer recorded by the client. */
function failed(status: number, body: string, headers: Record<string, string> = {}): Error {
  const err = new Error(`binanceusdm ${body}`);
  attachWireFailure(err, { httpStatus: status, body, headers });
  return err;
}

describe('ccxt error mapping', () => {
  it("reads Binance's code from the body whatever class ccxt picked", () => {
    const err = toDomainError(failed(400, '{"code":-2019,"msg":"Margin is insufficient."}'));
    expect(err.code).toBe(ErrorCode.INSUFFICIENT_MARGIN);
    expect(err.details).toMatchObject({
      exchangeCode: -2019,
      exchangeMessage: 'Margin is insufficient.',
      httpStatus: 400,
    });
    expect(toDomainError(failed(400, '{"code":-2011,"msg":"Unknown order sent."}')).code).toBe(
      ErrorCode.ORDER_NOT_FOUND,
    );
    expect(toDomainError(failed(400, '{"code":-4120,"msg":"x"}')).details?.exchangeCode).toBe(-4120);
    expect(toDomainError(failed(503, '{"code":-1000,"msg":"Unknown error"}')).code).toBe(ErrorCode.AMBIGUOUS);
    expect(toDomainError(failed(401, '{"code":-2015,"msg":"Invalid API-key"}')).code).toBe(
      ErrorCode.EXCHANGE_AUTH,
    );
  });

  it('maps 429/418 to RATE_LIMITED with Retry-After, or the end of the ban', () => {
    const limited = toDomainError(
      failed(429, '{"code":-1003,"msg":"Too many requests"}', { 'retry-after': '12' }),
    );
    expect(limited.code).toBe(ErrorCode.RATE_LIMITED);
    expect(limited.details?.retryAfterMs).toBe(12_000);
    const banned = toDomainError(
      failed(418, '{"code":-1003,"msg":"Way too many requests; IP banned until 1000090000."}'),
      1_000_000_000,
    );
    expect(banned.details?.retryAfterMs).toBe(90_000);
    expect(toDomainError(failed(400, '{"code":-1015,"msg":"Too many new orders"}')).code).toBe(
      ErrorCode.RATE_LIMITED,
    );
  });

  it('maps bare HTTP failures by status: 5xx, 408 and 403 are AMBIGUOUS, other 4xx rejections', () => {
    expect(toDomainError(failed(502, '<html>Bad Gateway</html>')).code).toBe(ErrorCode.AMBIGUOUS);
    expect(toDomainError(failed(408, '')).code).toBe(ErrorCode.AMBIGUOUS);
    expect(toDomainError(failed(403, '<html>WAF</html>')).code).toBe(ErrorCode.AMBIGUOUS);
    expect(toDomainError(failed(404, 'Not Found')).code).toBe(ErrorCode.EXCHANGE_REJECTED);
  });

  it('treats failures without an answer by class name, and unknown ones as possibly executed', () => {
    class NetworkError extends Error {}
    class RequestTimeout extends NetworkError {}
    expect(toDomainError(new RequestTimeout('timed out')).code).toBe(ErrorCode.AMBIGUOUS);
    expect(toDomainError(new NetworkError('socket hang up')).code).toBe(ErrorCode.AMBIGUOUS);
    expect(toDomainError(new TypeError('what')).code).toBe(ErrorCode.AMBIGUOUS);
    const domain = ambiguousError('already mapped');
    expect(toDomainError(domain)).toBe(domain);
    expect(toDomainError(new Error('x'))).toBeInstanceOf(DomainError);
  });

  it('parses bodies and headers defensively', () => {
    expect(parseBinanceBody('{"code":200,"msg":"success"}')).toBeUndefined();
    expect(parseBinanceBody('{"code":"-1022","msg":"bad"}')).toEqual({ code: -1022, msg: 'bad' });
    expect(parseBinanceBody('<html>')).toBeUndefined();
    expect(parseBinanceBody('{oops')).toBeUndefined();
    expect(retryAfterMs(undefined, 0)).toBeUndefined();
    expect(
      retryAfterMs({ httpStatus: 429, body: '', headers: { 'retry-after': 'soon' } }, 0),
    ).toBeUndefined();
  });
});
