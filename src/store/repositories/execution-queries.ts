import type { Decimal } from 'decimal.js';
import { and, eq, gte, inArray, notInArray, type SQL, sql } from 'drizzle-orm';
import { DomainError, dec, ErrorCode, ORDER_STATUS_RANK } from '../../domain/index.js';
import type { Db } from '../database.js';
import { createGrouped } from '../grouped.js';
import { LIVE_POSITION_SQL, orders, positions, users } from '../schema/index.js';
import { fromDec, once } from './convert.js';
import { type OrderAnswer, type OrderRecord, toOrder } from './orders.js';
import { toUser, type User } from './users.js';

export const FINAL_ORDER_STATUSES = Object.entries(ORDER_STATUS_RANK)
  .filter(([, rank]) => rank === 4)
  .map(([status]) => status);

// Built from the domain's constant table (no user input), so sql.raw is safe here.
const currentRank = sql.raw(
  `(case ${'"orders"."status"'} ${Object.entries(ORDER_STATUS_RANK)
    .map(([s, r]) => `when '${s}' then ${r}`)
    .join(' ')} else 0 end)`,
);

/** What an entry asks before it may go (see executionQueries.entryFacts). */
export interface EntryFacts {
  /** The user as stored now (undefined when there is no such user). */
  user: User | undefined;
  /** The signal's entry order, when it exists: the signal was already executed for this user. */
  entry: { positionId: string | null } | undefined;
  hasLivePosition: boolean;
  lastStopOutAt: Date | null;
  realisedPnlSince: Decimal;
}

/** The user's stop-outs on the symbol (the cooldown starts at the last one). */
const stopOutsOn = (userId: string | SQL, symbol: string | SQL) =>
  and(eq(positions.userId, userId), eq(positions.symbol, symbol), eq(positions.closeReason, 'STOP_LOSS'));

/** The user's positions closed at or after `since` (their PnL is what the daily limit counts). */
const closedSince = (userId: string | SQL, since: Date | SQL) =>
  and(
    eq(positions.userId, userId),
    inArray(positions.status, ['CLOSED_WIN', 'CLOSED_LOSS']),
    gte(positions.closedAt, since),
  );

