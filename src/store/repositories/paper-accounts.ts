import { eq, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { createGrouped } from '../grouped.js';
import { paperAccounts } from '../schema/index.js';
import { once } from './convert.js';

/**
 * Each PAPER user's simulator account, saved whole (one JSON document per user, replaced on every
 * save). The store does not interpret the document: the simulator validates it when it is restored.
 */
export interface StoredPaperAccount {
  userId: string;
  state: unknown;
  updatedAt: Date;
}

export function createPaperAccountsRepository(db: Db) {
  // Saved after every change of an account (debounced): prepared, and the document serialised
  // once (the column encoder in values() and again in set() stringified it twice).
  const upsert = once(() =>
    db
      .insert(paperAccounts)
      .values({ userId: sql.placeholder('userId'), state: sql`${sql.placeholder('state')}::jsonb` })
      .onConflictDoUpdate({
        target: paperAccounts.userId,
        set: { state: sql`excluded.state`, updatedAt: sql`now()` },
      })
      .prepare('paper_accounts_save'),
  );
  // Many accounts change at once when a signal is fanned out: their saves share a statement, the
  // same whatever the batch's size. The documents are JSON already, so they travel as they are,
  // inside one JSON array: an array parameter would escape every quote of every document (about
  // 75 µs of CPU for a 9 KB account, measured in bench/suites/fanout) and PostgreSQL unescape them.
  const upsertMany = once(() =>
    db
      .insert(paperAccounts)
      .select(
        // Every column of the table, in its order (an insert ... select must give them all).
        sql`select x.user_id, x.state, now() from jsonb_to_recordset(${sql.placeholder('saves')}::jsonb) as x(user_id uuid, state jsonb)`,
      )
      .onConflictDoUpdate({
        target: paperAccounts.userId,
        set: { state: sql`excluded.state`, updatedAt: sql`now()` },
      })
      .prepare('paper_accounts_save_many'),
  );
  const saveGrouped = createGrouped({
    one: async ({ userId, state }: { userId: string; state: string }) => {
      await upsert().execute({ userId, state });
    },
    many: async (saves) => {
      const documents = saves.map(
        ({ userId, state }) => `{"user_id":${JSON.stringify(userId)},"state":${state}}`,
      );
      await upsertMany().execute({ saves: `[${documents.join(',')}]` });
      return saves.map(() => undefined);
    },
    key: (save) => save.userId,
  });
  // The dashboard's balance of an account another process trades (scale-out): the wallet alone,
  // not the whole document (positions, orders: ~9 KB to read, send and parse per request).
  const walletOf = once(() =>
    db
      .select({
        wallet: sql<string | null>`${paperAccounts.state}->>'wallet'`,
        updatedAt: paperAccounts.updatedAt,
      })
      .from(paperAccounts)
      .where(eq(paperAccounts.userId, sql.placeholder('userId')))
      .prepare('paper_accounts_wallet'),
  );
  return {
    /** Insert or replace the user's saved account. */
    save: (userId: string, state: unknown): Promise<void> =>
      saveGrouped({ userId, state: JSON.stringify(state) }),

    async load(userId: string): Promise<StoredPaperAccount | undefined> {
      const [row] = await db.select().from(paperAccounts).where(eq(paperAccounts.userId, userId));
      return row;
    },

    /** The saved document's `wallet` (null when it has none) and when it was saved. */
    async loadWallet(userId: string): Promise<{ wallet: string | null; updatedAt: Date } | undefined> {
      const [row] = await walletOf().execute({ userId });
      return row;
    },

    /** Every saved account, oldest save first. */
    async loadAll(): Promise<StoredPaperAccount[]> {
      return db.select().from(paperAccounts).orderBy(paperAccounts.updatedAt, paperAccounts.userId);
    },
  };
}

export type PaperAccountsRepository = ReturnType<typeof createPaperAccountsRepository>;
