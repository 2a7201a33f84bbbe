import { describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '../domain/index.js';
import {
  BinanceCode,
  binanceError,
  binanceMessage,
  domainCodeForBinance,
  exchangeCodeOf,
  httpStatusError,
  rateLimitedError,
} from './errors.js';

describe('Binance code -> domain error', () => {
  it.each([
    [-2019, ErrorCode.INSUFFICIENT_MARGIN],
    [-2018, ErrorCode.INSUFFICIENT_MARGIN],
    [-4164, ErrorCode.BELOW_MIN_NOTIONAL],
    [-2021, ErrorCode.WOULD_TRIGGER_IMMEDIATELY],
    [-4142, ErrorCode.WOULD_TRIGGER_IMMEDIATELY],
    [-2022, ErrorCode.REDUCE_ONLY_REJECTED],
    [-4118, ErrorCode.REDUCE_ONLY_REJECTED],
    [-1003, ErrorCode.RATE_LIMITED],
    [-1015, ErrorCode.RATE_LIMITED],
    [-2015, ErrorCode.EXCHANGE_AUTH],
    [-1022, ErrorCode.EXCHANGE_AUTH],
    [-1007, ErrorCode.AMBIGUOUS],
    [-1006, ErrorCode.AMBIGUOUS],
    [-2011, ErrorCode.ORDER_NOT_FOUND],
    [-2013, ErrorCode.ORDER_NOT_FOUND],
    [-4116, ErrorCode.DUPLICATE_CLIENT_ORDER_ID],
    [-4120, ErrorCode.EXCHANGE_REJECTED],
    [-4014, ErrorCode.EXCHANGE_REJECTED],
    [-1021, ErrorCode.EXCHANGE_REJECTED],
    [-99999, ErrorCode.EXCHANGE_REJECTED],
  ])('%i maps to %s', (code, expected) => {
    expect(domainCodeForBinance(code)).toBe(expected);
    expect(binanceError(code).code).toBe(expected);
  });

  it("keeps the exchange's code and canonical message in details", () => {
    const err = binanceError(BinanceCode.MARGIN_NOT_SUFFICIENT);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.details).toEqual({ exchangeCode: -2019, exchangeMessage: 'Margin is insufficient.' });
    expect(exchangeCodeOf(err)).toBe(-2019);
    expect(exchangeCodeOf(new Error('x'))).toBeUndefined();
  });

  it('fills message templates', () => {
    expect(binanceMessage(-4164, '100')).toBe(
      "Order's notional must be no smaller than 100 (unless you choose reduce only)",
    );
    expect(binanceMessage(-1102, 'quantity')).toBe(
      "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed.",
    );
    expect(binanceMessage(-4120)).toBe(
      'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
    );
  });

  it('rate limits carry retryAfterMs', () => {
    const err = rateLimitedError(1500, { httpStatus: 429 });
    expect(err.code).toBe(ErrorCode.RATE_LIMITED);
    expect(err.details?.retryAfterMs).toBe(1500);
    expect(err.details?.exchangeCode).toBe(-1003);
  });

  it('classifies bare HTTP failures: 5xx/408 ambiguous, 429/418 rate limited, 401 auth', () => {
    expect(httpStatusError(503).code).toBe(ErrorCode.AMBIGUOUS);
    expect(httpStatusError(408).code).toBe(ErrorCode.AMBIGUOUS);
    expect(httpStatusError(429, { retryAfterMs: 2000 }).details?.retryAfterMs).toBe(2000);
    expect(httpStatusError(418).code).toBe(ErrorCode.RATE_LIMITED);
    expect(httpStatusError(401).code).toBe(ErrorCode.EXCHANGE_AUTH);
    expect(httpStatusError(400).code).toBe(ErrorCode.EXCHANGE_REJECTED);
  });
});
