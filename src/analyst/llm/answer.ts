/**
 * Reading a model's answer. Whatever comes back (prose, a fenced or truncated JSON, missing or
 * extra fields, NaN, a refusal, text that tries to steer the system) ends here as either a typed
 * answer with the fixes made to it, or a rejection with the reason. Nothing here throws.
 */
import { z } from 'zod';

export type AnswerResult<T> = { ok: true; value: T; fixes: string[] } | { ok: false; reason: string };

export interface RawAnswer {
  text: string;
  refusal?: string | null | undefined;
  finishReason?: string | null | undefined;
}

const MAX_REASONING = 1000;

// Instruction-like text in an answer: a model (or data it was fed) trying to steer what we do
// with the answer. The answer is data; anything that reads as an order to us rejects it.
const STEERING: RegExp[] = [
  /\b(ignore|disregard|forget)\b[^.]{0,40}\b(previous|prior|above|earlier|all|system|your)\b[^.]{0,20}\b(instructions?|rules?|prompts?|constraints?|limits?)\b/i,
  /\b(system prompt|developer message|new instructions?)\b/i,
  /\byou are now\b/i,
  /<\|?(system|im_start|im_end|assistant)\|?>|\[\/?INST\]/i,
  /\b(override|bypass|disable|skip)\b[^.]{0,30}\b(risk|validation|stop[- ]?loss|limits?|checks?|rules?)\b/i,
  /\b(set|use|raise|increase|max(imum)?)\b[^.]{0,15}\bleverage\b/i,
  /\b(all[- ]in|withdraw|transfer (the )?funds|api[ _-]?keys?|private key|secret key)\b/i,
];

const REFUSAL =
  /\b(I can(?:no|['’])t (help|assist|provide|do)|I(?:['’]m| am) (sorry|unable|not able)|I won['’]t|as an AI\b|cannot provide (financial|investment) advice|not (financial|investment) advice)/i;

/** The JSON object in an answer: the whole text, a fenced block, or (recorded as a fix) inside prose. */
export function extractJson(raw: RawAnswer): AnswerResult<Record<string, unknown>> {
  if (raw.refusal) return { ok: false, reason: `model refused: ${raw.refusal.slice(0, 200)}` };
  const fixes: string[] = [];
  // Reasoning models served by Ollama or llama.cpp put their thinking in <think> blocks.
  let text = raw.text.replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  const steering = STEERING.map((re) => re.exec(text)).find((m) => m !== null);
  if (steering)
    return { ok: false, reason: `answer tries to steer the system ("${steering[0].slice(0, 80)}")` };
  if (text === '') {
    return {
      ok: false,
      reason: raw.finishReason === 'length' ? 'answer truncated before any output' : 'empty answer',
    };
  }
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/i.exec(text);
  if (fence) text = fence[1]!.trim();
  if (!text.startsWith('{')) {
    const start = text.indexOf('{');
    const end = text.lastIndexOf('}');
    if (start < 0 || end <= start) {
      if (REFUSAL.test(text)) return { ok: false, reason: `model refused: ${oneLine(text)}` };
      if (start >= 0 || raw.finishReason === 'length')
        return { ok: false, reason: 'answer truncated: incomplete JSON' };
      return { ok: false, reason: `no JSON in the answer (prose): ${oneLine(text)}` };
    }
    text = text.slice(start, end + 1);
    fixes.push('JSON extracted from prose around it');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const truncated = raw.finishReason === 'length' || !text.trimEnd().endsWith('}');
    return {
      ok: false,
      reason: truncated
        ? `answer truncated: incomplete JSON${raw.finishReason === 'length' ? ' (finish_reason length)' : ''}`
        : `not valid JSON: ${(err as Error).message.slice(0, 120)}`,
    };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { ok: false, reason: 'answer is JSON but not an object' };
  }
  return { ok: true, value: parsed as Record<string, unknown>, fixes };
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').slice(0, 160);

// A price: a finite number or a numeric string; null (no price) is allowed, validation decides.
// Magnitudes beyond float64 ("1e999999") are refused here: as decimals they would print as
// strings of a million digits further on.
const priceField = z
  .union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/, 'not a number')])
  .refine((v) => Number.isFinite(Number(v)), 'not a finite number')
  .nullable()
  .optional()
  .transform((v) => (v === undefined || v === null ? null : String(v).trim()));

const direction = z
  .string()
  .transform((v) => v.trim().toUpperCase())
  .pipe(z.enum(['LONG', 'SHORT', 'NONE']));

const reasoning = z.string().optional().default('');

/** What the logic model must answer. Extra keys are rejected: the model did not follow the format. */
export const logicAnswerSchema = z.strictObject({
  direction,
  confidence: z.number().finite(),
  entry: priceField,
  stopLoss: priceField,
  takeProfit: priceField,
  /** Accepted and ignored: the smart-entry rule decides the entry type. */
  entryType: z.enum(['MARKET', 'LIMIT']).nullable().optional(),
  reasoning,
});
export type LogicAnswer = z.output<typeof logicAnswerSchema>;

/** What the vision model must answer. */
export const visionAnswerSchema = z.strictObject({
  direction,
  confidence: z.number().finite(),
  reasoning,
});
export type VisionAnswer = z.output<typeof visionAnswerSchema>;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 4)
    .map((i) => {
      if (i.code === 'unrecognized_keys') return `unexpected field(s) ${i.keys.join(', ')}`;
      const path = i.path.join('.') || 'answer';
      return i.code === 'invalid_type' && i.input === undefined ? `${path} missing` : `${path}: ${i.message}`;
    })
    .join('; ');
}

/** Read an answer with a schema; confidence is clamped to 0..100 and long reasoning cut, both as fixes. */
export function parseAnswer<S extends typeof logicAnswerSchema | typeof visionAnswerSchema>(
  raw: RawAnswer,
  schema: S,
): AnswerResult<z.output<S>> {
  const json = extractJson(raw);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value);
  if (!result.success)
    return { ok: false, reason: `answer does not match the format: ${describeIssues(result.error)}` };
  const value = { ...result.data } as z.output<S>;
  const fixes = [...json.fixes];
  if (value.confidence < 0 || value.confidence > 100) {
    fixes.push(`confidence ${value.confidence} clamped to 0..100`);
    value.confidence = Math.min(100, Math.max(0, value.confidence));
  }
  // Control characters out (the reasoning is shown on the dashboard and stored), length bounded.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  let text = value.reasoning.replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, ' ').trim();
  if (text.length > MAX_REASONING) {
    text = `${text.slice(0, MAX_REASONING)}…`;
    fixes.push(`reasoning cut to ${MAX_REASONING} characters`);
  }
  value.reasoning = text;
  return { ok: true, value, fixes };
}
