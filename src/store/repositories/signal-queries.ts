import { and, desc, eq, ne, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Direction, SignalStatus } from '../../domain/index.js';
import type { Db } from '../database.js';
import { signals } from '../schema/index.js';
import { pageOf, statementFor } from './list-page.js';

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

/**
 * A list row for the API to print (see listAsJson). `head` is the API's Signal (src/api/schemas.ts
 * signalBody) from `id` to `candleCloseTime`, printed by the database as JSON, or null when a value
 * may print differently from how the API prints it; the lists are jsonb's text, the timestamps
 * UTC text ("2026-03-01 12:00:00.123456"), the rest as list() gives them.
 */
export interface SignalJsonRow {
  id: string;
  head: string | null;
  fixes: string;
  vetoes: string;
  reasons: string;
  outcome: string | null;
  outcomeSource: string | null;
  outcomePnl: string | null;
  expiresAt: string;
  createdAt: string;
}

// A double prints as JavaScript prints it only in plain notation: PostgreSQL switches to an
// exponent below 1e-4 and from 1e15 (JavaScript below 1e-6 and from 1e21); minus zero prints
// "-0" (JSON "0") and NaN / Infinity are not JSON at all.
const plainDouble = (column: AnyPgColumn) =>
  sql`(${column} = 0 or (abs(${column}) >= 1e-4::float8 and abs(${column}) < 1e15::float8))`;

/**
 * signalBody's fields from id to candleCloseTime, in its order, printed by row_to_json: strings
 * escaped as JSON.stringify escapes them, numerics as their text (what the driver gives), doubles
 * and the bigint as numbers. Null when a number could print otherwise in JavaScript (a double
 * outside plain notation, a bigint beyond 2^53): the API then takes the row-by-row path.
 */
const signalHead = sql<string | null>`case when ${plainDouble(signals.combinedConfidence)}
    and (${signals.winProbability} is null or ${plainDouble(signals.winProbability)})
    and (${signals.candleCloseTime} is null or ${signals.candleCloseTime} between -9007199254740991 and 9007199254740991)
    and ${signals.direction} in ('LONG', 'SHORT')
  then (select row_to_json(b)::text from (select
    ${signals.id} as "id", ${signals.symbol} as "symbol", ${signals.direction} as "direction",
    ${signals.status} as "status",
    case when ${signals.combinedConfidence} = 0 then 0::float8 else ${signals.combinedConfidence} end as "confidence",
    ${signals.entryType} as "entryType", ${signals.entry}::text as "entry",
    ${signals.stopLoss}::text as "stopLoss", ${signals.takeProfit}::text as "takeProfit",
    ${signals.analyst} as "analyst", ${signals.fallback} as "fallback",
    case when ${signals.winProbability} = 0 then 0::float8 else ${signals.winProbability} end as "winProbability",
    ${signals.candleCloseTime} as "candleCloseTime") b)
  end`;

const jsonColumns = {
  id: signals.id,
  head: signalHead,
  fixes: sql<string>`${signals.fixes}::text`,
  vetoes: sql<string>`${signals.vetoes}::text`,
  reasons: sql<string>`${signals.reasons}::text`,
  outcome: signals.outcome,
  outcomeSource: signals.outcomeSource,
  outcomePnl: signals.outcomePnl,
  expiresAt: sql<string>`(${signals.expiresAt} at time zone 'UTC')::text`,
  createdAt: sql<string>`(${signals.createdAt} at time zone 'UTC')::text`,
};

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
      .select(jsonColumns)
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
      return pageOf(
        statementFor(listStatements, key, () => buildList(on)),
        values,
        filter.limit,
      );
    },

    /**
     * The same page as list(), most of each row already printed as the API's JSON by the
     * database (SignalJsonRow): a page of 50 then costs the API a few string joins per row instead
     * of mapping, checking and printing 50 objects of 21 fields.
     */
    async listAsJson(filter: SignalFilter): Promise<{ items: SignalJsonRow[]; hasMore: boolean }> {
      const { on, key, values } = bind(filter);
      return pageOf(
        statementFor(jsonStatements, key, () => buildJsonList(on)),
        values,
        filter.limit,
      );
    },

    /** The full record, evidence included: the record is the explanation. */
    async findById(id: string): Promise<SignalRecord | undefined> {
      const [row] = await db.select().from(signals).where(eq(signals.id, id));
      return row;
    },
  };
}

export type SignalQueries = ReturnType<typeof createSignalQueries>;
