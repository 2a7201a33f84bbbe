/**
 * The embedded store's PGlite client, as Drizzle gets it.
 *
 * Drizzle hands PGlite nine type parsers with every query (timestamps, intervals, dates and their
 * arrays, and numeric[], all kept as the text PostgreSQL sent). PGlite then merges them into its
 * own table of 333 parsers, copying that table for every query: ~100 µs each, about what a simple
 * query costs on its own (PGlite 0.5.17: `select 1` ~100 µs; the 333-entry copy ~97 µs). So the
 * client is given those nine parsers as its own, and the copy Drizzle sends is dropped when it
 * holds nothing else: the same parsers apply, without the copy. A parser of any other type (a
 * future Drizzle), or a client whose own parsers were replaced since (PGlite re-registers array
 * types when asked to refresh them), keeps Drizzle's options as they are.
 */
import { PGlite, type PGliteOptions, type QueryOptions as PgliteQueryOptions } from '@electric-sql/pglite';
import { forgetPrepared, mayChangeSchema, preparable, preparedQuery } from './pglite-prepared.js';

const keptAsText = (value: string) => value;
/** timestamp, timestamptz, interval, date, numeric[], timestamp[], timestamptz[], interval[], date[] */
const TEXT_TYPES = [1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182];
const TEXT_TYPE_KEYS = new Set(TEXT_TYPES.map(String));

type Parsers = Record<number, (value: string, typeId: number) => unknown>;
type QueryOptions = { parsers?: Record<string, unknown> } & Record<string, unknown>;
type Queryable = { query(sql: string, params?: unknown[], options?: QueryOptions): Promise<unknown> };

/**
 * A ready PGlite client (in `dataDir`, or in memory) whose own parsers keep those types as text.
 * Set once ready: at start PGlite registers a parser for every array type, over any given before.
 */
export async function createPglite(
  dataDir: string | undefined,
  options: PGliteOptions = {},
): Promise<PGlite> {
  // PGlite reads its second argument only when the first is a directory.
  const client = dataDir === undefined ? new PGlite(options) : new PGlite(dataDir, options);
  await client.waitReady;
  const parsers = (client as unknown as { parsers: Parsers }).parsers;
  for (const oid of TEXT_TYPES) parsers[oid] = keptAsText;
  return client;
}

function hasOwnTextParsers(client: PGlite): boolean {
  const parsers = (client as unknown as { parsers: Parsers }).parsers;
  for (const oid of TEXT_TYPES) if (parsers[oid] !== keptAsText) return false;
  return true;
}

/** The options without `parsers` when they are only the ones `client` already has. */
function withoutOwnParsers(client: PGlite, options: QueryOptions | undefined): QueryOptions | undefined {
  const parsers = options?.parsers;
  if (!parsers) return options;
  for (const oid in parsers) if (!TEXT_TYPE_KEYS.has(oid)) return options;
  if (!hasOwnTextParsers(client)) return options;
  const { parsers: _same, ...rest } = options;
  return rest;
}

function wrapQuery<T extends Queryable>(target: T, client: PGlite, inTransaction: boolean): T {
  // A `query` or `transaction` set on the wrapper (a statement counter, say) goes around ours, not
  // in place of the client's own: written to the client, ours would end up calling itself.
  const around = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(obj, prop) {
      if (around.has(prop)) return around.get(prop);
      if (prop === 'query')
        return (sql: string, params?: unknown[], options?: QueryOptions) => {
          const own = withoutOwnParsers(client, options);
          // Data statements through named prepared statements (./pglite-prepared.ts); anything
          // else may change the schema, which makes the prepared ones stale.
          if (preparable(sql, own as PgliteQueryOptions))
            return preparedQuery(client, sql, params, own as PgliteQueryOptions, inTransaction);
          if (mayChangeSchema(sql)) forgetPrepared(client);
          return obj.query(sql, params, own);
        };
      if (prop === 'exec' && typeof (obj as Record<PropertyKey, unknown>)[prop] === 'function')
        return (sql: string, options?: unknown) => {
          forgetPrepared(client);
          return (obj as unknown as { exec(s: string, o?: unknown): Promise<unknown> }).exec(sql, options);
        };
      if (prop === 'transaction' && typeof (obj as Record<PropertyKey, unknown>)[prop] === 'function')
        return <R>(fn: (tx: Queryable) => Promise<R>) =>
          (obj as unknown as { transaction(f: (tx: Queryable) => Promise<R>): Promise<R> }).transaction(
            (tx) => fn(wrapQuery(tx, client, true)),
          );
      const value = Reflect.get(obj, prop, obj);
      // PGlite's methods use private fields: they must run on the client itself, not the proxy.
      return typeof value === 'function' ? value.bind(obj) : value;
    },
    set(obj, prop, value) {
      if (prop === 'query' || prop === 'transaction') around.set(prop, value);
      else Reflect.set(obj, prop, value, obj);
      return true;
    },
  });
}

/**
 * The client as Drizzle should see it: queries (in transactions too) without the parser copy, data
 * statements prepared once (./pglite-prepared.ts).
 */
export function forDrizzle(client: PGlite): PGlite {
  return wrapQuery(client as unknown as Queryable, client, false) as unknown as PGlite;
}
