/**
 * Serves the built dashboard (web/dist, made by `npm run build:web`) from the API's own origin, so
 * `neurotrade start` is the whole product at one URL. Hashed assets are cached for a year; every
 * client route (/settings, /chart?symbol=...) answers index.html, never cached, so a reload works
 * and a new build is picked up. /api/*, /metrics and missing files keep the API's JSON 404.
 * When web/dist has not been built, nothing is registered and the API works alone.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** web/dist beside src/ (and beside dist/ once compiled: both sit one level under the root). */
export const DEFAULT_DASHBOARD_DIR = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The page may only talk to its own origin; no inline script, no framing. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // React and lightweight-charts set style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const NOT_THE_APP = /^\/(api|metrics)(\/|$)/;

function shellHeaders(reply: { header(name: string, value: string): unknown }) {
  reply.header('cache-control', 'no-cache');
  reply.header('content-security-policy', DASHBOARD_CSP);
  reply.header('x-frame-options', 'DENY');
  // The event stream's ?token= must not leak through a Referer.
  reply.header('referrer-policy', 'no-referrer');
}

/**
 * Register the dashboard on `app` (after the API routes). Returns whether it was served: false
 * when `dir` has no index.html (not built).
 */
export async function registerDashboard(
  app: FastifyInstance,
  options: { dir?: string } = {},
): Promise<boolean> {
  const dir = options.dir ?? DEFAULT_DASHBOARD_DIR;
  if (!existsSync(join(dir, 'index.html'))) {
    app.log.info({ dir }, 'dashboard not built (npm run build:web): serving the API only');
    return false;
  }
  await app.register(async (scope) => {
    await scope.register(fastifyStatic, {
      root: dir,
      // Files are listed once at start; a route per file, so unknown paths reach the fallback below.
      wildcard: false,
      dotfiles: 'deny',
      cacheControl: false,
      setHeaders(reply, path) {
        if (/[\\/]assets[\\/]/.test(path))
          reply.header('cache-control', 'public, max-age=31536000, immutable');
        else shellHeaders(reply);
      },
    });
    scope.get('/*', { schema: { hide: true } }, (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      // API paths and files that do not exist (an old hashed asset) are 404s, not the app.
      if (NOT_THE_APP.test(path) || /\.[A-Za-z0-9]{1,8}$/.test(path)) return reply.callNotFound();
      shellHeaders(reply);
      return reply.sendFile('index.html');
    });
  });
  return true;
}
