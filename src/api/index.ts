/**
 * api: the Fastify app (REST + live events) the dashboard and scripts use. Entry point:
 * buildApp(deps) -> FastifyInstance (not listening). One error handler maps domain error codes to
 * HTTP statuses and hides 5xx details.
 */
export { type AppDeps, buildApp } from './app.js';
export { type ErrorBody, installErrorHandler } from './errors.js';
