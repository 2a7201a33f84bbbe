import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../database.js';
import { auditLog } from '../schema/index.js';

export interface AuditEntry {
  id: number;
  userId: string | null;
  kind: string;
  message: string;
  data: unknown;
  at: Date;
}

export function createAuditRepository(db: Db) {
  return {
    async append(entry: {
      userId?: string | null;
      kind: string;
      message: string;
      data?: unknown;
      at?: Date;
    }) {
      const [row] = await db
        .insert(auditLog)
        .values({
          userId: entry.userId ?? null,
          kind: entry.kind,
          message: entry.message,
          data: entry.data ?? null,
          ...(entry.at ? { at: entry.at } : {}),
        })
        .returning();
      return row as AuditEntry;
    },

    /** A user's own events, newest first; `beforeId` pages backwards. */
    async listByUser(userId: string, limit = 100, beforeId?: number): Promise<AuditEntry[]> {
      const where = beforeId
        ? and(eq(auditLog.userId, userId), lt(auditLog.id, beforeId))
        : eq(auditLog.userId, userId);
      return (await db
        .select()
        .from(auditLog)
        .where(where)
        .orderBy(desc(auditLog.id))
        .limit(limit)) as AuditEntry[];
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
