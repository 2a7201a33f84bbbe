/**
 * What an account is worth and what it may still open, computed from its state on demand
 * (GET /fapi/v3/account, positionRisk, and the margin check a new order passes).
 *
 * Single-asset (USDT) margin, one-way positions:
 *   crossWallet   = wallet − Σ isolated wallets
 *   marginBalance = wallet + Σ uPnL                       (the equity)
 *   available     = crossWallet + Σ cross uPnL − cross position IM − open-order IM
 * Open-order initial margin per symbol is the larger of the buy side and the sell side, each
 * counting only the part of its orders that would open (not reduce) the position, as Binance nets
 * orders against the position in one-way mode. The open loss of a resting order (FAQ "cost
 * required to open") is charged in the placement check only, not held while it rests.
 */
import { type Dec, nearFloat, toFloat, ZERO } from '../../domain/index.js';
import { BinanceCode, binanceError } from '../errors.js';
import { liquidationPrice, maintenanceMargin, maintenanceMarginF, unrealizedPnl } from './margin.js';
import { maxNotionalFor } from './spec.js';
import {
  type Account,
  type Book,
  type EngineState,
  markOf,
  openOrdersOn,
  type Position,
  roundMoney,
} from './state.js';
import type { SimAccountSummary } from './types.js';

export function crossWallet(account: Account): Dec {
  const { wallet, isolatedTotal } = account;
  if (wallet !== crossWalletOf.wallet || isolatedTotal !== crossWalletOf.isolatedTotal) {
    crossWalletOf.value = wallet.minus(isolatedTotal);
    crossWalletOf.wallet = wallet;
    crossWalletOf.isolatedTotal = isolatedTotal;
  }
  return crossWalletOf.value;
}

// The difference of the latest wallet and isolated total asked for, keyed by the two decimals
// themselves: a fill's ACCOUNT_UPDATE and the next order's margin check ask with the same two
// objects, and decimals are immutable, so the same difference.
const crossWalletOf: { wallet: Dec | null; isolatedTotal: Dec | null; value: Dec } = {
  wallet: null,
  isolatedTotal: null,
  value: ZERO,
};

export const positionUpnl = (p: Position, mark: Dec = markOf(p.book)): Dec =>
  unrealizedPnl(p.amt, p.entryPrice, mark);
export const positionNotional = (p: Position, mark: Dec = markOf(p.book)): Dec => p.amt.abs().mul(mark);
export const positionMaint = (p: Position, mark: Dec = markOf(p.book)): Dec =>
  maintenanceMargin(p.book.spec.brackets, positionNotional(p, mark));

/** Cross: notional / leverage at mark; isolated: the isolated wallet. */
export function positionInitialMargin(p: Position): Dec {
  if (p.amt.isZero()) return ZERO;
  return p.marginType === 'ISOLATED' ? p.isolatedWallet : positionNotional(p).div(p.leverage);
}

const dmin = (a: Dec, b: Dec): Dec => (a.lte(b) ? a : b);
const dmax = (a: Dec, b: Dec): Dec => (a.gte(b) ? a : b);

interface OrderLike {
  side: 'BUY' | 'SELL';
  remaining: Dec;
  price: Dec;
  reduceOnly: boolean;
}

/**
 * Margin the resting orders of one symbol lock: notional / leverage of the part that would open
 * a position, buy and sell sides netted against the position separately, the larger side counts.
 * It depends on the orders, the position and the leverage only (not the mark), so it is cached
 * per symbol and recomputed when one of those changes.
 */
function symbolOrderMargin(p: Position | undefined, orders: Iterable<OrderLike>, leverage: number): Dec {
  const amt = p?.amt ?? ZERO;
  let reducibleBySells = amt.gt(0) ? amt : ZERO;
  let reducibleByBuys = amt.lt(0) ? amt.neg() : ZERO;
  let buy = ZERO;
  let sell = ZERO;
  for (const o of orders) {
    if (o.reduceOnly) continue;
    let open = o.remaining;
    if (o.side === 'BUY') {
      const used = dmin(open, reducibleByBuys);
      reducibleByBuys = reducibleByBuys.minus(used);
      open = open.minus(used);
      if (!open.isZero()) buy = buy.plus(open.mul(o.price).div(leverage));
    } else {
      const used = dmin(open, reducibleBySells);
      reducibleBySells = reducibleBySells.minus(used);
      open = open.minus(used);
      if (!open.isZero()) sell = sell.plus(open.mul(o.price).div(leverage));
    }
  }
  return dmax(buy, sell);
}

