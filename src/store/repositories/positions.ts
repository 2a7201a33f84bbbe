import { randomUUID } from 'node:crypto';
import type { Decimal } from 'decimal.js';
import { and, desc, eq, sql } from 'drizzle-orm';
import {
  type Direction,
  DomainError,
  ErrorCode,
  type PositionStatus,
  type TradingMode,
} from '../../domain/index.js';
import type { Db } from '../database.js';
import { isUniqueViolation } from '../pg-errors.js';
import { LIVE_POSITION_SQL, positions } from '../schema/index.js';
import { fromDec, once, toDec } from './convert.js';

export interface Position {
  id: string;
  userId: string;
  signalId: string | null;
  symbol: string;
  direction: Direction;
  mode: TradingMode;
  status: PositionStatus;
  qty: Decimal;
  filledQty: Decimal;
  entryPrice: Decimal | null;
  stopLoss: Decimal | null;
  takeProfit: Decimal | null;
  margin: Decimal;
  leverage: number;
  exitPrice: Decimal | null;
  fees: Decimal;
  pnl: Decimal | null;
  pnlPercent: Decimal | null;
  closeReason: string | null;
  unprotectedSince: Date | null;
  adopted: boolean;
  openedAt: Date | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

type Row = typeof positions.$inferSelect;

export function toPosition(row: Row): Position {
  return {
    ...row,
    qty: toDec(row.qty)!,
    filledQty: toDec(row.filledQty)!,
    entryPrice: toDec(row.entryPrice),
    stopLoss: toDec(row.stopLoss),
    takeProfit: toDec(row.takeProfit),
    margin: toDec(row.margin)!,
    exitPrice: toDec(row.exitPrice),
    fees: toDec(row.fees)!,
    pnl: toDec(row.pnl),
    pnlPercent: toDec(row.pnlPercent),
  };
}

export interface NewPosition {
  id?: string;
  userId: string;
  signalId?: string | null;
  symbol: string;
  direction: Direction;
  mode: TradingMode;
  status?: PositionStatus;
  qty: Decimal;
  entryPrice?: Decimal | null;
  stopLoss?: Decimal | null;
  takeProfit?: Decimal | null;
  margin: Decimal;
  leverage: number;
  adopted?: boolean;
}

export type PositionPatch = Partial<
  Pick<
    Position,
    | 'status'
    | 'filledQty'
    | 'entryPrice'
    | 'stopLoss'
    | 'takeProfit'
    | 'exitPrice'
    | 'fees'
    | 'pnl'
    | 'pnlPercent'
    | 'closeReason'
    | 'unprotectedSince'
    | 'openedAt'
    | 'closedAt'
    | 'qty'
  >
>;

const DECIMAL_FIELDS = [
  'filledQty',
  'entryPrice',
  'stopLoss',
  'takeProfit',
  'exitPrice',
  'fees',
  'pnl',
  'pnlPercent',
  'qty',
] as const;

export function createPositionsRepository(db: Db) {
  // The execution engine's hot reads, built once (and prepared on PostgreSQL) on first use.
  const byId = once(() =>
    db
      .select()
      .from(positions)
      .where(eq(positions.id, sql.placeholder('id')))
      .prepare('positions_by_id'),
  );
  const liveOf = once(() =>
    db
      .select()
      .from(positions)
      .where(
        and(
          eq(positions.userId, sql.placeholder('userId')),
          eq(positions.symbol, sql.placeholder('symbol')),
          LIVE_POSITION_SQL,
        ),
      )
      .prepare('positions_live_of_user_symbol'),
  );
  const P = sql.placeholder;
  // One per execution: prepared (see orders.ts). The id is given or drawn here: a placeholder
  // cannot fall back to the column default.
  const positionInsert = once(() =>
    db
      .insert(positions)
      .values({
        id: P('id'),
        userId: P('userId'),
        signalId: P('signalId'),
        symbol: P('symbol'),
        direction: P('direction'),
        mode: P('mode'),
        status: P('status'),
        qty: P('qty'),
        entryPrice: P('entryPrice'),
        stopLoss: P('stopLoss'),
        takeProfit: P('takeProfit'),
        margin: P('margin'),
        leverage: P('leverage'),
        adopted: P('adopted'),
      })
      .returning()
      .prepare('positions_insert'),
  );
  return {
    /**
     * Insert a position (PENDING_ENTRY by default). The database refuses a second live position for
     * the same user and symbol: that surfaces as POSITION_ALREADY_OPEN, never as a second trade.
     */
    async insert(input: NewPosition): Promise<Position> {
      try {
        const [row] = await positionInsert().execute({
          id: input.id ?? randomUUID(),
          userId: input.userId,
          signalId: input.signalId ?? null,
          symbol: input.symbol,
          direction: input.direction,
          mode: input.mode,
          status: input.status ?? 'PENDING_ENTRY',
          qty: input.qty.toFixed(),
          entryPrice: fromDec(input.entryPrice),
          stopLoss: fromDec(input.stopLoss),
          takeProfit: fromDec(input.takeProfit),
          margin: input.margin.toFixed(),
          leverage: input.leverage,
          adopted: input.adopted ?? false,
        });
        return toPosition(row!);
      } catch (err) {
        if (isUniqueViolation(err, 'positions_one_live_per_user_symbol')) {
          throw new DomainError(
            ErrorCode.POSITION_ALREADY_OPEN,
            `user ${input.userId} already has a live position in ${input.symbol}`,
            { cause: err, details: { userId: input.userId, symbol: input.symbol } },
          );
        }
        throw err;
      }
    },

    async findById(id: string): Promise<Position | undefined> {
      const [row] = await byId().execute({ id });
      return row ? toPosition(row) : undefined;
    },

    /** The user's live (not closed) position in a symbol, if any. */
    async findLive(userId: string, symbol: string): Promise<Position | undefined> {
      const [row] = await liveOf().execute({ userId, symbol });
      return row ? toPosition(row) : undefined;
    },

    async listLive(userId: string): Promise<Position[]> {
      const rows = await db
        .select()
        .from(positions)
        .where(and(eq(positions.userId, userId), LIVE_POSITION_SQL))
        .orderBy(desc(positions.createdAt));
      return rows.map(toPosition);
    },

    async listClosed(userId: string, limit = 100, offset = 0): Promise<Position[]> {
      const rows = await db
        .select()
        .from(positions)
        .where(and(eq(positions.userId, userId), sql`not (${LIVE_POSITION_SQL})`))
        .orderBy(desc(positions.closedAt))
        .limit(limit)
        .offset(offset);
      return rows.map(toPosition);
    },

    async update(id: string, patch: PositionPatch): Promise<Position> {
      const values: Record<string, unknown> = { ...patch, updatedAt: sql`now()` };
      for (const key of DECIMAL_FIELDS) {
        if (key in patch) values[key] = fromDec(patch[key]);
      }
      const [row] = await db.update(positions).set(values).where(eq(positions.id, id)).returning();
      if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `position ${id} not found`);
      return toPosition(row);
    },

    /**
     * CLOSING with its reason, only while the position is still live (a fill booked a moment
     * ago must not be reopened); undefined when it was already closed.
     */
    async markClosing(id: string, closeReason: string): Promise<Position | undefined> {
      const [row] = await db
        .update(positions)
        .set({ status: 'CLOSING', closeReason, updatedAt: sql`now()` })
        .where(and(eq(positions.id, id), LIVE_POSITION_SQL))
        .returning();
      return row ? toPosition(row) : undefined;
    },
  };
}

export type PositionsRepository = ReturnType<typeof createPositionsRepository>;
