/**
 * Named prepared statements for the embedded store's PGlite.
 *
 * PGlite's `query` runs every statement as an unnamed one, in six trips into its WebAssembly
 * Postgres (parse, describe the statement, bind, describe the portal, execute, sync), so Postgres
 * parses, analyses and plans each statement anew every time. The repositories send the same few
 * dozen statements over and over (the execution engine ~30 per trade), and that work is most of
 * their cost: PGlite 0.5.17, a one-row select by key or update ~330 µs, of which ~230 µs go to
 * those trips and the parsing and planning.
 *
 * Here a data statement (select, insert, update, delete, with) is parsed once under a name, with
 * its parameter types (what PGlite's own `query` serialises parameters by) and its row
 * description, and every run after is one trip: bind, execute, sync (~100 µs for the same
 * statements; the rows are read with the row description kept from the parse). Results are
 * shaped by PGlite's own parseResults and errors are PGlite's own, with the query attached the
 * way PGlite attaches it, so callers see what `query` would give them.
 *
 * What keeps it safe:
 * - Exclusivity as PGlite's `query`: outside a transaction the transaction lock then the query
 *   lock; inside `transaction()` the query lock only (the transaction holds the other).
 * - Prepared statements outlive a rolled-back transaction (they are the session's, not the
 *   transaction's), so a statement is remembered once its parse succeeded, wherever that was.
 * - A schema change can change what a statement returns ("cached plan must not change result
 *   type"): any other statement run through the client but transaction control (DDL, SET, COPY,
 *   …) forgets every prepared one, and outside a transaction that error is answered by preparing
 *   the statement again.
 * - Anything unusual (options other than the row mode and parsers, a blob) takes PGlite's path.
 * - At most MAX_STATEMENTS names; the oldest is closed when a new one needs the room.
 */
import { type PGlite, parse, protocol, type QueryOptions, type Results } from '@electric-sql/pglite';

/** Upper bound on named statements per client (a statement with an IN list of n values is one per n). */
const MAX_STATEMENTS = 500;
const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;
/** SQLSTATE feature_not_supported: "cached plan must not change result type" after a schema change. */
const CACHED_PLAN_CHANGED = '0A000';

type BackendMessages = Awaited<ReturnType<PGlite['execProtocolStream']>>;

interface Prepared {
  name: string;
  paramTypes: number[];
  /**
   * The statement's row description (or none), as its describe answered at parse time: what a
   * describe of each portal would answer again (a change would be "cached plan must not change
   * result type"), so runs skip it and their rows are read with this one.
   */
  rowDescription: BackendMessages;
}

interface StatementCache {
  byText: Map<string, Prepared>;
  next: number;
  /** Names evicted from the cache, closed at the start of the next trip. */
  toClose: string[];
}

/** The internals of PGlite this module leans on (its own `query` uses the same). */
interface PgliteInternals {
  _checkReady(): Promise<void>;
  _runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
  _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
  serializers: Record<number, ((value: unknown) => string) | undefined>;
  parsers: Record<number, unknown>;
}

const caches = new WeakMap<PGlite, StatementCache>();

function cacheOf(client: PGlite): StatementCache {
  let cache = caches.get(client);
  if (!cache) {
    cache = { byText: new Map(), next: 0, toClose: [] };
    caches.set(client, cache);
  }
  return cache;
}

/** Statements that change no table's shape either (Drizzle's savepoints of a nested transaction). */
const TRANSACTION_CONTROL = /^\s*(savepoint|release|rollback|commit|begin|start\s+transaction|show)\b/i;

/** select, insert, update, delete or with: a statement that cannot change the schema. */
const isDataStatement = (sql: string): boolean => DATA_STATEMENT.test(sql);

/** Could this statement change what a prepared statement returns (DDL, and anything unknown)? */
export const mayChangeSchema = (sql: string): boolean =>
  !DATA_STATEMENT.test(sql) && !TRANSACTION_CONTROL.test(sql);

/** Would `preparedQuery` take this statement, with these options? */
export function preparable(sql: string, options: QueryOptions | undefined): boolean {
  if (!isDataStatement(sql)) return false;
  if (options === undefined) return true;
  for (const key in options) if (key !== 'rowMode' && key !== 'parsers') return false;
  return true;
}

