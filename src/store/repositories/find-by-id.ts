import { eq, getTableName, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from '../database.js';
import { createGroupedLookup, type Grouped } from '../grouped.js';
import { once } from './convert.js';

/**
 * A table's read by id for the engine's hot paths: prepared (on PostgreSQL) on first use, and
 * grouped (../grouped.ts), so the reads asked together (a fan-out's accounts) share one statement.
 * Each caller gets its row mapped, or undefined when there is none.
 */
export function createFindById<T extends PgTable & { id: PgColumn }, R>(
  db: Db,
  table: T,
  map: (row: T['$inferSelect']) => R,
): Grouped<string, R | undefined> {
  const name = getTableName(table);
  type Row = T['$inferSelect'];
  const one = once(() =>
    db
      .select()
      .from(table as PgTable)
      .where(eq(table.id, sql.placeholder('id')))
      .prepare(`${name}_by_id`),
  );
  const many = once(() =>
    db
      .select()
      .from(table as PgTable)
      .where(sql`${table.id} = any(${sql.placeholder('ids')}::uuid[])`)
      .prepare(`${name}_by_ids`),
  );
  return createGroupedLookup<Row, R>({
    one: async (id) => (await one().execute({ id })) as Row[],
    many: async (ids) => (await many().execute({ ids: [...ids] })) as Row[],
    keyOf: (row) => (row as { id: string }).id,
    map,
  });
}
