import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { createGrouped } from '../grouped.js';
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

/** An entry as the insert's parameters: JSON text or null, ISO time or null (now()). */
interface AuditParams {
  userId: string | null;
  kind: string;
  message: string;
  data: string | null;
  at: string | null;
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
  const keyOf = (e: { userId: string | null; kind: string; message: string }) =>
    `${e.userId}|${e.kind}|${e.message}`;
  // Every account that trades a signal appends at once: the inserts share a statement. Rows come
  // back matched by user, kind and message (the same entry twice in a burst waits for the next).
  const appendGrouped = createGrouped<AuditParams, AuditEntry>({
    one: async (params: AuditParams) => (await entryInsert().execute({ ...params }))[0] as AuditEntry,
    many: async (batch) => {
      const rows = await db
        .insert(auditLog)
        .values(
          batch.map((e) => ({
            userId: e.userId,
            kind: e.kind,
            message: e.message,
            data: sql`${e.data}::jsonb`,
            at: sql`coalesce(${e.at}::timestamptz, now())`,
          })),
        )
        .returning();
      const byKey = new Map(rows.map((row) => [keyOf(row), row as AuditEntry]));
      return batch.map((e) => byKey.get(keyOf(e)) ?? new Error(`audit entry ${keyOf(e)} not returned`));
    },
    key: (e: AuditParams) => keyOf(e),
  });
  return {
    append(entry: { userId?: string | null; kind: string; message: string; data?: unknown; at?: Date }) {
      const data = entry.data ?? null;
      return appendGrouped({
        userId: entry.userId ?? null,
        kind: entry.kind,
        message: entry.message,
        data: data === null ? null : JSON.stringify(data),
        at: entry.at?.toISOString() ?? null,
      });
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
