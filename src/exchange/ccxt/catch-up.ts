/**
 * The REST catch-up after a user-stream outage: the events a listener would have seen had the
 * socket stayed up, rebuilt from snapshots. Orders it believed open that ended meanwhile come back
 * with their final state; fills since the outage began come from userTrades (each trade once);
 * then the open orders of both families, the balance and every position (a position that closed
 * meanwhile as a flat one). Reason 'ADJUSTMENT' marks snapshot balance/position events.
 */
import {
  type ClientOrderId,
  dec,
  type EpochMs,
  type MarketSymbol,
  type Money,
  type OrderSide,
  type Price,
  type Qty,
  ZERO,
} from '../../domain/index.js';
import type { Balance, ExchangeOrder, ExchangePosition, OrderLookup, UserStreamEvent } from '../port.js';
import type { OrderTracker } from './tracker.js';

export interface RawTrade {
  id: number | string;
  orderId: number | string;
  side: string;
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  realizedPnl: string;
  maker: boolean;
  time: number;
}

export interface CatchUpDeps {
  tracker: OrderTracker;
  balance(): Promise<Balance>;
  positions(): Promise<readonly ExchangePosition[]>;
  openOrders(): Promise<readonly ExchangeOrder[]>;
  fetchOrder(lookup: OrderLookup): Promise<ExchangeOrder | undefined>;
  /** GET /fapi/v1/userTrades from `startTime`. */
  trades(symbol: MarketSymbol, startTime: number): Promise<RawTrade[]>;
  /** The client order id of a regular order known only by its id (a triggered stop's child). */
  clientOrderIdOf(symbol: MarketSymbol, orderId: string): Promise<string | undefined>;
  now(): number;
}

/** How far before the outage began trades are fetched (clock skew between us and the exchange). */
const TRADE_LOOKBACK_MS = 5_000;

export async function catchUp(deps: CatchUpDeps, lostAt: number): Promise<UserStreamEvent[]> {
  const { tracker } = deps;
  const time = deps.now() as EpochMs;
  const believedOpen = [...tracker.open.values()];
  const [open, balance, positions] = await Promise.all([deps.openOrders(), deps.balance(), deps.positions()]);
  const openKeys = new Set(open.map((o) => `${o.family}|${o.symbol}|${o.clientOrderId}`));
  const out: UserStreamEvent[] = [];

  for (const was of believedOpen) {
    if (openKeys.has(`${was.family}|${was.symbol}|${was.clientOrderId}`)) continue;
    const now = await deps.fetchOrder({
      symbol: was.symbol,
      clientOrderId: was.clientOrderId,
      family: was.family,
    });
    if (now) out.push({ type: 'order', order: now, time });
  }

  const symbols = new Set<MarketSymbol>([
    ...believedOpen.map((o) => o.symbol),
    ...open.map((o) => o.symbol),
    ...positions.map((p) => p.symbol),
    ...[...tracker.positionSymbols].map((s) => s as MarketSymbol),
  ]);
  const seen = new Set<string>();
  // Trade times are the exchange's: start from the last exchange time the stream showed us.
  const since = (tracker.lastExchangeTime ?? lostAt) - TRADE_LOOKBACK_MS;
  for (const symbol of symbols) {
    for (const t of await deps.trades(symbol, since)) {
      const tradeId = String(t.id);
      const key = `${symbol}|${tradeId}`;
      if (seen.has(key) || tracker.hasTrade(symbol, tradeId)) continue;
      seen.add(key);
      const orderId = String(t.orderId);
      const clientOrderId =
        tracker.clientOrderIdOf(symbol, orderId) ?? (await deps.clientOrderIdOf(symbol, orderId)) ?? '';
      out.push({
        type: 'fill',
        time: t.time as EpochMs,
        fill: {
          symbol,
          family: 'regular',
          orderId,
          clientOrderId: clientOrderId as ClientOrderId,
          tradeId,
          side: t.side as OrderSide,
          qty: dec(t.qty) as Qty,
          price: dec(t.price) as Price,
          fee: dec(t.commission) as Money,
          feeAsset: t.commissionAsset,
          realizedPnl: dec(t.realizedPnl) as Money,
          maker: t.maker,
          liquidation: clientOrderId.startsWith('autoclose-'),
          time: t.time as EpochMs,
        },
      });
    }
  }

  for (const order of open) out.push({ type: 'order', order, time });
  out.push({
    type: 'balance',
    reason: 'ADJUSTMENT',
    asset: balance.asset,
    walletBalance: balance.walletBalance,
    crossWalletBalance: balance.crossWalletBalance,
    balanceChange: ZERO as Money,
    time,
  });
  const held = new Set<string>();
  for (const p of positions) {
    held.add(p.symbol);
    out.push({
      type: 'position',
      reason: 'ADJUSTMENT',
      symbol: p.symbol,
      positionAmt: (p.side === 'LONG' ? p.qty : p.qty.neg()) as Qty,
      entryPrice: p.entryPrice,
      unrealizedPnl: p.unrealizedPnl,
      marginMode: p.marginMode,
      isolatedWallet: p.isolatedWallet,
      time,
    });
  }
  for (const symbol of tracker.positionSymbols) {
    if (held.has(symbol)) continue;
    out.push({
      type: 'position',
      reason: 'ADJUSTMENT',
      symbol: symbol as MarketSymbol,
      positionAmt: ZERO as Qty,
      entryPrice: ZERO as Price,
      unrealizedPnl: ZERO as Money,
      marginMode: 'ISOLATED',
      isolatedWallet: ZERO as Money,
      time,
    });
  }
  return out;
}
