/**
 * The gate every order passes. It answers `ok` or a reason code the dashboard shows; it never
 * throws and never does I/O: the caller gathers the facts (account state, open position, recent
 * stop-outs, today's realised PnL) and the gate decides.
 */
import type { Decimal } from 'decimal.js';
import type { Direction, RiskState } from '../domain/index.js';
import type { RealisedToday } from './realised-today.js';

export const RiskReason = {
  ACCOUNT_HALTED: 'ACCOUNT_HALTED',
  ACCOUNT_REDUCING: 'ACCOUNT_REDUCING',
  AUTO_TRADING_OFF: 'AUTO_TRADING_OFF',
  BELOW_MIN_CONFIDENCE: 'BELOW_MIN_CONFIDENCE',
  POSITION_ALREADY_OPEN: 'POSITION_ALREADY_OPEN',
  COOLDOWN_ACTIVE: 'COOLDOWN_ACTIVE',
  DAILY_LOSS_LIMIT: 'DAILY_LOSS_LIMIT',
  SYMBOL_NOT_TRADING: 'SYMBOL_NOT_TRADING',
  LEVERAGE_ABOVE_SYMBOL_LIMIT: 'LEVERAGE_ABOVE_SYMBOL_LIMIT',
} as const;
export type RiskReason = (typeof RiskReason)[keyof typeof RiskReason];

export type GateDecision = { ok: true } | { ok: false; reason: RiskReason; message: string };

export interface RiskLimits {
  /** After a stop-out on a symbol, no new entry on it for this long. */
  cooldownAfterStopOutMs: number;
  /** Realised loss today (UTC) that moves the account to REDUCING, as a positive USDT amount. */
  dailyLossLimit: Decimal;
}

export interface EntryRequest {
  kind: 'entry';
  symbol: string;
  direction: Direction;
  confidence: number;
  /** True for scheduler-driven entries; a manual entry does not need auto-trading on. */
  automatic: boolean;
}

export interface ExitRequest {
  kind: 'exit';
  symbol: string;
}

export interface AccountFacts {
  riskState: RiskState;
  autoTrade: boolean;
  minConfidence: number;
  leverage: number;
  /** The account's live position in the symbol, if any (any state that is not closed). */
  hasLivePosition: boolean;
  /** When this account was last stopped out on the symbol, if ever. */
  lastStopOutAt: number | null;
  /**
   * Realised PnL since 00:00 UTC today (negative when losing), or a tracker of it that answers the
   * limit without the sum while a float guard can (see realised-today.ts).
   */
  realisedPnlToday: Decimal | RealisedToday;
  symbolTrading: boolean;
  symbolMaxLeverage: number;
}

const isTracked = (v: Decimal | RealisedToday): v is RealisedToday =>
  typeof (v as Partial<RealisedToday>).lossReaches === 'function';

const deny = (reason: RiskReason, message: string): GateDecision => ({ ok: false, reason, message });

export function checkOrder(
  request: EntryRequest | ExitRequest,
  facts: AccountFacts,
  limits: RiskLimits,
  nowMs: number,
): GateDecision {
  // Exits reduce exposure: they pass in every state, or panic could not close anything.
  if (request.kind === 'exit') return { ok: true };

  if (facts.riskState === 'HALTED') {
    return deny(RiskReason.ACCOUNT_HALTED, 'account is HALTED: nothing new until a person resumes it');
  }
  if (facts.riskState === 'REDUCING') {
    return deny(RiskReason.ACCOUNT_REDUCING, 'account is REDUCING: only exits are allowed');
  }
  if (request.automatic && !facts.autoTrade) {
    return deny(RiskReason.AUTO_TRADING_OFF, 'auto-trading is off for this account');
  }
  if (request.confidence < facts.minConfidence) {
    return deny(
      RiskReason.BELOW_MIN_CONFIDENCE,
      `signal confidence ${request.confidence} is below this account's minimum ${facts.minConfidence}`,
    );
  }
  if (facts.hasLivePosition) {
    return deny(RiskReason.POSITION_ALREADY_OPEN, `a position in ${request.symbol} is already open`);
  }
  if (!facts.symbolTrading) {
    return deny(RiskReason.SYMBOL_NOT_TRADING, `${request.symbol} is not trading on the exchange`);
  }
  if (facts.leverage > facts.symbolMaxLeverage) {
    return deny(
      RiskReason.LEVERAGE_ABOVE_SYMBOL_LIMIT,
      `leverage ${facts.leverage}x is above ${request.symbol}'s limit of ${facts.symbolMaxLeverage}x`,
    );
  }
  if (facts.lastStopOutAt !== null && nowMs - facts.lastStopOutAt < limits.cooldownAfterStopOutMs) {
    const minutesLeft = Math.ceil((limits.cooldownAfterStopOutMs - (nowMs - facts.lastStopOutAt)) / 60_000);
    return deny(
      RiskReason.COOLDOWN_ACTIVE,
      `${request.symbol} stopped out recently: cooldown for another ${minutesLeft} min`,
    );
  }
  const today = facts.realisedPnlToday;
  const tracked = isTracked(today);
  if (tracked ? today.lossReaches(limits.dailyLossLimit) : today.negated().gte(limits.dailyLossLimit)) {
    const pnl = tracked ? today.value() : today;
    return deny(
      RiskReason.DAILY_LOSS_LIMIT,
      `today's realised loss ${pnl.negated().toFixed(2)} USDT reached the daily limit of ${limits.dailyLossLimit.toFixed(2)} USDT`,
    );
  }
  return { ok: true };
}
