import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MARKET_DATA_MISSING, marketDataDir } from '../../test/support/market-data.js';
import { createTempDatabase, POSTGRES_MISSING, TEST_DATABASE_URL } from '../../test/support/stores.js';
import { DAY_MS } from '../domain/index.js';
import { createRepositories, openStore, type Store } from '../store/index.js';
import { runBacktest } from './backtest.js';
import type { BacktestOptions } from './options.js';
import type { BacktestReport } from './types.js';

const dir = marketDataDir();
const START = Date.UTC(2026, 0, 12);
const SLOW = 180_000;

let template: Blob | undefined;
/** A migrated in-memory database from the suite's template (skips PGlite's initdb). */
async function pglite(): Promise<Store> {
  template ??= new Blob([readFileSync(inject('pgliteTemplate'))]);
  const store = await openStore({ memory: true, template });
  await store.migrate();
  return store;
}

/** Runs once with each executor: the engine's report, and the direct executor's. */
async function both(options: BacktestOptions, engineStore: () => Promise<Store> = pglite) {
  const direct = await runBacktest({ ...options, executor: 'direct' });
  const engine = await runBacktest({ ...options, executor: 'engine', engineStore });
  return { direct, engine };
}

/** Everything a trader reads, without the timings (and the executor's own name in the notes). */
function outcome(r: BacktestReport) {
  return {
    trades: r.trades,
    baselineTrades: r.baselineTrades,
    strategy: r.full.strategy.metrics,
    randomEntry: r.full.randomEntry?.metrics,
    perSymbol: r.full.strategy.perSymbol,
    equity: r.full.strategy.equity,
    pipeline: r.pipeline,
  };
}

function expectSameTrades({ direct, engine }: { direct: BacktestReport; engine: BacktestReport }) {
  expect(engine.params.executor).toBe('engine');
  expect(direct.params.executor).toBe('direct');
  expect(engine.notes.join(' ')).toContain('the live execution engine');
  expect(outcome(engine)).toEqual(outcome(direct));
}

describe('the execution engine behind the backtest (what `neurotrade backtest` runs)', () => {
  it(
    'makes the same trades as the direct executor on the synthetic market, baselines and funding included',
    async () => {
      const runs = await both({
        market: { kind: 'synthetic', seed: 11, symbols: 4 },
        from: START,
        to: START + 3 * DAY_MS,
        minConfidence: 55,
        fundingRatePct: 0.03,
      });
      expect(runs.direct.trades.length).toBeGreaterThan(10);
      // Some trades were open at a funding time: the engine's books saw the same FUNDING_FEE updates.
      expect(runs.direct.trades.some((t) => t.funding !== 0)).toBe(true);
      expect(runs.direct.baselineTrades.randomEntry.length).toBe(runs.direct.trades.length);
      expectSameTrades(runs);
    },
    SLOW,
  );

  it(
    'keeps real books: every trade is a closed position in its database, with the same PnL',
    async () => {
      const stores: Store[] = [];
      const kept = async () => {
        const store = await pglite();
        stores.push(store);
        // The executor closes its database at the end of a pass; this one stays open to be read.
        return { ...store, close: async () => {} };
      };
      try {
        const report = await runBacktest({
          market: { kind: 'synthetic', seed: 11, symbols: 4 },
          from: START,
          to: START + 2 * DAY_MS,
          minConfidence: 55,
          randomBaseline: false,
          executor: 'engine',
          engineStore: kept,
        });
        expect(stores).toHaveLength(1);
        const repos = createRepositories(stores[0]!.db);
        const user = await repos.users.findByEmail('backtest-1@backtest.invalid');
        expect(user).toMatchObject({ mode: 'PAPER', autoTrade: true, riskState: 'ACTIVE' });
        const positions = await repos.positions.listClosed(user!.id, 10_000);
        const closed = positions.filter((p) => p.status === 'CLOSED_WIN' || p.status === 'CLOSED_LOSS');
        expect(report.trades.length).toBeGreaterThan(3);
        expect(closed).toHaveLength(report.trades.length);
        expect(await repos.positions.listLive(user!.id)).toEqual([]);
        const reasons: Record<string, string> = { stop: 'STOP_LOSS', target: 'TAKE_PROFIT', end: 'MANUAL' };
        const count = (list: string[]) =>
          list.reduce<Record<string, number>>((m, k) => {
            m[k] = (m[k] ?? 0) + 1;
            return m;
          }, {});
        expect(count(closed.map((p) => p.closeReason ?? ''))).toEqual(
          count(report.trades.map((t) => reasons[t.reason] ?? t.reason)),
        );
        const bookPnl = closed.reduce((sum, p) => sum + p.pnl!.toNumber(), 0);
        const reportPnl = report.trades.reduce((sum, t) => sum + t.pnl, 0);
        expect(bookPnl).toBeCloseTo(reportPnl, 6);
        // Each trade's signal is stored, executed, with its outcome (the ML engineer's label).
        const signal = await repos.signals.findById(closed[0]!.signalId!);
        expect(signal).toMatchObject({ status: 'EXECUTED', outcomeSource: 'PAPER' });
      } finally {
        for (const store of stores) await store.close();
      }
    },
    SLOW,
  );

  describe.skipIf(!dir)(`on recorded candles${dir ? '' : ` (${MARKET_DATA_MISSING})`}`, () => {
    it(
      'makes the same trades as the direct executor on real Binance 5m candles (LIMIT entries, expiry, cooldown)',
      async () => {
        const from = Date.UTC(2025, 11, 8);
        const runs = await both({
          market: { kind: 'replay', dir: dir! },
          symbols: ['XRPUSDT', 'PIPPINUSDT', 'HYPEUSDT'],
          from,
          to: from + 3 * DAY_MS,
          minConfidence: 55,
        });
        const entryTypes = new Set(runs.direct.trades.map((t) => t.signal?.entryType));
        expect(runs.direct.trades.length).toBeGreaterThan(20);
        expect(entryTypes).toEqual(new Set(['MARKET', 'LIMIT']));
        expectSameTrades(runs);
      },
      SLOW,
    );
  });

  describe.skipIf(!TEST_DATABASE_URL)(
    `with its books in PostgreSQL${TEST_DATABASE_URL ? '' : ` (${POSTGRES_MISSING})`}`,
    () => {
      const drops: (() => Promise<void>)[] = [];
      afterAll(async () => {
        for (const drop of drops) await drop();
      });
      it(
        'makes the same trades as the direct executor',
        async () => {
          const postgres = async () => {
            const temp = await createTempDatabase(TEST_DATABASE_URL!);
            drops.push(temp.drop);
            const store = await openStore({ databaseUrl: temp.url });
            await store.migrate();
            return store;
          };
          const runs = await both(
            {
              market: { kind: 'synthetic', seed: 12, symbols: 3 },
              from: START,
              to: START + 2 * DAY_MS,
              minConfidence: 55,
            },
            postgres,
          );
          expect(runs.direct.trades.length).toBeGreaterThan(3);
          expectSameTrades(runs);
        },
        SLOW,
      );
    },
  );
});
