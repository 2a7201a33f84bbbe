import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglite, forDrizzle } from './pglite-client.js';

/** One value of each type Drizzle keeps as PostgreSQL's text, and a number for contrast. */
const PROBE = sql`select '2026-01-02 03:04:05.123456'::timestamp as ts,
  '2026-01-02 03:04:05.123456+00'::timestamptz as tstz, '1 day 02:03:04'::interval as iv,
  '2026-01-02'::date as d, array[1.50, 2.25]::numeric[] as nums,
  array['2026-01-02 03:04:05'::timestamp] as tss, array['2026-01-02 03:04:05+00'::timestamptz] as tstzs,
  array['1 hour'::interval] as ivs, array['2026-01-02'::date] as ds, 7::int4 as n`;

describe('the embedded store’s PGlite client as Drizzle sees it', () => {
  let client: PGlite;
  const plain = new PGlite();
  beforeAll(async () => {
    client = await createPglite(undefined);
  });
  afterAll(async () => {
    await client.close();
    await plain.close();
  });

  it('answers exactly as Drizzle’s own parsers make PGlite answer, in and out of a transaction', async () => {
    // The reference: Drizzle on a client left as it is (its parsers merged per query).
    const expected = (await drizzle(plain).execute(PROBE)).rows[0];
    expect(expected).toMatchObject({
      ts: '2026-01-02 03:04:05.123456',
      d: '2026-01-02',
      nums: '{1.50,2.25}',
      n: 7,
    });
    const db = drizzle(forDrizzle(client));
    expect((await db.execute(PROBE)).rows[0]).toEqual(expected);
    const inTx = await db.transaction(async (tx) => (await tx.execute(PROBE)).rows[0]);
    expect(inTx).toEqual(expected);
  });

  it('drops only the parsers the client already has: any other parser still applies', async () => {
    const wrapped = forDrizzle(client);
    const withOther = await wrapped.query<{ n: unknown; tstz: unknown }>(
      `select 7::int4 as n, '2026-01-02 03:04:05+00'::timestamptz as tstz`,
      [],
      { parsers: { 23: () => 'seven', 1184: (v: string) => v } },
    );
    expect(withOther.rows[0]).toEqual({ n: 'seven', tstz: '2026-01-02 03:04:05+00' });
    // Without Drizzle's parsers, the client's own keep the timestamp as text (PGlite's default: a Date).
    const own = await wrapped.query<{ tstz: unknown }>(
      `select '2026-01-02 03:04:05+00'::timestamptz as tstz`,
    );
    expect(own.rows[0]!.tstz).toBe('2026-01-02 03:04:05+00');
  });

  it('sends Drizzle’s queries to PGlite without the parser table to merge (the copy this saves)', async () => {
    // Data statements go through prepared statements (./pglite-prepared.test.ts); any other reaches
    // PGlite's own query, which is what this records.
    const seen: unknown[] = [];
    const query = client.query.bind(client);
    const recording = Object.assign(Object.create(client), {
      query: (text: string, params?: unknown[], options?: Record<string, unknown>) => {
        seen.push(options);
        return query(text, params, options);
      },
    }) as PGlite;
    const shown = await drizzle(forDrizzle(recording)).execute(sql`show timezone`);
    expect(shown.rows).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toEqual({ rowMode: 'object' });
  });

  it('lets a wrapper be put around its query (a statement counter), which then sees every statement', async () => {
    const db = drizzle(forDrizzle(client));
    const handed = (db as unknown as { $client: { query: (...a: unknown[]) => Promise<unknown> } }).$client;
    const query = handed.query.bind(handed);
    let counted = 0;
    handed.query = (...args: unknown[]) => {
      counted++;
      return query(...args);
    };
    expect((await db.execute(PROBE)).rows[0]).toEqual((await drizzle(plain).execute(PROBE)).rows[0]);
    expect(counted).toBe(1);
  });

  it('keeps Drizzle’s parsers when the client’s own were replaced (PGlite refreshing its array types)', async () => {
    const other = await createPglite(undefined);
    try {
      await (other as unknown as { refreshArrayTypes(): Promise<void> }).refreshArrayTypes();
      const db = drizzle(forDrizzle(other));
      expect((await db.execute(PROBE)).rows[0]).toEqual((await drizzle(plain).execute(PROBE)).rows[0]);
    } finally {
      await other.close();
    }
  });
});
