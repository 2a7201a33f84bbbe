/**
 * PAPER trading: one in-process simulator for every PAPER user, each with their own wallet
 * (PAPER_START_BALANCE on first use), filled on the same live or replayed prices as the market
 * feed, with Binance's fees and rules. It is the same Exchange port the REAL ccxt adapter
 * implements, so the execution engine cannot tell them apart.
 *
 * Known limit: the simulator's state lives in this process. After a restart, PAPER wallets start
 * again from PAPER_START_BALANCE and reconciliation books the PAPER positions the simulator no
 * longer holds as closed (REAL positions are on Binance and are adopted as they are).
 */
import type { Clock, MarketSymbol } from '../domain/index.js';
import { type Exchange, Simulator, simSymbolsFromRules } from '../exchange/index.js';
import type { MarketFeed } from '../market/index.js';
import type { PriceWatch } from './price-watch.js';

export interface PaperExchanges {
  /** The user's PAPER account, created and funded on first use. */
  exchangeFor(userId: string): Exchange;
  simulator: Simulator;
  stop(): void;
}

export async function startPaperExchanges(deps: {
  feed: MarketFeed;
  prices: PriceWatch;
  clock: Clock;
  startBalance: number;
}): Promise<PaperExchanges> {
  const simulator = new Simulator({
    clock: deps.clock,
    symbols: simSymbolsFromRules(await deps.feed.universe()),
  });
  // Seed every symbol's price before anyone trades, so the first MARKET order has a price to fill at.
  for (const rules of await deps.feed.universe()) {
    try {
      const mark = await deps.feed.markPrice(rules.symbol as MarketSymbol);
      simulator.onPrice(rules.symbol, { last: mark.markPrice, mark: mark.markPrice, time: mark.time });
    } catch {
      // A symbol without a price yet gets one from the stream below.
    }
  }
  const unsubscribe = deps.prices.onPrice((p) => {
    simulator.onPrice(p.symbol, { last: p.markPrice, mark: p.markPrice, time: p.time });
  });
  return {
    simulator,
    exchangeFor(userId) {
      const accountId = `paper:${userId}`;
      if (!simulator.hasAccount(accountId))
        simulator.createAccount(accountId, { deposit: deps.startBalance });
      return simulator.account(accountId);
    },
    stop: unsubscribe,
  };
}
