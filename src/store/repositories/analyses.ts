import { and, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import { analyses } from '../schema/index.js';

/** The cache key: a rescan of the same candle with the same prompt and analyst never pays twice. */
export interface AnalysisKey {
  symbol: string;
  timeframe: string;
  /** Close time (ms) of the candle analysed. */
  candleCloseTime: number;
  promptVersion: string;
  /** Analyst and model, e.g. "llm:deepseek-chat". */
  analyst: string;
}

export interface NewAnalysis extends AnalysisKey {
  model?: string | null;
  request?: unknown;
  response?: unknown;
  proposal?: unknown;
  features?: unknown;
  tokensIn?: number;
  tokensOut?: number;
  latencyMs?: number | null;
  error?: string | null;
  /** The injected clock's now: the daily token count follows it (backtests run on simulated time). */
  createdAt: Date;
}

export interface AnalysisRecord extends AnalysisKey {
  id: string;
  model: string | null;
  request: unknown;
  response: unknown;
  proposal: unknown;
  features: unknown;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number | null;
  error: string | null;
  createdAt: Date;
}

const byKey = (key: AnalysisKey) =>
  and(
    eq(analyses.symbol, key.symbol),
    eq(analyses.timeframe, key.timeframe),
    eq(analyses.candleCloseTime, key.candleCloseTime),
    eq(analyses.promptVersion, key.promptVersion),
    eq(analyses.analyst, key.analyst),
  );

export function createAnalysesRepository(db: Db) {
  return {
    async find(key: AnalysisKey): Promise<AnalysisRecord | undefined> {
      const [row] = await db.select().from(analyses).where(byKey(key));
      return row;
    },

    /**
     * Record an answer. When the same key is already there (another scan answered first) the
     * first answer wins and is returned with created: false.
     */
    async save(input: NewAnalysis): Promise<{ record: AnalysisRecord; created: boolean }> {
      const [row] = await db
        .insert(analyses)
        .values({
          symbol: input.symbol,
          timeframe: input.timeframe,
          candleCloseTime: input.candleCloseTime,
          promptVersion: input.promptVersion,
          analyst: input.analyst,
          model: input.model ?? null,
          request: input.request ?? null,
          response: input.response ?? null,
          proposal: input.proposal ?? null,
          features: input.features ?? null,
          tokensIn: input.tokensIn ?? 0,
          tokensOut: input.tokensOut ?? 0,
          latencyMs: input.latencyMs ?? null,
          error: input.error ?? null,
          createdAt: input.createdAt,
        })
        .onConflictDoNothing()
        .returning();
      if (row) return { record: row, created: true };
      const existing = await this.find(input);
      return { record: existing!, created: false };
    },

    /** Tokens (prompt + completion) recorded since `since`: the daily spend the cap is checked against. */
    async tokensSpentSince(since: Date): Promise<number> {
      const [row] = await db
        .select({
          total: sql<string | number | null>`coalesce(sum(${analyses.tokensIn} + ${analyses.tokensOut}), 0)`,
        })
        .from(analyses)
        .where(gte(analyses.createdAt, since));
      return Number(row?.total ?? 0);
    },
  };
}

export type AnalysesRepository = ReturnType<typeof createAnalysesRepository>;
