/**
 * The vision analyst (on when VISION_MODEL is set): the candle chart as a PNG to a vision-capable
 * chat model, direction and confidence back. It proposes no prices; its agreement with the logic
 * analyst is the ai_agreement feature. Cached like the LLM analyst (the image is not stored, its
 * hash is). Provider trouble or a bad answer: no opinion, with the reason.
 */
import { createHash } from 'node:crypto';
import type { Candle } from '../../domain/index.js';
import { parseAnswer, type RawAnswer, visionAnswerSchema } from '../llm/answer.js';
import { type AnalysisCache, createMemoryAnalysisCache } from '../llm/cache.js';
import { type AnalystMode, type ChatRunnerOptions, createChatRunner } from '../llm/cached-chat.js';
import { VISION_PROMPT_VERSION, visionMessages } from '../llm/prompt.js';
import { clampConfidence, noTrade } from '../proposal.js';
import type { Analyst, Proposal } from '../types.js';
import { type ChartOptions, renderCandleChart } from './chart.js';

export interface VisionAnalystOptions
  extends Omit<ChatRunnerOptions, 'cache' | 'mode' | 'jsonMode' | 'maxTokens'> {
  cache?: AnalysisCache | undefined;
  mode?: AnalystMode;
  jsonMode?: boolean;
  maxTokens?: number;
  /** Fewer candles than this: no chart worth reading. */
  minCandles?: number;
  chart?: ChartOptions;
  render?: (candles: readonly Candle[], options: ChartOptions) => Promise<Buffer>;
  promptVersion?: string;
}

export function interpretVisionAnswer(raw: RawAnswer): Proposal {
  const parsed = parseAnswer(raw, visionAnswerSchema);
  if (!parsed.ok) return noTrade('vision', '', { rejected: `vision answer rejected: ${parsed.reason}` });
  const a = parsed.value;
  return {
    ...noTrade('vision', a.reasoning, { fixes: parsed.fixes }),
    direction: a.direction,
    confidence: clampConfidence(a.confidence),
  };
}

export function createVisionAnalyst(options: VisionAnalystOptions): Analyst {
  const minCandles = options.minCandles ?? 50;
  const render = options.render ?? renderCandleChart;
  const runner = createChatRunner({
    ...options,
    cache: options.cache ?? createMemoryAnalysisCache(),
    mode: options.mode ?? 'live',
    jsonMode: options.jsonMode ?? true,
    maxTokens: options.maxTokens ?? 400,
    temperature: options.temperature ?? 0.2,
  });
  return {
    name: 'vision',
    async analyze(context, signal) {
      const candles = context.candles ?? [];
      if (candles.length < minCandles) {
        return noTrade('vision', '', {
          rejected: `not enough candles for a chart (${candles.length} < ${minCandles})`,
        });
      }
      const outcome = await runner.run({
        key: {
          symbol: context.symbol,
          timeframe: context.timeframe,
          candleCloseTime: context.candleCloseTime,
          promptVersion: options.promptVersion ?? VISION_PROMPT_VERSION,
          analyst: `vision:${options.model}`,
        },
        build: async () => {
          const png = await render(candles, {
            title: `${context.symbol} ${context.timeframe}`,
            ...options.chart,
          });
          const messages = visionMessages(context, png.toString('base64'));
          const image = { sha256: createHash('sha256').update(png).digest('hex'), bytes: png.length };
          return { messages, request: { model: options.model, system: messages[0]!.content, image } };
        },
        interpret: interpretVisionAnswer,
        signal,
      });
      if (outcome.kind === 'answer') return outcome.proposal;
      if (outcome.kind === 'miss') {
        return noTrade('vision', '', {
          rejected: 'no recorded answer for this candle (cache-only mode)',
          cacheMiss: true,
        });
      }
      return noTrade('vision', '', {
        rejected: `vision unavailable: ${outcome.reason}`,
        model: options.model,
      });
    },
  };
}
