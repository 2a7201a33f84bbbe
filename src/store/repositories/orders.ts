import type { Decimal } from 'decimal.js';
import { eq, inArray, sql } from 'drizzle-orm';
import { DomainError, ErrorCode, type OrderSide } from '../../domain/index.js';
import type { Db } from '../database.js';
import { isUniqueViolation } from '../pg-errors.js';
import { orders } from '../schema/index.js';
import { fromDec, once, toDec } from './convert.js';

export interface OrderRecord {
  id: string;
  userId: string;
  positionId: string | null;
  clientOrderId: string;
  exchangeOrderId: string | null;
  family: 'REGULAR' | 'ALGO';
  leg: string;
  symbol: string;
  side: OrderSide;
  type: string;
  qty: Decimal | null;
  price: Decimal | null;
  triggerPrice: Decimal | null;
  reduceOnly: boolean;
  closePosition: boolean;
  status: string;
  filledQty: Decimal;
  avgFillPrice: Decimal | null;
  lastErrorCode: string | null;
  lastError: string | null;
  answers: unknown[];
  createdAt: Date;
  updatedAt: Date;
}

type Row = typeof orders.$inferSelect;

export function toOrder(row: Row): OrderRecord {
  return {
    ...row,
    qty: toDec(row.qty),
    price: toDec(row.price),
    triggerPrice: toDec(row.triggerPrice),
    filledQty: toDec(row.filledQty)!,
    avgFillPrice: toDec(row.avgFillPrice),
  };
}

export interface OrderIntent {
  userId: string;
  positionId: string | null;
  clientOrderId: string;
  family: 'REGULAR' | 'ALGO';
  leg: string;
  symbol: string;
  side: OrderSide;
  type: string;
  qty?: Decimal | null;
  price?: Decimal | null;
  triggerPrice?: Decimal | null;
  reduceOnly?: boolean;
  closePosition?: boolean;
}

/** One answer from the exchange (or its silence), appended to the order's history as it came. */
export interface OrderAnswer {
  at: string;
  outcome: 'ACCEPTED' | 'REJECTED' | 'AMBIGUOUS' | 'LOOKUP' | 'UPDATE';
  status?: string;
  exchangeOrderId?: string | null;
  filledQty?: Decimal | null;
  avgFillPrice?: Decimal | null;
  errorCode?: string | null;
  error?: string | null;
  raw?: unknown;
}

