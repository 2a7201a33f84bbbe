import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../database.js';
import { refreshTokens } from '../schema/index.js';

/** A refresh token as stored: only its sha256 hash, never the token itself. */
export interface RefreshTokenRecord {
  id: string;
  userId: string;
  tokenHash: string;
  expiresAt: Date;
  revokedAt: Date | null;
  createdAt: Date;
}

export function createRefreshTokensRepository(db: Db) {
  return {
    async insert(input: { userId: string; tokenHash: string; expiresAt: Date }): Promise<RefreshTokenRecord> {
      const [row] = await db.insert(refreshTokens).values(input).returning();
      return row!;
    },

    async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
      const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash));
      return row;
    },

    /**
     * Revoke the token if it is still active, atomically: of two concurrent refreshes with the same
     * token exactly one gets the row back; the other sees undefined (a reuse).
     */
    async revokeIfActive(id: string, at: Date): Promise<RefreshTokenRecord | undefined> {
      const [row] = await db
        .update(refreshTokens)
        .set({ revokedAt: at })
        .where(and(eq(refreshTokens.id, id), isNull(refreshTokens.revokedAt)))
        .returning();
      return row;
    },

    /** Sign a user out everywhere; returns how many active tokens were revoked. */
    async revokeAllForUser(userId: string, at: Date): Promise<number> {
      const rows = await db
        .update(refreshTokens)
        .set({ revokedAt: at })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)))
        .returning({ id: refreshTokens.id });
      return rows.length;
    },

    /** Housekeeping: drop tokens that expired, or were revoked, before `before`. */
    async deleteStale(before: Date): Promise<number> {
      const rows = await db
        .delete(refreshTokens)
        .where(or(lt(refreshTokens.expiresAt, before), lt(refreshTokens.revokedAt, before)))
        .returning({ id: refreshTokens.id });
      return rows.length;
    },
  };
}

export type RefreshTokensRepository = ReturnType<typeof createRefreshTokensRepository>;
