/**
 * The list items of migration 0005 (list_item, written by a trigger per table) as the page tests
 * need them: rows written as before the migration, and how many rows have an item.
 */
import { type SQL, sql } from 'drizzle-orm';
import { type Db, queryRows } from '../../src/store/index.js';

type Listed = 'positions' | 'signals';

/** Runs `write` with the table's list-item trigger off: its rows get no item. */
export async function withoutListItems(db: Db, table: Listed, write: () => Promise<unknown>): Promise<void> {
  const trigger = sql.identifier(`${table}_list_item`);
  await db.execute(sql`alter table ${sql.identifier(table)} disable trigger ${trigger}`);
  try {
    await write();
  } finally {
    await db.execute(sql`alter table ${sql.identifier(table)} enable trigger ${trigger}`);
  }
}

/** How many rows of the table matching `where` have an item. */
export async function listItemsWritten(db: Db, table: Listed, where: SQL): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(list_item)::int as n from ${sql.identifier(table)} where ${where}`,
  );
  return row!.n;
}
