/**
 * The chat client: any OpenAI-compatible chat-completions endpoint through the `openai` SDK
 * (DeepSeek by default; OpenAI, Ollama, vLLM, llama.cpp). Our own retry loop instead of the SDK's,
 * so the bounds are ours: a timeout per attempt, at most maxRetries retries with exponential
 * backoff, the provider's Retry-After honoured (and a wait longer than maxRetryAfterMs is not
 * waited: the caller falls back instead), at most maxConcurrent requests in flight.
 * It throws LlmUnavailableError when the provider cannot answer; an answer, good or bad, is returned.
 */
import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { type Clock, systemClock } from '../../domain/index.js';
import type { TokenUsage } from '../types.js';

export type ChatMessage = ChatCompletionMessageParam;

export interface ChatClientOptions {
  baseURL: string;
  /** Local servers (Ollama, llama.cpp) need none. */
  apiKey?: string | undefined;
  /** Per attempt. */
  timeoutMs: number;
  maxRetries?: number;
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A Retry-After longer than this is not waited for. */
  maxRetryAfterMs?: number;
  maxConcurrent?: number;
  /** Resolves Retry-After given as an HTTP date. */
  clock?: Clock;
  /** Monotonic milliseconds, for latency. */
  monotonicMs?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  /** response_format json_object (DeepSeek, OpenAI, Ollama, vLLM and llama.cpp support it). */
  jsonMode?: boolean;
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal | undefined;
}

export interface ChatAnswer {
  text: string;
  /** OpenAI's structured refusal, when the provider sends one. */
  refusal: string | null;
  finishReason: string | null;
  usage: TokenUsage;
  model: string;
  latencyMs: number;
  attempts: number;
}

export type UnavailableKind =
  | 'timeout'
  | 'rate_limited'
  | 'server'
  | 'network'
  | 'auth'
  | 'bad_request'
  | 'aborted';

/** The provider did not answer (down, slow, rate-limited, refusing our credentials or request). */
export class LlmUnavailableError extends Error {
  override name = 'LlmUnavailableError';
  readonly kind: UnavailableKind;
  readonly status: number | undefined;
  readonly attempts: number;
  constructor(kind: UnavailableKind, message: string, attempts: number, status?: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.kind = kind;
    this.status = status;
    this.attempts = attempts;
  }
}

export interface ChatClient {
  complete(request: ChatRequest): Promise<ChatAnswer>;
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Retry-After in ms from retry-after-ms, retry-after seconds or an HTTP date; null when absent. */
export function retryAfterMs(headers: Headers | undefined, nowMs: number): number | null {
  const ms = headers?.get('retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers?.get('retry-after');
  if (!value) return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.max(0, Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : null;
}

interface Failure {
  kind: UnavailableKind;
  retryable: boolean;
  status?: number | undefined;
  waitMs: number | null;
  message: string;
}

function classify(err: unknown, nowMs: number): Failure {
  if (err instanceof OpenAI.APIUserAbortError)
    return { kind: 'aborted', retryable: false, waitMs: null, message: 'aborted' };
  if (err instanceof OpenAI.APIConnectionTimeoutError) {
    return { kind: 'timeout', retryable: true, waitMs: null, message: 'timed out' };
  }
  if (err instanceof OpenAI.APIConnectionError) {
    return { kind: 'network', retryable: true, waitMs: null, message: `connection failed: ${err.message}` };
  }
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    const waitMs = retryAfterMs(err.headers, nowMs);
    const detail = `HTTP ${status}: ${err.message}`.slice(0, 300);
    if (status === 429) return { kind: 'rate_limited', retryable: true, status, waitMs, message: detail };
    if (status === 401 || status === 403)
      return { kind: 'auth', retryable: false, status, waitMs, message: detail };
    if (status === 408 || status === 409 || status >= 500) {
      return { kind: 'server', retryable: true, status, waitMs, message: detail };
    }
    return { kind: 'bad_request', retryable: false, status, waitMs, message: detail };
  }
  return {
    kind: 'network',
    retryable: false,
    waitMs: null,
    message: err instanceof Error ? err.message : String(err),
  };
}

export function createChatClient(options: ChatClientOptions): ChatClient {
  const maxRetries = options.maxRetries ?? 2;
  const backoffMs = options.backoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 8_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 30_000;
  const clock = options.clock ?? systemClock;
  const monotonicMs = options.monotonicMs ?? (() => performance.now());
  const sleep = options.sleep ?? defaultSleep;
  const sdk = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey ?? 'not-needed',
    timeout: options.timeoutMs,
    maxRetries: 0,
    // Otherwise the SDK reads OPENAI_ORG_ID / OPENAI_PROJECT_ID from the environment itself.
    organization: null,
    project: null,
  });

  // At most maxConcurrent requests in flight; the rest queue in order.
  let active = 0;
  const waiting: Array<() => void> = [];
  const maxConcurrent = options.maxConcurrent ?? 4;
  async function acquire(): Promise<void> {
    if (active < maxConcurrent) {
      active++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  async function attempt(request: ChatRequest) {
    return sdk.chat.completions.create(
      {
        model: request.model,
        messages: request.messages,
        ...(request.jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
        ...(request.maxTokens ? { max_tokens: request.maxTokens } : {}),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      },
      request.signal ? { signal: request.signal } : undefined,
    );
  }

  return {
    async complete(request) {
      await acquire();
      try {
        for (let attempts = 1; ; attempts++) {
          const started = monotonicMs();
          try {
            const completion = await attempt(request);
            const choice = completion.choices?.[0];
            const message = choice?.message;
            const usage = completion.usage;
            return {
              text: typeof message?.content === 'string' ? message.content : '',
              refusal: message?.refusal ?? null,
              finishReason: choice?.finish_reason ?? null,
              usage: {
                promptTokens: usage?.prompt_tokens ?? 0,
                completionTokens: usage?.completion_tokens ?? 0,
                totalTokens:
                  usage?.total_tokens ?? (usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0),
              },
              model: completion.model ?? request.model,
              latencyMs: Math.round(monotonicMs() - started),
              attempts,
            };
          } catch (err) {
            const failure = classify(err, clock.now());
            const fail = (message: string) =>
              new LlmUnavailableError(failure.kind, message, attempts, failure.status, err);
            if (!failure.retryable) throw fail(failure.message);
            if (attempts > maxRetries) throw fail(`${failure.message} (after ${attempts} attempts)`);
            if (failure.waitMs !== null && failure.waitMs > maxRetryAfterMs) {
              throw fail(
                `${failure.message}: provider asks to wait ${Math.ceil(failure.waitMs / 1000)} s, more than ${maxRetryAfterMs / 1000} s`,
              );
            }
            const backoff = Math.min(maxBackoffMs, backoffMs * 2 ** (attempts - 1));
            try {
              await sleep(Math.max(backoff, failure.waitMs ?? 0), request.signal);
            } catch {
              throw new LlmUnavailableError(
                'aborted',
                'aborted while waiting to retry',
                attempts,
                undefined,
                err,
              );
            }
          }
        }
      } finally {
        release();
      }
    },
  };
}
