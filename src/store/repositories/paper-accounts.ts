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
  // Many accounts change at once when a signal is fanned out: their saves share a statement.
  const saveGrouped = createGrouped({
    one: async ({ userId, state }: { userId: string; state: string }) => {
      await upsert().execute({ userId, state });
    },
    many: async (saves) => {
      await db
        .insert(paperAccounts)
        .values(saves.map(({ userId, state }) => ({ userId, state: sql`${state}::jsonb` })))
        .onConflictDoUpdate({
          target: paperAccounts.userId,
          set: { state: sql`excluded.state`, updatedAt: sql`now()` },
        });
      return saves.map(() => undefined);
    },
    key: (save) => save.userId,
  });
  return {
    /** Insert or replace the user's saved account. */
    save: (userId: string, state: unknown): Promise<void> =>
      saveGrouped({ userId, state: JSON.stringify(state) }),

    async load(userId: string): Promise<StoredPaperAccount | undefined> {
      const [row] = await db.select().from(paperAccounts).where(eq(paperAccounts.userId, userId));
      return row;
    },

    /** Every saved account, oldest save first. */
    async loadAll(): Promise<StoredPaperAccount[]> {
      return db.select().from(paperAccounts).orderBy(paperAccounts.updatedAt, paperAccounts.userId);
    },
  };
}

export type PaperAccountsRepository = ReturnType<typeof createPaperAccountsRepository>;
