/**
 * api: the Fastify app (REST + live events over SSE + OpenAPI at /api/docs + /metrics) the
 * dashboard and scripts use. Entry point: buildApp(deps) -> FastifyInstance (not listening).
 * Ports the engine fills later: TradingPort (close, panic, auto-trading, resume), BalancePort,
 * MarkPricePort, and auth's CredentialsTester; createDefaultPorts() gives honest stand-ins.
 * Invariants: every route but health, metrics, docs and auth needs a valid HS256 access token; a
 * user only ever sees or changes their own positions, settings, credentials and audit log (signals
 * are market-wide); secrets never appear in a response or a log line; one error handler maps
 * domain error codes to HTTP statuses, answers 400 with a message per field, and hides 5xx details.
 */
export { type AppDeps, type AuthOptions, buildApp } from './app.js';
export { TOKEN_AUDIENCE, TOKEN_ISSUER } from './auth-guard.js';
export type { StreamOptions } from './context.js';
export {
  createBooksOnlyTrading,
  createDefaultPorts,
  createStoreBalances,
  type DefaultPorts,
  noMarkPrices,
  unavailableCredentialsTester,
} from './defaults/index.js';
export { type ErrorBody, fieldMessages, installErrorHandler } from './errors.js';
export type {
  BalancePort,
  BalanceView,
  CloseOutcome,
  CloseOutcomeKind,
  MarkPricePort,
  PanicReport,
  TradingPort,
} from './ports.js';
