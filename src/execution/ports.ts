/**
 * The engine behind the API's ports, shaped to match src/api/ports.ts (TradingPort, BalancePort)
 * structurally: execution may not import the API, so the composition root passes these in. The
 * API has checked ownership before it calls.
 */
import type { Decimal } from 'decimal.js';
import { DomainError, ErrorCode, type RiskState, type TradingMode } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import { nextRiskState } from '../risk/index.js';
import type { Repositories } from '../store/index.js';
import type { ExecutionEngine } from './engine.js';

export interface EngineCloseOutcome {
  positionId: string;
  symbol: string;
  mode: TradingMode;
  outcome: 'CLOSED' | 'CLOSING' | 'CLOSED_IN_BOOKS' | 'NOT_CLOSED';
  message: string;
}

export interface EnginePanicReport {
  executor: string;
  autoTrade: boolean;
  riskState: RiskState;
  results: EngineCloseOutcome[];
}

export interface EngineTradingPort {
  closePosition(userId: string, positionId: string): Promise<EngineCloseOutcome>;
  panic(userId: string): Promise<EnginePanicReport>;
  setAutoTrading(userId: string, enabled: boolean): Promise<{ autoTrade: boolean; riskState: RiskState }>;
  resume(userId: string): Promise<{ riskState: RiskState }>;
}

export interface EngineBalanceView {
  mode: TradingMode;
  wallet: Decimal | null;
  available: Decimal | null;
  asOf: Date | null;
  source: string;
}

/** A TradingPort over the engine. Users without an attached exchange get a clear NOT_CLOSED. */
export function createEngineTradingPort(deps: {
  engine: ExecutionEngine;
  repos: Pick<Repositories, 'users' | 'positions' | 'audit'>;
  events?: EventBus | undefined;
  now: () => number;
}): EngineTradingPort {
  const { engine, repos } = deps;
  const publishAccount = (userId: string, data: Record<string, unknown>) =>
    deps.events?.publish(userId, { type: 'account', at: deps.now(), data });
  return {
    async closePosition(userId, positionId) {
      if (engine.hasAccount(userId)) return engine.closePosition(userId, positionId);
      const p = await repos.positions.findById(positionId);
      if (!p || p.userId !== userId) throw new DomainError(ErrorCode.NOT_FOUND, 'position not found');
      return {
        positionId,
        symbol: p.symbol,
        mode: p.mode,
        outcome: 'NOT_CLOSED',
        message: 'no exchange is connected for this account: the position was not closed',
      };
    },
    async panic(userId) {
      if (engine.hasAccount(userId)) return engine.panic(userId);
      const user = await repos.users.findById(userId);
      if (!user) throw new DomainError(ErrorCode.NOT_FOUND, 'user not found');
      const t = nextRiskState(user.riskState, { type: 'PANIC' });
      await repos.users.updateSettings(userId, { autoTrade: false });
      await repos.users.setRiskState(userId, t.to);
      publishAccount(userId, { autoTrade: false, riskState: t.to });
      const live = await repos.positions.listLive(userId);
      return {
        executor: 'engine',
        autoTrade: false,
        riskState: t.to,
        results: live.map((p) => ({
          positionId: p.id,
          symbol: p.symbol,
          mode: p.mode,
          outcome: 'NOT_CLOSED' as const,
          message: 'no exchange is connected for this account: close it on the exchange',
        })),
      };
    },
    async setAutoTrading(userId, enabled) {
      const updated = await repos.users.updateSettings(userId, { autoTrade: enabled });
      publishAccount(userId, { autoTrade: updated.autoTrade, riskState: updated.riskState });
      return { autoTrade: updated.autoTrade, riskState: updated.riskState };
    },
    async resume(userId) {
      const user = await repos.users.findById(userId);
      if (!user) throw new DomainError(ErrorCode.NOT_FOUND, 'user not found');
      const t = nextRiskState(user.riskState, { type: 'RESUME', by: 'person' });
      await repos.users.setRiskState(userId, t.to);
      engine.resumed(userId);
      await repos.audit.append({
        userId,
        kind: 'risk_state',
        message: `${t.from} -> ${t.to}: ${t.reason}`,
        data: t,
      });
      publishAccount(userId, { riskState: t.to });
      return { riskState: t.to };
    },
  };
}

/** A BalancePort over the engine: its cache (or REST) for attached accounts, `fallback` otherwise. */
export function createEngineBalancePort<U extends { id: string }>(deps: {
  engine: ExecutionEngine;
  fallback: { getBalance(user: U): Promise<EngineBalanceView> };
}): { getBalance(user: U): Promise<EngineBalanceView> } {
  return {
    async getBalance(user) {
      if (!deps.engine.hasAccount(user.id)) return deps.fallback.getBalance(user);
      try {
        return await deps.engine.balance(user.id);
      } catch {
        return deps.fallback.getBalance(user);
      }
    },
  };
}
