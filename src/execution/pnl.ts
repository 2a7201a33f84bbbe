/**
 * Closing figures of a position from its fills, pure. Realised PnL is net of fees:
 * pnl = Σ realised PnL of the exit fills (the exchange's own figure) − Σ commissions of every fill
 * (entry and exit); pnl_percent = pnl / margin × 100. When exit fills are missing (the stream was
 * down and nothing was caught up), the uncovered quantity is valued at a fallback exit price (the
 * exit order's average price or the stop's trigger) and the result says it is not complete.
 */
import type { Decimal } from 'decimal.js';
import { type Direction, dec, exitSide, type OrderSide, ZERO } from '../domain/index.js';

export interface FillFigures {
  side: OrderSide;
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
  feeAsset: string;
  realizedPnl: Decimal;
}

export interface CloseInput {
  direction: Direction;
  filledQty: Decimal;
  entryPrice: Decimal | null;
  margin: Decimal;
  fills: readonly FillFigures[];
  /** Price for any quantity whose exit fill is not recorded. */
  fallbackExitPrice?: Decimal | null | undefined;
  /** Commissions are counted in this asset only (USDT-margined futures). */
  quoteAsset?: string;
}

export interface CloseFigures {
  exitPrice: Decimal | null;
  exitQty: Decimal;
  fees: Decimal;
  grossPnl: Decimal;
  pnl: Decimal;
  pnlPercent: Decimal;
  status: 'CLOSED_WIN' | 'CLOSED_LOSS';
  /** True when every unit of the position has a recorded exit fill. */
  complete: boolean;
}

export function computeClose(input: CloseInput): CloseFigures {
  const quote = input.quoteAsset ?? 'USDT';
  const out = exitSide(input.direction);
  const sign = input.direction === 'LONG' ? 1 : -1;
  let fees = ZERO;
  let exitQty = ZERO;
  let exitNotional = ZERO;
  let realised = ZERO;
  for (const f of input.fills) {
    if (f.feeAsset === quote) fees = fees.add(f.fee);
    if (f.side !== out) continue;
    exitQty = exitQty.add(f.qty);
    exitNotional = exitNotional.add(f.qty.mul(f.price));
    realised = realised.add(f.realizedPnl);
  }
  const remaining = input.filledQty.sub(exitQty);
  let gross = realised;
  let exitPrice: Decimal | null = exitQty.gt(0) ? exitNotional.div(exitQty) : null;
  const complete = remaining.lte(0);
  if (remaining.gt(0)) {
    const fallback = input.fallbackExitPrice ?? null;
    if (fallback && input.entryPrice) {
      gross = gross.add(fallback.sub(input.entryPrice).mul(remaining).mul(sign));
      exitPrice = exitQty.gt(0)
        ? exitNotional.add(fallback.mul(remaining)).div(exitQty.add(remaining))
        : fallback;
    }
  }
  const pnl = gross.sub(fees);
  const pnlPercent = input.margin.gt(0) ? pnl.div(input.margin).mul(100).toDecimalPlaces(6) : dec(0);
  return {
    exitPrice,
    exitQty,
    fees,
    grossPnl: gross,
    pnl,
    pnlPercent,
    status: pnl.gt(0) ? 'CLOSED_WIN' : 'CLOSED_LOSS',
    complete,
  };
}
