import type { Decimal } from 'decimal.js';
import { asc, eq, sql } from 'drizzle-orm';
import type { OrderSide } from '../../domain/index.js';
import type { Db } from '../database.js';
import { createGrouped } from '../grouped.js';
import { fills, orders } from '../schema/index.js';
import { unnestRows } from '../unnest.js';
import { once, toDec } from './convert.js';

/** One execution (trade) of one of our orders, as the exchange reported it. */
export interface FillRecord {
  id: string;
  orderId: string;
  userId: string;
  tradeId: string;
  price: Decimal;
  qty: Decimal;
  /** Commission, positive = paid, in `feeAsset`. */
  fee: Decimal;
  feeAsset: string;
  /** The exchange's realised PnL of this fill, before the fee. */
  realizedPnl: Decimal;
  tradeTime: Date;
  createdAt: Date;
}

/** A fill with the order it belongs to, for PnL: which leg and which side. */
export interface PositionFill extends FillRecord {
  clientOrderId: string;
  leg: string;
  side: OrderSide;
}

export interface NewFill {
  orderId: string;
  userId: string;
  tradeId: string;
  price: Decimal;
  qty: Decimal;
  fee: Decimal;
  feeAsset: string;
  realizedPnl: Decimal;
  tradeTime: Date;
}

type Row = typeof fills.$inferSelect;

export function toFill(row: Row): FillRecord {
  return {
    ...row,
    price: toDec(row.price)!,
    qty: toDec(row.qty)!,
    fee: toDec(row.fee)!,
    realizedPnl: toDec(row.realizedPnl)!,
  };
}

export function createFillsRepository(db: Db) {
  // Read on every check of a position: built once (and prepared on PostgreSQL) on first use.
  const ofPosition = once(() =>
    db
      .select({
        fill: fills,
        clientOrderId: orders.clientOrderId,
        leg: orders.leg,
        side: orders.side,
      })
      .from(fills)
      .innerJoin(orders, eq(fills.orderId, orders.id))
      .where(eq(orders.positionId, sql.placeholder('positionId')))
      .orderBy(asc(fills.tradeTime), asc(fills.createdAt))
      .prepare('fills_of_position'),
  );
  const P = sql.placeholder;
  const ofPositions = once(() =>
    db
      .select({
        fill: fills,
        clientOrderId: orders.clientOrderId,
        leg: orders.leg,
        side: orders.side,
        positionId: orders.positionId,
      })
      .from(fills)
      .innerJoin(orders, eq(fills.orderId, orders.id))
      .where(sql`${orders.positionId} = any(${P('positionIds')}::uuid[])`)
      .orderBy(asc(fills.tradeTime), asc(fills.createdAt))
      .prepare('fills_of_positions'),
  );
  const toPositionFill = (r: {
    fill: Row;
    clientOrderId: string;
    leg: string;
    side: OrderSide;
  }): PositionFill => ({
    ...toFill(r.fill),
    clientOrderId: r.clientOrderId,
    leg: r.leg,
    side: r.side,
  });
  // Every account's position is checked at once after a fan-out: the reads share a statement.
  const listGrouped = createGrouped<string, PositionFill[]>({
    one: async (positionId) => (await ofPosition().execute({ positionId })).map(toPositionFill),
    many: async (positionIds) => {
      const lists = new Map<string, PositionFill[]>(positionIds.map((id) => [id, []]));
      // In trade time order, as one position's read gives them.
      for (const row of await ofPositions().execute({ positionIds })) {
        lists.get(row.positionId!)?.push(toPositionFill(row));
      }
      return positionIds.map((id) => lists.get(id)!);
    },
    key: (positionId) => positionId,
  });
  // Every fill the stream reports: prepared like the reads (see orders.ts).
  const fillInsert = once(() =>
    db
      .insert(fills)
      .values({
        orderId: P('orderId'),
        userId: P('userId'),
        tradeId: P('tradeId'),
        price: P('price'),
        qty: P('qty'),
        fee: P('fee'),
        feeAsset: P('feeAsset'),
        realizedPnl: P('realizedPnl'),
        tradeTime: P('tradeTime'),
      })
      .onConflictDoNothing()
      .returning({ id: fills.id })
      .prepare('fills_insert'),
  );
  const row = (fill: NewFill) => ({
    orderId: fill.orderId,
    userId: fill.userId,
    tradeId: fill.tradeId,
    price: fill.price.toFixed(),
    qty: fill.qty.toFixed(),
    fee: fill.fee.toFixed(),
    feeAsset: fill.feeAsset,
    realizedPnl: fill.realizedPnl.toFixed(),
    tradeTime: fill.tradeTime,
  });
  const tradeKey = (orderId: string, tradeId: string) => `${orderId}|${tradeId}`;
  // The same statement whatever the batch's size (../unnest.ts).
  const newRows = unnestRows(fills, [
    'orderId',
    'userId',
    'tradeId',
    'price',
    'qty',
    'fee',
    'feeAsset',
    'realizedPnl',
    'tradeTime',
  ] as const satisfies ReadonlyArray<keyof ReturnType<typeof row>>);
  const fillsInsert = once(() =>
    db
      .insert(fills)
      .select(newRows.select)
      .onConflictDoNothing()
      .returning({ orderId: fills.orderId, tradeId: fills.tradeId })
      .prepare('fills_insert_many'),
  );
  // Every account's entry fills at once when a signal is fanned out: the inserts share a statement
  // (a trade reported twice in one burst waits for the next: the second is then the no-op).
  const insertGrouped = createGrouped({
    one: async (fill: NewFill) => (await fillInsert().execute(row(fill))).length > 0,
    many: async (batch) => {
      const inserted = await fillsInsert().execute(newRows.params(batch.map(row)));
      const isNew = new Set(inserted.map((r) => tradeKey(r.orderId, r.tradeId)));
      return batch.map((fill) => isNew.has(tradeKey(fill.orderId, fill.tradeId)));
    },
    key: (fill) => tradeKey(fill.orderId, fill.tradeId),
  });
  return {
    /**
     * Record a fill. The stream, the REST catch-up and a lookup may all report the same trade:
     * (order, trade id) is unique, so the second report is a no-op. Returns whether it was new.
     */
    insert: (fill: NewFill): Promise<boolean> => insertGrouped(fill),

    async listByOrder(orderId: string): Promise<FillRecord[]> {
      const rows = await db
        .select()
        .from(fills)
        .where(eq(fills.orderId, orderId))
        .orderBy(asc(fills.tradeTime));
      return rows.map(toFill);
    },

    /** Every fill of every order of a position (entry, protection, exits), oldest first. */
    listByPosition: (positionId: string): Promise<PositionFill[]> => listGrouped(positionId),
  };
}

export type FillsRepository = ReturnType<typeof createFillsRepository>;
