import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { auditLog } from '../schema/index.js';
import { once } from './convert.js';

export interface AuditEntry {
  id: number;
  userId: string | null;
  kind: string;
  message: string;
  data: unknown;
  at: Date;
}

export function createAuditRepository(db: Db) {
  const P = sql.placeholder;
  // Every execution appends here: prepared (see orders.ts). `data` and `at` go through SQL, not
  // the column encoders: a null placeholder would be encoded as the JSON value null, and a
  // missing time must fall back to now().
  const entryInsert = once(() =>
    db
      .insert(auditLog)
      .values({
        userId: P('userId'),
        kind: P('kind'),
        message: P('message'),
        data: sql`${P('data')}::jsonb`,
        at: sql`coalesce(${P('at')}::timestamptz, now())`,
      })
      .returning()
      .prepare('audit_append'),
  );
  return {
    async append(entry: {
      userId?: string | null;
      kind: string;
      message: string;
      data?: unknown;
      at?: Date;
    }) {
      const data = entry.data ?? null;
      const [row] = await entryInsert().execute({
        userId: entry.userId ?? null,
        kind: entry.kind,
        message: entry.message,
        data: data === null ? null : JSON.stringify(data),
        at: entry.at?.toISOString() ?? null,
      });
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
