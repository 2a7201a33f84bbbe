/**
 * Every fault the served simulator can inject, seen through the real ccxt client and the adapter:
 * each must arrive as the right domain error (REJECTED codes, AMBIGUOUS, RATE_LIMITED with
 * retryAfterMs), createOrder must never be resent, idempotent calls must retry through, and an
 * ambiguous order must be settled by looking it up by client order id.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ClientOrderId,
  DomainError,
  ErrorCode,
  marketSymbol,
  price,
  qty,
} from '../../src/domain/index.js';
import type { CcxtExchange } from '../../src/exchange/ccxt/index.js';
import type { FaultSpec } from '../../src/exchange/server/index.js';
import { type Harness, startHarness } from './harness.js';

const BTC = marketSymbol('BTCUSDT');
const id = (s: string) => s as ClientOrderId;
const ORDER = '/fapi/v1/order';

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('injected faults through the ccxt adapter', () => {
  let h: Harness;
  let ex: CcxtExchange;
  let n = 0;
  const next = () => id(`f-${++n}`);
  const market = (clientOrderId: ClientOrderId, side: 'BUY' | 'SELL' = 'BUY') =>
    ex.createOrder({ symbol: BTC, side, type: 'MARKET', clientOrderId, qty: qty('0.002') });
  const arm = (spec: FaultSpec) => h.server.faults.arm(spec);

  beforeAll(async () => {
    h = await startHarness([{ apiKey: 'alice-key', secret: 'alice-secret', deposit: 100_000 }]);
    ex = await h.connect();
    await ex.markets();
  });
  beforeEach(() => h.server.faults.clear());
  afterAll(async () => {
    const report = h.server.faults.report();
    // What a fault-injection suite reports: every firing was counted.
    expect(report.total).toBeGreaterThan(20);
    await h.close();
  });

  it.each<[number, ErrorCode]>([
    [-2019, ErrorCode.INSUFFICIENT_MARGIN],
    [-2021, ErrorCode.WOULD_TRIGGER_IMMEDIATELY],
    [-2022, ErrorCode.REDUCE_ONLY_REJECTED],
    [-4164, ErrorCode.BELOW_MIN_NOTIONAL],
    [-4116, ErrorCode.DUPLICATE_CLIENT_ORDER_ID],
    [-1106, ErrorCode.EXCHANGE_REJECTED],
    [-4120, ErrorCode.EXCHANGE_REJECTED],
    [-1111, ErrorCode.EXCHANGE_REJECTED],
    [-4118, ErrorCode.REDUCE_ONLY_REJECTED],
    [-1008, ErrorCode.RATE_LIMITED],
  ])('a rejection with %i becomes %s, code and message kept, nothing executed', async (code, domain) => {
    const fault = arm({ kind: 'reject', code, path: ORDER, method: 'POST', side: 'BUY' });
    const clientOrderId = next();
    const err = await rejection(market(clientOrderId));
    expect(err.code).toBe(domain);
    expect(err.details?.exchangeCode).toBe(code);
    expect(fault.fired).toBe(1);
    expect(await ex.fetchOrder({ symbol: BTC, clientOrderId })).toBeUndefined();
  });

  it('matches rejections by order type: the stop is refused with -1106, the entry goes through', async () => {
    arm({
      kind: 'reject',
      code: -1106,
      msg: "Parameter 'reduceonly' sent when not required.",
      type: 'STOP_MARKET',
    });
    const entry = await market(next());
    expect(entry.status).toBe('FILLED');
    const err = await rejection(
      ex.createOrder({
        symbol: BTC,
        side: 'SELL',
        type: 'STOP_MARKET',
        clientOrderId: next(),
        triggerPrice: price('50000'),
        closePosition: true,
      }),
    );
    expect(err.details).toMatchObject({
      exchangeCode: -1106,
      exchangeMessage: "Parameter 'reduceonly' sent when not required.",
    });
  });

  it('accepted but the answer is lost (socket closed): AMBIGUOUS, and the order is found by its client id', async () => {
    const fault = arm({ kind: 'drop', path: ORDER, method: 'POST' });
    const clientOrderId = next();
    const err = await rejection(market(clientOrderId));
    expect(err.code).toBe(ErrorCode.AMBIGUOUS);
    expect(fault.fired).toBe(1); // sent once: createOrder is never retried
    expect(await ex.fetchOrder({ symbol: BTC, clientOrderId })).toMatchObject({
      status: 'FILLED',
      clientOrderId,
    });
  });

  it('a dropped request that never executed: AMBIGUOUS, and the lookup finds nothing', async () => {
    arm({ kind: 'drop', path: ORDER, method: 'POST', execute: false });
    const clientOrderId = next();
    expect((await rejection(market(clientOrderId))).code).toBe(ErrorCode.AMBIGUOUS);
    expect(await ex.fetchOrder({ symbol: BTC, clientOrderId })).toBeUndefined();
  });

  it('an answer that never comes (hang): AMBIGUOUS after the client timeout', async () => {
    const quick = await h.connect('alice-key', 'alice-secret', { timeoutMs: 300 });
    await quick.markets();
    arm({ kind: 'drop', mode: 'hang', path: ORDER, method: 'POST' });
    const clientOrderId = next();
    const err = await rejection(
      quick.createOrder({ symbol: BTC, side: 'BUY', type: 'MARKET', clientOrderId, qty: qty('0.002') }),
    );
    expect(err.code).toBe(ErrorCode.AMBIGUOUS);
    expect(await ex.fetchOrder({ symbol: BTC, clientOrderId })).toMatchObject({ status: 'FILLED' });
  });

  it.each<[string, FaultSpec]>([
    ['503 Unknown error after executing', { kind: 'http', status: 503, execute: true }],
    ['503 Service Unavailable (text)', { kind: 'http', status: 503, body: 'Service Unavailable.' }],
    ['500 Request occur unknown error', { kind: 'http', status: 500 }],
    ['502 from a proxy', { kind: 'http', status: 502, body: '<html>Bad Gateway</html>' }],
    [
      '408 backend timeout',
      {
        kind: 'http',
        status: 408,
        body: {
          code: -1007,
          msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
        },
      },
    ],
  ])('%s is AMBIGUOUS and createOrder is not resent', async (_, spec) => {
    const fault = arm({ ...spec, path: ORDER, method: 'POST', times: 2 });
    const clientOrderId = next();
    const err = await rejection(market(clientOrderId));
    expect(err.code).toBe(ErrorCode.AMBIGUOUS);
    expect(fault.fired).toBe(1);
    const found = await ex.fetchOrder({ symbol: BTC, clientOrderId });
    expect(found?.status).toBe(spec.kind === 'http' && spec.execute ? 'FILLED' : undefined);
  });

  it('429 is RATE_LIMITED with Retry-After in ms; 418 (ban) too, with the ban length', async () => {
    arm({ kind: 'rateLimit', status: 429, retryAfterSec: 7, path: ORDER });
    const limited = await rejection(market(next()));
    expect(limited.code).toBe(ErrorCode.RATE_LIMITED);
    expect(limited.details).toMatchObject({ retryAfterMs: 7_000, httpStatus: 429, exchangeCode: -1003 });
    arm({ kind: 'rateLimit', status: 418, retryAfterSec: 180, path: ORDER });
    const banned = await rejection(market(next()));
    expect(banned.code).toBe(ErrorCode.RATE_LIMITED);
    expect(banned.details).toMatchObject({ retryAfterMs: 180_000, httpStatus: 418 });
  });

  it('reads retry through 5xx and short rate limits (Retry-After honoured)', async () => {
    const down = arm({ kind: 'http', status: 503, path: '/fapi/v3/account', times: 2 });
    expect((await ex.balance()).asset).toBe('USDT');
    expect(down.fired).toBe(2);
    const limited = arm({ kind: 'rateLimit', retryAfterSec: 0.2, path: '/fapi/v1/openOrders' });
    const start = Date.now();
    await ex.openOrders(BTC);
    expect(limited.fired).toBe(1);
    expect(Date.now() - start).toBeGreaterThanOrEqual(190);
  });

  it('a long ban is not waited out by a read: RATE_LIMITED comes back at once', async () => {
    arm({ kind: 'rateLimit', status: 418, retryAfterSec: 600, path: '/fapi/v3/account' });
    const err = await rejection(ex.balance());
    expect(err.code).toBe(ErrorCode.RATE_LIMITED);
    expect(err.details?.retryAfterMs).toBe(600_000);
  });

  it('a cancel whose answer was lost is retried, and the retry settles it as CANCELED', async () => {
    const clientOrderId = next();
    await ex.createOrder({
      symbol: BTC,
      side: 'BUY',
      type: 'LIMIT',
      clientOrderId,
      qty: qty('0.002'),
      price: price('50000'),
    });
    const drop = arm({ kind: 'drop', path: ORDER, method: 'DELETE' });
    const canceled = await ex.cancelOrder({ symbol: BTC, clientOrderId });
    expect(drop.fired).toBe(1);
    expect(canceled).toMatchObject({ status: 'CANCELED', clientOrderId });
  });

  it('added latency slows answers down; beyond the timeout it is AMBIGUOUS', async () => {
    const quick = await h.connect('alice-key', 'alice-secret', { timeoutMs: 400 });
    arm({ kind: 'latency', ms: 150, path: '/fapi/v3/account' });
    const start = Date.now();
    await quick.balance();
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
    await quick.markets();
    arm({ kind: 'latency', ms: 700, path: ORDER, method: 'POST' });
    const clientOrderId = next();
    const err = await rejection(
      quick.createOrder({ symbol: BTC, side: 'BUY', type: 'MARKET', clientOrderId, qty: qty('0.002') }),
    );
    expect(err.code).toBe(ErrorCode.AMBIGUOUS);
    await new Promise((r) => setTimeout(r, 400));
    expect(await ex.fetchOrder({ symbol: BTC, clientOrderId })).toMatchObject({ status: 'FILLED' });
  });

  it('faults can target one API key; others are untouched', async () => {
    h.server.addAccount({ apiKey: 'carol-key', secret: 'carol-secret', deposit: 1_000 });
    const carol = await h.connect('carol-key', 'carol-secret');
    arm({ kind: 'reject', code: -2019, apiKey: 'carol-key' });
    expect((await ex.balance()).asset).toBe('USDT');
    expect((await rejection(carol.balance())).code).toBe(ErrorCode.INSUFFICIENT_MARGIN);
  });

  it('a restart keeps the state: positions and orders are there after the server comes back', async () => {
    const before = JSON.stringify(await ex.positions());
    const clientOrderId = next();
    await ex.createOrder({
      symbol: BTC,
      side: 'BUY',
      type: 'LIMIT',
      clientOrderId,
      qty: qty('0.002'),
      price: price('50000'),
    });
    await h.server.restart(50);
    expect(JSON.stringify(await ex.positions())).toBe(before);
    expect(await ex.fetchOrder({ symbol: BTC, clientOrderId })).toMatchObject({ status: 'NEW' });
    expect(h.server.faults.report().fired.restart).toBeGreaterThanOrEqual(1);
  });

  it('while the server is down, calls fail AMBIGUOUS (connection refused)', async () => {
    const patient = await h.connect('alice-key', 'alice-secret', { retry: { attempts: 1 } });
    await patient.markets();
    const restarting = h.server.restart(300);
    await new Promise((r) => setTimeout(r, 50));
    const err = await rejection(patient.balance());
    expect(err.code).toBe(ErrorCode.AMBIGUOUS);
    await restarting;
    expect((await patient.balance()).asset).toBe('USDT');
  });
});
