import { describe, expect, it } from 'vitest';
import { dec, marketSymbol } from '../../domain/index.js';
import { createRandom } from './random.js';
import { pearson } from './stylized-facts.js';
import { createSyntheticFeed } from './synthetic-feed.js';

const BTC = marketSymbol('BTCUSDT');
const DAY = 86_400_000;

describe('synthetic market', () => {
  it('is deterministic: same seed, same candles and liquidations; another seed, another market', async () => {
    const a = createSyntheticFeed({ seed: 11, symbols: 3, historyDays: 2, pace: 'manual' });
    const b = createSyntheticFeed({ seed: 11, symbols: 3, historyDays: 2, pace: 'manual' });
    const c = createSyntheticFeed({ seed: 12, symbols: 3, historyDays: 2, pace: 'manual' });
    const q = { from: 0 };
    expect(await a.candleColumns(BTC, '5m', q)).toEqual(await b.candleColumns(BTC, '5m', q));
    expect(await a.candleColumns(BTC, '5m', q)).not.toEqual(await c.candleColumns(BTC, '5m', q));
    const la = a.watchLiquidations();
    const lb = b.watchLiquidations();
    a.advanceTo(a.clock.now() + DAY);
    b.advanceTo(b.clock.now() + DAY);
    const events = la.drain();
    expect(events.length).toBeGreaterThan(0);
    expect(lb.drain()).toEqual(events);
  });

  it('publishes rows of columns equal to the candle watch while the market is generated step by step', async () => {
    const feed = createSyntheticFeed({ seed: 3, symbols: 3, historyDays: 1, pace: 'manual' });
    const symbols = (await feed.universe()).map((r) => r.symbol);
    const objects = feed.watchCandles(symbols, '5m');
    const rows = feed.watchCandleRows(symbols);
    const end = feed.clock.now() + 2 * DAY;
    let candles = 0;
    let steps = 0;
    while (feed.nextEventTime()! <= end) {
      feed.step();
      steps++;
      const n = rows.drain();
      const got = [];
      for (let k = 0; k < n; k++) {
        const c = rows.candles;
        got.push({
          symbol: symbols[rows.symbolIndex[k]!],
          candle: {
            openTime: c.openTime[k],
            open: c.open[k],
            high: c.high[k],
            low: c.low[k],
            close: c.close[k],
            volume: c.volume[k],
          },
        });
      }
      expect(got).toEqual(objects.drain().map(({ symbol, candle }) => ({ symbol, candle })));
      candles += n;
    }
    // Two days of 5m candles of every symbol, one step per base close (the market grows as it goes).
    expect(candles).toBe(3 * 576);
    expect(steps).toBeGreaterThanOrEqual(576);
  });

  it('gives a symbol the same path however many symbols the market holds', async () => {
    const small = createSyntheticFeed({ seed: 5, symbols: 2, historyDays: 1, pace: 'manual' });
    const large = createSyntheticFeed({ seed: 5, symbols: 25, historyDays: 1, pace: 'manual' });
    const eth = marketSymbol('ETHUSDT');
    expect(await small.candles(eth, '15m', { from: 0 })).toEqual(
      await large.candles(eth, '15m', { from: 0 }),
    );
    expect((await large.universe()).at(-1)!.symbol).toBe('SYN005USDT');
  });

  it('lists realistic exchange rules: BTC tick 0.1 / step 0.001 / 100 USDT, alts finer ticks and 5 USDT', async () => {
    const feed = createSyntheticFeed({ seed: 1, symbols: 28, historyDays: 1, pace: 'manual' });
    const rules = await feed.universe();
    const btc = rules[0]!;
    expect([
      btc.symbol,
      btc.tickSize.toString(),
      btc.stepSize.toString(),
      btc.minNotional.toString(),
      btc.maxLeverage,
    ]).toEqual(['BTCUSDT', '0.1', '0.001', '100', 125]);
    for (const r of rules.slice(2)) {
      expect(r.tickSize.lt(btc.tickSize), r.symbol).toBe(true);
      expect(r.minNotional.toString()).toMatch(/^(5|20)$/);
      expect(r.status).toBe('TRADING');
      expect(r.minQty.lte(r.maxQty) && r.marketMaxQty.lte(r.maxQty)).toBe(true);
    }
    // Every price sits on its tick and every volume on its step; candles are internally sane.
    const onGrid = (x: number, step: number) => Math.abs(x / step - Math.round(x / step)) < 1e-6;
    for (const r of rules.slice(0, 25)) {
      const cols = await feed.candleColumns(r.symbol, '5m', { limit: 200 });
      const tick = r.tickSize.toNumber();
      const step = r.stepSize.toNumber();
      // Exact decimal check on the last candle, a float check on all of them.
      const last = cols.close.length - 1;
      expect(dec(cols.close[last]!).mod(r.tickSize).isZero(), `${r.symbol} close ${cols.close[last]}`).toBe(
        true,
      );
      expect(
        dec(cols.volume[last]!).mod(r.stepSize).isZero(),
        `${r.symbol} volume ${cols.volume[last]}`,
      ).toBe(true);
      for (let i = 0; i < cols.close.length; i++) {
        for (const p of [cols.open[i]!, cols.high[i]!, cols.low[i]!, cols.close[i]!]) {
          expect(onGrid(p, tick), `${r.symbol} price ${p} off tick ${tick}`).toBe(true);
        }
        expect(onGrid(cols.volume[i]!, step), `${r.symbol} volume ${cols.volume[i]}`).toBe(true);
        expect(cols.low[i]!).toBeLessThanOrEqual(Math.min(cols.open[i]!, cols.close[i]!));
        expect(cols.high[i]!).toBeGreaterThanOrEqual(Math.max(cols.open[i]!, cols.close[i]!));
        expect(cols.low[i]!).toBeGreaterThan(0);
      }
    }
  });

  it('moves alts with BTC and emits liquidation cascades on sharp moves, inside the candle range', async () => {
    const feed = createSyntheticFeed({ seed: 3, symbols: 6, historyDays: 0, pace: 'manual' });
    const liq = feed.watchLiquidations();
    const start = feed.clock.now();
    feed.advanceTo(start + 12 * DAY);
    const events = liq.drain();
    const rules = await feed.universe();
    const cols = new Map<string, Awaited<ReturnType<typeof feed.candleColumns>>>();
    for (const r of rules) cols.set(r.symbol, await feed.candleColumns(r.symbol, '5m', { from: start }));
    const returns = (s: string) => {
      const c = cols.get(s)!.close;
      return Float64Array.from({ length: c.length - 1 }, (_, i) => Math.log(c[i + 1]! / c[i]!));
    };
    const btc = returns('BTCUSDT');
    for (const r of rules.slice(1)) expect(pearson(returns(r.symbol), btc), r.symbol).toBeGreaterThan(0.25);

    // Liquidations: priced inside their 5m candle, SELL (longs) on drops, and clustered on big moves.
    const bySymbolCandle = new Map<string, number>();
    for (const e of events) {
      const c = cols.get(e.symbol)!;
      const i = (Math.floor(e.time / 300_000) * 300_000 - start) / 300_000;
      expect(e.price).toBeGreaterThanOrEqual(c.low[i]!);
      expect(e.price).toBeLessThanOrEqual(c.high[i]!);
      bySymbolCandle.set(`${e.symbol}|${i}`, (bySymbolCandle.get(`${e.symbol}|${i}`) ?? 0) + 1);
    }
    let cascadeMove = 0;
    let cascades = 0;
    let allMove = 0;
    let all = 0;
    for (const r of rules) {
      const c = cols.get(r.symbol)!;
      for (let i = 0; i < c.close.length; i++) {
        const move = c.high[i]! / c.low[i]! - 1; // the candle's range: wicks are where cascades print
        allMove += move;
        all++;
        if ((bySymbolCandle.get(`${r.symbol}|${i}`) ?? 0) >= 5) {
          cascadeMove += move;
          cascades++;
        }
      }
    }
    expect(cascades).toBeGreaterThan(20);
    expect(cascadeMove / cascades).toBeGreaterThan(2 * (allMove / all));
    const sells = events.filter((e) => e.side === 'SELL').length;
    expect(sells).toBeGreaterThan(0);
    expect(sells).toBeLessThan(events.length);
  });

  it('switches between trends and ranges: some days move several volatilities, others go nowhere', async () => {
    const feed = createSyntheticFeed({ seed: 9, symbols: 6, historyDays: 60, pace: 'manual' });
    const ratios: number[] = [];
    for (const r of (await feed.universe()).slice(1)) {
      const c = (await feed.candleColumns(r.symbol, '1d', { limit: 60 })).close;
      const daily = Float64Array.from({ length: c.length - 1 }, (_, i) => Math.log(c[i + 1]! / c[i]!));
      const sd = Math.sqrt(daily.reduce((s, x) => s + x * x, 0) / daily.length);
      // Net move over 3-day windows against what a driftless walk would give (sd * sqrt(3)).
      for (let i = 0; i + 3 < c.length; i += 3)
        ratios.push(Math.abs(Math.log(c[i + 3]! / c[i]!)) / (sd * Math.sqrt(3)));
    }
    expect(ratios.some((x) => x > 1.8)).toBe(true);
    expect(ratios.some((x) => x < 0.2)).toBe(true);
  });

  it('keeps generating as the clock runs live, and never shows what is after the clock', async () => {
    const feed = createSyntheticFeed({ seed: 2, symbols: 2, historyDays: 1, pace: 'pull' });
    const start = feed.clock.now();
    const sub = feed.watchCandles([BTC], '1h');
    let last = 0;
    for (let i = 0; i < 12 * 24 * 3; i++) {
      const u = (await sub.next()).value!;
      expect(u.candle.openTime).toBeGreaterThanOrEqual(last);
      last = u.candle.openTime;
    }
    expect(feed.endTime).toBeUndefined();
    expect(feed.clock.now()).toBe(start + 3 * DAY); // one 1h update per 5m candle generated
    const history = await feed.candles(BTC, '5m', { limit: 5 });
    expect(history.at(-1)!.openTime + 300_000).toBe(feed.clock.now());
    sub.close();
  });

  it('draws Student-t innovations with unit variance and heavy tails', () => {
    const r = createRandom(1);
    let m2 = 0;
    let m4 = 0;
    const n = 400_000;
    for (let i = 0; i < n; i++) {
      const x = r.studentT(6);
      m2 += x * x;
      m4 += x ** 4;
    }
    expect(m2 / n).toBeCloseTo(1, 1);
    expect(m4 / n / (m2 / n) ** 2).toBeGreaterThan(4); // t(6) kurtosis is 6, a normal's 3
  });
});
