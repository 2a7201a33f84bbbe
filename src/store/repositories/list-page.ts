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

/** One page of `limit` rows from a statement with a `limit` placeholder: it asks for one more. */
export async function pageOf<T>(
  statement: { execute(values: Record<string, unknown>): Promise<T[]> },
  values: Record<string, unknown>,
  limit: number,
): Promise<{ items: T[]; hasMore: boolean }> {
  const rows = await statement.execute({ ...values, limit: limit + 1 });
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}
