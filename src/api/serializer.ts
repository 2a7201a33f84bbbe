/**
 * The response serializer: the zod response schemas still decide what a body may contain
 * (unknown fields are dropped, so nothing unlisted can leak), but without a full zod encode of
 * every response. fastify-type-provider-zod's serializer runs safeEncode on each body (for a page
 * of 50 positions, 1,500 fields) and then JSON.stringify; here each response schema is compiled
 * once into a function that copies the listed fields, in the schema's order, after a typeof check
 * per field. Anything the compiled copy is not sure of (a schema kind it does not know, a check
 * such as .int() that fails, a value of the wrong type, a missing field) goes to the zod
 * serializer, so the answer is then exactly what zod gives: the same body, or the same 500.
 */
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

/** A compiled copy: the value to serialize, or MISS when zod must decide. */
type Copy = (value: unknown) => unknown;
const MISS: unique symbol = Symbol('miss');

type AnySchema = z.core.$ZodType;
// Zod 4 keeps a schema's kind and parts in _zod.def; only the kinds response schemas use here.
type Def = {
  type: string;
  checks?: unknown[];
  shape?: Record<string, AnySchema>;
  catchall?: AnySchema;
  element?: AnySchema;
  innerType?: AnySchema;
  entries?: Record<string, string | number>;
};
const defOf = (schema: AnySchema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** A leaf with checks (.int(), .min(), a format): zod checks that one value, cheaply. */
function checkedLeaf(schema: AnySchema): Copy {
  const s = schema as unknown as z.ZodType;
  return (value) => {
    const result = s.safeParse(value);
    return result.success && result.data === value ? value : MISS;
  };
}

/** Compile `schema` into a Copy, or undefined when it uses a kind this does not handle. */
function compile(schema: AnySchema): Copy | undefined {
  const def = defOf(schema);
  const hasChecks = (def.checks?.length ?? 0) > 0;
  switch (def.type) {
    case 'string':
      return hasChecks ? checkedLeaf(schema) : (v) => (typeof v === 'string' ? v : MISS);
    case 'boolean':
      return hasChecks ? checkedLeaf(schema) : (v) => (typeof v === 'boolean' ? v : MISS);
    case 'number':
      // zod refuses NaN and Infinity (JSON would print null).
      return hasChecks
        ? checkedLeaf(schema)
        : (v) => (typeof v === 'number' && Number.isFinite(v) ? v : MISS);
    case 'enum': {
      if (hasChecks || !def.entries) return undefined;
      const allowed = new Set<unknown>(Object.values(def.entries));
      return (v) => (allowed.has(v) ? v : MISS);
    }
    case 'unknown':
    case 'any':
      // Passed through as is (zod does the same); undefined is left to zod, which refuses a
      // missing required field.
      return hasChecks ? undefined : (v) => (v === undefined ? MISS : v);
    case 'nullable': {
      const inner = def.innerType && compile(def.innerType);
      return inner && !hasChecks ? (v) => (v === null ? null : inner(v)) : undefined;
    }
    case 'optional': {
      const inner = def.innerType && compile(def.innerType);
      return inner && !hasChecks ? (v) => (v === undefined ? undefined : inner(v)) : undefined;
    }
    case 'array': {
      const element = def.element && compile(def.element);
      if (!element || hasChecks) return undefined;
      return (v) => {
        if (!Array.isArray(v)) return MISS;
        const out = new Array(v.length);
        for (let i = 0; i < v.length; i++) {
          const item = element(v[i]);
          if (item === MISS) return MISS;
          out[i] = item;
        }
        return out;
      };
    }
    case 'object': {
      // A catchall (strictObject, looseObject) changes what happens to unknown keys: zod's call.
      if (hasChecks || def.catchall || !def.shape) return undefined;
      const keys = Object.keys(def.shape);
      const copies: Copy[] = [];
      for (const key of keys) {
        const copy = compile(def.shape[key]!);
        if (!copy) return undefined;
        copies.push(copy);
      }
      const n = keys.length;
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return MISS;
        const input = v as Record<string, unknown>;
        // Only the schema's keys, in the schema's order (zod's output order).
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const key = keys[i]!;
          const item = copies[i]!(input[key]);
          if (item === MISS) return MISS;
          if (item !== undefined) out[key] = item;
        }
        return out;
      };
    }
    default:
      return undefined;
  }
}

/** Compile a response schema; exported for tests. Undefined: zod serializes it. */
export function compileResponseCopy(
  schema: AnySchema,
): ((value: unknown) => unknown | typeof MISS) | undefined {
  return compile(schema);
}
export { MISS as COPY_MISS };

export const responseSerializerCompiler: FastifySerializerCompiler<unknown> = (route) => {
  const viaZod = zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]);
  const schema = route.schema as AnySchema | undefined;
  const copy = schema && typeof schema === 'object' && '_zod' in schema ? compile(schema) : undefined;
  if (!copy) return viaZod;
  return (data) => {
    const out = copy(data);
    return out === MISS ? viaZod(data) : JSON.stringify(out);
  };
};
