/**
 * The analysis cache port (the store's analyses repository implements it) and an in-memory one
 * for runs without a database. One answer per (symbol, timeframe, candle close, prompt version,
 * analyst); the daily token spend is counted from what was recorded.
 */
export interface AnalysisKey {
  symbol: string;
  timeframe: string;
  candleCloseTime: number;
  promptVersion: string;
  analyst: string;
}

export interface AnalysisEntry extends AnalysisKey {
  model?: string | null;
  request?: unknown;
  response?: unknown;
  proposal?: unknown;
  tokensIn?: number;
  tokensOut?: number;
  latencyMs?: number | null;
  error?: string | null;
  createdAt: Date;
}

export interface CachedAnalysis {
  response: unknown;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number | null;
  model: string | null;
}

export interface AnalysisCache {
  find(key: AnalysisKey): Promise<CachedAnalysis | undefined>;
  /** The first answer for a key wins; saving a second is a no-op. */
  save(entry: AnalysisEntry): Promise<unknown>;
  tokensSpentSince(since: Date): Promise<number>;
}

const keyOf = (k: AnalysisKey) =>
  JSON.stringify([k.symbol, k.timeframe, k.candleCloseTime, k.promptVersion, k.analyst]);

export function createMemoryAnalysisCache(): AnalysisCache {
  const entries = new Map<string, AnalysisEntry>();
  return {
    async find(key) {
      const e = entries.get(keyOf(key));
      return e
        ? {
            response: e.response ?? null,
            tokensIn: e.tokensIn ?? 0,
            tokensOut: e.tokensOut ?? 0,
            latencyMs: e.latencyMs ?? null,
            model: e.model ?? null,
          }
        : undefined;
    },
    async save(entry) {
      const k = keyOf(entry);
      if (!entries.has(k)) entries.set(k, entry);
    },
    async tokensSpentSince(since) {
      let total = 0;
      for (const e of entries.values()) {
        if (e.createdAt.getTime() >= since.getTime()) total += (e.tokensIn ?? 0) + (e.tokensOut ?? 0);
      }
      return total;
    },
  };
}
