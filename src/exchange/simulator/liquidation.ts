/**
 * Liquidation at mark price (reference §4): a position is liquidated when its margin balance
 * falls to its maintenance margin: isolated, iw + uPnL <= MM; cross, for the account,
 * crossWallet + Σ cross uPnL <= Σ cross MM (then every cross position goes).
 *
 * The forced close is one ORDER_TRADE_UPDATE with x=CALCULATED, type LIQUIDATION and client id
 * autoclose-<time>, then an ACCOUNT_UPDATE. It fills at the mark where the threshold was crossed,
 * or at the bankruptcy price when the price gapped past it (the insurance fund's job on Binance),
 * so a user never loses more than the margin behind the position and the wallet never goes
 * negative. What margin is left is taken as the clearance fee, up to liquidationFee × notional.
 * Open regular orders on the liquidated symbols are cancelled first, as Binance does.
 */
import { type Dec, dec, ZERO } from '../../domain/index.js';
import {
  crossLiquidatable,
  crossWallet,
  isolatedLiquidatable,
  liquidationWallet,
  positionUpnl,
} from './account-math.js';
import { endOrder, executeFill } from './fills.js';
import { liquidationPrice, maintenanceMarginF } from './margin.js';
import { newOrderRecord } from './orders.js';
import {
  type Account,
  crossWalletFloat,
  type EngineState,
  floorMoney,
  markOf,
  openOrdersOn,
  type Position,
} from './state.js';

function cancelOpenOrdersOn(state: EngineState, account: Account, positions: readonly Position[]): void {
  for (const p of positions)
    for (const o of [...openOrdersOn(account, p.book)]) endOrder(state, o, 'CANCELED');
}

/** Close one position as a liquidation at `fillPrice`, charging up to `feeCap` from what margin is left. */
function forceClose(state: EngineState, pos: Position, fillPrice: Dec, marginLeft: Dec): void {
  const q = pos.amt.abs();
  const notional = q.mul(fillPrice);
  const realized = pos.amt.mul(fillPrice.minus(pos.entryPrice));
  const left = marginLeft.plus(realized);
  const cap = notional.mul(pos.book.spec.liquidationFeeRate);
  const fee = floorMoney(left.lte(0) ? ZERO : left.lt(cap) ? left : cap);
  const order = newOrderRecord(state, pos.account, pos.book, {
    clientOrderId: `autoclose-${state.now}`,
    side: pos.amt.gt(0) ? 'SELL' : 'BUY',
    type: 'LIQUIDATION',
    origType: 'LIQUIDATION',
    timeInForce: 'IOC',
    price: fillPrice,
    qty: q,
    reduceOnly: true,
  });
  executeFill(state, { order, qty: q, price: fillPrice, maker: false, executionType: 'CALCULATED', fee });
}

/** Isolated: liquidate at `mark`, or at the bankruptcy price if the mark is already past it. */
export function liquidateIsolated(state: EngineState, pos: Position, mark: Dec): void {
  if (pos.amt.isZero()) return;
  cancelOpenOrdersOn(state, pos.account, [pos]);
  const iw = pos.isolatedWallet;
  const balance = iw.plus(positionUpnl(pos, mark));
  const fillPrice = balance.gte(0) ? mark : pos.entryPrice.minus(iw.div(pos.amt));
  forceClose(state, pos, fillPrice, iw);
}

/**
 * Cross: close every cross position of the account. `at` sets the mark of the position whose
 * move triggered it. A negative margin balance (a gap) is absorbed by moving the first fills to
 * where the balance is exactly zero.
 */
