/**
 * Store tests run on both stores: the embedded PGlite (always) and a real PostgreSQL server when
 * TEST_DATABASE_URL is set (.ci/run sets it). Each suite gets a fresh, migrated database; on
 * PostgreSQL that is a new database created for the suite and dropped after it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openStore, type Store, type StoreKind } from '../../src/store/index.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL;
export const POSTGRES_MISSING = 'skipped: TEST_DATABASE_URL is not set, so the PostgreSQL cases do not run';

if (!TEST_DATABASE_URL && !process.env.NT_POSTGRES_SKIP_NOTED) {
  process.env.NT_POSTGRES_SKIP_NOTED = '1';
  console.warn(`[stores] ${POSTGRES_MISSING}`);
}

let templateBlob: Blob | undefined;
/** The migrated PGlite dump made once by test/support/global-setup.ts. */
function migratedTemplate(): Blob | undefined {
  const file = inject('pgliteTemplate');
  if (!file) return undefined;
  templateBlob ??= new Blob([readFileSync(file)]);
  return templateBlob;
}

/** Create an empty PostgreSQL database and return its URL and a function that drops it. */
export async function createTempDatabase(
  baseUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `nt_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

export interface StoreFixture {
  kind: StoreKind;
  /** The migrated store for this suite. */
  store: () => Store;
  /** PostgreSQL only: the suite's database URL, to open more connections or processes. */
  url: () => string | undefined;
  /** Open another store on the same database (PostgreSQL) — e.g. a second "process". */
  openAnother: () => Promise<Store>;
}

/**
 * describe() the same suite once per store. `migrate: false` gives an empty database.
 */
export function forEachStore(
  title: string,
  suite: (fixture: StoreFixture) => void,
  options: { migrate?: boolean } = {},
) {
  const kinds: StoreKind[] = ['pglite', 'postgres'];
  for (const kind of kinds) {
    const skip = kind === 'postgres' && !TEST_DATABASE_URL;
    describe.skipIf(skip)(`${title} [${kind}]`, () => {
      let store: Store | undefined;
      let url: string | undefined;
      let drop: (() => Promise<void>) | undefined;
      const others: Store[] = [];
      beforeAll(async () => {
        if (kind === 'postgres') {
          const temp = await createTempDatabase(TEST_DATABASE_URL!);
          url = temp.url;
          drop = temp.drop;
          store = await openStore({ databaseUrl: url });
        } else if (options.migrate === false) {
          store = await openStore({ memory: true });
        } else {
          store = await openStore({ memory: true, template: migratedTemplate() });
        }
        if (options.migrate !== false) await store.migrate();
      });
      afterAll(async () => {
        for (const other of others) await other.close();
        await store?.close();
        await drop?.();
      });
      suite({
        kind,
        store: () => {
          if (!store) throw new Error('store not open yet: use it inside a test or hook');
          return store;
        },
        url: () => url,
        openAnother: async () => {
          if (kind !== 'postgres' || !url) throw new Error('openAnother is for PostgreSQL only');
          const other = await openStore({ databaseUrl: url });
          others.push(other);
          return other;
        },
      });
    });
  }
}
