import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, decimalColumn, timestampColumn, updatedAt } from './columns.js';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stored lower-cased; unique. */
    email: text('email').notNull().unique(),
    passwordHash: text('password_hash').notNull(),
    mode: text('mode').$type<'PAPER' | 'REAL'>().notNull().default('PAPER'),
    /** Margin committed per trade, in USDT. notional = fixedMargin x leverage. */
    fixedMargin: decimalColumn('fixed_margin').notNull().default('10'),
    leverage: integer('leverage').notNull().default(5),
    autoTrade: boolean('auto_trade').notNull().default(false),
    minConfidence: integer('min_confidence').notNull().default(75),
    scanProfile: text('scan_profile').$type<'aggressive' | 'normal' | 'slow'>().notNull().default('normal'),
    riskState: text('risk_state').$type<'ACTIVE' | 'REDUCING' | 'HALTED'>().notNull().default('ACTIVE'),
    /** REAL mode: last balance seen from the user stream or REST, and when. */
    realBalance: decimalColumn('real_balance'),
    realBalanceAt: timestampColumn('real_balance_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('users_mode_check', sql`${t.mode} in ('PAPER', 'REAL')`),
    check('users_leverage_check', sql`${t.leverage} between 1 and 125`),
    check('users_min_confidence_check', sql`${t.minConfidence} between 0 and 100`),
    check('users_fixed_margin_check', sql`${t.fixedMargin} > 0`),
    check('users_risk_state_check', sql`${t.riskState} in ('ACTIVE', 'REDUCING', 'HALTED')`),
  ],
);

/** One Binance key pair per user, encrypted at rest with AES-256-GCM; never returned by the API. */
export const exchangeCredentials = pgTable('exchange_credentials', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  apiKeyEncrypted: text('api_key_encrypted').notNull(),
  apiSecretEncrypted: text('api_secret_encrypted').notNull(),
  /** Last four characters of the API key, for the masked display (****abcd). */
  apiKeyHint: text('api_key_hint').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Refresh tokens are stored hashed; logout and rotation revoke them. */
export const refreshTokens = pgTable('refresh_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  tokenHash: text('token_hash').notNull().unique(),
  expiresAt: timestampColumn('expires_at').notNull(),
  revokedAt: timestampColumn('revoked_at'),
  createdAt: createdAt(),
});
