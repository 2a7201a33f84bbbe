import { doublePrecision, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timestampColumn } from './columns.js';

/**
 * Backtest reports, for the dashboard: the headline numbers as columns (to list and sort), the
 * `backtest --json` summary, and the full report (trades, equity samples, baselines, split).
 */
export const backtests = pgTable(
  'backtests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** replay | synthetic | memory */
    source: text('source').notNull(),
    analyst: text('analyst').notNull(),
    periodFrom: timestampColumn('period_from').notNull(),
    periodTo: timestampColumn('period_to').notNull(),
    symbols: jsonb('symbols').$type<string[]>().notNull(),
    trades: integer('trades').notNull(),
    winRate: doublePrecision('win_rate'),
    profitFactor: doublePrecision('profit_factor'),
    totalReturnPct: doublePrecision('total_return_pct').notNull(),
    maxDrawdownPct: doublePrecision('max_drawdown_pct').notNull(),
    sharpe: doublePrecision('sharpe'),
    summary: jsonb('summary').notNull(),
    report: jsonb('report').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('backtests_created_idx').on(t.createdAt)],
);
