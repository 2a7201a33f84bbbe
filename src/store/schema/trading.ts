import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, decimalColumn, timestampColumn, updatedAt } from './columns.js';
import { signals } from './signals.js';
import { users } from './users.js';

/** Statuses in which a position still holds (or may hold) exposure on the exchange. */
export const LIVE_POSITION_SQL = sql.raw(`status not in ('CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED')`);

/**
 * Positions, unified for PAPER and REAL. The partial unique index is money-safety invariant 3:
 * at most one live position (any state that is not closed, transitional ones included) per user
 * and symbol, enforced by the database whatever the application believes.
 */
export const positions = pgTable(
  'positions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    signalId: uuid('signal_id').references(() => signals.id, { onDelete: 'set null' }),
    symbol: text('symbol').notNull(),
    direction: text('direction').$type<'LONG' | 'SHORT'>().notNull(),
    mode: text('mode').$type<'PAPER' | 'REAL'>().notNull(),
    status: text('status')
      .$type<
        'PENDING_ENTRY' | 'OPEN' | 'UNPROTECTED' | 'CLOSING' | 'CLOSED_WIN' | 'CLOSED_LOSS' | 'CANCELLED'
      >()
      .notNull()
      .default('PENDING_ENTRY'),
    /** Intended size and what actually filled. */
    qty: decimalColumn('qty').notNull(),
    filledQty: decimalColumn('filled_qty').notNull().default('0'),
    entryPrice: decimalColumn('entry_price'),
    stopLoss: decimalColumn('stop_loss'),
    takeProfit: decimalColumn('take_profit'),
    margin: decimalColumn('margin').notNull(),
    leverage: integer('leverage').notNull(),
    exitPrice: decimalColumn('exit_price'),
    fees: decimalColumn('fees').notNull().default('0'),
    /** Realised PnL net of fees; pnl_percent = pnl / margin x 100. */
    pnl: decimalColumn('pnl'),
    pnlPercent: decimalColumn('pnl_percent'),
    closeReason: text('close_reason'),
    /** Set when the position had no accepted stop; cleared when protected. */
    unprotectedSince: timestampColumn('unprotected_since'),
    /** Adopted by reconciliation rather than opened by the engine. */
    adopted: boolean('adopted').notNull().default(false),
    openedAt: timestampColumn('opened_at'),
    closedAt: timestampColumn('closed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('positions_one_live_per_user_symbol').on(t.userId, t.symbol).where(LIVE_POSITION_SQL),
    index('positions_user_status_idx').on(t.userId, t.status),
    // A user's history, newest close first (the API's closed page): a page reads its rows in
    // order and stops, instead of reading and sorting all of the user's closed positions.
    index('positions_user_closed_idx')
      .on(t.userId, sql`coalesce(${t.closedAt}, ${t.createdAt}) desc`, sql`${t.id} desc`)
      .where(sql`not (${LIVE_POSITION_SQL})`),
    index('positions_signal_idx').on(t.signalId),
    check('positions_direction_check', sql`${t.direction} in ('LONG', 'SHORT')`),
    check(
      'positions_status_check',
      sql`${t.status} in ('PENDING_ENTRY', 'OPEN', 'UNPROTECTED', 'CLOSING', 'CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED')`,
    ),
  ],
);

/**
 * Orders: the write-ahead intent (status INTENT) is committed before the order leaves, with a
 * deterministic client order id; every answer (accepted, rejected, silence) is appended to
 * `answers`. The unique client order id makes a second intent for the same leg impossible.
 */
export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    positionId: uuid('position_id').references(() => positions.id, { onDelete: 'set null' }),
    clientOrderId: text('client_order_id').notNull().unique(),
    exchangeOrderId: text('exchange_order_id'),
    /** REGULAR (LIMIT/MARKET) or ALGO (conditional: STOP_MARKET, TAKE_PROFIT_MARKET). */
    family: text('family').$type<'REGULAR' | 'ALGO'>().notNull(),
    leg: text('leg').notNull(),
    symbol: text('symbol').notNull(),
    side: text('side').$type<'BUY' | 'SELL'>().notNull(),
    type: text('type').notNull(),
    qty: decimalColumn('qty'),
    price: decimalColumn('price'),
    triggerPrice: decimalColumn('trigger_price'),
    reduceOnly: boolean('reduce_only').notNull().default(false),
    closePosition: boolean('close_position').notNull().default(false),
    status: text('status').notNull().default('INTENT'),
    filledQty: decimalColumn('filled_qty').notNull().default('0'),
    avgFillPrice: decimalColumn('avg_fill_price'),
    lastErrorCode: text('last_error_code'),
    lastError: text('last_error'),
    answers: jsonb('answers').$type<unknown[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('orders_position_idx').on(t.positionId),
    index('orders_user_status_idx').on(t.userId, t.status),
  ],
);

export const fills = pgTable(
  'fills',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tradeId: text('trade_id').notNull(),
    price: decimalColumn('price').notNull(),
    qty: decimalColumn('qty').notNull(),
    fee: decimalColumn('fee').notNull().default('0'),
    feeAsset: text('fee_asset').notNull().default('USDT'),
    realizedPnl: decimalColumn('realized_pnl').notNull().default('0'),
    tradeTime: timestampColumn('trade_time').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('fills_order_trade_unique').on(t.orderId, t.tradeId)],
);

export const balanceSnapshots = pgTable(
  'balance_snapshots',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    mode: text('mode').$type<'PAPER' | 'REAL'>().notNull(),
    wallet: decimalColumn('wallet').notNull(),
    available: decimalColumn('available'),
    equity: decimalColumn('equity'),
    source: text('source').notNull(),
    takenAt: timestampColumn('taken_at').notNull(),
  },
  (t) => [index('balance_snapshots_user_time_idx').on(t.userId, t.takenAt)],
);

/** What happened, to whom, and why: engine decisions, adoptions, panics, settings changes. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    data: jsonb('data'),
    at: timestampColumn('at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_user_at_idx').on(t.userId, t.at)],
);
