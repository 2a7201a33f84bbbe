/**
 * Building the analysts from the configuration (used by the composition root and the CLI):
 * ANALYST rule|llm, LLM_BASE_URL / LLM_API_KEY / LLM_MODEL / LLM_TIMEOUT_MS, LLM_FALLBACK,
 * LLM_DAILY_TOKEN_CAP, VISION_MODEL (vision off when unset), MIN_CONFIDENCE.
 */
import type { Config } from '../config/index.js';
import type { Clock } from '../domain/index.js';
import type { Logger } from '../logging/index.js';
import { type CombineOptions, resolveCombineOptions } from '../signals/index.js';
import type { AnalysisCache } from './llm/cache.js';
import type { AnalystMode } from './llm/cached-chat.js';
import { createChatClient } from './llm/client.js';
import { createLlmAnalyst } from './llm/llm-analyst.js';
import { createRuleAnalyst } from './rule-analyst.js';
import type { Analyst } from './types.js';
import { createVisionAnalyst } from './vision/vision-analyst.js';

export type AnalystConfig = Pick<
  Config,
  | 'ANALYST'
  | 'LLM_BASE_URL'
  | 'LLM_API_KEY'
  | 'LLM_MODEL'
  | 'LLM_TIMEOUT_MS'
  | 'LLM_FALLBACK'
  | 'LLM_DAILY_TOKEN_CAP'
  | 'VISION_MODEL'
  | 'MIN_CONFIDENCE'
  | 'MIN_WIN_PROBABILITY'
>;

export interface AnalystDeps {
  clock: Clock;
  /** The store's analyses repository (or an in-memory cache): answers and token spend. */
  cache?: AnalysisCache | undefined;
  logger?: Logger | undefined;
  /** 'cache-only' replays recorded answers and never calls a provider (backtests). */
  mode?: AnalystMode;
  /** Overrides ANALYST (the CLI's --analyst). */
  kind?: 'rule' | 'llm';
}

export interface AnalystSet {
  analyst: Analyst;
  vision: Analyst | null;
  combine: CombineOptions;
}

export function createAnalysts(config: AnalystConfig, deps: AnalystDeps): AnalystSet {
  const kind = deps.kind ?? config.ANALYST;
  const needsClient = kind === 'llm' || config.VISION_MODEL !== undefined;
  const client = needsClient
    ? createChatClient({
        baseURL: config.LLM_BASE_URL,
        apiKey: config.LLM_API_KEY,
        timeoutMs: config.LLM_TIMEOUT_MS,
        clock: deps.clock,
      })
    : null;
  const shared = {
    clock: deps.clock,
    cache: deps.cache,
    logger: deps.logger,
    mode: deps.mode ?? 'live',
    dailyTokenCap: config.LLM_DAILY_TOKEN_CAP,
  } as const;
  const analyst =
    kind === 'llm'
      ? createLlmAnalyst({
          ...shared,
          client: client!,
          model: config.LLM_MODEL,
          fallback: config.LLM_FALLBACK,
        })
      : createRuleAnalyst();
  const vision = config.VISION_MODEL
    ? createVisionAnalyst({ ...shared, client: client!, model: config.VISION_MODEL })
    : null;
  return {
    analyst,
    vision,
    combine: resolveCombineOptions({
      minConfidence: config.MIN_CONFIDENCE,
      minWinProbability: config.MIN_WIN_PROBABILITY ?? null,
    }),
  };
}
