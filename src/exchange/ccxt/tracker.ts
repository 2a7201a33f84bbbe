/**
 * What the adapter remembers between calls, so the user stream can be made whole after an outage:
 * orders it believes open (to find the ones that ended while the socket was down), each order's
 * creation time (the stream does not carry it), order id -> client order id per symbol, trades
 * already delivered, and symbols with a position. Bounded: old entries are forgotten first.
 */
import type { ExchangeOrder, UserStreamEvent } from '../port.js';
import { isOpenOrder } from '../port.js';

const MAX_ENTRIES = 20_000;

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

export const orderKey = (family: 'regular' | 'algo', symbol: string, clientOrderId: string): string =>
  `${family}|${symbol}|${clientOrderId}`;

export class OrderTracker {
  readonly open = new Map<string, ExchangeOrder>();
  private readonly created = new Map<string, number>();
  private readonly clientIds = new Map<string, string>();
  private readonly trades = new Map<string, true>();
  readonly positionSymbols = new Set<string>();
  /** The latest exchange time seen on an event (the exchange's clock, not ours). */
  lastExchangeTime: number | undefined;

  noteOrder(order: ExchangeOrder): void {
    const key = orderKey(order.family, order.symbol, order.clientOrderId);
    if (!this.created.has(key)) remember(this.created, key, order.createdAt);
    if (order.family === 'regular')
      remember(this.clientIds, `${order.symbol}|${order.id}`, order.clientOrderId);
    if (isOpenOrder(order)) remember(this.open, key, order);
    else this.open.delete(key);
  }

  createdAt(family: 'regular' | 'algo', symbol: string, clientOrderId: string): number | undefined {
    return this.created.get(orderKey(family, symbol, clientOrderId));
  }

  clientOrderIdOf(symbol: string, orderId: string): string | undefined {
    return this.clientIds.get(`${symbol}|${orderId}`);
  }

  hasTrade(symbol: string, tradeId: string): boolean {
    return this.trades.has(`${symbol}|${tradeId}`);
  }

  /** True the first time a trade is seen (a fill from both the catch-up and the socket is told once). */
  noteTrade(symbol: string, tradeId: string): boolean {
    const key = `${symbol}|${tradeId}`;
    if (this.trades.has(key)) return false;
    remember(this.trades, key, true);
    return true;
  }

  /**
   * Keep the memory in step with what listeners are about to be told; returns the events minus
   * fills already delivered.
   */
  observe(events: readonly UserStreamEvent[]): UserStreamEvent[] {
    const out: UserStreamEvent[] = [];
    for (const e of events) {
      if (e.type !== 'stream' && (this.lastExchangeTime === undefined || e.time > this.lastExchangeTime)) {
        this.lastExchangeTime = e.time;
      }
      if (e.type === 'fill' && !this.noteTrade(e.fill.symbol, e.fill.tradeId)) continue;
      out.push(e);
      if (e.type === 'order') this.noteOrder(e.order);
      else if (e.type === 'position') {
        if (e.positionAmt.isZero()) this.positionSymbols.delete(e.symbol);
        else this.positionSymbols.add(e.symbol);
      }
    }
    return out;
  }
}
