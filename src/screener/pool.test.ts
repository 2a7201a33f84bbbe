import { afterAll, describe, expect, it } from 'vitest';
import { resolveScreenerConfig } from './config.js';
import { universeFixture } from './fixtures.js';
import { createScreenerPool, type ScreenerPool } from './pool.js';
import { toPlainOutcome } from './result.js';
import { screenSymbol } from './screen.js';
import type { CandleRow } from './shard.js';

const config = resolveScreenerConfig();
const universe = universeFixture(9, 300);
const pools: ScreenerPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

const nextCandles = (k: number): CandleRow[] =>
  universe.map((s, i) => {
    const last = s.primary.close[s.primary.close.length - 1]!;
    const close = last * (1 + (((i + k) % 5) - 2) * 0.004);
    return {
      symbol: s.symbol,
      role: 'primary' as const,
      candle: {
        openTime: s.primary.openTime[s.primary.openTime.length - 1]! + (k + 1) * 900_000,
        open: last,
        high: Math.max(last, close) * 1.001,
        low: Math.min(last, close) * 0.999,
        close,
        volume: 800 + 300 * k,
      },
    };
  });

describe('createScreenerPool', () => {
  it('gives the same answers on two worker threads as in-process, in load order', async () => {
    const local = createScreenerPool({ workers: 0 });
    const threaded = createScreenerPool({ workers: 2, maxHistory: 300 });
    pools.push(local, threaded);
    await Promise.all([local.load(universe), threaded.load(universe)]);
    const a = await local.screen();
    const b = await threaded.screen();
    expect(b.map((r) => r.symbol)).toEqual(universe.map((s) => s.symbol));
    // Plain copies: the words are lazy accessors, and deep equality reads own properties only.
    expect(b.map(toPlainOutcome)).toEqual(a.map(toPlainOutcome));
    // The incremental path agrees with a full recompute from history.
    const full = await threaded.screen({ mode: 'full' });
    expect(full.map((r) => `${r.symbol} ${r.direction} ${'score' in r ? r.score : ''}`)).toEqual(
      b.map((r) => `${r.symbol} ${r.direction} ${'score' in r ? r.score : ''}`),
    );
    expect(toPlainOutcome(full[0]!)).toEqual(toPlainOutcome(screenSymbol(universe[0]!, config)));

    // One new closed candle per symbol, applied and screened in one round trip.
    for (let k = 0; k < 3; k++) {
      const rows = nextCandles(k);
      const la = await local.screen({ rows });
      const tb = await threaded.screen({ rows });
      expect(tb.map(toPlainOutcome)).toEqual(la.map(toPlainOutcome));
      expect(
        tb.every(
          (r) =>
            r.direction === 'SKIPPED' || ('candleTime' in r && r.candleTime === rows[0]!.candle.openTime),
        ),
      ).toBe(true);
    }
  }, 60_000);

  it('passes whale signals to the right symbols and rejects a double load', async () => {
    const pool = createScreenerPool({ workers: 0 });
    pools.push(pool);
    await pool.load(universe.slice(0, 2));
    const [first] = await pool.screen({
      whales: { [universe[0]!.symbol]: { direction: 'DUMP', confidence: 90 } },
    });
    expect(first).toMatchObject({ direction: expect.stringMatching(/SHORT|NEUTRAL/), source: 'whale' });
    await expect(pool.load(universe.slice(0, 1))).rejects.toThrow(/already loaded/);
    await expect(pool.screen({ mode: 'full' })).rejects.toThrow(/maxHistory > 0/);
  });
});
