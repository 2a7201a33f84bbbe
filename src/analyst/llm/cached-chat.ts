/**
 * The road every model call takes: cache first (a rescan never pays twice; cache-only mode never
 * calls and reports a miss), then the daily token cap, then the provider, then the answer is
 * interpreted and recorded. Concurrent requests for the same key share one call. Never throws.
 */
import { type Clock, DAY_MS } from '../../domain/index.js';
import type { Logger } from '../../logging/index.js';
import { proposalToRecord } from '../proposal.js';
import type { Proposal } from '../types.js';
import type { RawAnswer } from './answer.js';
import type { AnalysisCache, AnalysisKey } from './cache.js';
import { type ChatClient, type ChatMessage, LlmUnavailableError } from './client.js';

export type AnalystMode = 'live' | 'cache-only';

export interface ChatRunnerOptions {
  client: ChatClient;
  model: string;
  cache: AnalysisCache;
  clock: Clock;
  mode: AnalystMode;
  /** Tokens per UTC day (by the injected clock) across all recorded answers; 0 spends nothing. */
  dailyTokenCap: number;
  jsonMode: boolean;
  maxTokens: number;
  temperature?: number | undefined;
  logger?: Logger | undefined;
}

export type ChatOutcome =
  | { kind: 'answer'; proposal: Proposal }
  | { kind: 'miss' }
  | { kind: 'unavailable'; reason: string };

export interface ChatCall {
  key: AnalysisKey;
  /** Built only when the provider is actually called (the vision chart is rendered here). */
  build: () => Promise<{ messages: ChatMessage[]; request: unknown }>;
  /** Turn an answer (fresh or replayed) into a proposal; `rejected` on it is recorded as the error. */
  interpret: (raw: RawAnswer) => Proposal;
  signal?: AbortSignal | undefined;
}

const startOfUtcDay = (ms: number) => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);

export function createChatRunner(options: ChatRunnerOptions) {
  const { cache, clock, logger } = options;
  const inFlight = new Map<string, Promise<ChatOutcome>>();

  async function replay(call: ChatCall): Promise<ChatOutcome | undefined> {
    let hit: Awaited<ReturnType<AnalysisCache['find']>>;
    try {
      hit = await cache.find(call.key);
    } catch (err) {
      logger?.warn({ err, key: call.key }, 'analysis cache read failed; treating as a miss');
      return undefined;
    }
    if (!hit) return undefined;
    const response = (hit.response ?? {}) as Partial<RawAnswer>;
    const proposal = call.interpret({
      text: typeof response.text === 'string' ? response.text : '',
      refusal: response.refusal ?? null,
      finishReason: response.finishReason ?? null,
    });
    return {
      kind: 'answer',
      proposal: {
        ...proposal,
        cached: true,
        model: hit.model ?? options.model,
        latencyMs: hit.latencyMs ?? undefined,
        usage: {
          promptTokens: hit.tokensIn,
          completionTokens: hit.tokensOut,
          totalTokens: hit.tokensIn + hit.tokensOut,
        },
      },
    };
  }

  async function callProvider(call: ChatCall): Promise<ChatOutcome> {
    const now = clock.now();
    let spent: number;
    try {
      spent = await cache.tokensSpentSince(new Date(startOfUtcDay(now)));
    } catch (err) {
      // Spend that cannot be counted is not spent: fail closed.
      logger?.warn({ err }, 'cannot read the daily token spend');
      return { kind: 'unavailable', reason: 'cannot read the daily token spend' };
    }
    if (spent >= options.dailyTokenCap) {
      return {
        kind: 'unavailable',
        reason: `daily token cap reached (${spent} of ${options.dailyTokenCap})`,
      };
    }
    let built: Awaited<ReturnType<ChatCall['build']>>;
    try {
      built = await call.build();
    } catch (err) {
      return { kind: 'unavailable', reason: `could not build the request: ${(err as Error).message}` };
    }
    let answer: Awaited<ReturnType<ChatClient['complete']>>;
    try {
      answer = await options.client.complete({
        model: options.model,
        messages: built.messages,
        jsonMode: options.jsonMode,
        maxTokens: options.maxTokens,
        temperature: options.temperature,
        signal: call.signal,
      });
    } catch (err) {
      if (err instanceof LlmUnavailableError)
        return { kind: 'unavailable', reason: `${err.kind}: ${err.message}` };
      return { kind: 'unavailable', reason: `unexpected: ${(err as Error).message}` };
    }
    const raw: RawAnswer = { text: answer.text, refusal: answer.refusal, finishReason: answer.finishReason };
    const proposal: Proposal = {
      ...call.interpret(raw),
      cached: false,
      model: answer.model,
      latencyMs: answer.latencyMs,
      usage: answer.usage,
    };
    try {
      await cache.save({
        ...call.key,
        model: answer.model,
        request: built.request,
        response: raw,
        proposal: proposalToRecord(proposal),
        tokensIn: answer.usage.promptTokens,
        tokensOut: answer.usage.completionTokens,
        latencyMs: answer.latencyMs,
        error: proposal.rejected,
        createdAt: new Date(now),
      });
    } catch (err) {
      logger?.warn({ err, key: call.key }, 'analysis cache write failed');
    }
    return { kind: 'answer', proposal };
  }

  return {
    async run(call: ChatCall): Promise<ChatOutcome> {
      const replayed = await replay(call);
      if (replayed) return replayed;
      if (options.mode === 'cache-only') return { kind: 'miss' };
      const id = JSON.stringify(call.key);
      const running = inFlight.get(id);
      if (running) return running;
      const promise = callProvider(call).finally(() => inFlight.delete(id));
      inFlight.set(id, promise);
      return promise;
    },
  };
}