function* restingOf(account: Account, book: Book): Generator<OrderLike> {
  for (const o of openOrdersOn(account, book)) {
    yield {
      side: o.side,
      remaining: o.origQty.minus(o.executedQty),
      price: o.price,
      reduceOnly: o.reduceOnly,
    };
  }
}

function bookOrderMargin(account: Account, book: Book, extra?: OrderLike): Dec {
  const p = account.positions.get(book.symbol);
  const leverage = p?.leverage ?? 1;
  if (!extra) return symbolOrderMargin(p, restingOf(account, book), leverage);
  return symbolOrderMargin(p, [...restingOf(account, book), extra], leverage);
}

/** Open-order initial margin of the account (cached per symbol). */
export function openOrderInitialMargin(account: Account): Dec {
  if (account.orderMarginDirty.size > 0) {
    // No open order and nothing locked (an account that trades at market, most of the time):
    // every dirty symbol is idle and locked nothing before, which the walk below would skip one
    // by one, leaving the total as it is.
    if (account.openOrders.size === 0 && account.orderMargin.size === 0) {
      account.orderMarginDirty.clear();
      return account.orderMarginTotal;
    }
    for (const book of account.orderMarginDirty) {
      const before = account.orderMargin.get(book) ?? ZERO;
      // A symbol with no open order locks nothing (what the sum over no orders gives); nothing
      // locked before and after leaves the total as it is (most dirty marks: a filled MARKET).
      const idle = openOrdersOn(account, book).size === 0;
      if (idle && before.isZero()) continue;
      const after = idle ? ZERO : bookOrderMargin(account, book);
      account.orderMarginTotal = account.orderMarginTotal.minus(before).plus(after);
      if (after.isZero()) account.orderMargin.delete(book);
      else account.orderMargin.set(book, after);
    }
    account.orderMarginDirty.clear();
  }
  return account.orderMarginTotal;
}

export function accountSummary(state: EngineState, account: Account): SimAccountSummary {
  const cw = crossWallet(account);
  let upnl = ZERO;
  let crossUpnl = ZERO;
  let crossIm = ZERO;
  let positionIm = ZERO;
  let maint = ZERO;
  for (const p of account.positions.values()) {
    if (p.amt.isZero()) continue;
    const mark = markOf(p.book);
    const u = positionUpnl(p, mark);
    upnl = upnl.plus(u);
    maint = maint.plus(positionMaint(p, mark));
    const im = positionInitialMargin(p);
    positionIm = positionIm.plus(im);
    if (p.marginType === 'CROSSED') {
      crossUpnl = crossUpnl.plus(u);
      crossIm = crossIm.plus(im);
    }
  }
  const orderIm = openOrderInitialMargin(account);
  const available = cw.plus(crossUpnl).minus(crossIm).minus(orderIm);
  const maxWithdraw = dmax(ZERO, dmin(available, cw));
  return {
    accountId: account.id,
    asset: 'USDT',
    walletBalance: account.wallet,
    crossWalletBalance: cw,
    unrealizedPnl: roundMoney(upnl),
    crossUnrealizedPnl: roundMoney(crossUpnl),
    marginBalance: roundMoney(account.wallet.plus(upnl)),
    positionInitialMargin: roundMoney(positionIm),
    openOrderInitialMargin: roundMoney(orderIm),
    initialMargin: roundMoney(positionIm.plus(orderIm)),
    maintMargin: roundMoney(maint),
    availableBalance: roundMoney(available),
    maxWithdrawAmount: roundMoney(maxWithdraw),
    updateTime: state.now,
  };
}

