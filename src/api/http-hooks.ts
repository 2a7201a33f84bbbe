import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logging/index.js';
import type { ApiContext } from './context.js';

/** The event stream's ?token= must never reach a log line. */
export const redactUrl = (url: string): string => url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');

/**
 * Cross-cutting HTTP behaviour: an empty JSON body counts as no body (a POST with
 * Content-Type: application/json and nothing else), no caching of API answers (they carry
 * tokens and balances), basic hardening headers, one access-log line and one latency sample per
 * request, labelled by route template.
 */
export function installHttpHooks(app: FastifyInstance, ctx: ApiContext): void {
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    return defaultJson(request, text, done);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/docs')) {
      reply.header('cache-control', 'no-store');
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    ctx.metrics.apiLatency.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      seconds,
    );
    // Build the access line only when it will be written: at LOG_LEVEL=warn, a busy server skips
    // the object and the URL's regex on every request. (request.log is a pino child logger.)
    if (!(request.log as unknown as Logger).isLevelEnabled('info')) return;
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        userId: request.userId || undefined,
      },
      'request',
    );
  });
}
