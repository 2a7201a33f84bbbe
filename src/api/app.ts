import fastifyJwt from '@fastify/jwt';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import {
  type CredentialsTester,
  createAccountService,
  createAuthService,
  createLoginThrottle,
  type PasswordHasher,
  type ThrottleLimit,
} from '../auth/index.js';
import { type Clock, systemClock } from '../domain/index.js';
import { createEventBus, type EventBus } from '../events/index.js';
import type { Logger } from '../logging/index.js';
import { createMetrics, type Metrics } from '../metrics/index.js';
import type { AppSecrets } from '../security/index.js';
import { createRepositories, type Repositories, type Store } from '../store/index.js';
import { authGuard, TOKEN_AUDIENCE, TOKEN_ISSUER } from './auth-guard.js';
import type { ApiContext, StreamOptions } from './context.js';
import { createDefaultPorts } from './defaults/index.js';
import { registerDocs } from './docs.js';
import { installErrorHandler } from './errors.js';
import { installHttpHooks } from './http-hooks.js';
import type { BalancePort, MarketDataPort, MarkPricePort, TradingPort } from './ports.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { backtestsRoutes } from './routes/backtests.js';
import { candlesRoutes } from './routes/candles.js';
import { credentialsRoutes } from './routes/credentials.js';
import { eventsRoutes } from './routes/events.js';
import { healthRoutes, type TradingStatus } from './routes/health.js';
import { insightsRoutes } from './routes/insights.js';
import { meRoutes } from './routes/me.js';
import { metricsRoutes } from './routes/metrics.js';
import { positionsRoutes } from './routes/positions.js';
import { settingsRoutes } from './routes/settings.js';
import { signalsRoutes } from './routes/signals.js';
import { tradingRoutes } from './routes/trading.js';
import { responseSerializerCompiler } from './serializer.js';
import { registerDashboard } from './static.js';

export interface AuthOptions {
  /** Access token lifetime; default 15 minutes. */
  accessTokenTtlSec?: number;
  /** Refresh token lifetime; default 30 days. */
  refreshTokenTtlMs?: number;
  /** Failed logins allowed per window, per client IP and per account. */
  loginPerIp?: ThrottleLimit;
  loginPerAccount?: ThrottleLimit;
  /** Registrations per client IP and window. */
  registration?: ThrottleLimit;
  passwords?: PasswordHasher;
}

export interface AppDeps {
  store: Store;
  logger: Logger;
  version: string;
  secrets: AppSecrets;
  clock?: Clock;
  repos?: Repositories;
  events?: EventBus;
  metrics?: Metrics;
  /** Ports the engine and exchange adapter fill; the honest defaults of ./defaults otherwise. */
  trading?: TradingPort;
  balances?: BalancePort;
  credentialsTester?: CredentialsTester;
  markPrices?: MarkPricePort;
  market?: MarketDataPort;
  /** Scheduler and executor status shown by /api/health. */
  tradingStatus?: () => TradingStatus;
  /** PAPER balance before the simulator records one (config PAPER_START_BALANCE). */
  paperStartBalance?: number;
  auth?: AuthOptions;
  stream?: Partial<StreamOptions>;
  /** Serve the OpenAPI document and its UI at /api/docs (default true). */
  docs?: boolean;
  /** Behind a reverse proxy, trust its X-Forwarded-For (the login throttle keys on the client IP). */
  trustProxy?: boolean | string;
}

/**
 * Build the HTTP app from its dependencies, without listening: tests use app.inject(), the
 * `start` command calls listen(). Routes are thin; they call the same functions the CLI does.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger at run time; the generic only differs in msgPrefix.
    loggerInstance: deps.logger as unknown as FastifyBaseLogger,
    trustProxy: deps.trustProxy ?? false,
    bodyLimit: 256 * 1024,
    // Requests are logged by our onResponse hook, with the ?token= of the event stream redacted.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { maxParamLength: 200 },
  });
  app.decorateRequest('userId', '');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  installErrorHandler(app);

  const clock = deps.clock ?? systemClock;
  const repos = deps.repos ?? createRepositories(deps.store.db);
  const events = deps.events ?? createEventBus();
  const metrics = deps.metrics ?? createMetrics();
  const accessTokenTtlSec = deps.auth?.accessTokenTtlSec ?? 15 * 60;

  await app.register(fastifyJwt, {
    secret: deps.secrets.jwtSecret,
    sign: { algorithm: 'HS256', expiresIn: accessTokenTtlSec, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE },
    verify: {
      algorithms: ['HS256'],
      allowedIss: TOKEN_ISSUER,
      allowedAud: TOKEN_AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat', 'typ'],
    },
  });

  const defaults = createDefaultPorts({
    repos,
    clock,
    events,
    paperStartBalance: deps.paperStartBalance ?? 10_000,
  });
  const ctx: ApiContext = {
    store: deps.store,
    logger: deps.logger,
    version: deps.version,
    clock,
    repos,
    events,
    metrics,
    auth: createAuthService({
      users: repos.users,
      refreshTokens: repos.refreshTokens,
      audit: repos.audit,
      clock,
      signAccessToken: (claims) => app.jwt.sign({ ...claims }),
      accessTokenTtlSec,
      refreshTokenTtlMs: deps.auth?.refreshTokenTtlMs ?? 30 * 24 * 3_600_000,
      throttle: createLoginThrottle({
        clock,
        perIp: deps.auth?.loginPerIp,
        perAccount: deps.auth?.loginPerAccount,
      }),
      registrationLimit: deps.auth?.registration,
      passwords: deps.auth?.passwords,
    }),
    account: createAccountService({ repos, credentialsKey: deps.secrets.credentialsKey, clock, events }),
    trading: deps.trading ?? defaults.trading,
    balances: deps.balances ?? defaults.balances,
    credentialsTester: deps.credentialsTester ?? defaults.credentialsTester,
    markPrices: deps.markPrices ?? defaults.markPrices,
    market: deps.market,
    tradingStatus: deps.tradingStatus,
    stream: {
      heartbeatMs: deps.stream?.heartbeatMs ?? 15_000,
      maxBufferedBytes: deps.stream?.maxBufferedBytes ?? 1024 * 1024,
      maxStreamsPerUser: deps.stream?.maxStreamsPerUser ?? 8,
    },
  };

  installHttpHooks(app, ctx);
  if (deps.docs !== false) await registerDocs(app, deps.version);

  healthRoutes(app, ctx);
  metricsRoutes(app, ctx);
  authRoutes(app, ctx);
  eventsRoutes(app, ctx);
  await app.register(async (scope) => {
    scope.addHook('onRequest', authGuard(app));
    meRoutes(scope, ctx);
    settingsRoutes(scope, ctx);
    credentialsRoutes(scope, ctx);
    signalsRoutes(scope, ctx);
    insightsRoutes(scope, ctx);
    backtestsRoutes(scope, ctx);
    positionsRoutes(scope, ctx);
    tradingRoutes(scope, ctx);
    auditRoutes(scope, ctx);
    candlesRoutes(scope, ctx);
  });
  await registerDashboard(app);
  return app;
}
