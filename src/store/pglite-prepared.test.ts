import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPglite, forDrizzle } from './pglite-client.js';
import { mayChangeSchema, preparable } from './pglite-prepared.js';

/** What a query answers, without the object identity of its rows. */
const shape = (r: { rows: unknown[]; fields: unknown[]; affectedRows?: number }) =>
  JSON.parse(JSON.stringify(r));

const SETUP = `create table book (
  id serial primary key, name text not null, qty numeric, price numeric(20, 8), live boolean,
  at timestamptz, day date, data jsonb, tags text[], n bigint)`;

/** Statements of every kind the repositories send, each with parameters of the types they bind. */
const STATEMENTS: [string, unknown[]][] = [
  [
    'insert into book (name, qty, price, live, at, day, data, tags, n) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning *',
    [
      'a',
      '1.50',
      100.25,
      true,
      new Date('2026-01-02T03:04:05.678Z'),
      '2026-01-02',
      { k: [1, 'x'] },
      ['p', 'q'],
      12n,
    ],
  ],
  [
    'insert into book (name, qty, price, live, at, day, data, tags, n) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id, name',
    ['b', null, null, null, null, null, null, null, null],
  ],
  ['select * from book where name = $1', ['a']],
  [
    'select id, qty, price, live, at, day, data, tags, n from book where name = any($1) order by id',
    [['a', 'b']],
  ],
  [
    'update book set qty = coalesce($1::numeric, qty), live = $2 where name = $3 returning qty, live',
    ['2.5', false, 'a'],
  ],
  ['with gone as (delete from book where name = $1 returning id) select count(*)::int as n from gone', ['b']],
  ['select count(*) as n, sum(qty) as total from book', []],
  ['delete from book where name = $1', ['nobody']],
];

