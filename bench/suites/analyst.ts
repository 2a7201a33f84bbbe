/**
 * Analysts and signals (issue 5): the cost of each step from a screen result to a stored signal.
 * Validation of one plan; the rule analyst end to end (proposeSignal) per symbol; the LLM analyst
 * through the real `openai` SDK against the local chat-completions fixture on loopback (fresh call
 * vs. cached replay: the provider's own latency is not included); the chart renderer (1024x640,
 * 400 candles); storing signals through the locked dedup check on PGlite (and PostgreSQL when
 * TEST_DATABASE_URL is set). Medians of several runs.
 */
import { loadavg } from 'node:os';
import {
  createChatClient,
  createLlmAnalyst,
  createMemoryAnalysisCache,
  createRuleAnalyst,
  proposeSignal,
  renderCandleChart,
  validatePlan,
} from '../../src/analyst/index.js';
import { type Candle, createManualClock, Dec, dec, MINUTE_MS, price } from '../../src/domain/index.js';
import type { ScreenResult } from '../../src/screener/index.js';
import { createSignalsRepository, openStore, type Store } from '../../src/store/index.js';
import { planJson, startLlmServer } from '../../test/fixtures/llm-server.js';
import { createTempDatabase, TEST_DATABASE_URL } from '../../test/support/stores.js';
import { fmt, median, table, timeMedianMs, timeMedianMsAsync } from '../stats.js';

const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

const screen = (symbol: string, i: number): ScreenResult => ({
  symbol,
  direction: i % 2 ? 'SHORT' : 'LONG',
  score: 80,
  rawScore: 80,
  source: 'rsi-trend',
  proposed: i % 2 ? 'SHORT' : 'LONG',
  qualityPenalty: 0,
  fakePenalty: 0,
  contributions: [],
  reasons: ['bench'],
  candleTime: T0 - 15 * MINUTE_MS,
  metrics: {
    price: 100 + (i % 50),
    atr: 1 + (i % 7) * 0.1,
    atrPct: 1,
    rsi: 30 + (i % 40),
    ema9: 100,
    ema21: 99,
    ema200: 95,
    bollingerPosition: 0.5,
    bollingerUpper: 103,
    bollingerLower: 97,
    volumeRatio: 1.3,
    hurst: 0.55,
    trendEma200: 95,
    confirmTrend: 'UP',
    structure: 'UP',
    momentumLong: 10,
    momentumShort: 0,
  },
});

function candles(n: number): Candle[] {
  const out: Candle[] = [];
  let close = 100;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = open * (1 + Math.sin(i / 7) * 0.004 + Math.cos(i / 3) * 0.002);
    out.push({
      openTime: T0 - (n - i) * 900_000,
      open,
      close,
      high: Math.max(open, close) * 1.002,
      low: Math.min(open, close) * 0.998,
      volume: 1000 + 400 * Math.sin(i / 5),
    });
  }
  return out;
}

async function storeRate(store: Store, n: number, runs: number): Promise<number> {
  const repo = createSignalsRepository(store.db);
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        repo.insert(
          {
            symbol: `S${r}X${i % (n / 2)}USDT`, // every symbol twice: half the inserts are duplicates
            direction: 'LONG',
            combinedConfidence: 80,
            entryType: 'LIMIT',
            entry: dec('100'),
            stopLoss: dec('99'),
            takeProfit: dec('102'),
            analyst: 'rule',
            expiresAt: new Date(T0 + 3_600_000),
          },
          { now: new Date(T0), windowMs: 120 * MINUTE_MS },
        ),
      ),
    );
    rates.push(n / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

export async function run(): Promise<void> {
  const rows: (string | number)[][] = [];
  const context = (await import('../../src/analyst/test-context.js')).testContext();

  const plans = Array.from({ length: 10_000 }, (_, i) => ({
    direction: (i % 2 ? 'SHORT' : 'LONG') as 'LONG' | 'SHORT',
    confidence: 80,
    entry: new Dec(100 + (i % 10) * 0.05),
    stopLoss: new Dec(i % 2 ? 101 : 99),
    takeProfit: new Dec(i % 2 ? 98 : 102),
  }));
  const validateMs = timeMedianMs(() => {
    for (const p of plans) validatePlan(p, context);
  });
  rows.push([
    'validatePlan (decimal, tick-rounded)',
    `${fmt((validateMs * 1000) / plans.length, 1)} µs / plan`,
  ]);

  const deps = { analyst: createRuleAnalyst(), clock: createManualClock(T0) };
  const extras = {
    timeframe: '15m' as const,
    tickSize: dec('0.01'),
    book: { bid: price('99.99'), ask: price('100.01') },
  };
  const screens = Array.from({ length: 500 }, (_, i) => screen(`B${i}USDT`, i));
  const ruleMs = await timeMedianMsAsync(async () => {
    for (const s of screens) await proposeSignal(s, extras, deps);
  });
  rows.push([
    'proposeSignal, rule analyst (context, plan, validation, combine)',
    `${fmt((ruleMs * 1000) / screens.length, 1)} µs / symbol`,
  ]);

  const server = await startLlmServer({
    content: planJson({
      direction: 'LONG',
      confidence: 80,
      entry: 100,
      stopLoss: 99,
      takeProfit: 102.5,
      reasoning: 'bench',
    }),
  });
  try {
    const cache = createMemoryAnalysisCache();
    const llm = createLlmAnalyst({
      client: createChatClient({ baseURL: server.baseURL, timeoutMs: 5000 }),
      model: 'bench',
      clock: createManualClock(T0),
      dailyTokenCap: 1e12,
      fallback: 'rule',
      cache,
    });
    let candle = 0;
    const freshMs = await timeMedianMsAsync(
      () => llm.analyze({ ...context, candleCloseTime: T0 + ++candle }),
      21,
      3,
    );
    const cachedMs = await timeMedianMsAsync(
      () => llm.analyze({ ...context, candleCloseTime: T0 + 1 }),
      21,
      3,
    );
    rows.push(['LLM analyst, fresh call (SDK + loopback fixture + parse + validate)', `${fmt(freshMs)} ms`]);
    rows.push(['LLM analyst, cached replay (in-memory cache)', `${fmt(cachedMs * 1000, 0)} µs`]);
  } finally {
    await server.close();
  }

  const chart = candles(400);
  const renderMs = await timeMedianMsAsync(() => renderCandleChart(chart), 7, 2);
  rows.push(['renderCandleChart 1024x640, 120 of 400 candles, PNG', `${fmt(renderMs)} ms`]);

  const pglite = await openStore({ memory: true });
  try {
    await pglite.migrate();
    rows.push([
      'signals insert with locked dedup, PGlite, 200 concurrent (half duplicates)',
      `${fmt(await storeRate(pglite, 200, 3), 0)} / s`,
    ]);
  } finally {
    await pglite.close();
  }
  if (TEST_DATABASE_URL) {
    const temp = await createTempDatabase(TEST_DATABASE_URL);
    const pgStore = await openStore({ databaseUrl: temp.url });
    try {
      await pgStore.migrate();
      rows.push([
        'signals insert with locked dedup, PostgreSQL, 200 concurrent (half duplicates)',
        `${fmt(await storeRate(pgStore, 200, 3), 0)} / s`,
      ]);
    } finally {
      await pgStore.close();
      await temp.drop();
    }
  }
  console.log(table(['step', 'median'], rows));
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (2 cores)`,
  );
}
