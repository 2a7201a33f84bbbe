/**
 * store: the database (embedded PGlite by default, PostgreSQL when DATABASE_URL is set), its one
 * Drizzle schema, the checked-in SQL migrations and the repositories. All SQL lives here.
 * Entry points: openStore(options) -> Store; createRepositories(db).
 * Invariants the database itself enforces: one live position per (user, symbol) via a partial
 * unique index; unique client order ids; one cached analysis per (symbol, timeframe, candle,
 * prompt version, analyst). One live signal per (symbol, direction) inside the dedup window is a
 * locked check in the signals repository (an advisory transaction lock per pair).
 */
import type { Db } from './database.js';
import {
  createAnalysesRepository,
  createAuditRepository,
  createBacktestsRepository,
  createBalanceSnapshotsRepository,
  createCredentialsRepository,
  createExecutionQueries,
  createFillsRepository,
  createOrdersRepository,
  createPaperAccountsRepository,
  createPositionBooks,
  createPositionQueries,
  createPositionsRepository,
  createRefreshTokensRepository,
  createSignalQueries,
  createSignalsRepository,
  createUsersRepository,
} from './repositories/index.js';

export {
  type Db,
  type MigrationStatus,
  openStore,
  queryRows,
  rootMessage,
  type Schema,
  type Store,
  type StoreKind,
  type StoreOptions,
} from './database.js';
export { createGrouped, type Grouped } from './grouped.js';
export { listMigrations, MIGRATIONS_DIR } from './migrations.js';
export { isUniqueViolation, PG_UNIQUE_VIOLATION } from './pg-errors.js';
export * from './repositories/index.js';
export * as tables from './schema/index.js';
export {
  buildMigratedDump,
  DEFAULT_TEMPLATE_CACHE_DIR,
  openMigratedMemoryStore,
  templateFile,
  templateKey,
} from './template.js';

export function createRepositories(db: Db) {
  return {
    users: createUsersRepository(db),
    positions: createPositionsRepository(db),
    orders: createOrdersRepository(db),
    /** Fills of our orders, recorded once each (stream, catch-up and lookups may repeat them). */
    fills: createFillsRepository(db),
    /** A position with its orders and fills in one read (the engine's look at a symbol, a close). */
    positionBooks: createPositionBooks(db),
    /** What the execution engine asks beyond plain CRUD: monotonic order updates, risk facts. */
    executionQueries: createExecutionQueries(db),
    audit: createAuditRepository(db),
    credentials: createCredentialsRepository(db),
    refreshTokens: createRefreshTokensRepository(db),
    balanceSnapshots: createBalanceSnapshotsRepository(db),
    /** Read-side queries for the API (tenant-scoped for positions). */
    positionQueries: createPositionQueries(db),
    signalQueries: createSignalQueries(db),
    /** Writing signals (deduplicated under a lock) and their lifecycle. */
    signals: createSignalsRepository(db),
    /** The analysts' answer cache and daily token spend. */
    analyses: createAnalysesRepository(db),
    /** Stored backtest reports (the dashboard lists and shows them). */
    backtests: createBacktestsRepository(db),
    /** PAPER wallets on the in-process simulator, saved whole so they survive a restart. */
    paperAccounts: createPaperAccountsRepository(db),
  };
}

export type Repositories = ReturnType<typeof createRepositories>;
