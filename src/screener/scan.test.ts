import { describe, expect, it } from 'vitest';
import { dec, toColumns } from '../domain/index.js';
import { createMemoryFeed } from '../market/index.js';
import { walkSymbol } from './fixtures-market.js';
import { rankOutcomes, scanUniverse } from './scan.js';
import { isSkip, type ScreenOutcome } from './types.js';

const END = Date.UTC(2026, 0, 15, 12);
const Q = 900_000;

function memoryMarket() {
  return createMemoryFeed({
    symbols: [
      walkSymbol('AAAUSDT', 3400, END - Q, 1),
      walkSymbol('BBBUSDT', 3400, END - Q, 2),
      walkSymbol('NEWUSDT', 30, END - Q, 3),
      walkSymbol('OLDUSDT', 3400, END - 2 * 86_400_000, 4),
      walkSymbol('HALTUSDT', 3400, END - Q, 5, 'BREAK'),
    ],
    start: END,
    pace: 'manual',
  });
}

describe('scanUniverse', () => {
  it('screens the tradable universe and reports every symbol it could not', async () => {
    const feed = memoryMarket();
    const report = await scanUniverse(feed);
    await feed.close();
    expect(report.at).toBe(END);
    const bySymbol = new Map(report.results.map((r) => [r.symbol, r]));
    expect([...bySymbol.keys()].sort()).toEqual(['AAAUSDT', 'BBBUSDT', 'NEWUSDT', 'OLDUSDT']);
    expect(bySymbol.get('NEWUSDT')).toMatchObject({
      direction: 'SKIPPED',
      reason: '30 valid 15m candles, 60 needed',
    });
    expect(bySymbol.get('OLDUSDT')).toMatchObject({
      direction: 'SKIPPED',
      reason: 'stale: last 15m candle closed 2026-01-13T12:15:00.000Z',
    });
    expect(report.excluded).toEqual([
      { symbol: 'HALTUSDT', reason: 'status BREAK: not tradable', requested: false },
    ]);
    for (const s of ['AAAUSDT', 'BBBUSDT']) {
      const r = bySymbol.get(s)!;
      expect(r.direction).not.toBe('SKIPPED');
      // 3400 candles of 15m are 35 days: the 4h EMA200 and the 1h confirmation are both there.
      expect(r.reasons.join('\n')).not.toMatch(/timeframe .*(no valid|needed|stale)/);
      if (!isSkip(r)) expect(r.metrics.trendEma200).not.toBeNull();
    }
    expect(report.results.slice(-2).every((r) => r.direction === 'SKIPPED')).toBe(true);
  });

  it('reports requested symbols that are not tradable as SKIPPED, and honours whales', async () => {
    const feed = memoryMarket();
    const report = await scanUniverse(feed, {
      symbols: ['AAAUSDT', 'HALTUSDT', 'ZZZUSDT'],
      whales: { AAAUSDT: { direction: 'PUMP', confidence: 95 } },
    });
    await feed.close();
    expect(
      report.results.map((r) => [r.symbol, r.direction === 'SKIPPED' ? r.reasons[0] : 'screened']),
    ).toEqual([
      ['AAAUSDT', 'screened'],
      ['HALTUSDT', 'status BREAK: not tradable'],
      ['ZZZUSDT', 'not listed by the exchange as a perpetual contract'],
    ]);
    expect(report.results[0]).toMatchObject({ source: 'whale', proposed: 'LONG' });
  });
});

describe('rankOutcomes', () => {
  it('ranks directional by score, then NEUTRAL, then SKIPPED', () => {
    const r = (symbol: string, direction: string, score: number, rawScore = score) =>
      ({ symbol, direction, score, rawScore }) as unknown as ScreenOutcome;
    const ranked = rankOutcomes([
      r('A', 'NEUTRAL', 0, 50),
      { symbol: 'B', direction: 'SKIPPED', reason: 'x', reasons: ['x'] },
      r('C', 'SHORT', 40),
      r('D', 'LONG', 70),
      r('E', 'LONG', 40),
    ]);
    expect(ranked.map((o) => o.symbol)).toEqual(['D', 'C', 'E', 'A', 'B']);
  });

  it('gives the order of a stable sort by its rule, for short lists and long ones', () => {
    // Short lists take an insertion sort, long ones the library sort: both must agree with it.
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const directions = ['LONG', 'SHORT', 'NEUTRAL', 'SKIPPED'] as const;
    const rankOf = { LONG: 0, SHORT: 0, NEUTRAL: 1, SKIPPED: 2 };
    const scoreOf = (o: ScreenOutcome) => (isSkip(o) ? -1 : o.direction === 'NEUTRAL' ? o.rawScore : o.score);
    for (const size of [0, 1, 2, 5, 20, 64, 65, 150]) {
      for (let round = 0; round < 5; round++) {
        const list: ScreenOutcome[] = [];
        for (let i = 0; i < size; i++) {
          const direction = directions[rand(4)]!;
          const symbol = `S${rand(1000)}-${i}USDT`;
          const score = rand(4) * 10; // many ties, broken by symbol
          list.push(
            direction === 'SKIPPED'
              ? { symbol, direction, reason: 'x', reasons: ['x'] }
              : ({ symbol, direction, score, rawScore: score - 15 } as unknown as ScreenOutcome),
          );
        }
        const expected = [...list].sort(
          (a, b) =>
            rankOf[a.direction] - rankOf[b.direction] ||
            scoreOf(b) - scoreOf(a) ||
            (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0),
        );
        expect(rankOutcomes(list)).toEqual(expected);
      }
    }
  });
});

it('keeps decimal rules intact (sanity of the fixture)', () => {
  expect(dec('0.0001').toString()).toBe('0.0001');
  expect(toColumns([]).close.length).toBe(0);
});
