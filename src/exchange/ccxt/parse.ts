/**
 * Binance's raw JSON (REST responses kept in ccxt's `info`, user-stream events) into the port's
 * types, with decimals parsed from Binance's strings (ccxt's unified objects are floats: never
 * used for money). Bad data becomes a BAD_DATA DomainError here, at the parse boundary.
 */
import {
  type ClientOrderId,
  type Dec,
  DomainError,
  dec,
  type EpochMs,
  ErrorCode,
  type MarginMode,
  type MarketSymbol,
  type Money,
  type OrderSide,
  type Price,
  type Qty,
  type SymbolRules,
  type SymbolStatus,
} from '../../domain/index.js';
import type {
  AlgoOrder,
  AlgoOrderStatus,
  Balance,
  BalanceChangeReason,
  ExchangeOrderType,
  ExchangePosition,
  RegularOrder,
  RegularOrderStatus,
  UserStreamEvent,
  WorkingType,
} from '../port.js';

type Raw = Record<string, unknown>;

function bad(what: string, value: unknown): DomainError {
  return new DomainError(ErrorCode.BAD_DATA, `Binance sent ${what} = ${JSON.stringify(value)}`, {
    details: { field: what },
  });
}

export function asRaw(value: unknown, what: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(what, value);
  return value as Raw;
}

export function asRawList(value: unknown, what: string): Raw[] {
  if (!Array.isArray(value)) throw bad(what, value);
  return value.map((v) => asRaw(v, what));
}

const decOf = (r: Raw, k: string): Dec => {
  const v = r[k];
  if (typeof v !== 'string' && typeof v !== 'number') throw bad(k, v);
  try {
    return dec(v, k);
  } catch {
    throw bad(k, v);
  }
};
const decOr0 = (r: Raw, k: string): Dec =>
  r[k] === undefined || r[k] === '' || r[k] === null ? dec(0) : decOf(r, k);
