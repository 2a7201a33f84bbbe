import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { LIVE_POSITION_SQL, positions } from '../schema/index.js';
import { type PrintedRow, pageOf, printedColumns, printedPageOf, statementFor } from './list-page.js';
import { type Position, toPosition } from './positions.js';

/**
 * Read-side, tenant-scoped position queries for the API: every query takes the user id, so a
 * position of another user is indistinguishable from one that does not exist. Keyset pagination:
 * `cursor` is the id of the last row of the previous page.
 */
export type PositionListStatus = 'open' | 'closed' | 'all';

export interface PositionFilter {
  status: PositionListStatus;
  symbol?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/**
 * A position as read, for read-only views (the API's lists): money as the database's NUMERIC
 * text, not parsed into Decimals (a page of 50 has 500 of them); positionDto prints both forms
 * the same. Code that computes with a position reads a Position.
 */
export type PositionRow = typeof positions.$inferSelect;

// Open positions by when they were created; closed ones by when they closed.
const closedSortKey = sql`coalesce(${positions.closedAt}, ${positions.createdAt})`;

const values = (userId: string, filter: Omit<PositionFilter, 'status'>) => ({
  userId,
  symbol: filter.symbol,
  cursor: filter.cursor,
});

export function createPositionQueries(db: Db) {
  // The list's SQL depends only on which filters are set: one statement per combination, built
  // once (and prepared on PostgreSQL) on first use, values bound per call.
  const listStatements = new Map<string, ReturnType<typeof buildList>>();
  const closedJsonStatements = new Map<string, ReturnType<typeof buildClosedJsonList>>();
  function listWhere(status: PositionListStatus, bySymbol: boolean, byCursor: boolean) {
    const userId = sql.placeholder('userId');
    const conditions: SQL[] = [eq(positions.userId, userId)];
    if (status === 'open') conditions.push(LIVE_POSITION_SQL);
    if (status === 'closed') conditions.push(sql`not (${LIVE_POSITION_SQL})`);
    if (bySymbol) conditions.push(eq(positions.symbol, sql.placeholder('symbol')));
    const sortKey = status === 'closed' ? closedSortKey : sql`${positions.createdAt}`;
    const cursorKey = status === 'closed' ? sql`coalesce(p.closed_at, p.created_at)` : sql`p.created_at`;
    if (byCursor) {
      conditions.push(
        sql`(${sortKey}, ${positions.id}) < (select ${cursorKey}, p.id from positions p where p.id = ${sql.placeholder('cursor')} and p.user_id = ${userId})`,
      );
    }
    return { where: and(...conditions), order: [desc(sortKey), desc(positions.id)] };
  }
  const statementName = (status: PositionListStatus, bySymbol: boolean, byCursor: boolean) =>
    `${status}${bySymbol ? '_symbol' : ''}${byCursor ? '_cursor' : ''}`;
  function buildList(status: PositionListStatus, bySymbol: boolean, byCursor: boolean) {
    const { where, order } = listWhere(status, bySymbol, byCursor);
    return db
      .select()
      .from(positions)
      .where(where)
      .orderBy(...order)
      .limit(sql.placeholder('limit'))
      .prepare(`positions_list_${statementName(status, bySymbol, byCursor)}`);
  }
  function buildClosedJsonList(bySymbol: boolean, byCursor: boolean) {
    const { where, order } = listWhere('closed', bySymbol, byCursor);
    return db
      .select(printedColumns(positions))
      .from(positions)
      .where(where)
      .orderBy(...order)
      .limit(sql.placeholder('limit'))
      .prepare(`positions_json_${statementName('closed', bySymbol, byCursor)}`);
  }

  return {
    async findForUser(userId: string, id: string): Promise<Position | undefined> {
      const [row] = await db
        .select()
        .from(positions)
        .where(and(eq(positions.id, id), eq(positions.userId, userId)));
      return row ? toPosition(row) : undefined;
    },

    /** One page, newest first, as rows for display (see PositionRow). */
    async listForUser(
      userId: string,
      filter: PositionFilter,
    ): Promise<{ items: PositionRow[]; hasMore: boolean }> {
      const bySymbol = Boolean(filter.symbol);
      const byCursor = Boolean(filter.cursor);
      const statement = statementFor(listStatements, `${filter.status}/${bySymbol}/${byCursor}`, () =>
        buildList(filter.status, bySymbol, byCursor),
      );
      return pageOf((v) => statement.execute(v), values(userId, filter), filter.limit);
    },

    /**
     * The same page as listForUser() with status closed, each row already printed as the API's
     * JSON by the database (PrintedRow): a page of 50 then costs the API one string join
     * instead of mapping, checking and printing 50 objects of 28 fields.
     */
    async listClosedAsJson(
      userId: string,
      filter: Omit<PositionFilter, 'status'>,
    ): Promise<{ items: PrintedRow[]; hasMore: boolean }> {
      const bySymbol = Boolean(filter.symbol);
      const byCursor = Boolean(filter.cursor);
      const statement = statementFor(closedJsonStatements, `${bySymbol}/${byCursor}`, () =>
        buildClosedJsonList(bySymbol, byCursor),
      );
      return printedPageOf(statement, values(userId, filter), filter.limit);
    },

    /** Live positions of a user (any non-closed state), for panic. */
    async listLiveForUser(userId: string): Promise<Position[]> {
      const rows = await db
        .select()
        .from(positions)
        .where(and(eq(positions.userId, userId), LIVE_POSITION_SQL))
        .orderBy(positions.symbol);
      return rows.map(toPosition);
    },

    async countLiveByMode(userId: string, mode: 'PAPER' | 'REAL'): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(positions)
        .where(and(eq(positions.userId, userId), eq(positions.mode, mode), LIVE_POSITION_SQL));
      return row?.n ?? 0;
    },
  };
}

export type PositionQueries = ReturnType<typeof createPositionQueries>;
