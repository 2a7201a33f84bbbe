import { and, desc, eq, ne, type SQL, sql } from 'drizzle-orm';
import type { Direction, SignalStatus } from '../../domain/index.js';
import type { Db } from '../database.js';
import { signals } from '../schema/index.js';

/**
 * Read-side queries over the global signals table for the API and dashboard (the signals module
 * owns writing them). Keyset pagination: newest first, `cursor` is the id of the last row seen.
 */
export interface SignalFilter {
  symbol?: string | undefined;
  direction?: Direction | undefined;
  status?: SignalStatus | undefined;
  /** Leave out signals of this status (the dashboard hides REJECTED ones unless asked). */
  exclude?: SignalStatus | undefined;
  /** Id of the last signal of the previous page. */
  cursor?: string | undefined;
  limit: number;
}

const summaryColumns = {
  id: signals.id,
  symbol: signals.symbol,
  direction: signals.direction,
  status: signals.status,
  combinedConfidence: signals.combinedConfidence,
  entryType: signals.entryType,
  entry: signals.entry,
  stopLoss: signals.stopLoss,
  takeProfit: signals.takeProfit,
  analyst: signals.analyst,
  fallback: signals.fallback,
  winProbability: signals.winProbability,
  candleCloseTime: signals.candleCloseTime,
  fixes: signals.fixes,
  vetoes: signals.vetoes,
  reasons: signals.reasons,
  outcome: signals.outcome,
  outcomeSource: signals.outcomeSource,
  outcomePnl: signals.outcomePnl,
  expiresAt: signals.expiresAt,
  createdAt: signals.createdAt,
};

/** A signal without its bulky evidence (screen metrics, proposals, features). */
export type SignalSummary = {
  [K in keyof typeof summaryColumns]: (typeof signals.$inferSelect)[K];
};
export type SignalRecord = typeof signals.$inferSelect;

export function createSignalQueries(db: Db) {
  // The list's SQL depends only on which filters are set: one statement per combination, built
  // once (and prepared on PostgreSQL) on first use, values bound per call.
  const listStatements = new Map<string, ReturnType<typeof buildList>>();
  function buildList(on: Record<'symbol' | 'direction' | 'status' | 'exclude' | 'cursor', boolean>) {
    const conditions: SQL[] = [];
    if (on.symbol) conditions.push(eq(signals.symbol, sql.placeholder('symbol')));
    if (on.direction) conditions.push(eq(signals.direction, sql.placeholder('direction')));
    if (on.status) conditions.push(eq(signals.status, sql.placeholder('status')));
    if (on.exclude) conditions.push(ne(signals.status, sql.placeholder('exclude')));
    if (on.cursor) {
      conditions.push(
        sql`(${signals.createdAt}, ${signals.id}) < (select s.created_at, s.id from signals s where s.id = ${sql.placeholder('cursor')})`,
      );
    }
    const name = Object.entries(on)
      .filter(([, set]) => set)
      .map(([k]) => `_${k}`)
      .join('');
    return db
      .select(summaryColumns)
      .from(signals)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(signals.createdAt), desc(signals.id))
      .limit(sql.placeholder('limit'))
      .prepare(`signals_list${name}`);
  }

  return {
    /** One page, newest first; `hasMore` tells whether another page follows. */
    async list(filter: SignalFilter): Promise<{ items: SignalSummary[]; hasMore: boolean }> {
      const on = {
        symbol: Boolean(filter.symbol),
        direction: Boolean(filter.direction),
        status: Boolean(filter.status),
        exclude: Boolean(filter.exclude),
        cursor: Boolean(filter.cursor),
      };
      const key = `${+on.symbol}${+on.direction}${+on.status}${+on.exclude}${+on.cursor}`;
      let statement = listStatements.get(key);
      if (!statement) {
        statement = buildList(on);
        listStatements.set(key, statement);
      }
      const rows = await statement.execute({
        symbol: filter.symbol,
        direction: filter.direction,
        status: filter.status,
        exclude: filter.exclude,
        cursor: filter.cursor,
        limit: filter.limit + 1,
      });
      return { items: rows.slice(0, filter.limit), hasMore: rows.length > filter.limit };
    },

    /** The full record, evidence included: the record is the explanation. */
    async findById(id: string): Promise<SignalRecord | undefined> {
      const [row] = await db.select().from(signals).where(eq(signals.id, id));
      return row;
    },
  };
}

export type SignalQueries = ReturnType<typeof createSignalQueries>;
