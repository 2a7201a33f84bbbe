/**
 * PAPER trading: one in-process simulator for every PAPER user, each with their own wallet
 * (PAPER_START_BALANCE on first use), filled on the same live or replayed prices as the market
 * feed, with Binance's fees and rules. It is the same Exchange port the REAL ccxt adapter
 * implements, so the execution engine cannot tell them apart.
 *
 * Restarts: every account is saved whole (the simulator's versioned snapshot, in paper_accounts)
 * after each change to it: an order placed, cancelled, triggered or filled, a leverage or margin
 * change, funding, a liquidation. Saves are coalesced (paper-saver.ts): written once the exchange
 * has been quiet for 100 ms, never later than 2 s after the change, at most one write per account
 * every 250 ms; stop() writes whatever is still unsaved. At start every saved account is restored
 * before the first price reaches the simulator and before the engine attaches anyone, so wallets,
 * open positions and resting orders (stops, targets, limit entries) are where they were, and
 * reconciliation finds them on the "exchange". A stop whose price was crossed while the process
 * was down fires on the first price, at that price, as a gap would.
 *
 * Known limits: what changed in the last moments before a crash (inside the coalescing window: up
 * to 2 s during a burst such as a fan-out; or while the store was failing) is lost with the
 * process; reconciliation then settles the books against what was saved. A saved account that
 * cannot be restored (corrupt, or written by a newer version) is logged and audited with its saved
 * state, and that user's wallet starts again from PAPER_START_BALANCE. Only the most recent closed
 * orders are kept (`historyLimit` per family), in the snapshot and, from each save on, in memory.
 */
import { type Clock, DomainError, describeError, type MarketSymbol } from '../domain/index.js';
import { type Exchange, Simulator, simSymbolsFromRules } from '../exchange/index.js';
import type { Logger } from '../logging/index.js';
import type { MarketFeed } from '../market/index.js';
import type { Repositories } from '../store/index.js';
import { createSaver } from './paper-saver.js';
import type { PriceWatch } from './price-watch.js';

export interface PaperExchanges {
  /** The user's PAPER account, created and funded on first use. */
  exchangeFor(userId: string): Exchange;
  simulator: Simulator;
  /** Stop following prices and write every account changed since its last save. */
  stop(): Promise<void>;
}

export interface PaperExchangesDeps {
  feed: MarketFeed;
  prices: PriceWatch;
  clock: Clock;
  startBalance: number;
  repos: Pick<Repositories, 'paperAccounts' | 'audit'>;
  logger: Logger;
  /** Least time between two writes of one account; default 250 ms. */
  saveEveryMs?: number;
  /** Changed accounts are written once no account has changed for this long; default 100 ms. */
  saveQuietMs?: number;
  /** ...and never later than this after their first unsaved change; default 2,000 ms. */
  saveMaxDelayMs?: number;
  /** Closed regular orders and closed algo orders kept in a saved account; default 100 each. */
  historyLimit?: number;
}

const PREFIX = 'paper:';
const accountIdOf = (userId: string) => `${PREFIX}${userId}`;

