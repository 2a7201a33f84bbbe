import { describe, expect, it } from 'vitest';
import {
  type AnalystConfig,
  createMemoryAnalysisCache,
  PROMPT_VERSION,
  type ProposeOutcome,
  signalToJson,
} from '../analyst/index.js';
import { type CandleColumns, DAY_MS, MINUTE_MS } from '../domain/index.js';
import type { Simulator } from '../exchange/index.js';
import { createSyntheticFeed, type MemorySymbol } from '../market/index.js';
import { seededRandom } from '../screener/index.js';
import { runBacktest } from './backtest.js';
import { createDirectExecutor } from './executor.js';
import type { BacktestOptions } from './options.js';
import { labelledSamples, toJsonSummary } from './report.js';
import type { TradeRecord } from './types.js';

const START = Date.UTC(2026, 0, 12);
const DAYS = 4;

/** Real candles of the synthetic market, held in memory so a test can rewrite the future. */
async function marketCandles(): Promise<MemorySymbol[]> {
  const feed = createSyntheticFeed({ seed: 11, symbols: 4, start: START + DAYS * DAY_MS, pace: 'manual' });
  const rules = await feed.universe();
  return Promise.all(
    rules.map(async (r) => ({
      symbol: r.symbol,
      timeframe: '5m' as const,
      rules: r,
      candles: await feed.candleColumns(r.symbol, '5m', {
        from: START - 8 * DAY_MS,
        to: START + DAYS * DAY_MS - 5 * MINUTE_MS,
      }),
    })),
  );
}

// The pipeline's properties do not depend on how orders reach the simulator; these runs use the
// in-memory executor for speed. ./engine-executor.test.ts shows the execution engine (what the
// `backtest` command runs) makes the very same trades.
const base = (symbols: MemorySymbol[], over: Partial<BacktestOptions> = {}): BacktestOptions => ({
  market: { kind: 'memory', symbols },
  from: START,
  to: START + DAYS * DAY_MS,
  minConfidence: 55,
  executor: 'direct',
  ...over,
});

/** 00:00, 08:00 and 16:00 UTC of every day around the period, worked out here. */
function fundingTimes(): number[] {
  const times: number[] = [];
  for (let t = START - DAY_MS; t <= START + (DAYS + 1) * DAY_MS; t += 8 * 60 * MINUTE_MS) times.push(t);
  return times;
}

/** Every row from `from` on moves to a random other row at or after `from` (open times stay). */
function shuffleFuture(cols: CandleColumns, from: number, seed: number): CandleColumns {
  const random = seededRandom(seed);
  const out: CandleColumns = {
    openTime: cols.openTime.slice(),
    open: cols.open.slice(),
    high: cols.high.slice(),
    low: cols.low.slice(),
    close: cols.close.slice(),
    volume: cols.volume.slice(),
  };
  const first = cols.openTime.findIndex((t) => t >= from);
  for (let i = out.openTime.length - 1; i > first; i--) {
    const j = first + Math.floor(random() * (i - first + 1));
    for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
      const a = out[k][i]!;
      out[k][i] = out[k][j]!;
      out[k][j] = a;
    }
  }
  return out;
}

const decisions = (log: { at: number; outcomes: readonly ProposeOutcome[] }[], until: number) =>
  log
    .filter((s) => s.at <= until)
    .flatMap((s) =>
      s.outcomes.map((o) => ({
        at: s.at,
        symbol: o.symbol,
        reason: o.reason,
        signal: o.signal ? signalToJson(o.signal) : null,
      })),
    );

