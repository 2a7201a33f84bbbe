/**
 * analyst: from a screen result to a validated trade proposal, and (with src/signals) to a signal.
 *
 * Entry points:
 * - proposeSignal(screenResult, { timeframe, whale?, book?, tickSize?, candles? }, deps) ->
 *   { signal | null, reason, candidate, decision, proposals }; signalToJson(draft) for `scan --json`,
 *   signalRecord(draft, screen) for a backtest's trade (the same plus features and screen);
 *   proposeSignalNow, the same outcome without a promise when the deps need no waiting.
 * - createAnalysts(config, { clock, cache?, mode?, kind? }) -> { analyst, vision, combine }.
 * - The Analyst port and its adapters: createRuleAnalyst (default, deterministic),
 *   createLlmAnalyst (any OpenAI-compatible endpoint, cached, token-capped, falls back to rule),
 *   createVisionAnalyst (chart PNG to a vision model). contextFromScreen adapts a ScreenResult.
 * - validatePlan / smartEntry / atrPlan: the validation every analyst's plan passes.
 * - renderCandleChart(candles, options) -> PNG (candles, EMA 9/21/200, Bollinger, volume).
 *
 * Invariants: an analyst never throws for a bad answer or an unavailable provider, it returns a
 * proposal saying why; a LONG/SHORT proposal always has valid decimal prices (stop and target on
 * the correct side, stop 0.5%..2.5% of entry, reward-to-risk >= 1.3, tick-rounded); every change
 * to an analyst's numbers is recorded in `fixes`; a fallback is recorded in `fallback`; a model
 * answer is paid for once per (symbol, timeframe, candle close, prompt version, analyst+model).
 */
export { type ContextExtras, type ContextResult, contextFromScreen } from './context.js';
export { DraftCapture, type DraftFields, signalRecord, signalToJson } from './draft-record.js';
export { type AnalystConfig, type AnalystDeps, type AnalystSet, createAnalysts } from './from-config.js';
export {
  type LogicAnswer,
  logicAnswerSchema,
  parseAnswer,
  type VisionAnswer,
  visionAnswerSchema,
} from './llm/answer.js';
export {
  type AnalysisCache,
  type AnalysisEntry,
  type AnalysisKey,
  createMemoryAnalysisCache,
} from './llm/cache.js';
export { type AnalystMode, createChatRunner } from './llm/cached-chat.js';
export {
  type ChatAnswer,
  type ChatClient,
  type ChatClientOptions,
  type ChatMessage,
  type ChatRequest,
  createChatClient,
  LlmUnavailableError,
  retryAfterMs,
} from './llm/client.js';
export { createLlmAnalyst, interpretLogicAnswer, type LlmAnalystOptions } from './llm/llm-analyst.js';
export { logicMessages, PROMPT_VERSION, promptData, VISION_PROMPT_VERSION } from './llm/prompt.js';
export { noTrade, proposalToRecord } from './proposal.js';
export {
  type ProposeDeps,
  type ProposeOutcome,
  proposeSignal,
  proposeSignalNow,
  type SignalDraft,
} from './propose.js';
export { createRuleAnalyst, type RuleAnalystOptions, ruleProposal } from './rule-analyst.js';
export type { Analyst, AnalystContext, EntryType, Proposal, RawPlan, TokenUsage } from './types.js';
export {
  atrPlan,
  smartEntry,
  VALIDATION_DEFAULTS,
  type ValidatedPlan,
  type ValidationResult,
  type ValidationRules,
  validatePlan,
} from './validate.js';
export { CHART_COLORS, type ChartOptions, renderCandleChart } from './vision/chart.js';
export {
  createVisionAnalyst,
  interpretVisionAnswer,
  type VisionAnalystOptions,
} from './vision/vision-analyst.js';
