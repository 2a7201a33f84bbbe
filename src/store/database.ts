/**
 * The database factory: embedded PGlite in DATA_DIR by default, PostgreSQL through node-postgres
 * when a URL is given. Both speak the same SQL and get the same Drizzle schema and migrations.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { DomainError, ErrorCode } from '../domain/index.js';
import { MIGRATIONS_DIR, tagForMillis } from './migrations.js';
import { createPglite, forDrizzle } from './pglite-client.js';
import * as schema from './schema/index.js';

export type Schema = typeof schema;
/** The Drizzle handle both stores share; repositories take this. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type StoreKind = 'pglite' | 'postgres';

export interface StoreOptions {
  /** postgres://... selects PostgreSQL; otherwise the embedded store. */
  databaseUrl?: string | undefined;
  /** Where the embedded database lives (DATA_DIR/db). Omit with `memory: true`. */
  dataDir?: string | undefined;
  /** An in-memory embedded database (tests, backtests). */
  memory?: boolean;
  /**
   * Embedded only: start from a dump of an already-initialised database (PGlite dumpDataDir).
   * Tests use a migrated template, which skips PGlite's initdb (about 3 s) on every suite.
   */
  template?: Blob;
  /** Pool size for PostgreSQL. */
  maxConnections?: number;
}

export interface MigrationStatus {
  applied: number;
  latest: string | null;
}

export interface Store {
  readonly kind: StoreKind;
  readonly db: Db;
  /** Apply pending migrations (forward-only, in one transaction). Safe to call from two processes. */
  migrate(): Promise<MigrationStatus>;
  migrationStatus(): Promise<MigrationStatus>;
  /**
   * Run `fn` only if nobody else (this process or another) holds the named lock; returns
   * { acquired: false } immediately otherwise. On PostgreSQL this is a session advisory lock on
   * a dedicated connection, so it works across processes and machines.
   */
  tryWithLock<T>(
    name: string,
    fn: () => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }>;
  close(): Promise<void>;
}

// A stable 32-bit key per lock name (advisory locks take integers).
function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

const MIGRATION_LOCK = 'neurotrade:migrations';

export async function openStore(options: StoreOptions = {}): Promise<Store> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.maxConnections)
    : openPglite(options);
}

/** Raw rows from db.execute, which both drivers answer as { rows }. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

async function readMigrationStatus(db: Db): Promise<MigrationStatus> {
  const [exists] = await queryRows<{ present: boolean }>(
    db,
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!exists?.present) return { applied: 0, latest: null };
  const [row] = await queryRows<{ n: string | number; latest: string | number | null }>(
    db,
    sql`select count(*) as n, max(created_at) as latest from drizzle.__drizzle_migrations`,
  );
  return {
    applied: Number(row?.n ?? 0),
    latest: row?.latest == null ? null : tagForMillis(Number(row.latest)),
  };
}

function migrationFailed(err: unknown): DomainError {
  return new DomainError(ErrorCode.STORE_MIGRATION_FAILED, `database migration failed: ${rootMessage(err)}`, {
    cause: err,
  });
}

/** The driver's own message, without Drizzle's "params:" dump (which may hold secrets). */
export function rootMessage(err: unknown): string {
  let e: unknown = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** In-process mutual exclusion, keyed by lock name (PGlite has one session, so advisory locks re-enter). */
function createLocalLocks() {
  const held = new Set<string>();
  return {
    tryAcquire(name: string): boolean {
      if (held.has(name)) return false;
      held.add(name);
      return true;
    },
    release(name: string): void {
      held.delete(name);
    },
  };
}

async function openPglite(options: StoreOptions): Promise<Store> {
  let client: PGlite;
  if (options.template) {
    client = await createPglite(undefined, { loadDataDir: options.template });
  } else if (options.memory || !options.dataDir) {
    client = await createPglite(undefined);
  } else {
    const dir = join(options.dataDir, 'db');
    mkdirSync(dir, { recursive: true });
    client = await createPglite(dir);
  }
  const db = drizzlePglite(forDrizzle(client), { schema }) as unknown as Db;
  const locks = createLocalLocks();
  return {
    kind: 'pglite',
    db,
    async migrate() {
      try {
        await migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR });
      } catch (err) {
        throw migrationFailed(err);
      }
      return readMigrationStatus(db);
    },
    migrationStatus: () => readMigrationStatus(db),
    async tryWithLock(name, fn) {
      if (!locks.tryAcquire(name)) return { acquired: false };
      try {
        return { acquired: true, value: await fn() };
      } finally {
        locks.release(name);
      }
    },
    async close() {
      await client.close();
    },
  };
}

async function openPostgres(url: string, maxConnections = 10): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: maxConnections });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  const locks = createLocalLocks();

  async function tryWithLock<T>(name: string, fn: () => Promise<T>) {
    if (!locks.tryAcquire(name)) return { acquired: false as const };
    try {
      const client = await pool.connect();
      try {
        const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [
          lockKey(name),
        ]);
        if (!got.rows[0]?.ok) return { acquired: false as const };
        try {
          return { acquired: true as const, value: await fn() };
        } finally {
          await client.query('select pg_advisory_unlock($1)', [lockKey(name)]);
        }
      } finally {
        client.release();
      }
    } finally {
      locks.release(name);
    }
  }

  return {
    kind: 'postgres',
    db,
    async migrate() {
      // Two processes starting at once: the second waits for the first, then finds nothing to do.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [lockKey(MIGRATION_LOCK)]);
        try {
          await migratePg(drizzlePg(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [lockKey(MIGRATION_LOCK)]);
        }
      } catch (err) {
        throw migrationFailed(err);
      } finally {
        client.release();
      }
      return readMigrationStatus(db);
    },
    migrationStatus: () => readMigrationStatus(db),
    tryWithLock,
    async close() {
      await pool.end();
    },
  };
}
