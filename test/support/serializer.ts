/** The API's response serializer for one 200 body schema, as a route compiles it. */
import type { z } from 'zod';
import { responseSerializerCompiler } from '../../src/api/serializer.js';

export function serializerFor(schema: z.ZodType, url: string): (data: unknown) => string {
  return responseSerializerCompiler({ schema, method: 'GET', url, httpStatus: '200' } as never) as (
    data: unknown,
  ) => string;
}
