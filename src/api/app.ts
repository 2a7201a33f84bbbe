import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logging/index.js';
import type { Store } from '../store/index.js';
import { installErrorHandler } from './errors.js';
import { healthRoutes } from './routes/health.js';

export interface AppDeps {
  store: Store;
  logger: Logger;
  version: string;
}

/**
 * Build the HTTP app from its dependencies, without listening: tests use app.inject(), the
 * `start` command calls listen(). Routes are thin; they call the same functions the CLI does.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger at run time; the generic only differs in msgPrefix.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    trustProxy: false,
    bodyLimit: 256 * 1024,
  });
  installErrorHandler(app);
  healthRoutes(app, deps);
  return app;
}