/** Every prepared statement of `client` is forgotten (a schema change may have made them stale). */
export function forgetPrepared(client: PGlite): void {
  const cache = caches.get(client);
  if (!cache) return;
  for (const p of cache.byText.values()) cache.toClose.push(p.name);
  cache.byText.clear();
}

/**
 * `client.query(sql, params, options)` through a named prepared statement (see above); `inTransaction`
 * when called from inside `client.transaction()`. Only for statements `preparable` accepts.
 */
export async function preparedQuery<T>(
  client: PGlite,
  sql: string,
  params: readonly unknown[] | undefined,
  options: QueryOptions | undefined,
  inTransaction: boolean,
): Promise<Results<T>> {
  const pg = client as unknown as PgliteInternals;
  const run = () =>
    pg._runExclusiveQuery(() => runPrepared<T>(client, sql, params ?? [], options, inTransaction));
  if (inTransaction) return run();
  await pg._checkReady();
  return pg._runExclusiveTransaction(run);
}

async function runPrepared<T>(
  client: PGlite,
  sql: string,
  params: readonly unknown[],
  options: QueryOptions | undefined,
  inTransaction: boolean,
): Promise<Results<T>> {
  const pg = client as unknown as PgliteInternals;
  const cache = cacheOf(client);
  try {
    let messages: BackendMessages;
    try {
      messages = await execute(client, cache, sql, params);
    } catch (err) {
      // A schema change since the statement was prepared: outside a transaction (nothing aborted)
      // prepare it again and run it once more; inside one the error stands, as it must.
      if (inTransaction || (err as { code?: string }).code !== CACHED_PLAN_CHANGED) throw err;
      forget(cache, sql);
      messages = await execute(client, cache, sql, params);
    }
    if (!inTransaction) await client.syncToFs();
    return parse.parseResults(messages, pg.parsers as never, options)[0] as Results<T>;
  } catch (err) {
    // As PGlite's own query reports a failed statement.
    if (err instanceof Error) Object.assign(err, { query: sql, params, queryOptions: options });
    throw err;
  }
}

async function execute(client: PGlite, cache: StatementCache, sql: string, params: readonly unknown[]) {
  const { serialize } = protocol;
  const prepared = cache.byText.get(sql) ?? (await prepare(client, cache, sql));
  const serializers = (client as unknown as PgliteInternals).serializers;
  const values = params.map((value, i) => {
    if (value === null || value === undefined) return null;
    const serializer = serializers[prepared.paramTypes[i]!];
    return serializer ? serializer(value) : String(value);
  });
  const answered = await client.execProtocolStream(
    joined([
      ...closing(cache),
      serialize.bind({ statement: prepared.name, values }),
      serialize.execute({}),
      serialize.sync(),
    ]),
    { syncToFs: false },
  );
  return prepared.rowDescription.length === 0 ? answered : [...prepared.rowDescription, ...answered];
}

async function prepare(client: PGlite, cache: StatementCache, sql: string): Promise<Prepared> {
  const { serialize } = protocol;
  if (cache.byText.size >= MAX_STATEMENTS) {
    const oldest = cache.byText.keys().next().value as string;
    forget(cache, oldest);
  }
  const name = `nt_${++cache.next}`;
  const messages = await client.execProtocolStream(
    joined([
      ...closing(cache),
      serialize.parse({ name, text: sql }),
      serialize.describe({ type: 'S', name }),
      serialize.sync(),
    ]),
    { syncToFs: false },
  );
  // Remembered only once Postgres has it (a parse that failed threw above).
  const prepared = {
    name,
    paramTypes: parse.parseDescribeStatementResults(messages),
    rowDescription: messages.filter((m) => m.name === 'rowDescription'),
  };
  cache.byText.set(sql, prepared);
  return prepared;
}

function forget(cache: StatementCache, sql: string): void {
  const p = cache.byText.get(sql);
  if (!p) return;
  cache.byText.delete(sql);
  cache.toClose.push(p.name);
}

/** Close messages for the evicted names (closing a name Postgres no longer has is not an error). */
function closing(cache: StatementCache): Uint8Array[] {
  if (cache.toClose.length === 0) return [];
  const out = cache.toClose.map((name) => protocol.serialize.close({ type: 'S', name }));
  cache.toClose = [];
  return out;
}

function joined(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
