/**
 * The admin routes under /_sim/ (JSON in, JSON out; no signature: the server only listens on
 * 127.0.0.1). They call the same methods tests call in-process on SimExchangeServer:
 * accounts and funding, prices, symbols, the market clock, faults and fault actions.
 * The README section "Simulator server admin routes" documents each one.
 */
import { DomainError, dec } from '../../domain/index.js';
import { BTC_BRACKETS, type SimSymbolInput, simSymbol } from '../simulator/index.js';
import { parseFaultSpec } from './faults.js';
import type { HttpAnswer } from './http-util.js';
import type { SimExchangeServer } from './server.js';
import type { DropScope } from './ws-hub.js';

/** What /_sim/market/advance drives, when a feed is attached (see MarketDriver). */
export interface MarketControl {
  advanceTo(time: number): void;
  step(): boolean;
  now(): number;
}

type Json = Record<string, unknown>;

const ok = (body: unknown, status = 200): HttpAnswer => ({ status, body });
const fail = (message: string, status = 400): HttpAnswer => ({ status, body: { error: message } });

function parseJson(raw: string): Json {
  if (raw.trim() === '') return {};
  const v: unknown = JSON.parse(raw);
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new RangeError('the body must be a JSON object');
  return v as Json;
}

const str = (o: Json, k: string): string | undefined => {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new RangeError(`${k} must be a string`);
  return v;
};
const decimalish = (o: Json, k: string): string | undefined => {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' && typeof v !== 'number') throw new RangeError(`${k} must be a decimal`);
  return dec(v, k).toFixed();
};
const num = (o: Json, k: string): number | undefined => {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`${k} must be a number`);
  return n;
};

function accountView(server: SimExchangeServer, apiKey: string) {
  const record = server.keyRecord(apiKey);
  if (!record) return undefined;
  const sim = server.simulator;
  const s = sim.accountSummary(record.accountId);
  const l = sim.ledger(record.accountId);
  return {
    apiKey,
    accountId: record.accountId,
    walletBalance: s.walletBalance.toFixed(),
    marginBalance: s.marginBalance.toFixed(),
    availableBalance: s.availableBalance.toFixed(),
    unrealizedPnl: s.unrealizedPnl.toFixed(),
    ledger: {
      deposits: l.deposits.toFixed(),
      realizedPnl: l.realizedPnl.toFixed(),
      fees: l.fees.toFixed(),
      funding: l.funding.toFixed(),
    },
    positions: sim.positionRisk(record.accountId).map((p) => ({
      symbol: p.symbol,
      positionAmt: p.positionAmt.toFixed(),
      entryPrice: p.entryPrice.toFixed(),
      unRealizedProfit: p.unRealizedProfit.toFixed(),
      marginType: p.marginType,
      leverage: p.leverage,
    })),
    openOrders: sim.openOrders(record.accountId).length,
    openAlgoOrders: sim.openAlgoOrders(record.accountId).length,
  };
}

function setPrices(server: SimExchangeServer, body: Json): unknown {
  const rows = Array.isArray(body.prices) ? (body.prices as Json[]) : [body];
  for (const row of rows) {
    const symbol = str(row, 'symbol');
    const last = num(row, 'last') ?? num(row, 'price');
    if (symbol === undefined || last === undefined) throw new RangeError('a price needs symbol and last');
    server.setPrice(symbol.toUpperCase(), {
      last,
      mark: num(row, 'mark'),
      high: num(row, 'high'),
      low: num(row, 'low'),
      volume: num(row, 'volume'),
      time: num(row, 'time'),
      fundingRate: num(row, 'fundingRate'),
    });
  }
  return rows
    .map((r) => server.simulator.marketState(String(r.symbol).toUpperCase()))
    .map((m) => ({
      symbol: m.symbol,
      lastPrice: m.lastPrice.toFixed(),
      markPrice: m.markPrice.toFixed(),
      time: m.time,
    }));
}

function addSymbol(server: SimExchangeServer, body: Json): unknown {
  const symbol = str(body, 'symbol');
  const tickSize = decimalish(body, 'tickSize');
  const stepSize = decimalish(body, 'stepSize');
  if (!symbol || !tickSize || !stepSize) throw new RangeError('a symbol needs symbol, tickSize and stepSize');
  const input: SimSymbolInput = { symbol, tickSize, stepSize };
  const minNotional = decimalish(body, 'minNotional');
  if (minNotional !== undefined) input.minNotional = minNotional;
  const maxQty = decimalish(body, 'maxQty');
  if (maxQty !== undefined) input.maxQty = maxQty;
  if ((num(body, 'maxLeverage') ?? 75) > 75) input.brackets = BTC_BRACKETS;
  const spec = simSymbol(input);
  server.simulator.addSymbol(spec);
  return { symbol: spec.symbol, maxLeverage: spec.maxLeverage };
}

