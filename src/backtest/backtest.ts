/**
 * runBacktest: the whole run. Pass 1 plays the period through the live pipeline (screener,
 * analysts, validation and aggregation, deduplication, execution, simulator) with buy-and-hold
 * alongside; pass 2 replays the same candles for the random-entry baseline with the strategy's
 * trade count. Then every result is measured the same way, for the whole period and, with a
 * split, for the in-sample and out-of-sample parts side by side.
 */
import { performance } from 'node:perf_hooks';
import { createAnalysts, createRuleAnalyst } from '../analyst/index.js';
import { dec, isPositive, type ManualClock, MINUTE_MS, systemClock, timeframeMs } from '../domain/index.js';
import { Simulator, simSymbolsFromRules } from '../exchange/index.js';
import type { RiskLimits } from '../risk/index.js';
import { resolveScreenerConfig } from '../screener/index.js';
import { resolveCombineOptions } from '../signals/index.js';
import { createBuyAndHold } from './buy-and-hold.js';
import { createEngineExecutor } from './engine-executor.js';
import { openBacktestStore } from './engine-store.js';
import { type EquityTracker, SplitEquity } from './equity.js';
import { createDirectExecutor } from './executor.js';
import { fundingNote, MAX_FUNDING_RATE_PCT } from './funding.js';
import { createTradeLedger, type LedgerTrade } from './ledger.js';
import { openMarket } from './market.js';
import {
  BACKTEST_DEFAULTS,
  type BacktestOptions,
  describeSlippage,
  type ExecutorContext,
  type ExecutorFactory,
  slippageModel,
} from './options.js';
import { createRandomEntryStrategy, type RandomPeriod } from './random-entry.js';
import { emptyCounts, resultOf, toTradeRecord } from './report.js';
import { type PassStrategy, runPass } from './runner.js';
import type { Executor } from './seam.js';
import { createPipelineStrategy, type PipelineAnalysts } from './strategy.js';
import type { BacktestReport, PeriodResults, TradeRecord, TradeSignal } from './types.js';

/** The simulator account each pass trades (the engine keeps its own user in its books). */
const USER = 'backtest';

