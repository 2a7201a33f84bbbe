/** Domain records -> JSON bodies: decimals as strings, dates as ISO strings, secrets never. */
import type { Decimal } from 'decimal.js';
import { dec, isLivePosition } from '../domain/index.js';
import type { Position, PositionRow, PrintedRow, SignalSummary } from '../store/index.js';
import type { BalanceView } from './ports.js';

const str = (d: Decimal | null | undefined): string | null => (d == null ? null : d.toFixed());
const iso = (d: Date | null | undefined): string | null => (d == null ? null : d.toISOString());

// PostgreSQL prints a NUMERIC as an optional minus, digits without leading zeros, and a fraction
// at the column's scale.
const PLAIN_NUMERIC = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/**
 * A NUMERIC column's text exactly as dec(text).toFixed() prints it (trailing zeros of the fraction
 * dropped), without building a Decimal: list pages print ten of them per row. Anything but the
 * plain form, and a negative zero (Decimal prints "0"), goes through dec(), errors included.
 */
export function numericText(text: string): string {
  if (!PLAIN_NUMERIC.test(text)) return dec(text).toFixed();
  if (!text.includes('.')) return text === '-0' ? '0' : text;
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48 /* 0 */) end--;
  if (text.charCodeAt(end - 1) === 46 /* . */) end--;
  const out = text.slice(0, end);
  return out === '-0' ? '0' : out;
}

/** A money field of a Position (Decimal) or of a read-only row (the database's text). */
const money = (v: Decimal | string): string => (typeof v === 'string' ? numericText(v) : v.toFixed());
const moneyOrNull = (v: Decimal | string | null | undefined): string | null =>
  v == null ? null : typeof v === 'string' ? numericText(v) : v.toFixed();
const asDec = (v: Decimal | string): Decimal => (typeof v === 'string' ? dec(v) : v);

/**
 * One position's body, from the domain Position or from the row as read (money as the database's
 * text, see PositionRow): both print the same. Unrealised PnL is decimal arithmetic either way.
 */
export function positionDto(p: Position | PositionRow, mark: Decimal | undefined) {
  const open = isLivePosition(p.status);
  let unrealizedPnl: Decimal | null = null;
  let unrealizedPnlPercent: Decimal | null = null;
  if (open && mark && p.entryPrice != null) {
    const filledQty = asDec(p.filledQty);
    if (filledQty.gt(0)) {
      const entryPrice = asDec(p.entryPrice);
      const margin = asDec(p.margin);
      const move = p.direction === 'LONG' ? mark.minus(entryPrice) : entryPrice.minus(mark);
      unrealizedPnl = move.times(filledQty);
      unrealizedPnlPercent = margin.gt(0) ? unrealizedPnl.div(margin).times(100).toDecimalPlaces(4) : null;
    }
  }
  return {
    id: p.id,
    signalId: p.signalId,
    symbol: p.symbol,
    direction: p.direction,
    mode: p.mode,
    status: p.status,
    open,
    qty: money(p.qty),
    filledQty: money(p.filledQty),
    entryPrice: moneyOrNull(p.entryPrice),
    stopLoss: moneyOrNull(p.stopLoss),
    takeProfit: moneyOrNull(p.takeProfit),
    margin: money(p.margin),
    leverage: p.leverage,
    exitPrice: moneyOrNull(p.exitPrice),
    fees: money(p.fees),
    pnl: moneyOrNull(p.pnl),
    pnlPercent: moneyOrNull(p.pnlPercent),
    markPrice: open ? str(mark) : null,
    unrealizedPnl: str(unrealizedPnl),
    unrealizedPnlPercent: str(unrealizedPnlPercent),
    closeReason: p.closeReason,
    unprotectedSince: iso(p.unprotectedSince),
    adopted: p.adopted,
    openedAt: iso(p.openedAt),
    closedAt: iso(p.closedAt),
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

export function signalDto(s: SignalSummary) {
  return {
    id: s.id,
    symbol: s.symbol,
    direction: s.direction,
    status: s.status,
    confidence: s.combinedConfidence,
    entryType: s.entryType,
    entry: s.entry,
    stopLoss: s.stopLoss,
    takeProfit: s.takeProfit,
    analyst: s.analyst,
    fallback: s.fallback,
    winProbability: s.winProbability,
    candleCloseTime: s.candleCloseTime,
    fixes: s.fixes,
    vetoes: s.vetoes,
    reasons: s.reasons,
    outcome: s.outcome,
    outcomeSource: s.outcomeSource,
    outcomePnl: s.outcomePnl,
    expiresAt: s.expiresAt.toISOString(),
    createdAt: s.createdAt.toISOString(),
  };
}

/**
 * A list page (signals, closed positions) as the JSON the response serializer would print from
 * signalDto or positionDto, from items the database printed (PrintedRow).
 * Undefined when any row has no item (a value the database cannot print exactly): the caller then
 * serves the page from the rows.
 */
export function printedPageJson(rows: readonly PrintedRow[], hasMore: boolean): string | undefined {
  let items = '';
  for (let i = 0; i < rows.length; i++) {
    const item = rows[i]!.item;
    if (item === null) return undefined;
    items += i ? `,${item}` : item;
  }
  const nextCursor = hasMore && rows.length ? JSON.stringify(rows.at(-1)!.id) : 'null';
  return `{"items":[${items}],"nextCursor":${nextCursor}}`;
}

export function balanceDto(b: BalanceView, nowMs: number) {
  return {
    mode: b.mode,
    wallet: str(b.wallet),
    available: str(b.available),
    asOf: iso(b.asOf),
    ageMs: b.asOf ? Math.max(0, nowMs - b.asOf.getTime()) : null,
    source: b.source,
  };
}
