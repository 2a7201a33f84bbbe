/**
 * Mark prices from the market feed, kept as the latest per symbol (the API's MarkPricePort reads
 * them synchronously) and broadcast as `price` live events for the dashboard's PnL. Publishing is
 * throttled per symbol so a fast feed never floods the event streams.
 */
import type { Decimal } from 'decimal.js';
import { dec, type MarketSymbol } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import type { Logger } from '../logging/index.js';
import type { MarketFeed, MarkPrice, Subscription } from '../market/index.js';

export interface PriceWatch {
  markPrice(symbol: string): Decimal | undefined;
  /** Every update, for consumers such as the PAPER simulator. */
  onPrice(listener: (price: MarkPrice) => void): () => void;
  stop(): Promise<void>;
}

export async function startPriceWatch(deps: {
  feed: MarketFeed;
  events?: EventBus | undefined;
  logger: Logger;
  /** Minimum spacing of `price` events per symbol. */
  publishEveryMs?: number;
}): Promise<PriceWatch> {
  const latest = new Map<string, MarkPrice>();
  const lastPublished = new Map<string, number>();
  const listeners = new Set<(price: MarkPrice) => void>();
  const spacing = deps.publishEveryMs ?? 1_000;
  const symbols = (await deps.feed.universe()).map((r) => r.symbol as MarketSymbol);
  const subscription: Subscription<MarkPrice> = deps.feed.watchMarkPrices(symbols);

  const loop = (async () => {
    for await (const price of subscription) {
      latest.set(price.symbol, price);
      for (const listener of listeners) {
        try {
          listener(price);
        } catch (err) {
          deps.logger.error({ err, symbol: price.symbol }, 'price listener failed');
        }
      }
      const last = lastPublished.get(price.symbol) ?? Number.NEGATIVE_INFINITY;
      if (deps.events && price.time - last >= spacing) {
        lastPublished.set(price.symbol, price.time);
        deps.events.publish(null, {
          type: 'price',
          at: price.time,
          symbol: price.symbol,
          data: { markPrice: price.markPrice },
        });
      }
    }
  })().catch((err: unknown) => deps.logger.error({ err }, 'mark price stream ended with an error'));

  return {
    markPrice(symbol) {
      const p = latest.get(symbol);
      return p ? dec(p.markPrice) : undefined;
    },
    onPrice(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      subscription.close();
      await loop;
    },
  };
}