export async function runBacktest(options: BacktestOptions): Promise<BacktestReport> {
  const o = { ...BACKTEST_DEFAULTS, ...stripUndefined(options) };
  const slippage = options.slippage ?? 'range';
  const config = resolveScreenerConfig(options.screener);
  const tf = config.timeframes;
  const primaryMs = timeframeMs(tf.primary);
  if (o.split !== undefined && !(o.split > 0 && o.split < 1))
    throw new RangeError(`split must be between 0 and 1 (got ${o.split})`);
  if (!(Math.abs(o.fundingRatePct) <= MAX_FUNDING_RATE_PCT))
    throw new RangeError(
      `fundingRatePct must be a number from -${MAX_FUNDING_RATE_PCT} to ${MAX_FUNDING_RATE_PCT} (percent per 8 hours; got ${o.fundingRatePct})`,
    );
  const fundingRate = o.fundingRatePct / 100;
  const market = await openMarket(options.market, {
    symbols: options.symbols,
    top: options.top,
    from: options.from,
    to: options.to,
    baseTimeframe: o.baseTimeframe,
    alignTo: tf.primary,
    defaultWarmupMs: o.defaultWarmupDays * 86_400_000,
  });
  const { from, to } = market;
  const splitAt =
    o.split === undefined ? null : from + Math.round(((to - from) * o.split) / primaryMs) * primaryMs;
  const rules = new Map(market.rules.map((r) => [r.symbol as string, r]));
  const tickSizes = new Map(market.rules.map((r) => [r.symbol as string, r.tickSize]));
  const symbols = market.symbols.map((s) => s as string);
  const combine = resolveCombineOptions({ minConfidence: o.minConfidence });
  const analysts: PipelineAnalysts =
    options.analysts ??
    (o.analyst === 'llm-cache'
      ? llmAnalysts(options, market.feed.clock, combine)
      : { analyst: createRuleAnalyst(), vision: null, combine });
  const risk: RiskLimits = {
    cooldownAfterStopOutMs: o.cooldownMinutes * MINUTE_MS,
    dailyLossLimit: o.dailyLossLimit === undefined ? dec('1e15') : dec(o.dailyLossLimit),
  };

  const executorKind = typeof options.executor === 'function' ? 'custom' : (options.executor ?? 'direct');
  if (executorKind !== 'custom' && executorKind !== 'engine' && executorKind !== 'direct')
    throw new RangeError(`executor must be engine or direct (got "${String(executorKind)}")`);
  if (options.engineStore && executorKind !== 'engine')
    throw new RangeError('engineStore is the execution engine\'s database: it needs executor "engine"');
  const opened: Executor[] = [];
  const factory: ExecutorFactory =
    typeof options.executor === 'function'
      ? options.executor
      : executorKind === 'direct'
        ? createDirectExecutor
        : async (context) => {
            const store = await (options.engineStore ?? openBacktestStore)();
            try {
              return await createEngineExecutor({ ...context, store });
            } catch (err) {
              await store.close();
              throw err;
            }
          };
  try {
    return await run();
  } finally {
    // A run that failed half-way still releases its executors (and their databases).
    for (const executor of opened) await Promise.resolve(executor.close()).catch(() => undefined);
  }

  async function run(): Promise<BacktestReport> {
    /** `dedup`: the pipeline's stored signals are deduplicated; random entries are not signals. */
    async function account(clock: ManualClock, dedup: boolean) {
      const sim = new Simulator({
        clock,
        symbols: simSymbolsFromRules(market.rules),
        makerFeeRate: dec(o.makerFeePct).div(100),
        takerFeeRate: dec(o.takerFeePct).div(100),
        slippage: slippageModel(slippage),
        seed: o.seed,
        // Off unless asked: the simulator then never looks at the funding clock.
        funding: fundingRate === 0 ? undefined : { rate: fundingRate },
      });
      sim.createAccount(USER, { deposit: o.balance });
      const exchange = sim.account(USER);
      const ledger = createTradeLedger(exchange, o.balance);
      const context: ExecutorContext = {
        sim,
        exchange,
        clock,
        userId: USER,
        rules,
        ledger,
        margin: dec(o.margin),
        leverage: o.leverage,
        minConfidence: o.minConfidence,
        risk,
        dedupWindowMs: dedup ? o.dedupWindowMinutes * MINUTE_MS : 0,
        limitEntryTtlMs: o.limitEntryTtlMs,
        markPrice: (symbol) => {
          const last = sim.lastPrice(symbol);
          return isPositive(last) ? last : undefined;
        },
      };
      const executor = await factory(context);
      opened.push(executor);
      return { sim, ledger, executor };
    }

    // --- pass 1: the pipeline, with buy-and-hold alongside ---------------------------------------
    const counts = emptyCounts();
    const points = { inSample: 0, outOfSample: 0 };
    const one = await account(market.feed.clock, true);
    const strategy = createPipelineStrategy({
      config,
      symbols,
      analysts,
      clock: market.feed.clock,
      tickSizes,
      dedupWindowMs: o.dedupWindowMinutes * MINUTE_MS,
      counts,
      entryClientOrderId: (signalId) => one.executor.entryClientOrderId(signalId),
      onScan: options.onScan,
      // Our own rule analyst's confidence is the screen's score (see createPipelineStrategy).
      analystCeiling: options.analysts || o.analyst === 'llm-cache' ? undefined : (s) => s.score,
    });
    const counting: PassStrategy = {
      ...strategy,
      scan(at, closed) {
        if (splitAt !== null && at > splitAt) points.outOfSample += closed.length;
        else points.inSample += closed.length;
        return strategy.scan(at, closed);
      },
    };
    const equity = new SplitEquity(from, to, o.balance, splitAt);
    const bhEquity = new SplitEquity(from, to, o.balance, splitAt);
    const bh = createBuyAndHold(symbols, o.balance, o.takerFeePct / 100, bhEquity, splitAt, fundingRate);
    const clock = market.feed.clock;
    const pass = await runPass({
      feed: market.feed,
      symbols: market.symbols,
      baseTimeframe: o.baseTimeframe,
      timeframes: tf,
      to,
      warmupCandles: o.warmupCandles,
      strategy: counting,
      ...one,
      equity,
      onCandle: (i, close) => bh.onCandle(i, close, clock.now()),
      onStep: (t) => bh.mark(t),
      onProgress: options.onProgress && ((done, n) => options.onProgress!('strategy', done, n)),
    });
    const bhTrades = bh.finish(clock.now());
    const trades = records(pass.trades, (id) => strategy.signalOf(id));
    const stats = one.executor.stats();
    counts.candles = pass.candles;
    counts.refused = { ...stats.refused };
    counts.expiredEntries = stats.expiredEntries;
    counts.protectionFailures = stats.protectionFailures;
    counts.ambiguousCandles = pass.ambiguousCandles;
    await one.executor.close();
    one.ledger.close();

    // --- pass 2: random entries, as many as the strategy made ------------------------------------
    const inSample = (t: TradeRecord) => splitAt === null || t.entryTime <= splitAt;
    let random: { trades: TradeRecord[]; equity: SplitEquity; unfilled: number } | null = null;
    const b0 = performance.now();
    if (o.randomBaseline !== false) {
      const periods: RandomPeriod[] =
        splitAt === null
          ? [{ until: to, points: points.inSample, trades: trades.length }]
          : [
              { until: splitAt, points: points.inSample, trades: trades.filter(inSample).length },
              { until: to, points: points.outOfSample, trades: trades.filter((t) => !inSample(t)).length },
            ];
      const feed = await market.again(Math.min(o.warmupCandles, 50) * primaryMs);
      const two = await account(feed.clock, false);
      const randomStrategy = createRandomEntryStrategy({
        seed: o.seed,
        periods,
        timeframe: tf.primary,
        atrPeriod: config.periods.atr,
        tickSizes,
        symbols,
        executor: two.executor,
      });
      const randomEquity = new SplitEquity(from, to, o.balance, splitAt);
      const pass2 = await runPass({
        feed,
        symbols: market.symbols,
        baseTimeframe: o.baseTimeframe,
        timeframes: tf,
        to,
        warmupCandles: Math.min(o.warmupCandles, 50),
        strategy: randomStrategy,
        ...two,
        equity: randomEquity,
        onProgress: options.onProgress && ((done, n) => options.onProgress!('baseline', done, n)),
      });
      random = {
        trades: records(pass2.trades, (id) => randomStrategy.signalOf(id)),
        equity: randomEquity,
        unfilled: randomStrategy.unfilled,
      };
      await two.executor.close();
      two.ledger.close();
      await feed.close();
    }
    const baselineSeconds = (performance.now() - b0) / 1000;
    await market.feed.close();

    // --- measuring -------------------------------------------------------------------------------
    const period = (
      start: number,
      end: number,
      pick: (t: TradeRecord) => boolean,
      eq: (s: SplitEquity) => EquityTracker,
      bhList: TradeRecord[],
    ): PeriodResults => ({
      from: start,
      to: end,
      strategy: resultOf(trades.filter(pick), eq(equity)),
      buyAndHold: resultOf(bhList, eq(bhEquity)),
      randomEntry: random ? resultOf(random.trades.filter(pick), eq(random.equity)) : null,
    });
    const full = period(
      from,
      to,
      () => true,
      (s) => s.whole,
      bhTrades.whole,
    );
    const split =
      splitAt === null
        ? null
        : {
            at: splitAt,
            inSample: period(from, splitAt, inSample, (s) => s.inSample!, bhTrades.inSample),
            outOfSample: period(
              splitAt,
              to,
              (t) => !inSample(t),
              (s) => s.outOfSample!,
              bhTrades.outOfSample,
            ),
          };
    const notes = buildNotes(
      counts,
      trades,
      random?.unfilled ?? 0,
      market.excluded.length,
      o.analyst ?? 'rule',
      executorKind === 'custom' ? one.executor.kind : executorKind,
      o.fundingRatePct,
      full,
    );
    return {
      version: 1,
      createdAt: (options.wallClock ?? systemClock).now(),
      market: {
        source: market.source,
        dir: options.market.kind === 'replay' ? options.market.dir : undefined,
        seed: options.market.kind === 'synthetic' ? options.market.seed : undefined,
        baseTimeframe: o.baseTimeframe,
        timeframes: { ...tf },
        symbols,
        excluded: market.excluded,
      },
      params: {
        from,
        to,
        analyst: options.analysts ? analysts.analyst.name : (o.analyst ?? 'rule'),
        balance: o.balance,
        margin: o.margin,
        leverage: o.leverage,
        makerFeePct: o.makerFeePct,
        takerFeePct: o.takerFeePct,
        fundingRatePct: o.fundingRatePct,
        slippage: describeSlippage(slippage),
        minConfidence: o.minConfidence,
        dedupWindowMinutes: o.dedupWindowMinutes,
        split: o.split ?? null,
        seed: o.seed,
        warmupCandles: o.warmupCandles,
        executor: executorKind === 'custom' ? one.executor.kind : executorKind,
        limitEntryTtlMinutes: o.limitEntryTtlMs / MINUTE_MS,
      },
      full,
      split,
      trades,
      baselineTrades: { buyAndHold: bhTrades.whole, randomEntry: random?.trades ?? [] },
      pipeline: counts,
      performance: {
        candles: pass.candles,
        seconds: pass.seconds,
        candlesPerSecond: pass.seconds > 0 ? pass.candles / pass.seconds : 0,
        cpuSeconds: pass.cpuSeconds,
        candlesPerCpuSecond: pass.cpuSeconds > 0 ? pass.candles / pass.cpuSeconds : 0,
        loadSeconds: market.loadSeconds,
        baselineSeconds,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
      },
      notes,
    };
  }
}

