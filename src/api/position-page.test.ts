/**
 * GET /api/positions?status=closed prints its page from JSON the database wrote with each row
 * (list_item, drizzle/0005_list_items.sql; positionQueries.listClosedAsJson and
 * printedPageJson); the body must be byte for byte what the response serializer prints
 * from positionDto, whether the item was written with the row or rewritten by an update (as the
 * migration does for the rows already there), and any row without an item (one the database
 * cannot print exactly) must send the page back that way, without its write ever being refused.
 */
import { type SQL, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { listItemsWritten, withoutListItems } from '../../test/support/list-items.js';
import { serializerFor } from '../../test/support/serializer.js';
import { forEachStore } from '../../test/support/stores.js';
import { createPositionQueries, type PositionFilter, tables } from '../store/index.js';
import { positionDto, printedPageJson } from './dto.js';
import { page, positionBody } from './schemas.js';

const serialize = serializerFor(page(positionBody), '/api/positions');

type NewPosition = typeof tables.positions.$inferInsert;
const T = Date.UTC(2026, 2, 1, 12);
let n = 0;
/** A closed position `n` minutes before T with everything set, `overrides` on top (SQL for odd values). */
function closed(userId: string, overrides: Record<string, unknown> = {}): NewPosition {
  n++;
  return {
    userId,
    symbol: 'BTCUSDT',
    direction: n % 2 ? 'LONG' : 'SHORT',
    mode: n % 3 ? 'PAPER' : 'REAL',
    status: (['CLOSED_WIN', 'CLOSED_LOSS', 'CANCELLED'] as const)[n % 3],
    qty: '0.00100000',
    filledQty: '0.001',
    entryPrice: '65000.10',
    stopLoss: '64000',
    takeProfit: '0.000012300',
    margin: '25.000000',
    leverage: 20,
    exitPrice: '66000.500',
    fees: '0.05200000',
    pnl: '-1.50000000',
    pnlPercent: '-6.000000',
    closeReason: 'TAKE_PROFIT said "hit", back\\slash, tab\tnew\nline\u0001 é 漢字 😀 \u2028',
    unprotectedSince: new Date(T - n * 60_000 - 30_000),
    adopted: n % 2 === 0,
    openedAt: new Date(T - n * 60_000 - 3_600_000),
    closedAt: new Date(T - n * 60_000),
    createdAt: new Date(T - n * 60_000 - 3_700_000),
    updatedAt: new Date(T - n * 60_000 + 1),
    ...overrides,
  } as NewPosition;
}
const at = (text: string) => sql`${text}::timestamptz` as unknown as Date;
const raw = (text: string) => sql.raw(text) as SQL as unknown as string;

forEachStore('closed positions page printed by the database', ({ store }) => {
  const queries = () => createPositionQueries(store().db);
  const insert = (rows: NewPosition[]) => store().db.insert(tables.positions).values(rows);
  /** Rows as written before migration 0005: no list item. */
  const insertWithoutItems = (rows: NewPosition[]) =>
    withoutListItems(store().db, 'positions', () => insert(rows));
  const itemsWritten = (userId: string) =>
    listItemsWritten(store().db, 'positions', sql`user_id = ${userId}`);
  const user = async (email: string) => {
    const [row] = await store()
      .db.insert(tables.users)
      .values({ email, passwordHash: 'x' })
      .returning({ id: tables.users.id });
    return row!.id;
  };

  /** The page as printed from the rows (undefined: fell back) and as positionDto + serializer print it. */
  async function printedPage(userId: string, filter: Omit<PositionFilter, 'status'>) {
    const printed = await queries().listClosedAsJson(userId, filter);
    return printedPageJson(printed.items, printed.hasMore);
  }
  async function both(userId: string, filter: Omit<PositionFilter, 'status'>) {
    const ours = await printedPage(userId, filter);
    const { items, hasMore } = await queries().listForUser(userId, { ...filter, status: 'closed' });
    const expected = serialize({
      // No mark price: positionDto gives one only to live positions, and none is live here.
      items: items.map((p) => positionDto(p, undefined)),
      nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null,
    });
    return { ours, expected };
  }

  it('prints every field as the response serializer prints it from positionDto', async () => {
    const u = await user('closed-page@example.com');
    const other = await user('closed-page-other@example.com');
    await insert([
      closed(u),
      closed(u, { signalId: null, entryPrice: null, stopLoss: null, takeProfit: null, exitPrice: null }),
      closed(u, { pnl: null, pnlPercent: null, closeReason: null, unprotectedSince: null, openedAt: null }),
      closed(u, { qty: '100', filledQty: '0', fees: '0', margin: '10', pnl: '0.000', pnlPercent: '-0.000' }),
      closed(u, { stopLoss: raw('1e-8::numeric'), takeProfit: raw('104.000000000000000001') }),
      closed(u, { entryPrice: raw('123456789012345678901234567890.5000'), exitPrice: raw('-0.00000') }),
      closed(u, { symbol: 'ÉTH"USDT', closeReason: '', leverage: 125 }),
      closed(u, { closedAt: null }), // sorted by when it was created
      closed(u, { closedAt: at('2026-03-01 10:00:00.1+00'), createdAt: at('2026-03-01 09:00:00+00') }),
      closed(u, {
        closedAt: at('2026-03-01 09:59:59.999999+00'),
        updatedAt: at('2026-03-01 12:00:00.000001+00'),
      }),
      closed(u, {
        openedAt: at('2026-03-01 09:59:59.12+05:30'),
        unprotectedSince: at('2026-03-01 12:00:00.1234+00'),
      }),
      closed(u, {
        closedAt: at('2000-01-01 00:00:00+00'),
        updatedAt: at('9999-12-31 23:59:59.999999+00'),
      }),
      closed(other),
    ]);
    // A live position is not on the closed page.
    await insert([closed(u, { status: 'OPEN', symbol: 'LIVEUSDT', closedAt: null })]);
    for (const limit of [1, 3, 50]) {
      const { ours, expected } = await both(u, { limit });
      expect(ours).toBeDefined();
      expect(ours).toBe(expected);
      expect(JSON.parse(ours!).items.length).toBe(Math.min(limit, 12));
    }
    const first = JSON.parse((await printedPage(u, { limit: 4 }))!) as { nextCursor: string };
    const next = await both(u, { limit: 4, cursor: first.nextCursor });
    expect(next.ours).toBe(next.expected);
    const bySymbol = await both(u, { limit: 50, symbol: 'ÉTH"USDT' });
    expect(JSON.parse(bySymbol.ours!).items.length).toBe(1);
    expect(bySymbol.ours).toBe(bySymbol.expected);
    const empty = await both(u, { limit: 50, symbol: 'NONEUSDT' });
    expect(empty.ours).toBe('{"items":[],"nextCursor":null}');
    expect(empty.ours).toBe(empty.expected);
  });

  it('leaves a page to positionDto when a row may print otherwise', async () => {
    const odd = [
      { mode: 'DEMO' }, // not an API mode: the response schema refuses it
      { exitPrice: raw(`'NaN'::numeric`) }, // not money: positionDto refuses it
      { pnl: raw(`'Infinity'::numeric`) },
      { fees: raw(`'-Infinity'::numeric`) },
      { closedAt: at('1999-12-31 23:59:59+00') }, // years before 2000 go through Date
      { openedAt: at('infinity') },
      { updatedAt: at('-infinity') },
      { createdAt: at('10000-01-01 00:00:00+00') }, // toISOString prints +010000
    ];
    for (const [i, overrides] of odd.entries()) {
      const u = await user(`odd-${i}@example.com`);
      await insert([closed(u), closed(u, overrides), closed(u)]);
      expect(await printedPage(u, { limit: 50 }), JSON.stringify(overrides)).toBeUndefined();
      // The page before it still prints here, and as positionDto prints it.
      const before = await both(u, { limit: 1 });
      expect(before.ours).toBeDefined();
      expect(before.ours).toBe(before.expected);
    }
  });

  it('prints rows once they have items (as the migration gives the rows already there), and keeps items in step with updates', async () => {
    const u = await user('closed-page-items@example.com');
    await insertWithoutItems([closed(u), closed(u, { pnl: null, closeReason: null }), closed(u)]);
    expect(await itemsWritten(u)).toBe(0);
    // Without items the page goes through positionDto; the migration's rewrite gives them theirs.
    expect(await printedPage(u, { limit: 50 })).toBeUndefined();
    await store().db.execute(sql`update positions set status = status where user_id = ${u}`);
    expect(await itemsWritten(u)).toBe(3);
    const old = await both(u, { limit: 50 });
    expect(old.ours).toBeDefined();
    expect(old.ours).toBe(old.expected);

    await insert([closed(u), closed(u, { signalId: null, exitPrice: null })]);
    expect(await itemsWritten(u)).toBe(5);
    // An update of a closed row prints its item again; a live row that closes gets one.
    const [live] = await store()
      .db.insert(tables.positions)
      .values(closed(u, { status: 'OPEN', symbol: 'ETHUSDT', closedAt: null, exitPrice: null, pnl: null }))
      .returning({ id: tables.positions.id });
    expect(await itemsWritten(u)).toBe(5);
    await store().db.execute(
      sql`update positions set fees = 0.0731, close_reason = 'manual "close"', updated_at = now() where user_id = ${u} and list_item is not null`,
    );
    await store().db.execute(
      sql`update positions set status = 'CLOSED_WIN', exit_price = 3100.5, pnl = 12.25, closed_at = now() where id = ${live!.id}`,
    );
    expect(await itemsWritten(u)).toBe(6);
    const after = await both(u, { limit: 50 });
    expect(after.ours).toBe(after.expected);
    expect(after.ours).toContain('"fees":"0.0731","pnl"');
    expect(after.ours).toContain('"closeReason":"manual \\"close\\""');
    expect(JSON.parse(after.ours!).items.length).toBe(6);
  });
});
