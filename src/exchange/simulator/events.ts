/**
 * Builders for the user-stream events, with the fields Binance's ORDER_TRADE_UPDATE,
 * ACCOUNT_UPDATE and ALGO_UPDATE carry (reference §5.2). Only the builders live here; the engine
 * decides when to emit them: per fill an ORDER_TRADE_UPDATE then an ACCOUNT_UPDATE (m=ORDER);
 * NEW/CANCELED/EXPIRED orders emit no ACCOUNT_UPDATE.
 */
import { type Dec, ZERO } from '../../domain/index.js';
import { crossWallet, positionUpnl } from './account-math.js';
import { breakEvenPrice } from './margin.js';
import {
  type Account,
  type AlgoRec,
  algoSnapshot,
  type EngineState,
  emit,
  type OrderRec,
  orderSnapshot,
  type Position,
  roundMoney,
} from './state.js';
import type { AccountUpdateReason, OrderTradeUpdateEvent, SimPositionUpdate } from './types.js';

export function positionUpdate(p: Position): SimPositionUpdate {
  const { amt, entryPrice } = p;
  const takerRate = p.account.takerRate;
  let breakEven: Dec | undefined;
  return {
    symbol: p.book.symbol,
    positionAmt: amt,
    entryPrice,
    // Read by the served stream alone (`bep`), not by the Exchange port: worked out on the first
    // read, from the position as it was at the event (three decimal operations per fill saved).
    get breakEvenPrice(): Dec {
      breakEven ??= breakEvenPrice(amt, entryPrice, takerRate);
      return breakEven;
    },
    accumulatedRealized: p.accumulatedRealized,
    unrealizedPnl: p.book.hasPrice ? roundMoney(positionUpnl(p)) : ZERO,
    marginType: p.marginType === 'ISOLATED' ? 'isolated' : 'cross',
    isolatedWallet: p.isolatedWallet,
    positionSide: 'BOTH',
  };
}

export function emitAccountUpdate(
  state: EngineState,
  account: Account,
  reason: AccountUpdateReason,
  positions: readonly Position[],
  balanceChange: Dec = ZERO,
): void {
  emit(state, {
    type: 'ACCOUNT_UPDATE',
    accountId: account.id,
    eventTime: state.now,
    transactionTime: state.now,
    reason,
    balances: [
      {
        asset: 'USDT',
        walletBalance: account.wallet,
        crossWalletBalance: crossWallet(account),
        balanceChange,
      },
    ],
    positions: positions.map(positionUpdate),
  });
}

export interface FillInfo {
  qty: Dec;
  price: Dec;
  commission: Dec;
  tradeId: number;
  maker: boolean;
  realizedProfit: Dec;
}

export function emitOrderUpdate(
  state: EngineState,
  order: OrderRec,
  executionType: OrderTradeUpdateEvent['executionType'],
  fill?: FillInfo,
): void {
  emit(state, {
    type: 'ORDER_TRADE_UPDATE',
    accountId: order.accountId,
    eventTime: state.now,
    transactionTime: state.now,
    executionType,
    order: orderSnapshot(order),
    lastFilledQty: fill?.qty ?? ZERO,
    lastFilledPrice: fill?.price ?? ZERO,
    commission: fill?.commission ?? ZERO,
    commissionAsset: 'USDT',
    tradeId: fill?.tradeId ?? 0,
    maker: fill?.maker ?? false,
    realizedProfit: fill?.realizedProfit ?? ZERO,
  });
}

export function emitAlgoUpdate(state: EngineState, algo: AlgoRec): void {
  emit(state, {
    type: 'ALGO_UPDATE',
    accountId: algo.accountId,
    eventTime: state.now,
    transactionTime: state.now,
    algo: algoSnapshot(algo),
  });
}
