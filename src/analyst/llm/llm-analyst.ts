/**
 * The LLM analyst: the metrics and the rules to a chat model, a JSON trade plan back, validated
 * like every analyst's. Provider down, slow, rate-limited or over the daily token cap: the rule
 * analyst answers instead (LLM_FALLBACK=rule) and the proposal records why in `fallback`.
 * A bad answer is not a provider failure: it is rejected (or fixed) with the reason, no fallback.
 */
import { Dec } from '../../domain/index.js';
import { clampConfidence, noTrade, proposalFromPlan } from '../proposal.js';
import { ruleProposal } from '../rule-analyst.js';
import type { Analyst, AnalystContext, Proposal } from '../types.js';
import { VALIDATION_DEFAULTS, type ValidationRules } from '../validate.js';
import { logicAnswerSchema, parseAnswer, type RawAnswer } from './answer.js';
import { type AnalysisCache, createMemoryAnalysisCache } from './cache.js';
import { type AnalystMode, type ChatRunnerOptions, createChatRunner } from './cached-chat.js';
import { logicMessages, PROMPT_VERSION } from './prompt.js';

export interface LlmAnalystOptions
  extends Omit<ChatRunnerOptions, 'cache' | 'mode' | 'jsonMode' | 'maxTokens'> {
  cache?: AnalysisCache | undefined;
  mode?: AnalystMode;
  /** What answers when the provider cannot: the rule analyst, or nobody. */
  fallback: 'rule' | 'none';
  /** Defaults to on, except for reasoning models that do not take response_format. */
  jsonMode?: boolean;
  maxTokens?: number;
  rules?: ValidationRules;
  promptVersion?: string;
}

export function interpretLogicAnswer(
  raw: RawAnswer,
  context: AnalystContext,
  rules: ValidationRules = VALIDATION_DEFAULTS,
): Proposal {
  const parsed = parseAnswer(raw, logicAnswerSchema);
  if (!parsed.ok) return noTrade('llm', '', { rejected: `llm answer rejected: ${parsed.reason}` });
  const a = parsed.value;
  if (a.direction === 'NONE') {
    return noTrade('llm', a.reasoning, { confidence: clampConfidence(a.confidence), fixes: parsed.fixes });
  }
  const toDec = (v: string | null) => (v === null ? null : new Dec(v));
  return proposalFromPlan(
    'llm',
    {
      direction: a.direction,
      confidence: a.confidence,
      entry: toDec(a.entry),
      stopLoss: toDec(a.stopLoss),
      takeProfit: toDec(a.takeProfit),
    },
    context,
    a.reasoning,
    parsed.fixes,
    rules,
  );
}

export function createLlmAnalyst(options: LlmAnalystOptions): Analyst {
  const rules = options.rules ?? VALIDATION_DEFAULTS;
  const promptVersion = options.promptVersion ?? PROMPT_VERSION;
  const runner = createChatRunner({
    ...options,
    cache: options.cache ?? createMemoryAnalysisCache(),
    mode: options.mode ?? 'live',
    jsonMode: options.jsonMode ?? !/reason/i.test(options.model),
    maxTokens: options.maxTokens ?? 800,
    temperature: options.temperature ?? 0.2,
  });

  return {
    name: 'llm',
    async analyze(context, signal) {
      const outcome = await runner.run({
        key: {
          symbol: context.symbol,
          timeframe: context.timeframe,
          candleCloseTime: context.candleCloseTime,
          promptVersion,
          analyst: `llm:${options.model}`,
        },
        build: async () => {
          const messages = logicMessages(context, rules);
          return { messages, request: { model: options.model, messages } };
        },
        interpret: (raw) => interpretLogicAnswer(raw, context, rules),
        signal,
      });
      if (outcome.kind === 'answer') return outcome.proposal;
      if (outcome.kind === 'miss') {
        return noTrade('llm', '', {
          rejected: 'no recorded answer for this candle (cache-only mode)',
          cacheMiss: true,
          model: options.model,
        });
      }
      const why = `llm unavailable: ${outcome.reason}`;
      if (options.fallback === 'rule') return { ...ruleProposal(context, 0, rules), fallback: why };
      return noTrade('llm', '', { rejected: why, model: options.model });
    },
  };
}