export function liquidateCross(
  state: EngineState,
  account: Account,
  at?: { position: Position; mark: Dec },
): void {
  const positions = [...account.positions.values()].filter(
    (p) => p.marginType === 'CROSSED' && !p.amt.isZero(),
  );
  if (positions.length === 0) return;
  if (at) positions.sort((a, b) => (a === at.position ? -1 : b === at.position ? 1 : 0));
  cancelOpenOrdersOn(state, account, positions);
  const marks = new Map(positions.map((p) => [p, p === at?.position ? at.mark : markOf(p.book)] as const));
  let balance = crossWallet(account);
  for (const p of positions) balance = balance.plus(positionUpnl(p, marks.get(p)!));
  let deficit = balance.lt(0) ? balance.neg() : ZERO;
  for (let i = 0; i < positions.length; i++) {
    const p = positions[i]!;
    const mark = marks.get(p)!;
    let fillPrice = mark;
    if (deficit.gt(0)) {
      // Move the fill in the position's favour by deficit / qty, never to a non-positive price.
      fillPrice = mark.plus(deficit.div(p.amt));
      const floor = p.book.spec.tickSize;
      if (fillPrice.lt(floor)) fillPrice = floor;
      deficit = deficit.minus(p.amt.mul(fillPrice.minus(mark)));
      if (deficit.lt(0)) deficit = ZERO;
    }
    // Margin left for the fee: the cross balance once this fill's PnL is realised, counting
    // the positions still to close at their marks.
    let rest = crossWallet(account);
    for (let j = i + 1; j < positions.length; j++)
      rest = rest.plus(positionUpnl(positions[j]!, marks.get(positions[j]!)!));
    forceClose(state, p, fillPrice, rest);
  }
}

/** Run the liquidation checks queued by fills, funding and margin changes. */
export function runPendingChecks(state: EngineState): void {
  while (state.pendingChecks.size > 0) {
    const [pos] = state.pendingChecks;
    state.pendingChecks.delete(pos!);
    const p = pos!;
    if (p.amt.isZero() || !p.book.hasPrice) continue;
    if (p.marginType === 'ISOLATED') {
      const mark = markOf(p.book);
      if (isolatedLiquidatable(p, mark)) liquidateIsolated(state, p, mark);
    } else if (crossLiquidatable(p.account)) {
      liquidateCross(state, p.account);
    }
  }
}

/**
 * After a price path on a symbol: check each cross account holding it at the adverse extreme of
 * the mark path. The pre-check is float and O(1) per holder (the account's other positions enter
 * through its aggregates); exact decimal maths decides when the float headroom is thin.
 */
export function checkCrossHolders(
  state: EngineState,
  markLow: number,
  markHigh: number,
  finalMark: number,
  holders: Set<Position>,
): void {
  for (const pos of holders) {
    const account = pos.account;
    const amt = pos.amtF;
    // Move this position's share of the aggregates to the final mark first.
    const upnl = amt * (finalMark - pos.entryF);
    const mm = maintenanceMarginF(pos.book.spec.bracketsF, Math.abs(amt) * finalMark);
    account.crossUpnlF += upnl - pos.upnlF;
    account.crossMmF += mm - pos.mmF;
    pos.upnlF = upnl;
    pos.mmF = mm;
    // Headroom at the final mark, then a bound for the path's adverse extreme: uPnL falls by at
    // most |amt|·distance and maintenance margin rises by at most MMR (< 1) of that.
    const crossWallet = crossWalletFloat(account);
    const headroom = crossWallet + account.crossUpnlF - account.crossMmF;
    const extreme = amt > 0 ? markLow : markHigh;
    const worst = 2 * Math.abs(amt) * Math.abs(finalMark - extreme);
    if (headroom > worst + 1e-9 * (Math.abs(crossWallet) + account.crossMmF + 1)) continue;
    liquidateIfDue(state, pos, extreme, markLow, markHigh);
  }
}

function liquidateIfDue(
  state: EngineState,
  pos: Position,
  extreme: number,
  markLow: number,
  markHigh: number,
): boolean {
  const account = pos.account;
  if (!crossLiquidatable(account, { position: pos, mark: dec(extreme) })) return false;
  // Where on the path it happened: the level solving MB = MM, kept inside the path's range.
  const lp = liquidationPrice(pos.book.spec.brackets, pos.amt, pos.entryPrice, liquidationWallet(pos));
  let at = lp ?? dec(extreme);
  const lo = dec(markLow);
  const hi = dec(markHigh);
  if (at.lt(lo)) at = lo;
  if (at.gt(hi)) at = hi;
  liquidateCross(state, account, { position: pos, mark: at });
  return true;
}
