import { desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { backtests } from '../schema/index.js';

/** A backtest as stored: headline numbers plus the summary and full report as JSON. */
export interface NewBacktest {
  source: string;
  analyst: string;
  periodFrom: Date;
  periodTo: Date;
  symbols: string[];
  trades: number;
  winRate: number | null;
  profitFactor: number | null;
  totalReturnPct: number;
  maxDrawdownPct: number;
  sharpe: number | null;
  summary: unknown;
  report: unknown;
  /** The injected clock's now. */
  createdAt: Date;
}

export type BacktestListItem = Omit<NewBacktest, 'summary' | 'report'> & {
  id: string;
  /** How it traded, from the stored summary; null for reports stored before these were kept. */
  executor: string | null;
  margin: number | null;
  leverage: number | null;
};
export type StoredBacktest = NewBacktest & { id: string };

// jsonb has no NaN or Infinity: a non-finite headline is stored as null, not as garbage.
const finiteOrNull = (v: number | null): number | null => (v !== null && Number.isFinite(v) ? v : null);
const finiteOr0 = (v: number): number => (Number.isFinite(v) ? v : 0);

export function createBacktestsRepository(db: Db) {
  const listColumns = {
    id: backtests.id,
    source: backtests.source,
    analyst: backtests.analyst,
    periodFrom: backtests.periodFrom,
    periodTo: backtests.periodTo,
    symbols: backtests.symbols,
    trades: backtests.trades,
    winRate: backtests.winRate,
    profitFactor: backtests.profitFactor,
    totalReturnPct: backtests.totalReturnPct,
    maxDrawdownPct: backtests.maxDrawdownPct,
    sharpe: backtests.sharpe,
    createdAt: backtests.createdAt,
    // From the summary, never the report: a list must not read every stored trade list.
    executor: sql<string | null>`${backtests.summary}->>'executor'`,
    margin: sql<number | null>`(${backtests.summary}->'params'->>'margin')::float8`,
    leverage: sql<number | null>`(${backtests.summary}->'params'->>'leverage')::int`,
  };
  return {
    async insert(input: NewBacktest): Promise<{ id: string }> {
      const [row] = await db
        .insert(backtests)
        .values({
          ...input,
          winRate: finiteOrNull(input.winRate),
          profitFactor: finiteOrNull(input.profitFactor),
          sharpe: finiteOrNull(input.sharpe),
          totalReturnPct: finiteOr0(input.totalReturnPct),
          maxDrawdownPct: finiteOr0(input.maxDrawdownPct),
        })
        .returning({ id: backtests.id });
      return { id: row!.id };
    },

    /** Most recent first, without the (large) report bodies. */
    async list(options: { limit?: number } = {}): Promise<BacktestListItem[]> {
      return db
        .select(listColumns)
        .from(backtests)
        .orderBy(desc(backtests.createdAt))
        .limit(options.limit ?? 50);
    },

    async findById(id: string): Promise<StoredBacktest | undefined> {
      const [row] = await db.select().from(backtests).where(eq(backtests.id, id));
      return row;
    },
  };
}

export type BacktestsRepository = ReturnType<typeof createBacktestsRepository>;
