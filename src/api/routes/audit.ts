import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { authErrors, bearer, isoDate, limitParam } from '../schemas.js';

export function auditRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/audit',
    {
      schema: {
        tags: ['account'],
        summary: 'Your own audit log, newest first',
        security: bearer,
        querystring: z.strictObject({
          limit: limitParam(),
          cursor: z.coerce
            .number({ error: 'must be the nextCursor of a previous page' })
            .int({ error: 'must be the nextCursor of a previous page' })
            .positive({ error: 'must be the nextCursor of a previous page' })
            .optional(),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number(),
                kind: z.string(),
                message: z.string(),
                data: z.unknown(),
                at: isoDate,
              }),
            ),
            nextCursor: z.string().nullable(),
          }),
          ...authErrors,
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await ctx.repos.audit.listByUser(request.userId, limit + 1, cursor);
      const items = rows.slice(0, limit);
      return {
        items: items.map((e) => ({
          id: e.id,
          kind: e.kind,
          message: e.message,
          data: e.data,
          at: e.at.toISOString(),
        })),
        nextCursor: rows.length > limit ? String(items.at(-1)!.id) : null,
      };
    },
  );
}