export function createExecutionQueries(db: Db) {
  const P = sql.placeholder;
  /** The facts' columns, for the entry named by `k` (parameters, or a row of an unnest()). */
  const factsFields = (k: { userId: SQL; symbol: SQL; entryId: SQL; since: SQL }) => ({
    user: users,
    entryExists: sql<boolean>`exists (select 1 from ${orders} where ${orders.clientOrderId} = ${k.entryId})`,
    entryPositionId: sql<
      string | null
    >`(select ${orders.positionId} from ${orders} where ${orders.clientOrderId} = ${k.entryId})`,
    hasLive: sql<boolean>`exists (select 1 from ${positions} where ${positions.userId} = ${k.userId}
        and ${positions.symbol} = ${k.symbol} and ${LIVE_POSITION_SQL})`,
    lastStop: sql<Date | string | null>`(select max(${positions.closedAt}) from ${positions}
        where ${stopOutsOn(k.userId, k.symbol)})`,
    pnlToday: sql<string | number | null>`(select sum(${positions.pnl}) from ${positions}
        where ${closedSince(k.userId, k.since)})`,
  });
  const entryFactsQuery = once(() =>
    db
      .select(
        factsFields({
          userId: sql`${P('userId')}::uuid`,
          symbol: sql`${P('symbol')}::text`,
          entryId: sql`${P('entryClientOrderId')}::text`,
          since: sql`${P('since')}::timestamptz`,
        }),
      )
      .from(users)
      .where(eq(users.id, P('userId')))
      .prepare('execution_entry_facts'),
  );
  // Every account trading a signal asks at the same moment: the questions share a statement.
  const k = (column: string) => sql.raw(`k.${column}`);
  const entryFactsManyQuery = once(() =>
    db
      .select({
        ...factsFields({
          userId: k('user_id'),
          symbol: k('symbol'),
          entryId: k('entry_id'),
          since: k('since'),
        }),
        i: sql<number | string>`k.i`,
      })
      .from(users)
      .innerJoin(
        sql`unnest(${P('userIds')}::uuid[], ${P('symbols')}::text[], ${P('entryIds')}::text[], ${P('sinces')}::timestamptz[])
          with ordinality as k(user_id, symbol, entry_id, since, i)`,
        sql`${users.id} = k.user_id`,
      )
      .prepare('execution_entry_facts_many'),
  );
  type FactsRow = Awaited<ReturnType<ReturnType<typeof entryFactsQuery>['execute']>>[number];
  const toFacts = (row: FactsRow | undefined): EntryFacts => {
    const at = row?.lastStop ?? null;
    return {
      user: row ? toUser(row.user) : undefined,
      entry: row?.entryExists ? { positionId: row.entryPositionId } : undefined,
      hasLivePosition: row?.hasLive === true,
      lastStopOutAt: at === null ? null : at instanceof Date ? at : new Date(at),
      realisedPnlSince: dec(row?.pnlToday ?? '0'),
    };
  };
  interface FactsQuestion {
    userId: string;
    symbol: string;
    entryClientOrderId: string;
    since: string;
  }
  const factsGrouped = createGrouped<FactsQuestion, EntryFacts>({
    one: async (q) => {
      const [row] = await entryFactsQuery().execute({ ...q });
      return toFacts(row);
    },
    many: async (questions) => {
      const rows = await entryFactsManyQuery().execute({
        userIds: questions.map((q) => q.userId),
        symbols: questions.map((q) => q.symbol),
        entryIds: questions.map((q) => q.entryClientOrderId),
        sinces: questions.map((q) => q.since),
      });
      const byIndex = new Map(rows.map((row) => [Number(row.i), row]));
      return questions.map((_, i) => toFacts(byIndex.get(i + 1)));
    },
    key: (q) => `${q.userId}|${q.symbol}|${q.entryClientOrderId}`,
  });
  // Three times a trade (the stream's updates of the stop and target): one fixed statement,
  // prepared, whatever the answer carries. A field the answer does not carry is a null parameter
  // and keeps its value (greatest() ignores a null); the status moves only to a rank at least the
  // current one.
  const advanceStatement = once(() =>
    db
      .update(orders)
      .set({
        answers: sql`${orders.answers} || ${P('answer')}::jsonb`,
        updatedAt: sql`now()`,
        status: sql`case when ${P('status')}::text is not null and ${P('rank')}::int >= ${currentRank} then ${P('status')}::text else ${orders.status} end`,
        exchangeOrderId: sql`coalesce(${P('exchangeOrderId')}::text, ${orders.exchangeOrderId})`,
        filledQty: sql`greatest(${orders.filledQty}, ${P('filledQty')}::numeric)`,
        avgFillPrice: sql`coalesce(${P('avgFillPrice')}::numeric, ${orders.avgFillPrice})`,
      })
      .where(eq(orders.clientOrderId, P('clientOrderId')))
      .returning()
      .prepare('orders_advance'),
  );
  // After every close (the daily loss limit): prepared.
  const pnlSinceQuery = once(() =>
    db
      .select({ total: sql<string | null>`sum(${positions.pnl})` })
      .from(positions)
      .where(closedSince(sql`${P('userId')}::uuid`, sql`${P('since')}::timestamptz`))
      .prepare('execution_realised_pnl_since'),
  );
  return {
    /**
     * Record an answer learned from the stream or a lookup: appended to the history like every
     * answer, but the status and filled quantity only move forward (see ORDER_STATUS_RANK).
     */
    async advanceOrder(clientOrderId: string, answer: OrderAnswer): Promise<OrderRecord | undefined> {
      const stored = {
        ...answer,
        filledQty: fromDec(answer.filledQty),
        avgFillPrice: fromDec(answer.avgFillPrice),
      };
      // RETURNING gives the row as this statement left it: no second read.
      const [row] = await advanceStatement().execute({
        clientOrderId,
        answer: JSON.stringify([stored]),
        status: answer.status || null,
        rank: answer.status ? (ORDER_STATUS_RANK[answer.status] ?? 0) : 0,
        exchangeOrderId: answer.exchangeOrderId || null,
        filledQty: answer.filledQty ? answer.filledQty.toFixed() : null,
        avgFillPrice: answer.avgFillPrice ? answer.avgFillPrice.toFixed() : null,
      });
      return row ? toOrder(row) : undefined;
    },

    /**
     * Everything an entry asks before it may go, in one round trip: the user as stored now,
     * whether the signal's entry order exists already (and its position), whether a position in
     * the symbol is live, the last stop-out on the symbol and the realised PnL since `since`. The
     * same answers as users.findById, orders.findByClientOrderId, positions.findLive, the last
     * stop-out and realisedPnlSince. Prepared, and grouped: every account trading a signal asks it.
     */
    entryFacts: (
      userId: string,
      symbol: string,
      entryClientOrderId: string,
      since: Date,
    ): Promise<EntryFacts> =>
      factsGrouped({ userId, symbol, entryClientOrderId, since: since.toISOString() }),

    /** Realised PnL (net of fees) of the user's positions closed at or after `since`. */
    async realisedPnlSince(userId: string, since: Date): Promise<Decimal> {
      const [row] = await pnlSinceQuery().execute({ userId, since: since.toISOString() });
      return dec(row?.total ?? '0');
    },

    /** The user's orders whose fate the books do not know yet (not final), our own legs only. */
    async listUnsettledOrders(userId: string): Promise<OrderRecord[]> {
      const rows = await db
        .select()
        .from(orders)
        .where(
          and(
            eq(orders.userId, userId),
            notInArray(orders.status, FINAL_ORDER_STATUSES),
            sql`${orders.leg} <> 'external'`,
          ),
        );
      return rows.map(toOrder);
    },

    /** Attach an order row to a position (an order recorded before we knew whose it was). */
    async linkOrder(clientOrderId: string, positionId: string): Promise<void> {
      const rows = await db
        .update(orders)
        .set({ positionId, updatedAt: sql`now()` })
        .where(eq(orders.clientOrderId, clientOrderId))
        .returning({ id: orders.id });
      if (rows.length === 0) throw new DomainError(ErrorCode.NOT_FOUND, `order ${clientOrderId} not found`);
    },
  };
}

export type ExecutionQueries = ReturnType<typeof createExecutionQueries>;
