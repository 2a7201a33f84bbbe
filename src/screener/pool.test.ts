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

  it('removes symbols, on worker threads as in-process: answers stay in load order, a removed symbol loads again', async () => {
    const local = createScreenerPool({ workers: 0 });
    const threaded = createScreenerPool({ workers: 3 });
    pools.push(local, threaded);
    const first = universe.slice(0, 6);
    await Promise.all([local.load(first), threaded.load(first)]);
    // Uneven: shard 0 loses both its symbols, shard 1 one; the newcomers refill the smaller shards.
    const gone = [0, 3, 1].map((i) => universe[i]!.symbol);
    await Promise.all([local.remove([...gone, 'NOTLOADED']), threaded.remove(gone)]);
    const back = [universe[3]!, ...universe.slice(6)];
    await Promise.all([local.load(back), threaded.load(back)]);
    const expected = [...first.filter((s) => !gone.includes(s.symbol)), ...back].map((s) => s.symbol);
    const rows = nextCandles(0);
    const a = await local.screen({ rows });
    const b = await threaded.screen({ rows });
    expect(a.map((r) => r.symbol)).toEqual(expected);
    expect(b.map((r) => r.symbol)).toEqual(expected);
    expect(b.map(toPlainOutcome)).toEqual(a.map(toPlainOutcome));
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
