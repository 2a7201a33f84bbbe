/**
 * Accounts and their per-symbol settings: creation, deposits and withdrawals, leverage
 * (POST /fapi/v1/leverage: 1..max of the first bracket, -4028; -2027 if the position would exceed
 * the bracket cap; -4161 when lowering an isolated position's leverage) and margin type
 * (POST /fapi/v1/marginType: -4046 unchanged, -4047 open orders, -4048 position).
 */
import { type Dec, type DecimalInput, dec, type MarginMode, ZERO } from '../../domain/index.js';
import { BinanceCode, binanceError, binanceMessage } from '../errors.js';
import { availableBalance, crossWallet, positionNotional } from './account-math.js';
import { emit } from './event-queue.js';
import { emitAccountUpdate } from './events.js';
import { refreshLiquidationTrigger } from './fills.js';
import { maxNotionalFor } from './spec.js';
import {
  type Account,
  commandTime,
  type EngineState,
  newAccount,
  openAlgosOn,
  openOrdersOn,
  positionOf,
  refreshCrossWallet,
  requireAccount,
  requireBook,
} from './state.js';
import type { SimSymbolConfig } from './types.js';

export function account(state: EngineState, accountId: string): Account {
  return requireAccount(state, accountId);
}

export function createAccount(
  state: EngineState,
  accountId: string,
  options: { deposit?: DecimalInput; makerFeeRate?: DecimalInput; takerFeeRate?: DecimalInput },
): void {
  if (state.accounts.has(accountId)) throw new RangeError(`account "${accountId}" already exists`);
  const acc = newAccount(accountId, {
    wallet: ZERO,
    ledger: { deposits: ZERO, realizedPnl: ZERO, fees: ZERO, funding: ZERO },
    makerRate:
      options.makerFeeRate === undefined ? state.config.makerRate : dec(options.makerFeeRate, 'makerFeeRate'),
    takerRate:
      options.takerFeeRate === undefined ? state.config.takerRate : dec(options.takerFeeRate, 'takerFeeRate'),
  });

  state.accounts.set(accountId, acc);
  if (options.deposit !== undefined) transfer(state, accountId, dec(options.deposit, 'deposit'), 'DEPOSIT');
}

/** Deposit (positive) or withdraw; a withdrawal may take at most the available balance. */
export function transfer(
  state: EngineState,
  accountId: string,
  amount: Dec,
  kind: 'DEPOSIT' | 'WITHDRAW',
): void {
  const acc = requireAccount(state, accountId);
  commandTime(state);
  if (amount.lte(0)) throw new RangeError(`${kind.toLowerCase()} amount must be positive`);
  if (kind === 'WITHDRAW') {
    // maxWithdrawAmount: what is available, and never unrealised profit (not in the cross wallet).
    const available = availableBalance(acc);
    const cross = crossWallet(acc);
    if (amount.gt(available.lt(cross) ? available : cross))
      throw binanceError(BinanceCode.BALANCE_NOT_SUFFICIENT);
  }
  const signed = kind === 'DEPOSIT' ? amount : amount.neg();
  acc.wallet = acc.wallet.plus(signed);
  acc.ledger.deposits = acc.ledger.deposits.plus(signed);
  refreshCrossWallet(acc);
  emitAccountUpdate(state, acc, kind, [], signed);
  // A deposit can rescue a cross account; a withdrawal cannot sink one (checked above).
}

export function setLeverage(
  state: EngineState,
  accountId: string,
  symbol: string,
  leverage: number,
): SimSymbolConfig {
  const acc = requireAccount(state, accountId);
  const book = requireBook(state, symbol);
  commandTime(state);
  if (!Number.isInteger(leverage) || leverage < 1 || leverage > book.spec.maxLeverage) {
    throw binanceError(BinanceCode.INVALID_LEVERAGE, {
      message: binanceMessage(BinanceCode.INVALID_LEVERAGE, leverage),
    });
  }
  const pos = positionOf(state, acc, book);
  const cap = maxNotionalFor(book.spec.brackets, leverage);
  if (!pos.amt.isZero()) {
    if (pos.marginType === 'ISOLATED' && leverage < pos.leverage) {
      throw binanceError(BinanceCode.ISOLATED_LEVERAGE_REJECT_WITH_POSITION);
    }
    if (book.hasPrice && positionNotional(pos).gt(cap)) throw binanceError(BinanceCode.MAX_LEVERAGE_RATIO);
  }
  const previous = pos.leverage;
  pos.leverage = leverage;
  acc.orderMarginDirty.add(book);
  if (
    pos.marginType === 'CROSSED' &&
    !pos.amt.isZero() &&
    availableBalance(acc).lt(0) &&
    leverage < previous
  ) {
    pos.leverage = previous;
    acc.orderMarginDirty.add(book);
    throw binanceError(BinanceCode.MIN_LEVERAGE_RATIO);
  }
  emit(state, {
    type: 'ACCOUNT_CONFIG_UPDATE',
    accountId: acc.id,
    eventTime: state.now,
    transactionTime: state.now,
    symbol: book.symbol,
    leverage,
  });
  return { symbol: book.symbol, marginType: pos.marginType, leverage, maxNotionalValue: cap };
}

export function setMarginType(
  state: EngineState,
  accountId: string,
  symbol: string,
  marginType: MarginMode,
): void {
  const acc = requireAccount(state, accountId);
  const book = requireBook(state, symbol);
  commandTime(state);
  const pos = positionOf(state, acc, book);
  if (pos.marginType === marginType) throw binanceError(BinanceCode.NO_NEED_TO_CHANGE_MARGIN_TYPE);
  if (openOrdersOn(acc, book).size > 0 || openAlgosOn(acc, book).size > 0) {
    throw binanceError(BinanceCode.THERE_EXISTS_OPEN_ORDERS);
  }
  if (!pos.amt.isZero()) throw binanceError(BinanceCode.THERE_EXISTS_QUANTITY);
  pos.marginType = marginType;
  refreshLiquidationTrigger(state, pos);
}
