import { sql } from 'drizzle-orm';
import type { positions, signals } from '../schema/index.js';

/**
 * Keyset list pages shared by the read-side queries: one prepared statement per combination of
 * filters, and pages read one row long so that whether another page follows is known.
 */

/** The statement for `key`, built (and on PostgreSQL prepared) on first use. */
export function statementFor<T>(statements: Map<string, T>, key: string, build: () => T): T {
  let statement = statements.get(key);
  if (!statement) {
    statement = build();
    statements.set(key, statement);
  }
  return statement;
}

/**
 * One page of `limit` rows from a statement with a `limit` placeholder (`read` runs it, mapped or
 * raw): it asks for one more.
 */
export async function pageOf<T>(
  read: (values: Record<string, unknown>) => Promise<T[]>,
  values: Record<string, unknown>,
  limit: number,
): Promise<{ items: T[]; hasMore: boolean }> {
  const rows = await read({ ...values, limit: limit + 1 });
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}

/**
 * A list row as the database printed it (signals, closed positions): its id, and its item of the
 * API's list, the list_item column written with the row (drizzle/0005_list_items.sql); null when
 * a value may print differently from how the API prints it (the API then prints the page from the
 * rows).
 */
export interface PrintedRow {
  id: string;
  item: string | null;
}

/** The columns of a PrintedRow, from a table with a list_item (positions, signals). */
export const printedColumns = (table: typeof positions | typeof signals) => ({
  id: table.id,
  item: sql<string | null>`${table}.list_item`.as('item'),
});

/**
 * One page of PrintedRows from a statement selecting printedColumns, read raw: without the ORM's
 * mapping of each row. Both drivers' prepared queries (node-postgres, PGlite) have all(); the
 * type they share omits it.
 */
export function printedPageOf(
  statement: object,
  values: Record<string, unknown>,
  limit: number,
): Promise<{ items: PrintedRow[]; hasMore: boolean }> {
  const all = (statement as { all?: (values: Record<string, unknown>) => Promise<PrintedRow[]> }).all;
  if (typeof all !== 'function')
    throw new Error('this driver’s prepared statement has no all(): no raw rows');
  return pageOf((v) => all.call(statement, v), values, limit);
}
