import type { Decimal } from 'decimal.js';
import type { CredentialsTester } from '../../auth/index.js';
import { type Clock, dec } from '../../domain/index.js';
import type { EventBus } from '../../events/index.js';
import type { Repositories } from '../../store/index.js';
import type { BalancePort, MarkPricePort, TradingPort } from '../ports.js';
import { createBooksOnlyTrading } from './books-only-trading.js';

export { createBooksOnlyTrading } from './books-only-trading.js';

/**
 * Balances from the store: PAPER from the latest PAPER snapshot (the simulator writes them), else
 * the configured starting balance; REAL from the user-stream cache on the users row.
 */
export function createStoreBalances(deps: {
  repos: Pick<Repositories, 'balanceSnapshots'>;
  paperStartBalance: Decimal | number | string;
}): BalancePort {
  const start = dec(deps.paperStartBalance, 'PAPER_START_BALANCE');
  return {
    async getBalance(user) {
      if (user.mode === 'PAPER') {
        const snapshot = await deps.repos.balanceSnapshots.latest(user.id, 'PAPER');
        if (snapshot) {
          return {
            mode: 'PAPER',
            wallet: snapshot.wallet,
            available: snapshot.available,
            asOf: snapshot.takenAt,
            source: snapshot.source,
          };
        }
        return {
          mode: 'PAPER',
          wallet: start,
          available: start,
          asOf: user.createdAt,
          source: 'paper-start',
        };
      }
      return user.realBalance
        ? {
            mode: 'REAL',
            wallet: user.realBalance,
            available: null,
            asOf: user.realBalanceAt,
            source: 'user-stream-cache',
          }
        : { mode: 'REAL', wallet: null, available: null, asOf: null, source: 'unknown' };
    },
  };
}

/** No exchange adapter yet: says so instead of pretending the key works. */
export const unavailableCredentialsTester: CredentialsTester = {
  async testExchangeCredentials() {
    return {
      ok: false,
      message:
        'connection test not available yet: no exchange adapter is wired in this build, so the key was not checked',
    };
  },
};

export const noMarkPrices: MarkPricePort = { markPrice: () => undefined };

export interface DefaultPorts {
  trading: TradingPort;
  balances: BalancePort;
  credentialsTester: CredentialsTester;
  markPrices: MarkPricePort;
}

/** The ports as wired before the execution engine and exchange adapter exist. */
export function createDefaultPorts(deps: {
  repos: Repositories;
  clock: Clock;
  events?: EventBus | undefined;
  paperStartBalance: Decimal | number | string;
}): DefaultPorts {
  return {
    trading: createBooksOnlyTrading(deps),
    balances: createStoreBalances(deps),
    credentialsTester: unavailableCredentialsTester,
    markPrices: noMarkPrices,
  };
}
