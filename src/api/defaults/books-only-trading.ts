import { type Clock, DomainError, ErrorCode, isLivePosition } from '../../domain/index.js';
import type { EventBus } from '../../events/index.js';
import { nextRiskState } from '../../risk/index.js';
import type { Position, Repositories } from '../../store/index.js';
import type { CloseOutcome, TradingPort } from '../ports.js';

/**
 * The trading port before the execution engine exists. Honest about it: auto-trading and risk
 * state change for real (users table); PAPER positions are closed in the books only (no exchange
 * or price feed: no exit price, no PnL, status CANCELLED, close reason *_BOOKS_ONLY); REAL
 * positions are NOT closed and the answer says so, since money on Binance is untouched.
 */
export function createBooksOnlyTrading(deps: {
  repos: Pick<Repositories, 'users' | 'positions' | 'positionQueries'>;
  clock: Clock;
  events?: EventBus | undefined;
}): TradingPort {
  const { repos, clock } = deps;

  async function closeInBooks(position: Position, reason: 'MANUAL' | 'PANIC'): Promise<CloseOutcome> {
    const base = { positionId: position.id, symbol: position.symbol, mode: position.mode };
    if (position.mode === 'REAL') {
      return {
        ...base,
        outcome: 'NOT_CLOSED',
        message:
          'no exchange is wired in this build: this REAL position was NOT closed; close it on Binance yourself',
      };
    }
    const updated = await repos.positions.update(position.id, {
      status: 'CANCELLED',
      closeReason: `${reason}_BOOKS_ONLY`,
      closedAt: new Date(clock.now()),
    });
    deps.events?.publish(position.userId, {
      type: 'position',
      at: clock.now(),
      symbol: position.symbol,
      data: { id: updated.id, status: updated.status, closeReason: updated.closeReason },
    });
    return {
      ...base,
      outcome: 'CLOSED_IN_BOOKS',
      message:
        'closed in the books only: no exchange or price feed is wired yet, so there is no exit price and no PnL',
    };
  }

  async function user(userId: string) {
    const found = await repos.users.findById(userId);
    if (!found) throw new DomainError(ErrorCode.NOT_FOUND, 'user not found');
    return found;
  }

  function publishAccount(userId: string, data: Record<string, unknown>) {
    deps.events?.publish(userId, { type: 'account', at: clock.now(), data });
  }

  return {
    async closePosition(userId, positionId) {
      const position = await repos.positionQueries.findForUser(userId, positionId);
      if (!position) throw new DomainError(ErrorCode.NOT_FOUND, 'position not found');
      if (!isLivePosition(position.status)) {
        throw new DomainError(ErrorCode.CONFLICT, `position is already ${position.status}`);
      }
      return closeInBooks(position, 'MANUAL');
    },

    async panic(userId) {
      const current = await user(userId);
      const transition = nextRiskState(current.riskState, { type: 'PANIC' });
      await repos.users.updateSettings(userId, { autoTrade: false });
      await repos.users.setRiskState(userId, transition.to);
      publishAccount(userId, { autoTrade: false, riskState: transition.to });
      const results: CloseOutcome[] = [];
      for (const position of await repos.positionQueries.listLiveForUser(userId)) {
        try {
          results.push(await closeInBooks(position, 'PANIC'));
        } catch (err) {
          results.push({
            positionId: position.id,
            symbol: position.symbol,
            mode: position.mode,
            outcome: 'NOT_CLOSED',
            message: `could not close in the books: ${err instanceof Error ? err.message : String(err)}`,
          });
        }
      }
      return { executor: 'books-only', autoTrade: false, riskState: transition.to, results };
    },

    async setAutoTrading(userId, enabled) {
      const updated = await repos.users.updateSettings(userId, { autoTrade: enabled });
      publishAccount(userId, { autoTrade: updated.autoTrade, riskState: updated.riskState });
      return { autoTrade: updated.autoTrade, riskState: updated.riskState };
    },

    async resume(userId) {
      const current = await user(userId);
      const transition = nextRiskState(current.riskState, { type: 'RESUME', by: 'person' });
      await repos.users.setRiskState(userId, transition.to);
      publishAccount(userId, { riskState: transition.to });
      return { riskState: transition.to };
    },
  };
}
