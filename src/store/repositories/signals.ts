import type { Decimal } from 'decimal.js';
import { and, desc, eq, gt, inArray, lte, type SQL, sql } from 'drizzle-orm';
import { type Direction, DomainError, ErrorCode, type SignalStatus } from '../../domain/index.js';
import type { Db } from '../database.js';
import { signals } from '../schema/index.js';
import { fromDec, once, toDec } from './convert.js';
import { createFindById } from './find-by-id.js';

export interface StoredSignal {
  id: string;
  symbol: string;
  direction: Direction;
  status: SignalStatus;
  combinedConfidence: number;
  entryType: 'MARKET' | 'LIMIT';
  entry: Decimal;
  stopLoss: Decimal;
  takeProfit: Decimal;
  analyst: string;
  fallback: string | null;
  winProbability: number | null;
  candleCloseTime: number | null;
  screen: unknown;
  proposals: unknown;
  fixes: string[];
  vetoes: string[];
  reasons: string[];
  features: Record<string, number | null> | null;
  outcome: string | null;
  outcomeSource: string | null;
  outcomePnl: Decimal | null;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewSignal {
  id?: string;
  symbol: string;
  direction: Direction;
  /** PENDING (the default) goes through deduplication; REJECTED is stored only as an explanation. */
  status?: 'PENDING' | 'REJECTED';
  combinedConfidence: number;
  entryType: 'MARKET' | 'LIMIT';
  entry: Decimal;
  stopLoss: Decimal;
  takeProfit: Decimal;
  analyst: string;
  fallback?: string | null;
  winProbability?: number | null;
  candleCloseTime?: number | null;
  screen?: unknown;
  proposals?: unknown;
  fixes?: string[];
  vetoes?: string[];
  reasons?: string[];
  features?: Record<string, number | null> | null;
  expiresAt: Date;
}

export interface DedupOptions {
  /** The injected clock's now: the signal's created_at and the end of the window. */
  now: Date;
  /** One live signal per symbol and direction inside this window (SIGNAL_DEDUP_MINUTES). */
  windowMs: number;
}

export type InsertSignalResult =
  | { inserted: true; signal: StoredSignal }
  | { inserted: false; duplicateOf: StoredSignal };

export interface SignalOutcome {
  outcome: 'WIN' | 'LOSS';
  source: 'LIVE' | 'PAPER' | 'BACKTEST';
  pnl: Decimal;
}

type Row = typeof signals.$inferSelect;

function toSignal(row: Row): StoredSignal {
  return {
    ...row,
    entry: toDec(row.entry)!,
    stopLoss: toDec(row.stopLoss)!,
    takeProfit: toDec(row.takeProfit)!,
    outcomePnl: toDec(row.outcomePnl),
  };
}

const LIVE: SignalStatus[] = ['PENDING', 'EXECUTED'];

// Live inside the window: what blocks a new signal for the same symbol and direction.
function liveWithin(symbol: string, direction: Direction, { now, windowMs }: DedupOptions): SQL {
  return and(
    eq(signals.symbol, symbol),
    eq(signals.direction, direction),
    inArray(signals.status, LIVE),
    gt(signals.createdAt, new Date(now.getTime() - windowMs)),
  )!;
}

function collapse(inputs: readonly NewSignal[]): number[] {
  const best = new Map<string, number>();
  inputs.forEach((s, i) => {
    if ((s.status ?? 'PENDING') !== 'PENDING') return;
    const key = `${s.symbol}:${s.direction}`;
    const current = best.get(key);
    if (current === undefined || s.combinedConfidence > inputs[current]!.combinedConfidence) best.set(key, i);
  });
  return inputs.map((s, i) =>
    (s.status ?? 'PENDING') === 'PENDING' ? best.get(`${s.symbol}:${s.direction}`)! : i,
  );
}

export function createSignalsRepository(db: Db) {
  // Scale-out: every account job of a fan-out reads its signal, all at once and mostly the same one.
  const findGrouped = createFindById(db, signals, toSignal);
  function values(input: NewSignal, now: Date) {
    return {
      id: input.id,
      symbol: input.symbol,
      direction: input.direction,
      status: input.status ?? 'PENDING',
      combinedConfidence: input.combinedConfidence,
      entryType: input.entryType,
      entry: fromDec(input.entry)!,
      stopLoss: fromDec(input.stopLoss)!,
      takeProfit: fromDec(input.takeProfit)!,
      analyst: input.analyst,
      fallback: input.fallback ?? null,
      winProbability: input.winProbability ?? null,
      candleCloseTime: input.candleCloseTime ?? null,
      screen: input.screen ?? null,
      proposals: input.proposals ?? null,
      fixes: input.fixes ?? [],
      vetoes: input.vetoes ?? [],
      reasons: input.reasons ?? [],
      features: input.features ?? null,
      expiresAt: input.expiresAt,
      createdAt: now,
      updatedAt: now,
    };
  }

  async function insertOne(input: NewSignal, options: DedupOptions): Promise<InsertSignalResult> {
    if ((input.status ?? 'PENDING') !== 'PENDING') {
      // A scan runs every 30 s to 5 min and a candle closes every 15 min or more: between two
      // closes every scan proposes, and rejects, the same candidate again. One explanation per
      // symbol, direction and candle is kept, not one per scan (a row carries its evidence).
      if (input.status === 'REJECTED' && input.candleCloseTime != null) {
        const [same] = await db
          .select()
          .from(signals)
          .where(
            and(
              eq(signals.symbol, input.symbol),
              eq(signals.direction, input.direction),
              eq(signals.candleCloseTime, input.candleCloseTime),
              eq(signals.status, 'REJECTED'),
            ),
          )
          .limit(1);
        if (same) return { inserted: false, duplicateOf: toSignal(same) };
      }
      const [row] = await db.insert(signals).values(values(input, options.now)).returning();
      return { inserted: true, signal: toSignal(row!) };
    }
    // The locked check: the transaction-scoped advisory lock on (symbol, direction) serializes
    // every writer of that pair, in this process and any other on the same database, so the
    // check and the insert are one step. Released at commit, after the new row is visible.
    return db.transaction(async (tx) => {
      await tx.execute(
        sql`select pg_advisory_xact_lock(hashtext(${`signal:${input.symbol}:${input.direction}`}))`,
      );
      const [existing] = await tx
        .select()
        .from(signals)
        .where(liveWithin(input.symbol, input.direction, options))
        .orderBy(desc(signals.createdAt))
        .limit(1);
      if (existing) return { inserted: false as const, duplicateOf: toSignal(existing) };
      const [row] = await tx.insert(signals).values(values(input, options.now)).returning();
      return { inserted: true as const, signal: toSignal(row!) };
    });
  }

  // A trade marks its signal EXECUTED and records its outcome: prepared, one fixed statement each
  // (building a Drizzle update costs more CPU than running it, see orders.ts).
  const P = sql.placeholder;
  const statusUpdate = once(() =>
    db
      .update(signals)
      .set({ status: sql`${P('to')}::text`, updatedAt: sql`now()` })
      .where(and(eq(signals.id, P('id')), sql`${signals.status} = any(${P('from')}::text[])`))
      .returning()
      .prepare('signals_transition'),
  );
  const outcomeUpdate = once(() =>
    db
      .update(signals)
      .set({
        outcome: sql`${P('outcome')}::text`,
        outcomeSource: sql`${P('source')}::text`,
        outcomePnl: sql`${P('pnl')}::numeric`,
        updatedAt: sql`now()`,
      })
      .where(eq(signals.id, P('id')))
      .returning()
      .prepare('signals_record_outcome'),
  );

  async function transition(id: string, to: SignalStatus, from: SignalStatus[], extra: Partial<Row> = {}) {
    const [row] =
      Object.keys(extra).length === 0
        ? await statusUpdate().execute({ id, to, from })
        : await db
            .update(signals)
            .set({ ...extra, status: to, updatedAt: sql`now()` })
            .where(and(eq(signals.id, id), inArray(signals.status, from)))
            .returning();
    if (row) return toSignal(row);
    const [current] = await db.select().from(signals).where(eq(signals.id, id));
    if (!current) throw new DomainError(ErrorCode.NOT_FOUND, `signal ${id} not found`);
    throw new DomainError(ErrorCode.CONFLICT, `signal ${id} is ${current.status}, it cannot become ${to}`, {
      details: { id, status: current.status, to },
    });
  }

  return {
    /**
     * Store a signal. A PENDING one is refused (inserted: false, with the live one it duplicates)
     * when a PENDING or EXECUTED signal for the same symbol and direction was created inside the
     * window, even when two processes insert at the same moment.
     */
    insert: insertOne,

    /**
     * Store a scan's signals: duplicates inside the batch collapse to the most confident one, then
     * each survivor goes through the locked check. Results are in input order.
     */
    async insertBatch(inputs: readonly NewSignal[], options: DedupOptions): Promise<InsertSignalResult[]> {
      const keptIndexOf = collapse(inputs);
      const results: InsertSignalResult[] = new Array(inputs.length);
      for (let i = 0; i < inputs.length; i++) {
        if (keptIndexOf[i] === i) results[i] = await insertOne(inputs[i]!, options);
      }
      for (let i = 0; i < inputs.length; i++) {
        if (keptIndexOf[i] === i) continue;
        const kept = results[keptIndexOf[i]!]!;
        results[i] = { inserted: false, duplicateOf: kept.inserted ? kept.signal : kept.duplicateOf };
      }
      return results;
    },

    findById: (id: string): Promise<StoredSignal | undefined> => findGrouped(id),

    /** The live signal that would block a new one for this symbol and direction, if any. */
    async findLive(
      symbol: string,
      direction: Direction,
      options: DedupOptions,
    ): Promise<StoredSignal | undefined> {
      const [row] = await db
        .select()
        .from(signals)
        .where(liveWithin(symbol, direction, options))
        .orderBy(desc(signals.createdAt))
        .limit(1);
      return row ? toSignal(row) : undefined;
    },

    /** PENDING -> EXECUTED; executing an EXECUTED signal again (a second user) is fine. */
    markExecuted: (id: string) => transition(id, 'EXECUTED', ['PENDING', 'EXECUTED']),

    /** PENDING -> REJECTED, with the reason appended to the signal's reasons. */
    reject: (id: string, reason: string) =>
      transition(id, 'REJECTED', ['PENDING'], {
        reasons: sql`${signals.reasons} || ${JSON.stringify([`rejected: ${reason}`])}::jsonb` as never,
      }),

    /** Every PENDING signal whose expires_at is at or before `now` becomes EXPIRED; returns how many. */
    async expireDue(now: Date): Promise<number> {
      const rows = await db
        .update(signals)
        .set({ status: 'EXPIRED', updatedAt: sql`now()` })
        .where(and(eq(signals.status, 'PENDING'), lte(signals.expiresAt, now)))
        .returning({ id: signals.id });
      return rows.length;
    },

    /** The label the ML model learns from, once a trade of this signal closes. */
    async recordOutcome(id: string, outcome: SignalOutcome): Promise<StoredSignal> {
      const [row] = await outcomeUpdate().execute({
        id,
        outcome: outcome.outcome,
        source: outcome.source,
        pnl: outcome.pnl.toFixed(),
      });
      if (!row) throw new DomainError(ErrorCode.NOT_FOUND, `signal ${id} not found`);
      return toSignal(row);
    },
  };
}

export type SignalsRepository = ReturnType<typeof createSignalsRepository>;