/** Route one admin request. Never throws: errors become 400 {error}. */
export async function handleAdmin(
  server: SimExchangeServer,
  method: string,
  path: string,
  rawBody: string,
  query: URLSearchParams,
): Promise<HttpAnswer> {
  try {
    const body = method === 'GET' || method === 'DELETE' ? {} : parseJson(rawBody);
    const parts = path
      .split('/')
      .filter((p) => p !== '')
      .slice(1);
    const route = `${method} /${parts.map((p, i) => (parts[0] === 'accounts' && i === 1 ? ':key' : parts[0] === 'faults' && i === 1 ? ':id' : p)).join('/')}`;
    switch (route) {
      case 'GET /health':
        return ok({
          ok: true,
          url: server.url,
          accounts: server.apiKeys().length,
          webSockets: server.webSocketCount,
        });
      case 'POST /accounts': {
        const apiKey = str(body, 'apiKey');
        const secret = str(body, 'secret');
        if (!apiKey || !secret) return fail('an account needs apiKey and secret');
        const record = server.addAccount({
          apiKey,
          secret,
          accountId: str(body, 'accountId'),
          deposit: decimalish(body, 'deposit') ?? decimalish(body, 'balance'),
        });
        return ok(accountView(server, record.apiKey), 201);
      }
      case 'GET /accounts':
        return ok(server.apiKeys().map((k) => accountView(server, k.apiKey)));
      case 'GET /accounts/:key': {
        const view = accountView(server, decodeURIComponent(parts[1]!));
        return view ? ok(view) : fail('unknown API key', 404);
      }
      case 'POST /accounts/:key/deposit':
      case 'POST /accounts/:key/withdraw': {
        const record = server.keyRecord(decodeURIComponent(parts[1]!));
        if (!record) return fail('unknown API key', 404);
        const amount = decimalish(body, 'amount');
        if (amount === undefined) return fail('amount is required');
        if (parts[2] === 'deposit') server.simulator.deposit(record.accountId, amount);
        else server.simulator.withdraw(record.accountId, amount);
        return ok(accountView(server, record.apiKey));
      }
      case 'POST /price':
        return ok(setPrices(server, body));
      case 'POST /symbols':
        return ok(addSymbol(server, body), 201);
      case 'POST /market/advance': {
        const control = server.marketControl;
        if (!control) return fail('no market feed is attached (prices come from POST /_sim/price)', 409);
        const steps = num(body, 'steps');
        const to =
          num(body, 'to') ?? (num(body, 'ms') !== undefined ? control.now() + num(body, 'ms')! : undefined);
        if (to !== undefined) control.advanceTo(to);
        else for (let i = 0; i < (steps ?? 1); i++) if (!control.step()) break;
        return ok({ time: control.now() });
      }
      case 'GET /faults':
        return ok(server.faults.report());
      case 'POST /faults': {
        const specs = Array.isArray(body.faults) ? (body.faults as unknown[]) : [body];
        const armed = specs.map((s) => server.faults.arm(parseFaultSpec(s)));
        return ok({ armed }, 201);
      }
      case 'DELETE /faults':
        server.faults.clear();
        return ok(server.faults.report());
      case 'DELETE /faults/:id':
        return server.faults.disarm(Number(parts[1]))
          ? ok(server.faults.report())
          : fail('no such fault', 404);
      case 'POST /ws/drop': {
        const scope = (str(body, 'scope') ?? query.get('scope') ?? 'all') as DropScope;
        if (!['all', 'user', 'market'].includes(scope)) return fail("scope is 'all', 'user' or 'market'");
        return ok({ dropped: server.dropWebSockets(scope, str(body, 'apiKey')) });
      }
      case 'POST /listen-keys/expire':
        server.expireListenKeys(str(body, 'apiKey'));
        return ok({ expired: true });
      case 'POST /restart': {
        const downMs = num(body, 'downMs') ?? 0;
        // Answer first: the restart cuts this very connection.
        setTimeout(() => {
          server.restart(downMs).catch(() => undefined);
        }, 20);
        return ok({ restarting: true, downMs }, 202);
      }
      default:
        return fail(`unknown admin route ${method} ${path}`, 404);
    }
  } catch (err) {
    if (err instanceof DomainError) {
      return fail(String(err.details?.exchangeMessage ?? err.message));
    }
    return fail(err instanceof Error ? err.message : String(err));
  }
}
