import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.js';

/** Prometheus text format. Unauthenticated, like most scrape targets: it holds no user data. */
export function metricsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/metrics',
    { schema: { tags: ['system'], summary: 'Prometheus metrics', hide: true } },
    async (_request, reply) => {
      reply.header('content-type', ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  );
}
