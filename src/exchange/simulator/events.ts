/**
 * Builders for the user-stream events, with the fields Binance's ORDER_TRADE_UPDATE,
 * ACCOUNT_UPDATE and ALGO_UPDATE carry (reference §5.2). Only the builders live here; the engine
 * decides when to emit them: per fill an ORDER_TRADE_UPDATE then an ACCOUNT_UPDATE (m=ORDER);
 * NEW/CANCELED/EXPIRED orders emit no ACCOUNT_UPDATE.
 */
import { type Dec, dec, type MarketSymbol, ZERO } from '../../domain/index.js';
import { crossWallet } from './account-math.js';
import { emit } from './event-queue.js';
import { breakEvenPrice, unrealizedPnl } from './margin.js';
import {
  type Account,
  type AlgoRec,
  algoSnapshot,
  type EngineState,
  type OrderRec,
  orderSnapshot,
  type Position,
  roundMoney,
} from './state.js';
import type { AccountUpdateReason, OrderTradeUpdateEvent, SimPositionUpdate } from './types.js';

/**
 * One position of ACCOUNT_UPDATE. The break-even price and the unrealised PnL are read by the
 * served stream (`bep`, `up`) and by no listener of the Exchange port in this codebase (the
 * backtest's, the engine's, PAPER's): each is worked out on its first read, from the position and
 * the mark as they were at the event (about seven decimal operations per fill saved). A class,
 * not an object literal with getters: V8 builds such a literal in ~1.7 µs, an instance in ~10 ns.
 * JSON carries every field, in Binance's order, as a plain object did.
 */
class PositionUpdate implements SimPositionUpdate {
  readonly symbol: MarketSymbol;
  readonly positionAmt: Dec;
  readonly entryPrice: Dec;
  readonly accumulatedRealized: Dec;
  readonly marginType: 'isolated' | 'cross';
  readonly isolatedWallet: Dec;
  readonly positionSide = 'BOTH' as const;
  readonly #takerRate: Dec;
  /** The mark as a float (markOf(book) is it as a decimal), undefined while the book has no price. */
  readonly #mark: number | undefined;
  #breakEven: Dec | undefined;
  #upnl: Dec | undefined;

  constructor(p: Position) {
    this.symbol = p.book.symbol;
    this.positionAmt = p.amt;
    this.entryPrice = p.entryPrice;
    this.accumulatedRealized = p.accumulatedRealized;
    this.marginType = p.marginType === 'ISOLATED' ? 'isolated' : 'cross';
    this.isolatedWallet = p.isolatedWallet;
    this.#takerRate = p.account.takerRate;
    this.#mark = p.book.hasPrice ? p.book.markF : undefined;
  }

  get breakEvenPrice(): Dec {
    this.#breakEven ??= breakEvenPrice(this.positionAmt, this.entryPrice, this.#takerRate);
    return this.#breakEven;
  }

  get unrealizedPnl(): Dec {
    this.#upnl ??=
      this.#mark === undefined
        ? ZERO
        : roundMoney(unrealizedPnl(this.positionAmt, this.entryPrice, dec(this.#mark)));
    return this.#upnl;
  }

  toJSON(): Record<keyof SimPositionUpdate, unknown> {
    return {
      symbol: this.symbol,
      positionAmt: this.positionAmt,
      entryPrice: this.entryPrice,
      breakEvenPrice: this.breakEvenPrice,
      accumulatedRealized: this.accumulatedRealized,
      unrealizedPnl: this.unrealizedPnl,
      marginType: this.marginType,
      isolatedWallet: this.isolatedWallet,
      positionSide: this.positionSide,
    };
  }
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
    positions: positionUpdates(positions),
  });
}

/** In a loop, not by map: see toStreamEvents (sim-exchange.ts) on holey and packed arrays. */
function positionUpdates(positions: readonly Position[]): SimPositionUpdate[] {
  const out: SimPositionUpdate[] = [];
  for (const p of positions) out.push(new PositionUpdate(p));
  return out;
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
