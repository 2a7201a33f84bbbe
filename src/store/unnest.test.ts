import { eq, inArray, sql } from 'drizzle-orm';
import { jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import { createRepositories, queryRows } from './index.js';
import { auditLog, orders } from './schema/index.js';
import { unnestRows } from './unnest.js';

const LISTED = [
  'userId',
  'positionId',
  'clientOrderId',
  'family',
  'leg',
  'symbol',
  'side',
  'type',
  'qty',
  'price',
  'triggerPrice',
  'reduceOnly',
  'lastError',
  'answers',
] as const;

/** A table of the test's own, with a jsonb column. */
const notes = pgTable('unnest_notes', {
  userId: uuid('user_id').notNull(),
  note: jsonb('note').notNull(),
});

/** Values a hand-made array literal would get wrong: quotes, backslashes, braces, commas, NULL-looking text. */
const awkward = [
  'plain',
  'with "quotes" and \\backslashes\\',
  '{braces, commas}',
  'NULL',
  '',
  'ünïcödé ✓ 日本',
  'line\nbreak\ttab',
];

forEachStore('multi-row inserts through unnest()', ({ store }) => {
  const order = (userId: string, n: number) => ({
    userId,
    positionId: null,
    clientOrderId: `unnest-${n}`,
    family: (n % 2 ? 'ALGO' : 'REGULAR') as 'ALGO' | 'REGULAR',
    leg: 'entry',
    symbol: 'BTCUSDT',
    side: (n % 2 ? 'SELL' : 'BUY') as 'SELL' | 'BUY',
    type: 'MARKET',
    qty: n % 3 ? `0.00${n}123456789012345678901234567890` : null,
    price: n % 4 ? `-${n}.5` : '1e-7',
    triggerPrice: null,
    reduceOnly: n % 2 === 0,
    lastError: awkward[n % awkward.length]!,
    answers: [{ n, text: awkward[(n + 1) % awkward.length], nested: [null, true, 1.5] }],
  });
  // What differs between two inserts of the same row: its id, its client order id, its times.
  const comparable = ({
    id: _i,
    clientOrderId: _c,
    createdAt,
    updatedAt,
    ...rest
  }: typeof orders.$inferSelect) => {
    expect(createdAt).toBeInstanceOf(Date);
    expect(updatedAt).toBeInstanceOf(Date);
    return rest;
  };

  it('writes what values() writes: listed columns as given, the others their defaults', async () => {
    const { db } = store();
    const user = await createRepositories(db).users.create({
      email: 'unnest@example.com',
      passwordHash: 'x',
    });
    const rows = unnestRows(orders, LISTED);
    const insert = db.insert(orders).select(rows.select).returning().prepare('test_unnest_orders');
    const given = Array.from({ length: 14 }, (_, n) => order(user.id, n));
    const viaUnnest = await insert.execute(rows.params(given));
    const viaValues = await db
      .insert(orders)
      .values(given.map((row) => ({ ...row, clientOrderId: `values-${row.clientOrderId}` })))
      .returning();
    expect(viaUnnest.map((r) => r.clientOrderId)).toEqual(given.map((r) => r.clientOrderId));
    expect(viaUnnest.map(comparable)).toEqual(viaValues.map(comparable));
    // The defaults really are the table's: status, filled quantity, close position.
    expect(viaUnnest[0]).toMatchObject({ status: 'INTENT', filledQty: '0', closePosition: false });
    expect(new Set(viaUnnest.map((r) => r.id)).size).toBe(given.length);
    // The same prepared statement takes a batch of one and one of 300.
    const one = await insert.execute(rows.params([{ ...order(user.id, 1), clientOrderId: 'unnest-alone' }]));
    expect(one).toHaveLength(1);
    const many = Array.from({ length: 300 }, (_, n) => ({
      ...order(user.id, n),
      clientOrderId: `unnest-big-${n}`,
    }));
    expect(await insert.execute(rows.params(many))).toHaveLength(300);
    const stored = await db
      .select()
      .from(orders)
      .where(inArray(orders.clientOrderId, ['unnest-big-299', 'values-unnest-13']));
    expect(stored.map((r) => r.lastError).sort()).toEqual(
      [awkward[299 % awkward.length], awkward[13 % awkward.length]].sort(),
    );
  });

  it('refuses the whole batch when one row breaks a constraint, as one statement does', async () => {
    const { db } = store();
    const user = await createRepositories(db).users.create({
      email: 'unnest2@example.com',
      passwordHash: 'x',
    });
    const rows = unnestRows(orders, LISTED);
    const batch = [1, 2].map((n) => ({ ...order(user.id, n), clientOrderId: 'unnest-dup' }));
    await expect(db.insert(orders).select(rows.select).execute(rows.params(batch))).rejects.toThrow();
    expect(await db.select().from(orders).where(eq(orders.clientOrderId, 'unnest-dup'))).toEqual([]);
  });

  it('passes every value through its column’s encoder, as values() does', async () => {
    const { db } = store();
    const user = await createRepositories(db).users.create({
      email: 'unnest3@example.com',
      passwordHash: 'x',
    });
    await db.execute(
      sql`create table if not exists unnest_notes (user_id uuid not null, note jsonb not null)`,
    );
    const rows = unnestRows(notes, ['userId', 'note']);
    await db
      .insert(notes)
      .select(rows.select)
      .execute(rows.params([{ userId: user.id, note: '{"a":[1,"x"]}' }]));
    // A string for a jsonb column is a JSON string, not the object its text spells.
    const written = await queryRows<{ kind: string; text: string }>(
      db,
      sql`select jsonb_typeof(note) as kind, note::text as text from unnest_notes where user_id = ${user.id}`,
    );
    expect(written).toEqual([{ kind: 'string', text: '"{\\"a\\":[1,\\"x\\"]}"' }]);
  });
});

describe('unnestRows refusals', () => {
  it('names a key that is not a column of the table', () => {
    expect(() => unnestRows(orders, ['userId', 'nope' as 'userId'])).toThrow(
      /orders\): nope is not a column/,
    );
  });
  it('refuses to leave out an identity column or one whose default is computed in JavaScript', () => {
    expect(() => unnestRows(auditLog, ['kind', 'message'])).toThrow(
      /column id is not listed and is an identity column/,
    );
    const withJsDefault = pgTable('js_default', {
      id: text('id').$defaultFn(() => 'x'),
      name: text('name'),
    });
    expect(() => unnestRows(withJsDefault, ['name'])).toThrow(
      /column id is not listed and its default is computed in JavaScript/,
    );
    expect(() => unnestRows(withJsDefault, ['id', 'name'])).not.toThrow();
  });
});
