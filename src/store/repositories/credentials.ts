import { eq, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { exchangeCredentials } from '../schema/index.js';
import { once } from './convert.js';

/** A user's stored exchange key pair, still encrypted; only src/auth decrypts it. */
export interface StoredCredentials {
  userId: string;
  apiKeyEncrypted: string;
  apiSecretEncrypted: string;
  apiKeyHint: string;
  createdAt: Date;
  updatedAt: Date;
}

export function createCredentialsRepository(db: Db) {
  // Read by every GET /api/me: built once (and prepared on PostgreSQL) on first use.
  const hintOf = once(() =>
    db
      .select({ hint: exchangeCredentials.apiKeyHint })
      .from(exchangeCredentials)
      .where(eq(exchangeCredentials.userId, sql.placeholder('userId')))
      .prepare('credentials_hint_of_user'),
  );
  return {
    /** Insert or replace the user's key pair (one per user). */
    async upsert(input: {
      userId: string;
      apiKeyEncrypted: string;
      apiSecretEncrypted: string;
      apiKeyHint: string;
    }): Promise<StoredCredentials> {
      const [row] = await db
        .insert(exchangeCredentials)
        .values(input)
        .onConflictDoUpdate({
          target: exchangeCredentials.userId,
          set: {
            apiKeyEncrypted: input.apiKeyEncrypted,
            apiSecretEncrypted: input.apiSecretEncrypted,
            apiKeyHint: input.apiKeyHint,
            updatedAt: sql`now()`,
          },
        })
        .returning();
      return row!;
    },

    async find(userId: string): Promise<StoredCredentials | undefined> {
      const [row] = await db.select().from(exchangeCredentials).where(eq(exchangeCredentials.userId, userId));
      return row;
    },

    /** The masked hint only (****abcd), without reading the ciphertexts. */
    async findHint(userId: string): Promise<string | undefined> {
      const [row] = await hintOf().execute({ userId });
      return row?.hint;
    },

    /** True when a pair was deleted. */
    async remove(userId: string): Promise<boolean> {
      const rows = await db
        .delete(exchangeCredentials)
        .where(eq(exchangeCredentials.userId, userId))
        .returning({ userId: exchangeCredentials.userId });
      return rows.length > 0;
    },
  };
}

export type CredentialsRepository = ReturnType<typeof createCredentialsRepository>;