const str = (r: Raw, k: string): string => {
  const v = r[k];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw bad(k, v);
};
const num = (r: Raw, k: string): number => {
  const v = typeof r[k] === 'string' ? Number(r[k]) : r[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(k, r[k]);
  return v;
};
const bool = (r: Raw, k: string): boolean => r[k] === true || r[k] === 'true';
const at = (ms: number): EpochMs => ms as EpochMs;
const asPrice = (d: Dec) => d as Price;
const asQty = (d: Dec) => d as Qty;
const asMoney = (d: Dec) => d as Money;
const nullIfZero = (d: Dec): Price | null => (d.isZero() ? null : asPrice(d));

/** GET/POST/DELETE /fapi/v1/order (createdAt from `time`, or `updateTime` on a fresh order). */
export function parseRegularOrder(r: Raw, createdAt?: number): RegularOrder {
  const type = str(r, 'type') as ExchangeOrderType;
  const filled = decOf(r, 'executedQty');
  const updated = num(r, 'updateTime');
  return {
    family: 'regular',
    symbol: str(r, 'symbol') as MarketSymbol,
    id: str(r, 'orderId'),
    clientOrderId: str(r, 'clientOrderId') as ClientOrderId,
    side: str(r, 'side') as OrderSide,
    type,
    timeInForce: str(r, 'timeInForce'),
    qty: asQty(decOf(r, 'origQty')),
    price: type === 'LIMIT' ? asPrice(decOf(r, 'price')) : null,
    triggerPrice: nullIfZero(decOr0(r, 'stopPrice')),
    workingType: (r.workingType as WorkingType | undefined) ?? 'CONTRACT_PRICE',
    reduceOnly: bool(r, 'reduceOnly'),
    closePosition: bool(r, 'closePosition'),
    createdAt: at(typeof r.time === 'number' ? r.time : (createdAt ?? updated)),
    updatedAt: at(updated),
    status: str(r, 'status') as RegularOrderStatus,
    filledQty: asQty(filled),
    avgFillPrice: filled.isZero() ? null : asPrice(decOf(r, 'avgPrice')),
  };
}

/** POST/GET /fapi/v1/algoOrder, openAlgoOrders rows. */
export function parseAlgoOrder(r: Raw): AlgoOrder {
  const closePosition = bool(r, 'closePosition');
  const actual = r.actualOrderId;
  const triggerTime = r.triggerTime === undefined ? 0 : num(r, 'triggerTime');
  return {
    family: 'algo',
    symbol: str(r, 'symbol') as MarketSymbol,
    id: str(r, 'algoId'),
    clientOrderId: str(r, 'clientAlgoId') as ClientOrderId,
    side: str(r, 'side') as OrderSide,
    type: str(r, 'orderType') as ExchangeOrderType,
    timeInForce: str(r, 'timeInForce'),
    qty: closePosition ? null : asQty(decOf(r, 'quantity')),
    price: nullIfZero(decOr0(r, 'price')),
    triggerPrice: asPrice(decOf(r, 'triggerPrice')),
    workingType: (r.workingType as WorkingType | undefined) ?? 'CONTRACT_PRICE',
    reduceOnly: bool(r, 'reduceOnly'),
    closePosition,
    createdAt: at(num(r, 'createTime')),
    updatedAt: at(num(r, 'updateTime')),
    status: str(r, 'algoStatus') as AlgoOrderStatus,
    triggeredOrderId:
      actual === undefined || actual === null || actual === '' || actual === 0 ? null : String(actual),
    triggeredAt: triggerTime > 0 ? at(triggerTime) : null,
    // Not in the REST answer: ALGO_UPDATE's `rm` carries it on the user stream.
    rejectReason: null,
  };
}

/** GET /fapi/v3/account -> the margin asset's balance (USDT). */
export function parseBalance(account: Raw, asset = 'USDT'): Balance {
  const row = asRawList(account.assets, 'assets').find((a) => a.asset === asset);
  if (!row) throw bad(`assets[${asset}]`, undefined);
  return {
    asset,
    walletBalance: asMoney(decOf(row, 'walletBalance')),
    crossWalletBalance: asMoney(decOf(row, 'crossWalletBalance')),
    unrealizedPnl: asMoney(decOf(row, 'unrealizedProfit')),
    marginBalance: asMoney(decOf(row, 'marginBalance')),
    availableBalance: asMoney(decOf(row, 'availableBalance')),
    initialMargin: asMoney(decOf(row, 'initialMargin')),
    maintMargin: asMoney(decOf(row, 'maintMargin')),
    updatedAt: at(num(row, 'updateTime')),
  };
}

export interface SymbolSetting {
  leverage: number;
  marginMode: MarginMode;
}

/** GET /fapi/v1/symbolConfig rows by symbol. */
export function parseSymbolConfigs(rows: unknown): Map<string, SymbolSetting> {
  const out = new Map<string, SymbolSetting>();
  for (const r of asRawList(rows, 'symbolConfig')) {
    const mode = str(r, 'marginType').toUpperCase();
    out.set(str(r, 'symbol'), {
      leverage: num(r, 'leverage'),
      marginMode: mode === 'ISOLATED' ? 'ISOLATED' : 'CROSSED',
    });
  }
  return out;
}

/** GET /fapi/v3/positionRisk row (+ its symbolConfig); undefined for a flat row. */
export function parsePosition(r: Raw, setting: SymbolSetting | undefined): ExchangePosition | undefined {
  const amt = decOf(r, 'positionAmt');
  if (amt.isZero()) return undefined;
  const isolatedWallet = decOr0(r, 'isolatedWallet');
  return {
    symbol: str(r, 'symbol') as MarketSymbol,
    side: amt.isPositive() ? 'LONG' : 'SHORT',
    qty: asQty(amt.abs()),
    entryPrice: asPrice(decOf(r, 'entryPrice')),
    breakEvenPrice: asPrice(decOr0(r, 'breakEvenPrice')),
    markPrice: asPrice(decOf(r, 'markPrice')),
    unrealizedPnl: asMoney(decOf(r, 'unRealizedProfit')),
    notional: asMoney(decOf(r, 'notional').abs()),
    leverage: setting?.leverage ?? (r.leverage === undefined ? 0 : num(r, 'leverage')),
    // v3 drops marginType: symbolConfig has it; else isolatedWallet tells (reference §6.2).
    marginMode: setting?.marginMode ?? (isolatedWallet.isZero() ? 'CROSSED' : 'ISOLATED'),
    isolatedWallet: asMoney(isolatedWallet),
    maintMargin: asMoney(decOr0(r, 'maintMargin')),
    liquidationPrice: nullIfZero(decOr0(r, 'liquidationPrice')),
    updatedAt: at(num(r, 'updateTime')),
  };
}

/** One exchangeInfo symbol and its first leverage bracket -> SymbolRules; undefined if not a USDT perpetual. */
export function parseSymbolRules(info: Raw, maxLeverage: number | undefined): SymbolRules | undefined {
  if (info.contractType !== 'PERPETUAL' || info.marginAsset !== 'USDT') return undefined;
  const filters = new Map(asRawList(info.filters, 'filters').map((f) => [String(f.filterType), f]));
  const price = filters.get('PRICE_FILTER');
  const lot = filters.get('LOT_SIZE');
  const market = filters.get('MARKET_LOT_SIZE') ?? lot;
  const notional = filters.get('MIN_NOTIONAL');
  if (!price || !lot || !market) throw bad(`filters of ${String(info.symbol)}`, info.filters);
  return {
    symbol: str(info, 'symbol') as MarketSymbol,
    baseAsset: str(info, 'baseAsset'),
    quoteAsset: str(info, 'quoteAsset'),
    status: str(info, 'status') as SymbolStatus,
    tickSize: decOf(price, 'tickSize'),
    stepSize: decOf(lot, 'stepSize'),
    minQty: decOf(lot, 'minQty'),
    maxQty: decOf(lot, 'maxQty'),
    marketMaxQty: decOf(market, 'maxQty'),
    minNotional: notional ? decOf(notional, 'notional') : dec(0),
    maxLeverage: maxLeverage ?? 20,
  };
}

/** GET /fapi/v1/leverageBracket -> max leverage per symbol (the first bracket's). */
export function parseMaxLeverages(value: unknown): Map<string, number> {
  const rows = Array.isArray(value) ? value : [value];
  const out = new Map<string, number>();
  for (const r of asRawList(rows, 'leverageBracket')) {
    const first = asRawList(r.brackets, 'brackets')[0];
    if (first) out.set(str(r, 'symbol'), num(first, 'initialLeverage'));
  }
  return out;
}

const REASONS = new Set<BalanceChangeReason>([
  'ORDER',
  'FUNDING_FEE',
  'DEPOSIT',
  'WITHDRAW',
  'MARGIN_TYPE_CHANGE',
  'ADJUSTMENT',
]);

/** Creation times the stream does not carry, looked up by the adapter (null: use the event time). */
export type CreatedAtLookup = (
  family: 'regular' | 'algo',
  symbol: string,
  clientOrderId: string,
) => number | undefined;

/**
 * One user-data message -> port events, in the same order the simulator produces them in-process:
 * ORDER_TRADE_UPDATE -> order (+ fill), ACCOUNT_UPDATE -> balances then positions,
 * ALGO_UPDATE -> order, ACCOUNT_CONFIG_UPDATE -> leverage. Anything else -> [].
 */
export function parseUserEvent(
  message: unknown,
  createdAt: CreatedAtLookup = () => undefined,
): UserStreamEvent[] {
  const m = asRaw(message, 'user event');
  const time = at(typeof m.E === 'number' ? m.E : num(m, 'T'));
  switch (m.e) {
    case 'ORDER_TRADE_UPDATE': {
      const o = asRaw(m.o, 'o');
      const type = str(o, 'o') as ExchangeOrderType;
      const filled = decOf(o, 'z');
      const symbol = str(o, 's') as MarketSymbol;
      const clientOrderId = str(o, 'c') as ClientOrderId;
      const updated = num(o, 'T');
      const order: RegularOrder = {
        family: 'regular',
        symbol,
        id: str(o, 'i'),
        clientOrderId,
        side: str(o, 'S') as OrderSide,
        type,
        timeInForce: str(o, 'f'),
        qty: asQty(decOf(o, 'q')),
        price: type === 'LIMIT' ? asPrice(decOf(o, 'p')) : null,
        triggerPrice: nullIfZero(decOr0(o, 'sp')),
        workingType: (o.wt as WorkingType | undefined) ?? 'CONTRACT_PRICE',
        reduceOnly: bool(o, 'R'),
        closePosition: bool(o, 'cp'),
        createdAt: at(createdAt('regular', symbol, clientOrderId) ?? updated),
        updatedAt: at(updated),
        status: str(o, 'X') as RegularOrderStatus,
        filledQty: asQty(filled),
        avgFillPrice: filled.isZero() ? null : asPrice(decOf(o, 'ap')),
      };
      const out: UserStreamEvent[] = [{ type: 'order', order, time }];
      const x = str(o, 'x');
      if (x === 'TRADE' || x === 'CALCULATED') {
        out.push({
          type: 'fill',
          time,
          fill: {
            symbol,
            family: 'regular',
            orderId: order.id,
            clientOrderId,
            tradeId: str(o, 't'),
            side: order.side,
            qty: asQty(decOf(o, 'l')),
            price: asPrice(decOf(o, 'L')),
            fee: asMoney(decOr0(o, 'n')),
            feeAsset: typeof o.N === 'string' ? o.N : 'USDT',
            realizedPnl: asMoney(decOr0(o, 'rp')),
            maker: bool(o, 'm'),
            liquidation: x === 'CALCULATED',
            time,
          },
        });
      }
      return out;
    }
    case 'ACCOUNT_UPDATE': {
      const a = asRaw(m.a, 'a');
      const raw = str(a, 'm') as BalanceChangeReason;
      const reason: BalanceChangeReason = REASONS.has(raw) ? raw : 'ADJUSTMENT';
      const out: UserStreamEvent[] = asRawList(a.B ?? [], 'B').map((b) => ({
        type: 'balance',
        reason,
        asset: str(b, 'a'),
        walletBalance: asMoney(decOf(b, 'wb')),
        crossWalletBalance: asMoney(decOf(b, 'cw')),
        balanceChange: asMoney(decOr0(b, 'bc')),
        time,
      }));
      for (const p of asRawList(a.P ?? [], 'P')) {
        out.push({
          type: 'position',
          reason,
          symbol: str(p, 's') as MarketSymbol,
          positionAmt: asQty(decOf(p, 'pa')),
          entryPrice: asPrice(decOf(p, 'ep')),
          unrealizedPnl: asMoney(decOr0(p, 'up')),
          marginMode: String(p.mt).toLowerCase() === 'isolated' ? 'ISOLATED' : 'CROSSED',
          isolatedWallet: asMoney(decOr0(p, 'iw')),
          time,
        });
      }
      return out;
    }
    case 'ALGO_UPDATE': {
      const o = asRaw(m.o, 'o');
      const closePosition = bool(o, 'cp');
      const symbol = str(o, 's') as MarketSymbol;
      const clientOrderId = str(o, 'caid') as ClientOrderId;
      const ai = o.ai;
      const tt = o.tt === undefined ? 0 : num(o, 'tt');
      const rm = typeof o.rm === 'string' && o.rm !== '' ? o.rm : null;
      const order: AlgoOrder = {
        family: 'algo',
        symbol,
        id: str(o, 'aid'),
        clientOrderId,
        side: str(o, 'S') as OrderSide,
        type: str(o, 'o') as ExchangeOrderType,
        timeInForce: str(o, 'f'),
        qty: closePosition ? null : asQty(decOf(o, 'q')),
        price: nullIfZero(decOr0(o, 'p')),
        triggerPrice: asPrice(decOf(o, 'tp')),
        workingType: (o.wt as WorkingType | undefined) ?? 'CONTRACT_PRICE',
        reduceOnly: bool(o, 'R'),
        closePosition,
        createdAt: at(createdAt('algo', symbol, clientOrderId) ?? time),
        updatedAt: time,
        status: str(o, 'X') as AlgoOrderStatus,
        triggeredOrderId: ai === undefined || ai === null || ai === '' ? null : String(ai),
        triggeredAt: tt > 0 ? at(tt) : null,
        rejectReason: rm,
      };
      return [{ type: 'order', order, time }];
    }
    case 'ACCOUNT_CONFIG_UPDATE': {
      if (m.ac === undefined) return [];
      const ac = asRaw(m.ac, 'ac');
      return [{ type: 'leverage', symbol: str(ac, 's') as MarketSymbol, leverage: num(ac, 'l'), time }];
    }
    default:
      return [];
  }
}