/** Available balance for a new order (raw, may be negative). */
export function availableBalance(account: Account): Dec {
  let crossUpnl = ZERO;
  let crossIm = ZERO;
  let cross = false;
  // The positions in the account's order (the sums' order), when it has an open cross one.
  if (account.crossPositions.size > 0) {
    for (const p of account.positions.values()) {
      if (p.amt.isZero() || p.marginType !== 'CROSSED') continue;
      cross = true;
      crossUpnl = crossUpnl.plus(positionUpnl(p));
      crossIm = crossIm.plus(positionInitialMargin(p));
    }
  }
  // Adding or taking away zero gives a decimal of 40 digits back as it was (only the sign of a
  // zero result could differ, and callers only compare): skipped for isolated-only accounts.
  let available = crossWallet(account);
  if (cross) available = available.plus(crossUpnl).minus(crossIm);
  const orderIm = openOrderInitialMargin(account);
  return orderIm.isZero() ? available : available.minus(orderIm);
}

/** The part of an order of `qty` on `side` that would open rather than reduce the position. */
export function openingQty(p: Position, side: 'BUY' | 'SELL', qty: Dec): Dec {
  const reducible = side === 'BUY' ? (p.amt.lt(0) ? p.amt.neg() : ZERO) : p.amt.gt(0) ? p.amt : ZERO;
  return qty.gt(reducible) ? qty.minus(reducible) : ZERO;
}

/**
 * -2027 when the position this order could build exceeds the bracket cap of the leverage, -2019
 * when its cost does not fit the available balance. `immediate` orders (market, marketable limit,
 * triggered stops) cost initial margin + open loss + the taker fee at `price`; resting limits cost
 * what they add to open-order margin.
 */
export function checkOrderMargin(
  account: Account,
  p: Position,
  order: { side: 'BUY' | 'SELL'; qty: Dec; price: Dec; reduceOnly: boolean; immediate: boolean },
): void {
  if (order.reduceOnly) return;
  if (order.immediate && p.amt.isZero() && p.book.hasPrice && openingFits(account, p, order)) return;
  const open = openingQty(p, order.side, order.qty);
  if (open.isZero()) return;
  const signed = order.side === 'BUY' ? order.qty : order.qty.neg();
  const resulting = p.amt.plus(signed).abs().mul(order.price);
  if (resulting.gt(maxNotionalFor(p.book.spec.brackets, p.leverage)))
    throw binanceError(BinanceCode.MAX_LEVERAGE_RATIO);
  const available = availableBalance(account);
  let cost: Dec;
  if (order.immediate) {
    const mark = p.book.hasPrice ? markOf(p.book) : order.price;
    const openLoss = order.side === 'BUY' ? order.price.minus(mark) : mark.minus(order.price);
    cost = open
      .mul(order.price)
      .div(p.leverage)
      .plus(open.mul(dmax(ZERO, openLoss)))
      .plus(order.qty.mul(order.price).mul(account.takerRate));
  } else {
    openOrderInitialMargin(account);
    const before = account.orderMargin.get(p.book) ?? ZERO;
    const after = bookOrderMargin(account, p.book, {
      side: order.side,
      remaining: order.qty,
      price: order.price,
      reduceOnly: false,
    });
    // Open loss of the new order at today's mark (FAQ "cost required to open").
    const mark = p.book.hasPrice ? markOf(p.book) : order.price;
    const openLoss = open.mul(
      dmax(ZERO, order.side === 'BUY' ? order.price.minus(mark) : mark.minus(order.price)),
    );
    cost = after.minus(before).plus(openLoss);
  }
  if (cost.gt(available)) throw binanceError(BinanceCode.MARGIN_NOT_SUFFICIENT);
}

/**
 * checkOrderMargin's two checks for an immediate order opening a position from flat, in floats:
 * true only when neither can fail. The decimals the exact checks compare and the floats here
 * differ by a few ulps of the terms: every input is a correctly rounded double of its decimal
 * (the mark is the double the decimal was parsed from), each float operation adds at most half
 * an ulp, and the price − mark difference at most an ulp of (price + mark). So the float cost is
 * within 2^-48 of S = qty × (price × (1/leverage + taker rate) + price + mark) of the decimal
 * one (whose own 40-digit roundings are far smaller); a cost below the available balance by more
 * than 2^-40 of S (and 2^-48 of the balance, for its conversion) is below it in decimals too.
 * Likewise the notional against the bracket cap. Anything closer, or odd (NaN, extreme
 * magnitudes), is left to the decimals.
 */
