import { and, asc, eq, notInArray, type SQL, sql } from 'drizzle-orm';
import { CLOSED_POSITION_STATUSES } from '../../domain/index.js';
import type { Db } from '../database.js';
import { createGrouped } from '../grouped.js';
import { fills, orders, positions } from '../schema/index.js';
import { once } from './convert.js';
import { type PositionFill, toFill } from './fills.js';
import { type OrderRecord, toOrder } from './orders.js';
import { type Position, toPosition } from './positions.js';

/**
 * A position with its orders and its fills, read in one statement: what the engine looks at when
 * the exchange reports activity on a symbol and when it books a close. The same answers as
 * positions.findLive / findById, orders.listByPosition and fills.listByPosition, from one snapshot
 * (three reads would see three), at a third of the round trips.
 */
export interface PositionBook {
  position: Position;
  /** Oldest first (orders.listByPosition). */
  orders: OrderRecord[];
  /** Every fill of those orders, in trade time order (fills.listByPosition). */
  fills: PositionFill[];
}

/** In trade time order, as fills.listByPosition reads them (the sort is stable: ties keep their order). */
const byTradeTime = (a: PositionFill, b: PositionFill) =>
  a.tradeTime.getTime() - b.tradeTime.getTime() || a.createdAt.getTime() - b.createdAt.getTime();

export function createPositionBooks(db: Db) {
  const P = sql.placeholder;
  // One row per (order, fill) of each position: the position's columns repeat, the order's repeat
  // for each of its fills; an order without fills comes once with no fill, a position without
  // orders once with neither.
  const booksWhere = (where: SQL | undefined, name: string) =>
    once(() =>
      db
        .select({ position: positions, order: orders, fill: fills })
        .from(positions)
        .leftJoin(orders, eq(orders.positionId, positions.id))
        .leftJoin(fills, eq(fills.orderId, orders.id))
        .where(where)
        .orderBy(asc(positions.id), asc(orders.createdAt), asc(orders.id))
        .prepare(name),
    );
  // LIVE_POSITION_SQL names the status unqualified (the orders have one too): the same test, qualified.
  const live = notInArray(positions.status, [...CLOSED_POSITION_STATUSES]);
  const byId = booksWhere(eq(positions.id, P('id')), 'position_book_by_id');
  const byIds = booksWhere(sql`${positions.id} = any(${P('ids')}::uuid[])`, 'position_books_by_ids');
  const liveOf = booksWhere(
    and(eq(positions.userId, P('userId')), eq(positions.symbol, P('symbol')), live),
    'position_book_live_of_user_symbol',
  );
  const liveOfMany = booksWhere(
    and(
      sql`(${positions.userId}, ${positions.symbol}) in (select * from unnest(${P('userIds')}::uuid[], ${P('symbols')}::text[]))`,
      live,
    ),
    'position_books_live_of_users_symbols',
  );
  type Row = Awaited<ReturnType<ReturnType<typeof byId>['execute']>>[number];

  /** The rows of one statement as books (rows of a position come together: ordered by its id). */
  function assemble(rows: readonly Row[]): PositionBook[] {
    const books: PositionBook[] = [];
    let book: PositionBook | undefined;
    let order: OrderRecord | undefined;
    for (const row of rows) {
      if (book?.position.id !== row.position.id) {
        book = { position: toPosition(row.position), orders: [], fills: [] };
        books.push(book);
        order = undefined;
      }
      if (!row.order) continue;
      if (order?.id !== row.order.id) {
        order = toOrder(row.order);
        book.orders.push(order);
      }
      if (row.fill) {
        book.fills.push({
          ...toFill(row.fill),
          clientOrderId: order.clientOrderId,
          leg: order.leg,
          side: order.side,
        });
      }
    }
    for (const b of books) b.fills.sort(byTradeTime);
    return books;
  }

  // Every account's position is looked at once after a fan-out: the reads share a statement
  // (../grouped.ts); a read changes nothing, so the same key twice may share one too.
  let asks = 0;
  const byIdGrouped = createGrouped<{ id: string; ask: number }, PositionBook | undefined>({
    one: async ({ id }) => assemble(await byId().execute({ id }))[0],
    many: async (batch) => {
      const ids = [...new Set(batch.map((b) => b.id))];
      const found = new Map(assemble(await byIds().execute({ ids })).map((b) => [b.position.id, b]));
      return batch.map((b) => found.get(b.id));
    },
    key: ({ ask }) => String(ask),
  });
  type LiveKey = { userId: string; symbol: string; ask: number };
  const liveKey = (k: { userId: string; symbol: string }) => `${k.userId}|${k.symbol}`;
  const liveGrouped = createGrouped<LiveKey, PositionBook | undefined>({
    one: async ({ userId, symbol }) => assemble(await liveOf().execute({ userId, symbol }))[0],
    many: async (batch) => {
      const keys = [...new Map(batch.map((k) => [liveKey(k), k])).values()];
      const rows = await liveOfMany().execute({
        userIds: keys.map((k) => k.userId),
        symbols: keys.map((k) => k.symbol),
      });
      const found = new Map(assemble(rows).map((b) => [liveKey(b.position), b]));
      return batch.map((k) => found.get(liveKey(k)));
    },
    key: ({ ask }) => String(ask),
  });

  return {
    /** A position by id with its orders and fills; undefined when there is no such position. */
    findById: (id: string): Promise<PositionBook | undefined> => byIdGrouped({ id, ask: asks++ }),

    /** The user's live position in a symbol (positions.findLive) with its orders and fills. */
    findLive: (userId: string, symbol: string): Promise<PositionBook | undefined> =>
      liveGrouped({ userId, symbol, ask: asks++ }),
  };
}

export type PositionBooks = ReturnType<typeof createPositionBooks>;
