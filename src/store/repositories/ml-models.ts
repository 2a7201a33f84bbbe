import type { Decimal } from 'decimal.js';
import { and, count, desc, eq, inArray, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { Direction } from '../../domain/index.js';
import type { Db } from '../database.js';
import { mlModels, signals } from '../schema/index.js';
import { toDec } from './convert.js';

/**
 * The win-probability models (versioned, append-only) and the closed signals they learn from.
 * Versions are assigned under a transaction-scoped advisory lock, so two trainers on the same
 * database (two processes) still get 1, 2, 3... with no gap and no clash.
 */
export interface NewMlModel {
  kind: string;
  usable: boolean;
  samples: number;
  outcomesSeen: number;
  sources: string[];
  metrics: unknown;
  model: unknown;
  note?: string | null;
}

export interface StoredMlModel extends Omit<NewMlModel, 'note'> {
  id: string;
  version: number;
  note: string | null;
  createdAt: Date;
}

export type MlModelSummary = Omit<StoredMlModel, 'model'>;

/** A closed signal with what the features and the insights read. */
export interface LabelledSignalRow {
  id: string;
  symbol: string;
  direction: Direction;
  combinedConfidence: number;
  winProbability: number | null;
  screen: unknown;
  proposals: unknown;
  features: Record<string, number | null> | null;
  candleCloseTime: number | null;
  createdAt: Date;
  entry: Decimal;
  stopLoss: Decimal;
  takeProfit: Decimal;
  outcome: string | null;
  outcomeSource: string | null;
  outcomePnl: Decimal | null;
}

export interface LabelledFilter {
  /** Only outcomes from these sources (LIVE, PAPER, BACKTEST); all when absent or empty. */
  sources?: readonly string[] | undefined;
}

const VERSION_LOCK = 'ml_models:version';

const summaryColumns = {
  id: mlModels.id,
  version: mlModels.version,
  kind: mlModels.kind,
  usable: mlModels.usable,
  samples: mlModels.samples,
  outcomesSeen: mlModels.outcomesSeen,
  sources: mlModels.sources,
  metrics: mlModels.metrics,
  note: mlModels.note,
  createdAt: mlModels.createdAt,
};

function labelled(filter: LabelledFilter): SQL {
  const conditions: SQL[] = [isNotNull(signals.outcome), isNotNull(signals.outcomeSource)];
  if (filter.sources && filter.sources.length > 0)
    conditions.push(inArray(signals.outcomeSource, [...filter.sources]));
  return and(...conditions)!;
}

export function createMlModelsRepository(db: Db) {
  return {
    /** Store a trained model as the next version. */
    async save(input: NewMlModel): Promise<StoredMlModel> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${VERSION_LOCK}))`);
        const [last] = await tx
          .select({ version: mlModels.version })
          .from(mlModels)
          .orderBy(desc(mlModels.version))
          .limit(1);
        const [row] = await tx
          .insert(mlModels)
          .values({ ...input, note: input.note ?? null, version: (last?.version ?? 0) + 1 })
          .returning();
        return row as StoredMlModel;
      });
    },

    /** The newest model; with `usableOnly`, the newest one that beat the base rate on held-out data. */
    async latest(options: { usableOnly?: boolean } = {}): Promise<StoredMlModel | undefined> {
      const [row] = await db
        .select()
        .from(mlModels)
        .where(options.usableOnly ? eq(mlModels.usable, true) : undefined)
        .orderBy(desc(mlModels.version))
        .limit(1);
      return row as StoredMlModel | undefined;
    },

    async findByVersion(version: number): Promise<StoredMlModel | undefined> {
      const [row] = await db.select().from(mlModels).where(eq(mlModels.version, version));
      return row as StoredMlModel | undefined;
    },

    /** Newest first, without the model JSON. */
    async list(limit = 20): Promise<MlModelSummary[]> {
      return (await db
        .select(summaryColumns)
        .from(mlModels)
        .orderBy(desc(mlModels.version))
        .limit(limit)) as MlModelSummary[];
    },

    /** Closed signals (outcome recorded), oldest first by the time they were made. */
    async labelledSignals(filter: LabelledFilter = {}): Promise<LabelledSignalRow[]> {
      const rows = await db
        .select({
          id: signals.id,
          symbol: signals.symbol,
          direction: signals.direction,
          combinedConfidence: signals.combinedConfidence,
          winProbability: signals.winProbability,
          screen: signals.screen,
          proposals: signals.proposals,
          features: signals.features,
          candleCloseTime: signals.candleCloseTime,
          createdAt: signals.createdAt,
          entry: signals.entry,
          stopLoss: signals.stopLoss,
          takeProfit: signals.takeProfit,
          outcome: signals.outcome,
          outcomeSource: signals.outcomeSource,
          outcomePnl: signals.outcomePnl,
        })
        .from(signals)
        .where(labelled(filter))
        .orderBy(
          sql`coalesce(${signals.candleCloseTime}, (extract(epoch from ${signals.createdAt}) * 1000)::bigint)`,
          signals.id,
        );
      return rows.map((r) => ({
        ...r,
        entry: toDec(r.entry)!,
        stopLoss: toDec(r.stopLoss)!,
        takeProfit: toDec(r.takeProfit)!,
        outcomePnl: toDec(r.outcomePnl),
      }));
    },

    /** How many closed signals there are (of these sources): what the retrain hook compares. */
    async countLabelled(filter: LabelledFilter = {}): Promise<number> {
      const [row] = await db.select({ n: count() }).from(signals).where(labelled(filter));
      return Number(row?.n ?? 0);
    },
  };
}

export type MlModelsRepository = ReturnType<typeof createMlModelsRepository>;