export function openingFits(
  account: Account,
  p: Position,
  order: { side: 'BUY' | 'SELL'; qty: Dec; price: Dec },
): boolean {
  const qty = toFloat(order.qty);
  const price = toFloat(order.price);
  const mark = p.book.markF;
  const notional = qty * price;
  const cap = toFloat(maxNotionalFor(p.book.spec.brackets, p.leverage));
  if (!(notional * (1 + 2 ** -40) < cap * (1 - 2 ** -50))) return false;
  const rate = toFloat(account.takerRate);
  const loss = order.side === 'BUY' ? price - mark : mark - price;
  const cost = notional / p.leverage + qty * Math.max(0, loss) + notional * rate;
  const scale = qty * (price * (1 / p.leverage + rate) + price + mark);
  if (!(scale > 1e-200 && scale < 1e200 && rate >= 0 && mark > 0)) return false;
  // nearFloat: within 2^-51 of the decimal balance (a wallet of 12 decimals has more digits than
  // toFloat converts without text), inside the 2^-48 of it allowed for the conversion.
  const available = nearFloat(availableBalance(account));
  return cost + scale * 2 ** -40 < available - Math.abs(available) * 2 ** -48;
}

/** The wallet-like margin that backs `p` in the liquidation formula. */
export function liquidationWallet(p: Position, markOverride?: { position: Position; mark: Dec }): Dec {
  if (p.marginType === 'ISOLATED') return p.isolatedWallet;
  let w = crossWallet(p.account);
  for (const q of p.account.positions.values()) {
    if (q === p || q.amt.isZero() || q.marginType !== 'CROSSED') continue;
    const mark = markOverride?.position === q ? markOverride.mark : markOf(q.book);
    w = w.plus(positionUpnl(q, mark)).minus(positionMaint(q, mark));
  }
  return w;
}

/** `level`, when given, receives the price as a double (see liquidationPrice). */
export function positionLiquidationPrice(p: Position, level?: { value: number }): Dec | null {
  if (p.amt.isZero()) return null;
  return liquidationPrice(p.book.spec.brackets, p.amt, p.entryPrice, liquidationWallet(p), level);
}

/** Cross account: margin balance at or below maintenance margin (optionally at another mark for one position). */
export function crossLiquidatable(account: Account, override?: { position: Position; mark: Dec }): boolean {
  let mb = crossWallet(account);
  let mm = ZERO;
  let any = false;
  for (const p of account.positions.values()) {
    if (p.amt.isZero() || p.marginType !== 'CROSSED') continue;
    any = true;
    const mark = override?.position === p ? override.mark : markOf(p.book);
    mb = mb.plus(positionUpnl(p, mark));
    mm = mm.plus(positionMaint(p, mark));
  }
  return any && mb.lte(mm);
}

export function isolatedLiquidatable(p: Position, mark: Dec): boolean {
  if (p.amt.isZero() || p.marginType !== 'ISOLATED') return false;
  return p.isolatedWallet.plus(positionUpnl(p, mark)).lte(positionMaint(p, mark));
}

/**
 * Recompute an account's float cross aggregates from scratch (after its positions change).
 * `changed`, the position that just changed: with no cross position left, it is the only one
 * whose figures can still be a cross position's (every other was zeroed when it stopped being
 * one), so isolated-only accounts skip the walk over all their positions.
 */
export function refreshCrossAggregates(account: Account, changed?: Position): void {
  if (changed && account.crossPositions.size === 0) {
    changed.upnlF = 0;
    changed.mmF = 0;
    account.crossUpnlF = 0;
    account.crossMmF = 0;
    return;
  }
  let upnl = 0;
  let mm = 0;
  for (const q of account.positions.values()) {
    if (q.amtF === 0 || q.marginType !== 'CROSSED' || !q.book.hasPrice) {
      q.upnlF = 0;
      q.mmF = 0;
      continue;
    }
    const mark = q.book.markF;
    q.upnlF = q.amtF * (mark - q.entryF);
    q.mmF = maintenanceMarginF(q.book.spec.bracketsF, Math.abs(q.amtF) * mark);
    upnl += q.upnlF;
    mm += q.mmF;
  }
  account.crossUpnlF = upnl;
  account.crossMmF = mm;
}