function llmAnalysts(
  options: BacktestOptions,
  clock: ManualClock,
  combine: ReturnType<typeof resolveCombineOptions>,
): PipelineAnalysts {
  if (!options.analystConfig || !options.analysisCache) {
    throw new RangeError('analyst llm-cache needs analystConfig and analysisCache (the recorded answers)');
  }
  const set = createAnalysts(options.analystConfig, {
    clock,
    cache: options.analysisCache,
    mode: 'cache-only',
    kind: 'llm',
  });
  return { analyst: set.analyst, vision: set.vision, combine };
}

function records(list: LedgerTrade[], signalOf: (entryId: string) => TradeSignal | undefined): TradeRecord[] {
  return list.map((t, i) => toTradeRecord(t, i + 1, signalOf(t.entryClientOrderId)));
}

function buildNotes(
  counts: BacktestReport['pipeline'],
  trades: readonly TradeRecord[],
  unfilled: number,
  excluded: number,
  analyst: string,
  executor: string,
  fundingRatePct: number,
  full: PeriodResults,
): string[] {
  const notes = [
    'Stops and targets resolve inside each base candle along open, low, high, close (up candle) or ' +
      'open, high, low, close (down candle); when one candle could have reached both a stop and a ' +
      `target, the stop is assumed (${counts.ambiguousCandles} such candle(s)).`,
    executor === 'engine'
      ? 'Execution: the live execution engine (risk gate, sizing, write-ahead orders, STOP_MARKET and ' +
        'TAKE_PROFIT_MARKET with closePosition, LIMIT expiry, reconciliation) on the simulated clock, ' +
        'against the exchange simulator, its books in an in-memory database.'
      : executor === 'direct'
        ? "Execution: the direct executor (the engine's decisions straight through the Exchange port of " +
          'the simulator, in memory: risk gate, sizing, entry, STOP_MARKET and TAKE_PROFIT_MARKET with ' +
          'closePosition); it makes the same trades as the engine.'
        : `Execution: a custom executor (${executor}).`,
    // The market data carries no funding rates: a trader should know what was assumed, or on how
    // many trades live trading would have charged or paid it.
    fundingNote(fundingRatePct, trades, full.strategy.metrics.funding, full.buyAndHold.metrics.funding),
  ];
  if (analyst === 'llm-cache')
    notes.push(
      `LLM answers replayed from the analyses cache: ${counts.llmCacheHits} found, ${counts.llmCacheMisses} ` +
        'missing (a missing answer is no trade, never invented).',
    );
  if (unfilled > 0)
    notes.push(`Random entries: ${unfilled} pick(s) found no free symbol before the period ended.`);
  if (excluded > 0) notes.push(`${excluded} symbol(s) excluded (see market.excluded).`);
  return notes;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
