import { and, desc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { LIVE_POSITION_SQL, positions } from '../schema/index.js';
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

// Open positions by when they were created; closed ones by when they closed.
const closedSortKey = sql`coalesce(${positions.closedAt}, ${positions.createdAt})`;

export function createPositionQueries(db: Db) {
  return {
    async findForUser(userId: string, id: string): Promise<Position | undefined> {
      const [row] = await db
        .select()
        .from(positions)
        .where(and(eq(positions.id, id), eq(positions.userId, userId)));
      return row ? toPosition(row) : undefined;
    },

    async listForUser(
      userId: string,
      filter: PositionFilter,
    ): Promise<{ items: Position[]; hasMore: boolean }> {
      const conditions: SQL[] = [eq(positions.userId, userId)];
      if (filter.status === 'open') conditions.push(LIVE_POSITION_SQL);
      if (filter.status === 'closed') conditions.push(sql`not (${LIVE_POSITION_SQL})`);
      if (filter.symbol) conditions.push(eq(positions.symbol, filter.symbol));
      const sortKey = filter.status === 'closed' ? closedSortKey : sql`${positions.createdAt}`;
      const cursorKey =
        filter.status === 'closed' ? sql`coalesce(p.closed_at, p.created_at)` : sql`p.created_at`;
      if (filter.cursor) {
        conditions.push(
          sql`(${sortKey}, ${positions.id}) < (select ${cursorKey}, p.id from positions p where p.id = ${filter.cursor} and p.user_id = ${userId})`,
        );
      }
      const rows = await db
        .select()
        .from(positions)
        .where(and(...conditions))
        .orderBy(desc(sortKey), desc(positions.id))
        .limit(filter.limit + 1);
      return { items: rows.slice(0, filter.limit).map(toPosition), hasMore: rows.length > filter.limit };
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
