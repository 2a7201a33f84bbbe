import { and, desc, eq, ne, type SQL, sql } from 'drizzle-orm';
import type { Direction, SignalStatus } from '../../domain/index.js';
import type { Db } from '../database.js';
import { signals } from '../schema/index.js';
import { type PrintedRow, pageOf, printedColumns, printedPageOf, statementFor } from './list-page.js';

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

type Filters = Record<'symbol' | 'direction' | 'status' | 'exclude' | 'cursor', boolean>;

export function createSignalQueries(db: Db) {
  // The list's SQL depends only on which filters are set: one statement per combination, built
  // once (and prepared on PostgreSQL) on first use, values bound per call.
  const listStatements = new Map<string, ReturnType<typeof buildList>>();
  const jsonStatements = new Map<string, ReturnType<typeof buildJsonList>>();

  function listWhere(on: Filters) {
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
    return conditions.length ? and(...conditions) : undefined;
  }
  const statementName = (on: Filters) =>
    Object.entries(on)
      .filter(([, set]) => set)
      .map(([k]) => `_${k}`)
      .join('');
  function buildList(on: Filters) {
    return db
      .select(summaryColumns)
      .from(signals)
      .where(listWhere(on))
      .orderBy(desc(signals.createdAt), desc(signals.id))
      .limit(sql.placeholder('limit'))
      .prepare(`signals_list${statementName(on)}`);
  }
  function buildJsonList(on: Filters) {
    return db
      .select(printedColumns(signals))
      .from(signals)
      .where(listWhere(on))
      .orderBy(desc(signals.createdAt), desc(signals.id))
      .limit(sql.placeholder('limit'))
      .prepare(`signals_list_json${statementName(on)}`);
  }
  function bind(filter: SignalFilter) {
    const on: Filters = {
      symbol: Boolean(filter.symbol),
      direction: Boolean(filter.direction),
      status: Boolean(filter.status),
      exclude: Boolean(filter.exclude),
      cursor: Boolean(filter.cursor),
    };
    const key = `${+on.symbol}${+on.direction}${+on.status}${+on.exclude}${+on.cursor}`;
    const values = {
      symbol: filter.symbol,
      direction: filter.direction,
      status: filter.status,
      exclude: filter.exclude,
      cursor: filter.cursor,
    };
    return { on, key, values };
  }

  return {
    /** One page, newest first; `hasMore` tells whether another page follows. */
    async list(filter: SignalFilter): Promise<{ items: SignalSummary[]; hasMore: boolean }> {
      const { on, key, values } = bind(filter);
      const statement = statementFor(listStatements, key, () => buildList(on));
      return pageOf((v) => statement.execute(v), values, filter.limit);
    },

    /**
     * The same page as list(), each row already printed as the API's JSON by the database
     * (PrintedRow): a page of 50 then costs the API one string join instead of mapping,
     * checking and printing 50 objects of 21 fields.
     */
    async listAsJson(filter: SignalFilter): Promise<{ items: PrintedRow[]; hasMore: boolean }> {
      const { on, key, values } = bind(filter);
      const statement = statementFor(jsonStatements, key, () => buildJsonList(on));
      return printedPageOf(statement, values, filter.limit);
    },

    /** The full record, evidence included: the record is the explanation. */
    async findById(id: string): Promise<SignalRecord | undefined> {
      const [row] = await db.select().from(signals).where(eq(signals.id, id));
      return row;
    },
  };
}

export type SignalQueries = ReturnType<typeof createSignalQueries>;
