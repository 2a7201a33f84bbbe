/**
 * Binance counts request weight per IP: 2,400 a minute on USDⓈ-M (reference §7), then 429 -1003,
 * then an IP ban (418) that grows for repeat offenders. Every REAL user's client in this process
 * leaves from the same IP, and so does the live market feed: their reads share one budget
 * (src/market's WeightBudget, given to each client), or a fan-out to many REAL users (each attach
 * reads the account, positions, brackets: ~20 weight) would get the whole IP banned, and with it
 * every user's protective orders. ccxt's own limiter is per client and counts its own cost model.
 *
 * - A weighted request waits for room in the budget before it is signed and sent.
 * - Placing an order or an algo (stop, target) order costs no IP weight on Binance: it never waits
 *   here, so an entry or a protective stop is never held back behind reads.
 * - Cancelling an order and looking one up draw on the budget's order reserve, which reads leave
 *   alone: a panic's cancels do not queue behind a thousand accounts' balance reads.
 * - The exchange's count (X-MBX-USED-WEIGHT-1M, which sees other processes on the same IP) can only
 *   raise ours; a 429 or 418 pauses every weighted request until its Retry-After or the ban's end
 *   (a 429 for one account's order rate, -1015, is that account's alone).
 */
import type { Exchange } from 'ccxt';
import type { WeightBudget } from '../../market/index.js';
import { BinanceCode } from '../errors.js';
import { parseBinanceBody, retryAfterMs, wireFailureOf } from './map-error.js';

/** Order placement: 0 IP weight (it counts on the account's order limits instead). */
const PLACEMENT = new Set(['POST order', 'POST algoOrder']);
/** Where ccxt's cost table differs from Binance's weight: account and positions are 5 in v2 and v3 too. */
const BINANCE_WEIGHT: Record<string, number> = { 'GET account': 5, 'GET positionRisk': 5 };
/** Managing orders already placed: cancels, and the lookup that settles an order whose answer was lost. */
const ORDER_MANAGEMENT = new Set([
  'DELETE order',
  'DELETE batchOrders',
  'DELETE allOpenOrders',
  'DELETE algoOrder',
  'DELETE algoOpenOrders',
  'GET order',
  'GET algoOrder',
]);

/** Binance's IP weight of a request, from ccxt's endpoint path, method and its own cost for it. */
export function ipWeightOf(method: string, path: string, ccxtCost: number): number {
  const key = `${method.toUpperCase()} ${path}`;
  if (PLACEMENT.has(key)) return 0;
  return BINANCE_WEIGHT[key] ?? ccxtCost;
}

type Fetch2 = (
  path: string,
  api?: unknown,
  method?: string,
  params?: Record<string, unknown>,
  headers?: unknown,
  body?: unknown,
  config?: Record<string, unknown>,
) => Promise<unknown>;

/** Route every REST request of `exchange` through the shared IP weight budget. */
export function meterIpWeight(exchange: Exchange, budget: WeightBudget, now: () => number = Date.now): void {
  const target = exchange as unknown as {
    fetch2: Fetch2;
    calculateRateLimiterCost(
      api: unknown,
      method: string,
      path: string,
      params: unknown,
      config: unknown,
    ): number;
    last_response_headers?: Record<string, string> | undefined;
  };
  const fetch2 = target.fetch2.bind(exchange);
  target.fetch2 = async (path, api = 'public', method = 'GET', params = {}, headers, body, config = {}) => {
    const weight = ipWeightOf(
      method,
      path,
      Number(target.calculateRateLimiterCost(api, method, path, params, config)),
    );
    const lane = ORDER_MANAGEMENT.has(`${method.toUpperCase()} ${path}`) ? 'order' : 'read';
    if (weight > 0) await budget.acquire(weight, lane);
    try {
      const result = await fetch2(path, api, method, params, headers, body, config);
      budget.succeeded();
      observe(budget, target.last_response_headers);
      return result;
    } catch (err) {
      const wire = wireFailureOf(err);
      // -1015 is the account's own order rate, not the IP's weight: the other users go on.
      const accountLimit = wire && parseBinanceBody(wire.body)?.code === BinanceCode.TOO_MANY_ORDERS;
      if (wire?.httpStatus === 429 && !accountLimit) budget.rateLimited(retryAfterMs(wire, now()));
      else if (wire?.httpStatus === 418) {
        const wait = retryAfterMs(wire, now());
        budget.banned(wait === undefined ? undefined : now() + wait);
      } else if (wire) observe(budget, wire.headers);
      throw err;
    }
  };
}

/** X-MBX-USED-WEIGHT-1M, whatever case the headers came in. */
function observe(budget: WeightBudget, headers: Record<string, string> | undefined): void {
  if (!headers) return;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'x-mbx-used-weight-1m') {
      budget.observeUsedWeight(Number(value));
      return;
    }
  }
}
