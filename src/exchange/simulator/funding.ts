/**
 * Funding (optional): at every interval boundary (00:00, 08:00, 16:00 UTC for 8 h) each position
 * open at that instant pays amt × mark × rate (positive rate: longs pay shorts). Isolated
 * positions pay from their isolated wallet. One ACCOUNT_UPDATE m=FUNDING_FEE per position, with
 * the one isolated position in P (cross: balances only), as B-ACCUPD describes.
 * https://www.binance.com/en/support/faq/introduction-to-binance-futures-funding-rates-360033525031
 */
import { emitAccountUpdate } from './events.js';
import { refreshLiquidationTrigger } from './fills.js';
import { type EngineState, markOf, refreshCrossWallet, roundMoney, setIsolatedWallet } from './state.js';

/** The first boundary strictly after `time`. */
export function nextBoundary(time: number, intervalMs: number): number {
  return Math.floor(time / intervalMs) * intervalMs + intervalMs;
}

/** Settle every boundary up to and including `time`; positions as they stand now. */
export function settleFundingUpTo(state: EngineState, time: number): void {
  const funding = state.config.funding;
  if (!funding) return;
  while (time >= state.nextFundingTime) {
    const at = state.nextFundingTime;
    state.nextFundingTime = at + funding.intervalMs;
    settle(state, at);
  }
}

function settle(state: EngineState, fundingTime: number): void {
  const funding = state.config.funding!;
  state.now = Math.max(state.now, fundingTime);
  for (const account of state.accounts.values()) {
    for (const pos of account.positions.values()) {
      if (pos.amt.isZero() || !pos.book.hasPrice) continue;
      const book = pos.book;
      const rate =
        book.fundingRate ??
        (typeof funding.rate === 'number' ? funding.rate : funding.rate(book.symbol, fundingTime));
      if (rate === 0) continue;
      const paid = roundMoney(pos.amt.mul(markOf(book)).mul(rate));
      if (paid.isZero()) continue;
      account.wallet = account.wallet.minus(paid);
      account.ledger.funding = account.ledger.funding.plus(paid);
      const isolated = pos.marginType === 'ISOLATED';
      if (isolated) setIsolatedWallet(pos, pos.isolatedWallet.minus(paid));
      pos.updateTime = state.now;
      refreshCrossWallet(account);
      emitAccountUpdate(state, account, 'FUNDING_FEE', isolated ? [pos] : [], paid.neg());
      refreshLiquidationTrigger(state, pos);
    }
  }
}