export function createOrdersRepository(db: Db) {
  // The execution engine's hot reads, built once (and prepared on PostgreSQL) on first use.
  const byClientOrderId = once(() =>
    db
      .select()
      .from(orders)
      .where(eq(orders.clientOrderId, sql.placeholder('clientOrderId')))
      .prepare('orders_by_client_order_id'),
  );
  const byPosition = once(() =>
    db
      .select()
      .from(orders)
      .where(eq(orders.positionId, sql.placeholder('positionId')))
      .orderBy(orders.createdAt)
      .prepare('orders_by_position'),
  );
  // The hot writes too: building a statement with Drizzle costs more CPU than the round trip
  // (0.9 ms against 0.3 ms for this insert, measured on the project's machine).
  const P = sql.placeholder;
  const intentInsert = once(() =>
    db
      .insert(orders)
      .values({
        userId: P('userId'),
        positionId: P('positionId'),
        clientOrderId: P('clientOrderId'),
        family: P('family'),
        leg: P('leg'),
        symbol: P('symbol'),
        side: P('side'),
        type: P('type'),
        qty: P('qty'),
        price: P('price'),
        triggerPrice: P('triggerPrice'),
        reduceOnly: P('reduceOnly'),
        closePosition: P('closePosition'),
        status: 'INTENT',
      })
      .returning()
      .prepare('orders_insert_intent'),
  );
  // One statement for every answer: a field the answer does not carry keeps its value (null
  // parameter, coalesce), the error fields change only on a rejection or an ambiguous send.
  const answerUpdate = once(() =>
    db
      .update(orders)
      .set({
        answers: sql`${orders.answers} || ${P('answer')}::jsonb`,
        updatedAt: sql`now()`,
        status: sql`coalesce(${P('status')}::text, ${orders.status})`,
        exchangeOrderId: sql`coalesce(${P('exchangeOrderId')}::text, ${orders.exchangeOrderId})`,
        filledQty: sql`coalesce(${P('filledQty')}::numeric, ${orders.filledQty})`,
        avgFillPrice: sql`coalesce(${P('avgFillPrice')}::numeric, ${orders.avgFillPrice})`,
        lastErrorCode: sql`case when ${P('setError')}::boolean then ${P('errorCode')}::text else ${orders.lastErrorCode} end`,
        lastError: sql`case when ${P('setError')}::boolean then ${P('error')}::text else ${orders.lastError} end`,
      })
      .where(eq(orders.clientOrderId, P('clientOrderId')))
      .returning()
      .prepare('orders_record_answer'),
  );
  return {
    /**
     * Write-ahead: record the intent before the order leaves. A second intent with the same client
     * order id fails with DUPLICATE_CLIENT_ORDER_ID (the caller then looks up the first one).
     */
    async insertIntent(intent: OrderIntent): Promise<OrderRecord> {
      try {
        const [row] = await intentInsert().execute({
          userId: intent.userId,
          positionId: intent.positionId,
          clientOrderId: intent.clientOrderId,
          family: intent.family,
          leg: intent.leg,
          symbol: intent.symbol,
          side: intent.side,
          type: intent.type,
          qty: fromDec(intent.qty),
          price: fromDec(intent.price),
          triggerPrice: fromDec(intent.triggerPrice),
          reduceOnly: intent.reduceOnly ?? false,
          closePosition: intent.closePosition ?? false,
        });
        return toOrder(row!);
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new DomainError(
            ErrorCode.DUPLICATE_CLIENT_ORDER_ID,
            `an order with client order id ${intent.clientOrderId} already exists`,
            { cause: err, details: { clientOrderId: intent.clientOrderId } },
          );
        }
        throw err;
      }
    },

    async findByClientOrderId(clientOrderId: string): Promise<OrderRecord | undefined> {
      const [row] = await byClientOrderId().execute({ clientOrderId });
      return row ? toOrder(row) : undefined;
    },

    async listByPosition(positionId: string): Promise<OrderRecord[]> {
      const rows = await byPosition().execute({ positionId });
      return rows.map(toOrder);
    },

    /** The orders of several positions in one read (reconciliation of an account), oldest first. */
    async listByPositions(positionIds: readonly string[]): Promise<OrderRecord[]> {
      if (positionIds.length === 0) return [];
      const rows = await db
        .select()
        .from(orders)
        .where(inArray(orders.positionId, [...positionIds]))
        .orderBy(orders.createdAt);
      return rows.map(toOrder);
    },

    /** Record an answer and move the order to `answer.status` (when given), atomically. */
    async recordAnswer(clientOrderId: string, answer: OrderAnswer): Promise<OrderRecord> {
      const filledQty = fromDec(answer.filledQty);
      const avgFillPrice = fromDec(answer.avgFillPrice);
      const stored = { ...answer, filledQty, avgFillPrice };
      const [row] = await answerUpdate().execute({
        clientOrderId,
        answer: JSON.stringify([stored]),
        status: answer.status || null,
        exchangeOrderId: answer.exchangeOrderId || null,
        filledQty,
        avgFillPrice,
        setError: answer.outcome === 'REJECTED' || answer.outcome === 'AMBIGUOUS',
        errorCode: answer.errorCode ?? null,
        error: answer.error ?? null,
      });
      if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `order ${clientOrderId} not found`);
      return toOrder(row);
    },
  };
}

export type OrdersRepository = ReturnType<typeof createOrdersRepository>;
