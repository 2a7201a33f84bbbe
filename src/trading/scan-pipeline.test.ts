import { expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import { createAnalysts } from '../analyst/index.js';
import { loadConfig } from '../config/index.js';
import { createEventBus, type Delivery } from '../events/index.js';
import { silentLogger } from '../logging/index.js';
import { createSyntheticFeed } from '../market/index.js';
import { createWinProbability, trainAndStore } from '../ml/index.js';
import { syntheticSamples } from '../ml/synthetic.js';
import { createRepositories } from '../store/index.js';
import { createScanPipeline } from './scan-pipeline.js';

forEachStore('scan pipeline', ({ store }) => {
  it('stores the accepted signals once, and a rescan of the same candles stores none again', async () => {
    const feed = await createSyntheticFeed({ seed: 7, symbols: 20, pace: 'manual' });
    try {
      const clock = feed.clock;
      const repos = createRepositories(store().db);
      const events = createEventBus();
      const published: Delivery[] = [];
      events.subscribe('watcher', (d: Delivery) => published.push(d));
      const analysts = createAnalysts(loadConfig({}, { envFile: '/nonexistent' }), { clock, kind: 'rule' });
      const pipeline = createScanPipeline({
        feed,
        repos,
        analysts,
        clock,
        logger: silentLogger,
        events,
        dedupWindowMs: 120 * 60_000,
      });
      const first = await pipeline.run();
      expect(first.screened).toBe(20);
      expect(first.screener).toMatchObject({ loaded: 20, candles: 0 });
      expect(first.stored.length).toBeGreaterThan(0);
      for (const signal of first.stored) {
        expect(signal.status).toBe('PENDING');
        expect(signal.combinedConfidence).toBeGreaterThanOrEqual(75);
        const live = await repos.signals.findLive(signal.symbol, signal.direction, {
          now: new Date(clock.now()),
          windowMs: 120 * 60_000,
        });
        expect(live?.id).toBe(signal.id);
      }
      // Broadcast to every live stream, one event per stored signal.
      expect(
        published
          .filter((d) => d.event.type === 'signal')
          .map((d) => d.event.symbol)
          .sort(),
      ).toEqual(first.stored.map((s) => s.symbol).sort());
      const second = await pipeline.run();
      expect(second.stored).toEqual([]);
      expect(second.duplicates).toBeGreaterThanOrEqual(first.stored.length);
      // The screener stays warm: nothing new, nothing fetched; a new 15m candle, one pushed per symbol.
      expect(second.screener).toMatchObject({ loaded: 0, candles: 0, requests: 0 });
      feed.advanceTo(clock.now() + 15 * 60_000);
      const third = await pipeline.run();
      expect(third.screened).toBe(20);
      expect(third.screener).toMatchObject({ loaded: 0, updated: 20, candles: 20 });
    } finally {
      await feed.close();
    }
  }, 120_000);

  it("attaches the served model's win probability to each signal, and MIN_WIN_PROBABILITY vetoes on it", async () => {
    const feed = await createSyntheticFeed({ seed: 11, symbols: 20, pace: 'manual' });
    try {
      const clock = feed.clock;
      const repos = createRepositories(store().db);
      const trained = await trainAndStore(store().db, syntheticSamples({ n: 2_000, seed: 3 }));
      expect(trained.saved?.usable).toBe(true);
      const winProbability = await createWinProbability(store());
      expect(winProbability.version).toBe(trained.saved!.version);
      const scan = (env: Record<string, string>, dedupWindowMs: number) =>
        createScanPipeline({
          feed,
          repos,
          analysts: createAnalysts(loadConfig(env, { envFile: '/nonexistent' }), { clock, kind: 'rule' }),
          clock,
          logger: silentLogger,
          dedupWindowMs,
          winProbability: winProbability.forProposal,
        }).run();

      // The model's opinion is a confidence factor (this model rates the scan's setups low, so
      // with no global minimum they pass), and each signal carries the probability it was given.
      const { stored } = await scan({ MIN_CONFIDENCE: '0' }, 1);
      expect(stored.length).toBeGreaterThan(0);
      for (const signal of stored) {
        expect(signal.winProbability).toBeGreaterThan(0);
        expect(signal.winProbability).toBeLessThan(1);
      }
      // A minimum no signal meets: the same proposals are all rejected, none stored for execution.
      const vetoed = await scan({ MIN_CONFIDENCE: '0', MIN_WIN_PROBABILITY: '0.99' }, 1);
      expect(vetoed.stored).toEqual([]);
      expect(vetoed.rejected).toBeGreaterThan(0);
    } finally {
      await feed.close();
    }
  }, 120_000);
});