export async function startPaperExchanges(deps: PaperExchangesDeps): Promise<PaperExchanges> {
  const { repos, logger } = deps;
  const universe = await deps.feed.universe();
  // Ids start from this process's start time (ms x 1000, far below 2^53): a wallet saved by
  // another worker and restored here (scale-out hand-over) keeps its order ids, and they cannot
  // clash with the ones this process has handed out, unless one process placed more orders
  // than a thousand per millisecond between the two starts.
  const idBase = deps.clock.now() * 1000;
  const simulator = new Simulator({
    clock: deps.clock,
    symbols: simSymbolsFromRules(universe),
    orderIdStart: idBase,
    algoIdStart: idBase,
  });
  const historyLimit = deps.historyLimit ?? 100;

  await restoreAccounts(simulator, deps);

  const saver = createSaver({
    everyMs: deps.saveEveryMs ?? 250,
    quietMs: deps.saveQuietMs ?? 100,
    maxDelayMs: deps.saveMaxDelayMs ?? 2_000,
    logger,
    save: async (userId) => {
      // What the save leaves out is forgotten here too, so a process running for weeks holds
      // what a restart would restore, not every order its users ever placed.
      simulator.pruneHistory(accountIdOf(userId), historyLimit);
      const state = simulator.exportAccount(accountIdOf(userId), { historyLimit });
      await repos.paperAccounts.save(userId, state);
    },
  });
  // Fills, triggers, liquidations and funding happen on price updates: the user stream says so.
  const unsubscribeEvents = simulator.subscribe((event) => {
    if (event.accountId.startsWith(PREFIX)) saver.changed(event.accountId.slice(PREFIX.length));
  });

  // Seed every symbol's price before anyone trades, so the first MARKET order has a price to fill
  // at. No separate mark on this first price: the mark follows it, so stops and liquidation levels
  // of restored accounts that are already crossed fire now, whichever price they watch.
  for (const rules of universe) {
    try {
      const mark = await deps.feed.markPrice(rules.symbol as MarketSymbol);
      simulator.onPrice(rules.symbol, { last: mark.markPrice, time: mark.time });
    } catch {
      // A symbol without a price yet gets one from the stream below.
    }
  }
  const unsubscribePrices = deps.prices.onPrice((p) => {
    simulator.onPrice(p.symbol, { last: p.markPrice, mark: p.markPrice, time: p.time });
  });

  const exchanges = new Map<string, Exchange>();
  return {
    simulator,
    exchangeFor(userId) {
      let exchange = exchanges.get(userId);
      if (exchange) return exchange;
      const accountId = accountIdOf(userId);
      if (!simulator.hasAccount(accountId))
        simulator.createAccount(accountId, { deposit: deps.startBalance });
      exchange = savingAfterCommands(simulator.account(accountId), () => saver.changed(userId));
      exchanges.set(userId, exchange);
      return exchange;
    },
    async stop() {
      unsubscribePrices();
      unsubscribeEvents();
      await saver.flush();
    },
  };
}

/** Put every saved account back into the simulator; one that cannot be restored is reported, not fatal. */
async function restoreAccounts(simulator: Simulator, deps: PaperExchangesDeps): Promise<void> {
  const { repos, logger } = deps;
  let restored = 0;
  for (const row of await repos.paperAccounts.loadAll()) {
    try {
      const result = simulator.importAccount(row.state, accountIdOf(row.userId));
      restored++;
      if (result.skippedSymbols.length > 0) {
        logger.warn(
          { userId: row.userId, symbols: result.skippedSymbols },
          'PAPER account restored without the history of symbols no longer listed',
        );
      }
    } catch (err) {
      const reason = describeError(err);
      logger.error(
        { userId: row.userId, err: reason, savedAt: row.updatedAt },
        'saved PAPER account could not be restored: this user starts again from PAPER_START_BALANCE',
      );
      await repos.audit
        .append({
          userId: row.userId,
          kind: 'paper.restore_failed',
          message: `Your saved PAPER account could not be restored (${reason}); it starts again from the start balance. The saved state is kept in this entry.`,
          data: {
            error: reason,
            problems: err instanceof DomainError ? (err.details?.problems ?? null) : null,
            savedAt: row.updatedAt.toISOString(),
            state: row.state,
          },
        })
        .catch((auditErr: unknown) =>
          logger.error(
            { userId: row.userId, err: describeError(auditErr) },
            'auditing a failed PAPER restore failed',
          ),
        );
    }
  }
  if (restored > 0) logger.info({ accounts: restored }, 'PAPER accounts restored');
}

/** The account's port, marking it changed after every command (a margin-type change has no event). */
function savingAfterCommands(port: Exchange, changed: () => void): Exchange {
  const after = <T>(result: Promise<T>): Promise<T> => result.finally(changed);
  return {
    ...port,
    createOrder: (request) => after(port.createOrder(request)),
    cancelOrder: (lookup) => after(port.cancelOrder(lookup)),
    cancelAllOrders: (symbol) => after(port.cancelAllOrders(symbol)),
    setLeverage: (symbol, leverage) => after(port.setLeverage(symbol, leverage)),
    setMarginMode: (symbol, mode) => after(port.setMarginMode(symbol, mode)),
  };
}
