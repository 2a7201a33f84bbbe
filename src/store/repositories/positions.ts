import { randomUUID } from 'node:crypto';
import type { Decimal } from 'decimal.js';
import { and, desc, eq, getTableColumns, type SQL, sql } from 'drizzle-orm';
import {
  type Direction,
  DomainError,
  ErrorCode,
  type PositionStatus,
  type TradingMode,
} from '../../domain/index.js';
import type { Db } from '../database.js';
import { createGrouped } from '../grouped.js';
import { isUniqueViolation } from '../pg-errors.js';
import { LIVE_POSITION_SQL, positions } from '../schema/index.js';
import { unnestRows } from '../unnest.js';
import { fromDec, once, toDec } from './convert.js';
import { createFindById } from './find-by-id.js';

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

/** Every column a patch may set, with the SQL type its parameter is read as. */
const PATCH_COLUMNS = {
  status: 'text',
  filledQty: 'numeric',
  entryPrice: 'numeric',
  stopLoss: 'numeric',
  takeProfit: 'numeric',
  exitPrice: 'numeric',
  fees: 'numeric',
  pnl: 'numeric',
  pnlPercent: 'numeric',
  closeReason: 'text',
  unprotectedSince: 'timestamptz',
  openedAt: 'timestamptz',
  closedAt: 'timestamptz',
  qty: 'numeric',
} as const satisfies Record<keyof PositionPatch, string>;
const PATCH_KEYS = Object.keys(PATCH_COLUMNS) as (keyof PositionPatch)[];
/** The patch statement's parameters: the position, then each column's flag and value. */
const PATCH_PARAMS = ['id', ...PATCH_KEYS.flatMap((key) => [`s_${key}`, `v_${key}`])];

/**
 * A patch as parameters of one fixed statement: for each column whether it is set (`s_…`) and
 * to what (`v_…`, text). A decimal given as undefined is set to NULL, any other field given as
 * undefined is left alone: what the update built from the patch's keys has always done.
 */
function patchParams(id: string, patch: PositionPatch): Record<string, unknown> {
  const params: Record<string, unknown> = { id };
  for (const key of PATCH_KEYS) {
    const value = patch[key];
    const type = PATCH_COLUMNS[key];
    const set = type === 'numeric' ? key in patch : value !== undefined;
    params[`s_${key}`] = set;
    params[`v_${key}`] = !set
      ? null
      : type === 'numeric'
        ? fromDec(value as Decimal | null | undefined)
        : value instanceof Date
          ? value.toISOString()
          : (value ?? null);
  }
  return params;
}

/** SET for a patch: each column kept unless its flag says set; `param` names where each comes from. */
function patchSet(param: (name: string) => SQL): Record<string, SQL> {
  const set: Record<string, SQL> = { updatedAt: sql`now()` };
  for (const key of PATCH_KEYS) {
    const type = sql.raw(PATCH_COLUMNS[key]);
    set[key] =
      sql`case when ${param(`s_${key}`)}::boolean then ${param(`v_${key}`)}::${type} else ${positions[key]} end`;
  }
  return set;
}

