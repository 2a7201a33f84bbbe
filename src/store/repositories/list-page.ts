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
 * The rows of a prepared statement as the driver reads them, without the ORM's mapping (named by
 * the statement's SQL names and aliases). Both drivers' prepared queries (node-postgres, PGlite)
 * have all(); the type they share omits it.
 */
export function rawRows<T>(statement: object, values: Record<string, unknown>): Promise<T[]> {
  const all = (statement as { all?: (values: Record<string, unknown>) => Promise<T[]> }).all;
  if (typeof all !== 'function')
    throw new Error('this driver’s prepared statement has no all(): no raw rows');
  return all.call(statement, values);
}