describe('prepared statements of the embedded store’s PGlite client', () => {
  let client: PGlite;
  let reference: PGlite;
  beforeAll(async () => {
    client = await createPglite(undefined);
    reference = await createPglite(undefined);
    await client.exec(SETUP);
    await reference.exec(SETUP);
  });
  afterAll(async () => {
    await client.close();
    await reference.close();
  });

  it('answers every statement as PGlite’s own query does, twice over, in both row modes and in a transaction', async () => {
    const wrapped = forDrizzle(client);
    for (const rowMode of ['object', 'array'] as const) {
      for (const [text, params] of STATEMENTS) {
        for (let round = 0; round < 2; round++) {
          const expected = await reference.query(text, params, { rowMode });
          const got = await wrapped.query(text, params, { rowMode });
          expect(shape(got), `${rowMode} round ${round}: ${text}`).toEqual(shape(expected));
        }
      }
    }
    const inTx = await wrapped.transaction(async (tx) => tx.query('select name, qty from book order by id'));
    expect(shape(inTx)).toEqual(shape(await reference.query('select name, qty from book order by id')));
  });

  it('runs a statement it has seen in one trip into PGlite (six for PGlite’s own query)', async () => {
    const wrapped = forDrizzle(client);
    const text = 'select name from book where id = $1';
    await wrapped.query(text, [1]);
    const trips = countTrips(client);
    try {
      const again = await wrapped.query<{ name: string }>(text, [1]);
      expect(again.rows).toEqual([{ name: 'a' }]);
      expect(trips.count).toBe(1);
      await client.query(text, [1]);
      expect(trips.count).toBe(7);
    } finally {
      trips.restore();
    }
  });

  it('reports a failed statement as PGlite does and stays usable; a transaction with one rolls back', async () => {
    const wrapped = forDrizzle(client);
    const insert = 'insert into book (id, name) values ($1, $2)';
    const ours = await wrapped.query(insert, [1, 'again']).catch((e: unknown) => e);
    const theirs = await reference.query(insert, [1, 'again']).catch((e: unknown) => e);
    expect(ours).toBeInstanceOf(Error);
    expect(ours).toMatchObject({
      code: '23505',
      message: (theirs as Error).message,
      query: insert,
      params: [1, 'again'],
    });
    const count = 'select count(*)::int as n from book';
    expect((await wrapped.query(count)).rows).toEqual((await reference.query(count)).rows);
    const rolledBack = await wrapped
      .transaction(async (tx) => {
        await tx.query(insert, [1000, 'in-tx']);
        await tx.query(insert, [1, 'again']);
      })
      .catch((e: unknown) => e);
    expect(rolledBack).toMatchObject({ code: '23505' });
    expect(
      (await wrapped.query('select count(*)::int as n from book where name = $1', ['in-tx'])).rows,
    ).toEqual([{ n: 0 }]);
    // A statement Postgres cannot parse is an error, and nothing is kept of it.
    await expect(wrapped.query('select nope from book where id = $1', [1])).rejects.toMatchObject({
      code: '42703',
    });
    await client.exec('alter table book add column nope int');
    expect((await wrapped.query('select nope from book where id = $1', [1])).rows).toEqual([{ nope: null }]);
  });

  it('follows a schema change: through the client, and behind its back outside a transaction', async () => {
    const wrapped = forDrizzle(client);
    const read = 'select qty from book where id = $1';
    expect((await wrapped.query(read, [1])).rows).toEqual([{ qty: '2.5' }]);
    await wrapped.exec('alter table book alter column qty type text using qty::text');
    // Inside a transaction a stale statement could not be prepared again (the error aborts it):
    // the change made through the client has already dropped it.
    const inTx = await wrapped.transaction(async (tx) => tx.query(read, [1]));
    expect(inTx.fields).toEqual([{ name: 'qty', dataTypeID: 25 }]);
    expect(inTx.rows).toEqual([{ qty: '2.5' }]);
    // Changed on the bare client, which the wrapper does not see: the stale statement is prepared again.
    await client.exec('alter table book alter column qty type numeric using qty::numeric');
    const after = await wrapped.query(read, [1]);
    expect(after.fields).toEqual([{ name: 'qty', dataTypeID: 1700 }]);
    expect(after.rows).toEqual([{ qty: '2.5' }]);
  });

  it('keeps a bounded number of statements and answers right past the bound', async () => {
    const wrapped = forDrizzle(client);
    for (let i = 0; i < 1200; i++) {
      const r = await wrapped.query<{ v: number }>(`select $1::int + ${i} as v`, [i]);
      expect(r.rows[0]!.v).toBe(2 * i);
    }
    const named = await wrapped.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements');
    expect(named.rows[0]!.n).toBeLessThanOrEqual(500);
    expect(named.rows[0]!.n).toBeGreaterThan(0);
  });

  it('prepares data statements only, with no options beyond the row mode and parsers', () => {
    expect(preparable(' SELECT 1', undefined)).toBe(true);
    expect(preparable('with x as (select 1) select * from x', { rowMode: 'array' })).toBe(true);
    expect(preparable('update t set a = 1', { parsers: {} })).toBe(true);
    expect(preparable('alter table t add column b int', undefined)).toBe(false);
    expect(preparable('set search_path to x', undefined)).toBe(false);
    expect(preparable('copy t to stdout', undefined)).toBe(false);
    expect(preparable('select 1', { blob: new Blob([]) })).toBe(false);
    expect(preparable('select 1', { paramTypes: [23] })).toBe(false);
    // What forgets the prepared ones: anything but data statements and transaction control.
    expect(mayChangeSchema('alter table t add column b int')).toBe(true);
    expect(mayChangeSchema('drop table t')).toBe(true);
    expect(mayChangeSchema('set search_path to x')).toBe(true);
    expect(mayChangeSchema('savepoint sp1')).toBe(false);
    expect(mayChangeSchema('release savepoint sp1')).toBe(false);
    expect(mayChangeSchema('rollback to savepoint sp1')).toBe(false);
    expect(mayChangeSchema('select 1')).toBe(false);
  });
});

/** Counts the trips into PGlite's Postgres (execProtocolStream calls) until restored. */
function countTrips(client: PGlite): { count: number; restore(): void } {
  const own = client.execProtocolStream;
  const counter = {
    count: 0,
    restore: () => {
      client.execProtocolStream = own;
    },
  };
  client.execProtocolStream = (...args: Parameters<PGlite['execProtocolStream']>) => {
    counter.count++;
    return own.apply(client, args);
  };
  return counter;
}