export function createPositionsRepository(db: Db) {
  // The execution engine's hot reads, built once (and prepared on PostgreSQL) on first use.
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
  // Read when an account's fills and orders arrive, every account at once after a fan-out: reads
  // of a kind arriving together share a statement (../grouped.ts).
  const findGrouped = createFindById(db, positions, toPosition);
  const liveOfMany = once(() =>
    db
      .select()
      .from(positions)
      .where(
        and(
          sql`(${positions.userId}, ${positions.symbol}) in (select * from unnest(${P('userIds')}::uuid[], ${P('symbols')}::text[]))`,
          LIVE_POSITION_SQL,
        ),
      )
      .prepare('positions_live_of_users_symbols'),
  );
  type LiveKey = { userId: string; symbol: string };
  const liveKey = (k: LiveKey) => `${k.userId}|${k.symbol}`;
  const findLiveGrouped = createGrouped<LiveKey, Position | undefined>({
    one: async (k) => {
      const [row] = await liveOf().execute({ ...k });
      return row ? toPosition(row) : undefined;
    },
    many: async (keys) => {
      const rows = await liveOfMany().execute({
        userIds: keys.map((k) => k.userId),
        symbols: keys.map((k) => k.symbol),
      });
      const byKey = new Map(rows.map((row) => [liveKey(row), row]));
      return keys.map((k) => {
        const row = byKey.get(liveKey(k));
        return row ? toPosition(row) : undefined;
      });
    },
    key: liveKey,
  });
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
  const newRow = (input: NewPosition) => ({
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
  // The write-ahead of every account trading a signal: the inserts share a statement. A second
  // live position for a user and symbol fails the statement; each row is then inserted alone and
  // only that one is refused.
  type Row = ReturnType<typeof newRow>;
  // The same statement whatever the batch's size (../unnest.ts).
  const newRows = unnestRows(positions, [
    'id',
    'userId',
    'signalId',
    'symbol',
    'direction',
    'mode',
    'status',
    'qty',
    'entryPrice',
    'stopLoss',
    'takeProfit',
    'margin',
    'leverage',
    'adopted',
  ] as const satisfies ReadonlyArray<keyof Row>);
  const positionsInsert = once(() =>
    db.insert(positions).select(newRows.select).returning().prepare('positions_insert_many'),
  );
  const insertGrouped = createGrouped<NewPosition, Position>({
    one: async (input) => {
      try {
        const [row] = await positionInsert().execute(newRow(input));
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
    many: async (batch) => {
      const rows: Row[] = batch.map(newRow);
      const inserted = await positionsInsert().execute(newRows.params(rows));
      const byId = new Map(inserted.map((row) => [row.id, row]));
      return rows.map((r) => {
        const row = byId.get(r.id);
        return row ? toPosition(row) : new Error(`position ${r.id} was not returned by its insert`);
      });
    },
    key: (input) => `${input.userId}|${input.symbol}`,
  });
  // Twice per execution (OPEN, then protected): one fixed statement, prepared, whatever the patch.
  const patchUpdate = once(() =>
    db
      .update(positions)
      .set(patchSet((name) => sql`${P(name)}`))
      .where(eq(positions.id, P('id')))
      .returning()
      .prepare('positions_patch'),
  );
  // The same UPDATE with one array parameter per patch parameter: prepared once, whatever the batch.
  const patchesUpdate = once(() => {
    const type = (name: string) =>
      name === 'id'
        ? 'uuid'
        : name.startsWith('s_')
          ? 'boolean'
          : PATCH_COLUMNS[name.slice(2) as keyof PositionPatch];
    const arrays = sql.join(
      PATCH_PARAMS.map((name) => sql`${P(name)}::${sql.raw(type(name))}[]`),
      sql`, `,
    );
    return db
      .update(positions)
      .set(patchSet((name) => sql.raw(`a.${name}`)))
      .from(sql`unnest(${arrays}) as a(${sql.raw(PATCH_PARAMS.join(', '))})`)
      .where(sql`${positions.id} = a.id`)
      .returning(getTableColumns(positions))
      .prepare('positions_patch_many');
  });
  const notFound = (id: unknown) => new DomainError(ErrorCode.NOT_FOUND, `position ${id} not found`);
  /**
   * Many accounts' positions move together when a signal is fanned out: their patches share one
   * UPDATE, each position's parameters taken from its row of an unnest() (see ../grouped.ts).
   */
  const updateGrouped = createGrouped<Record<string, unknown>, Position>({
    one: async (params: Record<string, unknown>) => {
      const [row] = await patchUpdate().execute(params);
      if (!row) throw notFound(params.id);
      return toPosition(row);
    },
    many: async (batch) => {
      const params = Object.fromEntries(PATCH_PARAMS.map((name) => [name, batch.map((p) => p[name])]));
      const rows = await patchesUpdate().execute(params);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return batch.map((p) => {
        const row = byId.get(p.id as string);
        return row ? toPosition(row) : notFound(p.id);
      });
    },
    key: (params) => params.id as string,
  });
  return {
    /**
     * Insert a position (PENDING_ENTRY by default). The database refuses a second live position for
     * the same user and symbol: that surfaces as POSITION_ALREADY_OPEN, never as a second trade.
     */
    insert: (input: NewPosition): Promise<Position> => insertGrouped(input),

    findById: (id: string): Promise<Position | undefined> => findGrouped(id),

    /** The user's live (not closed) position in a symbol, if any. */
    findLive: (userId: string, symbol: string): Promise<Position | undefined> =>
      findLiveGrouped({ userId, symbol }),

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

    update: (id: string, patch: PositionPatch): Promise<Position> => updateGrouped(patchParams(id, patch)),

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