describe('runBacktest', () => {
  it('never looks ahead: shuffling the future does not change one past decision', async () => {
    const candles = await marketCandles();
    const cut = START + 2 * DAY_MS + 7 * 60 * MINUTE_MS;
    const shuffled = candles.map((s, i) => ({
      ...s,
      candles: shuffleFuture(s.candles as CandleColumns, cut, 100 + i),
    }));
    const logA: { at: number; outcomes: readonly ProposeOutcome[] }[] = [];
    const logB: typeof logA = [];
    const a = await runBacktest(
      base(candles, { randomBaseline: false, onScan: (at, outcomes) => logA.push({ at, outcomes }) }),
    );
    const b = await runBacktest(
      base(shuffled, { randomBaseline: false, onScan: (at, outcomes) => logB.push({ at, outcomes }) }),
    );
    const pastA = decisions(logA, cut);
    expect(pastA.filter((d) => d.signal).length).toBeGreaterThan(2);
    expect(decisions(logB, cut)).toEqual(pastA);
    // Trades are listed as they close, and closing may come after the cut: compare the entries.
    const entries = (r: typeof a) =>
      r.trades
        .filter((t) => t.entryTime <= cut)
        .map((t) => `${t.entryTime} ${t.symbol} ${t.direction} ${t.entryPrice}`)
        .sort();
    expect(entries(a).length).toBeGreaterThan(0);
    expect(entries(b)).toEqual(entries(a));
    // The future did change: otherwise this test would prove nothing.
    expect(decisions(logB, Number.POSITIVE_INFINITY)).not.toEqual(decisions(logA, Number.POSITIVE_INFINITY));
  });

  it('plays a market held at a finer timeframe as its 5m candles: the same trades', async () => {
    const feed = createSyntheticFeed({
      seed: 11,
      symbols: 3,
      baseTimeframe: '1m',
      start: START + DAYS * DAY_MS,
      pace: 'manual',
    });
    const held = async (timeframe: '1m' | '5m'): Promise<MemorySymbol[]> =>
      Promise.all(
        (await feed.universe()).map(async (r) => ({
          symbol: r.symbol,
          timeframe,
          rules: r,
          candles: await feed.candleColumns(r.symbol, timeframe, {
            from: START - 8 * DAY_MS,
            to: START + DAYS * DAY_MS - (timeframe === '1m' ? 1 : 5) * MINUTE_MS,
          }),
        })),
      );
    const fine = await runBacktest(base(await held('1m'), { randomBaseline: false }));
    const coarse = await runBacktest(base(await held('5m'), { randomBaseline: false }));
    expect(coarse.trades.length).toBeGreaterThan(0);
    expect(fine.performance.candles).toBe(coarse.performance.candles);
    expect(fine.trades).toEqual(coarse.trades);
  });

  it('is deterministic, and the random baseline depends on its seed only', async () => {
    const candles = await marketCandles();
    const one = await runBacktest(base(candles, { seed: 1 }));
    const again = await runBacktest(base(candles, { seed: 1 }));
    const other = await runBacktest(base(candles, { seed: 2 }));
    const json = (r: typeof one) => {
      const {
        candlesPerSecond: _c,
        seconds: _s,
        candlesPerCpuSecond: _p,
        cpuSeconds: _u,
        ...rest
      } = toJsonSummary(r);
      return rest;
    };
    expect(json(again)).toEqual(json(one));
    expect(again.baselineTrades.randomEntry).toEqual(one.baselineTrades.randomEntry);
    expect(other.trades).toEqual(one.trades);
    expect(other.baselineTrades.randomEntry).not.toEqual(one.baselineTrades.randomEntry);
    // Same number of trades as the strategy, the same stop and target rules.
    expect(one.trades.length).toBeGreaterThan(3);
    expect(one.baselineTrades.randomEntry).toHaveLength(one.trades.length);
    for (const t of one.baselineTrades.randomEntry) {
      const stopPct = (Math.abs(t.signal!.entry - t.signal!.stopLoss) / t.signal!.entry) * 100;
      expect(stopPct).toBeGreaterThanOrEqual(0.5 - 1e-9);
      expect(stopPct).toBeLessThanOrEqual(2.5 + 1e-9);
      expect(['stop', 'target', 'end']).toContain(t.reason);
    }
    expect(one.full.buyAndHold.metrics.trades).toBe(4);
    expect(one.full.buyAndHold.metrics.exposurePct).toBeGreaterThan(99);
    // ML gets every executed signal's features with its outcome.
    const samples = labelledSamples(one);
    expect(samples).toHaveLength(one.trades.length);
    expect(samples[0]!.features).toHaveProperty('screen_score');
    expect(samples[0]!.decidedAt).toBeLessThanOrEqual(one.trades[0]!.entryTime);
    // --json carries the per-symbol table: each row is that symbol's trades, most traded first.
    const rows = toJsonSummary(one).perSymbol;
    expect(rows.map((r) => r.symbol).sort()).toEqual([...new Set(one.trades.map((t) => t.symbol))].sort());
    for (const row of rows) {
      const mine = one.trades.filter((t) => t.symbol === row.symbol);
      expect(row.trades).toBe(mine.length);
      expect(row.wins).toBe(mine.filter((t) => t.pnl > 0).length);
      expect(row.netPnl).toBeCloseTo(
        mine.reduce((sum, t) => sum + t.pnl, 0),
        5,
      );
    }
    expect(rows.map((r) => r.trades)).toEqual(rows.map((r) => r.trades).sort((a, b) => b - a));
  });

  it('skips the analysts only for screens no answer could make a signal: same trades, same counts', async () => {
    const candles = await marketCandles();
    const fast = await runBacktest(base(candles, { randomBaseline: false }));
    // With onScan every candidate goes through the analysts (the hook sees every outcome).
    const log: ProposeOutcome[] = [];
    const full = await runBacktest(
      base(candles, { randomBaseline: false, onScan: (_at, outcomes) => log.push(...outcomes) }),
    );
    expect(fast.trades).toEqual(full.trades);
    expect({ ...fast.pipeline, belowCeiling: 0 }).toEqual(full.pipeline);
    expect(full.pipeline.belowCeiling).toBe(0);
    expect(fast.trades.length).toBeGreaterThan(3);
    // There were candidates the shortcut left out, all among those the analysts' run refused.
    expect(fast.pipeline.belowCeiling).toBeGreaterThan(10);
    expect(log.filter((o) => o.signal === null).length).toBeGreaterThanOrEqual(fast.pipeline.belowCeiling);
  });

  it("forgets the simulator's closed orders as it trades (direct executor): the same trades and records", async () => {
    const candles = await marketCandles();
    let kept: Simulator | undefined;
    let pruned: Simulator | undefined;
    const keeping = await runBacktest(
      base(candles, {
        randomBaseline: false,
        // Without the simulator, the executor cannot forget anything: every order stays.
        executor: (context) => {
          kept ??= context.sim;
          return createDirectExecutor({ ...context, sim: undefined });
        },
      }),
    );
    const forgetting = await runBacktest(
      base(candles, {
        randomBaseline: false,
        executor: (context) => {
          pruned ??= context.sim;
          // Before every entry (by default every PRUNE_EVERY-th: more trades than this market has).
          return createDirectExecutor({ ...context, pruneEvery: 1 });
        },
      }),
    );
    expect(forgetting.trades.length).toBeGreaterThan(3);
    expect(JSON.stringify(forgetting.trades)).toBe(JSON.stringify(keeping.trades));
    expect(forgetting.pipeline).toEqual(keeping.pipeline);
    const orders = (sim: Simulator | undefined) => sim!.exportAccount('backtest').orders.length;
    // Entry, stop and target of every trade, and its exit, against those of the trades since the last entry.
    expect(orders(kept)).toBeGreaterThanOrEqual(2 * forgetting.trades.length);
    expect(orders(pruned)).toBeLessThan(8);
  });

  it('says funding is not charged, and on how many trades live trading would have charged it', async () => {
    const report = await runBacktest(base(await marketCandles(), { randomBaseline: false }));
    expect(report.trades.length).toBeGreaterThan(3);
    const across = report.trades.filter((t) =>
      fundingTimes().some((f) => t.entryTime < f && f <= t.exitTime),
    );
    expect(across.length).toBeGreaterThan(0);
    expect(across.length).toBeLessThan(report.trades.length);
    expect(report.trades.every((t) => t.funding === 0)).toBe(true);
    expect(report.full.buyAndHold.metrics.funding).toBe(0);
    expect(report.params.fundingRatePct).toBe(0);
    expect(report.notes).toContain(
      `Funding is not charged (the market data has no funding rates): ${across.length} of ` +
        `${report.trades.length} trade(s) were open across a funding time (00:00, 08:00, 16:00 UTC); ` +
        "--funding-rate charges an assumed rate (Binance's baseline is 0.01 % per 8 hours).",
    );
  });

  it('charges an assumed funding rate on the positions open at each funding time, baselines too', async () => {
    const candles = await marketCandles();
    const free = await runBacktest(base(candles, { split: 0.5 }));
    const paying = await runBacktest(base(candles, { split: 0.5, fundingRatePct: 0.05 }));
    expect(paying.params.fundingRatePct).toBe(0.05);
    // The same trades (sizing does not depend on the wallet here); only their PnL moves.
    const key = (t: TradeRecord) => [
      t.symbol,
      t.direction,
      t.entryTime,
      t.exitTime,
      t.entryPrice,
      t.exitPrice,
      t.qty,
    ];
    expect(paying.trades.map(key)).toEqual(free.trades.map(key));
    // Worked out here from the candles: at the first candle at or after each funding time, every
    // position open at the candle before pays qty x that candle's close x rate (longs pay).
    const closeBefore = (symbol: string, f: number): number => {
      const cols = candles.find((c) => c.symbol === symbol)!.candles as CandleColumns;
      const i = cols.openTime.indexOf(f - 10 * MINUTE_MS);
      return cols.close[i]!;
    };
    let charged = 0;
    for (const [i, t] of paying.trades.entries()) {
      const crossed = fundingTimes().filter((f) => t.entryTime < f && f <= t.exitTime);
      const sign = t.direction === 'LONG' ? 1 : -1;
      const expected = crossed.reduce((sum, f) => sum + sign * t.qty * closeBefore(t.symbol, f) * 0.0005, 0);
      expect(t.funding).toBeCloseTo(expected, 6);
      expect(t.pnl).toBeCloseTo(free.trades[i]!.pnl - t.funding, 6);
      if (crossed.length > 0) charged++;
    }
    expect(charged).toBeGreaterThan(0);
    const strategy = paying.full.strategy.metrics;
    expect(strategy.funding).toBeCloseTo(
      paying.trades.reduce((sum, t) => sum + t.funding, 0),
      6,
    );
    // The wallet pays it: the equity ends lower (or higher) by exactly what the trades paid.
    expect(strategy.endEquity).toBeCloseTo(free.full.strategy.metrics.endEquity - strategy.funding, 6);
    // Buy and hold (long all along) pays at every funding time after its purchase, per split part.
    const hold = paying.full.buyAndHold;
    expect(hold.metrics.funding).toBeGreaterThan(0);
    for (const t of paying.baselineTrades.buyAndHold) {
      const crossed = fundingTimes().filter((f) => t.entryTime < f && f <= t.exitTime);
      const expected = crossed.reduce((sum, f) => sum + t.qty * closeBefore(t.symbol, f) * 0.0005, 0);
      expect(t.funding).toBeCloseTo(expected, 9);
    }
    const split = paying.split!;
    expect(
      split.inSample.buyAndHold.metrics.funding + split.outOfSample.buyAndHold.metrics.funding,
    ).toBeCloseTo(hold.metrics.funding, 9);
    expect(hold.metrics.endEquity).toBeCloseTo(
      free.full.buyAndHold.metrics.endEquity - hold.metrics.funding,
      6,
    );
    // Scripts read the rate and each trade's funding from --json.
    const json = toJsonSummary(paying);
    expect(json.fundingRatePct).toBe(0.05);
    expect(json.tradeList.map((t) => t.funding)).toEqual(
      paying.trades.map((t) => Number(t.funding.toFixed(6))),
    );
    expect(toJsonSummary(free).fundingRatePct).toBe(0);
    // The random entries trade through the same simulator: they pay it too.
    expect(paying.full.randomEntry!.metrics.funding).not.toBe(0);
    expect(paying.notes).toContain(
      'Funding charged at an assumed constant 0.05 % per 8 hours (the market data has no funding rates; ' +
        'positive: longs pay shorts), at the first candle at or after each funding time (00:00, 08:00, ' +
        `16:00 UTC) on the positions open at the candle before, at its close: ${charged} of ` +
        `${paying.trades.length} trade(s) paid or received it, ${strategy.funding.toFixed(2)} USDT in all; ` +
        `buy-and-hold paid ${hold.metrics.funding.toFixed(2)} USDT.`,
    );
  });

  it('refuses a funding rate outside -3 to 3 % per 8 hours, naming what is allowed', async () => {
    await expect(runBacktest(base(await marketCandles(), { fundingRatePct: 4 }))).rejects.toThrow(
      'fundingRatePct must be a number from -3 to 3 (percent per 8 hours; got 4)',
    );
    await expect(runBacktest(base(await marketCandles(), { fundingRatePct: Number.NaN }))).rejects.toThrow(
      'fundingRatePct must be a number from -3 to 3',
    );
  });

  it('reports in-sample and out-of-sample side by side', async () => {
    const r = await runBacktest(base(await marketCandles(), { split: 0.5 }));
    const split = r.split!;
    expect(split.at).toBe(START + 2 * DAY_MS);
    const is = split.inSample.strategy.metrics;
    const oos = split.outOfSample.strategy.metrics;
    expect(is.trades + oos.trades).toBe(r.full.strategy.metrics.trades);
    expect(oos.startEquity).toBeCloseTo(is.endEquity, 9);
    expect(oos.endEquity).toBeCloseTo(r.full.strategy.metrics.endEquity, 9);
    expect(split.inSample.randomEntry!.metrics.trades).toBe(is.trades);
    expect(split.outOfSample.randomEntry!.metrics.trades).toBe(oos.trades);
  });

  it('leaves out a symbol with no candles in the period, says so, and runs the baseline without it', async () => {
    const candles = await marketCandles();
    // One symbol's candles moved 14 days later: none of them lies in the period any more.
    const later = candles[3]!;
    const cols = later.candles as CandleColumns;
    const shift = (DAYS + 10) * DAY_MS;
    const moved: MemorySymbol = {
      ...later,
      candles: { ...cols, openTime: cols.openTime.map((t) => t + shift) },
    };
    const r = await runBacktest(base([...candles.slice(0, 3), moved]));
    expect(r.market.symbols).toEqual(candles.slice(0, 3).map((c) => c.symbol));
    expect(r.market.excluded).toEqual([
      {
        symbol: later.symbol,
        // The recording begins with the indicators' 8 days of history, so 6 days after the end.
        reason:
          'no candles from 2026-01-12T00:00:00.000Z to 2026-01-16T00:00:00.000Z ' +
          '(recorded from 2026-01-18T00:00:00.000Z to 2026-01-29T23:55:00.000Z)',
      },
    ]);
    // The random-entry pass ran over the same symbols (it replays only the period's candles).
    expect(r.trades.length).toBeGreaterThan(0);
    expect(r.baselineTrades.randomEntry).toHaveLength(r.trades.length);
    // Only that symbol: the period before its listing is empty.
    await expect(runBacktest(base([moved]))).rejects.toThrow(/the backtest period is empty/);
    // One delisted before the period and one listed after it: nothing to trade in between.
    const early = candles[0]!.candles as CandleColumns;
    const gone: MemorySymbol = {
      ...candles[0]!,
      candles: { ...early, openTime: early.openTime.map((t) => t - (DAYS + 10) * DAY_MS) },
    };
    await expect(runBacktest(base([gone, moved]))).rejects.toThrow(
      /^no symbol has candles from 2026-01-12T00:00:00\.000Z to 2026-01-16T00:00:00\.000Z: /,
    );
  });

  it('replays recorded LLM answers only: a missing answer is counted, never invented', async () => {
    const candles = await marketCandles();
    const rule = await runBacktest(base(candles, { randomBaseline: false }));
    const first = rule.trades[0]!;
    const cache = createMemoryAnalysisCache();
    const config: AnalystConfig = {
      ANALYST: 'llm',
      LLM_BASE_URL: 'http://127.0.0.1:9',
      LLM_API_KEY: undefined,
      LLM_MODEL: 'recorded-model',
      LLM_TIMEOUT_MS: 1000,
      LLM_FALLBACK: 'rule',
      LLM_DAILY_TOKEN_CAP: 0,
      VISION_MODEL: undefined,
      MIN_CONFIDENCE: 55,
    };
    await cache.save({
      symbol: first.symbol,
      timeframe: '15m',
      candleCloseTime: first.signal!.candleCloseTime,
      promptVersion: PROMPT_VERSION,
      analyst: 'llm:recorded-model',
      response: {
        text: JSON.stringify({
          direction: first.direction,
          confidence: 90,
          entry: String(first.signal!.entry),
          stopLoss: String(first.signal!.stopLoss),
          takeProfit: String(first.signal!.takeProfit),
          reasoning: 'recorded answer',
        }),
      },
      createdAt: new Date(0),
    });
    const llm = await runBacktest(
      base(candles, {
        analyst: 'llm-cache',
        analysisCache: cache,
        analystConfig: config,
        randomBaseline: false,
      }),
    );
    expect(llm.pipeline.llmCacheHits).toBe(1);
    expect(llm.pipeline.llmCacheMisses).toBe(llm.pipeline.analysed - 1);
    expect(llm.trades).toHaveLength(1);
    expect(llm.trades[0]).toMatchObject({ symbol: first.symbol, entryTime: first.entryTime });
    expect(llm.notes.join(' ')).toContain(`${llm.pipeline.llmCacheMisses} missing`);
  });
});
