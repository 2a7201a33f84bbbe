import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, decimalColumn, timestampColumn, updatedAt } from './columns.js';

/**
 * A signal is stored with everything that produced it (screen metrics, proposals, fixes, vetoes,
 * features): the record is the explanation. Deduplication (one PENDING or EXECUTED signal per
 * symbol and direction inside the window) is enforced by a locked check in the signals repository.
 */
export const signals = pgTable(
  'signals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    symbol: text('symbol').notNull(),
    direction: text('direction').$type<'LONG' | 'SHORT'>().notNull(),
    status: text('status')
      .$type<'PENDING' | 'EXECUTED' | 'EXPIRED' | 'REJECTED'>()
      .notNull()
      .default('PENDING'),
    combinedConfidence: doublePrecision('combined_confidence').notNull(),
    entryType: text('entry_type').$type<'MARKET' | 'LIMIT'>().notNull(),
    entry: decimalColumn('entry').notNull(),
    stopLoss: decimalColumn('stop_loss').notNull(),
    takeProfit: decimalColumn('take_profit').notNull(),
    analyst: text('analyst').notNull(),
    fallback: text('fallback'),
    winProbability: doublePrecision('win_probability'),
    /** Close time (ms) of the candle the decision was made on. */
    candleCloseTime: bigint('candle_close_time', { mode: 'number' }),
    screen: jsonb('screen'),
    proposals: jsonb('proposals'),
    fixes: jsonb('fixes').$type<string[]>().notNull().default([]),
    vetoes: jsonb('vetoes').$type<string[]>().notNull().default([]),
    reasons: jsonb('reasons').$type<string[]>().notNull().default([]),
    /** ML features recorded when the signal is made, never recomputed with hindsight. */
    features: jsonb('features').$type<Record<string, number | null>>(),
    /** Outcome label once a trade of this signal closes: 'WIN' | 'LOSS'; source: LIVE | PAPER | BACKTEST. */
    outcome: text('outcome'),
    outcomeSource: text('outcome_source'),
    outcomePnl: decimalColumn('outcome_pnl'),
    expiresAt: timestampColumn('expires_at').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('signals_direction_check', sql`${t.direction} in ('LONG', 'SHORT')`),
    check('signals_status_check', sql`${t.status} in ('PENDING', 'EXECUTED', 'EXPIRED', 'REJECTED')`),
    index('signals_symbol_direction_created_idx').on(t.symbol, t.direction, t.createdAt),
    index('signals_created_idx').on(t.createdAt),
  ],
);

/** The analysis cache: one answer per (symbol, timeframe, candle close, prompt version, analyst). */
export const analyses = pgTable(
  'analyses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    symbol: text('symbol').notNull(),
    timeframe: text('timeframe').notNull(),
    candleCloseTime: bigint('candle_close_time', { mode: 'number' }).notNull(),
    promptVersion: text('prompt_version').notNull(),
    analyst: text('analyst').notNull(),
    model: text('model'),
    request: jsonb('request'),
    response: jsonb('response'),
    proposal: jsonb('proposal'),
    features: jsonb('features'),
    tokensIn: integer('tokens_in').notNull().default(0),
    tokensOut: integer('tokens_out').notNull().default(0),
    latencyMs: integer('latency_ms'),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('analyses_cache_key').on(
      t.symbol,
      t.timeframe,
      t.candleCloseTime,
      t.promptVersion,
      t.analyst,
    ),
    index('analyses_created_idx').on(t.createdAt),
  ],
);

/** Liquidation-driven pump/dump events from the whale detector. */
export const whaleEvents = pgTable(
  'whale_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    symbol: text('symbol').notNull(),
    direction: text('direction').$type<'PUMP' | 'DUMP'>().notNull(),
    confidence: integer('confidence').notNull(),
    window: text('window').notNull(),
    longLiquidatedNotional: decimalColumn('long_liquidated_notional').notNull(),
    shortLiquidatedNotional: decimalColumn('short_liquidated_notional').notNull(),
    evidence: jsonb('evidence'),
    eventTime: timestampColumn('event_time').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('whale_events_symbol_time_idx').on(t.symbol, t.eventTime),
    check('whale_events_confidence_check', sql`${t.confidence} between 0 and 100`),
  ],
);
