/** Domain records -> JSON bodies: decimals as strings, dates as ISO strings, secrets never. */
import type { Decimal } from 'decimal.js';
import { isLivePosition } from '../domain/index.js';
import type { Position, SignalSummary } from '../store/index.js';
import type { BalanceView } from './ports.js';

const str = (d: Decimal | null | undefined): string | null => (d == null ? null : d.toFixed());
const iso = (d: Date | null | undefined): string | null => (d == null ? null : d.toISOString());

export function positionDto(p: Position, mark: Decimal | undefined) {
  const open = isLivePosition(p.status);
  let unrealizedPnl: Decimal | null = null;
  let unrealizedPnlPercent: Decimal | null = null;
  if (open && mark && p.entryPrice && p.filledQty.gt(0)) {
    const move = p.direction === 'LONG' ? mark.minus(p.entryPrice) : p.entryPrice.minus(mark);
    unrealizedPnl = move.times(p.filledQty);
    unrealizedPnlPercent = p.margin.gt(0) ? unrealizedPnl.div(p.margin).times(100).toDecimalPlaces(4) : null;
  }
  return {
    id: p.id,
    signalId: p.signalId,
    symbol: p.symbol,
    direction: p.direction,
    mode: p.mode,
    status: p.status,
    open,
    qty: p.qty.toFixed(),
    filledQty: p.filledQty.toFixed(),
    entryPrice: str(p.entryPrice),
    stopLoss: str(p.stopLoss),
    takeProfit: str(p.takeProfit),
    margin: p.margin.toFixed(),
    leverage: p.leverage,
    exitPrice: str(p.exitPrice),
    fees: p.fees.toFixed(),
    pnl: str(p.pnl),
    pnlPercent: str(p.pnlPercent),
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
