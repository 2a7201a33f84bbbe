/**
 * The composition root: the one place that decides which adapter backs which port (store kind,
 * market feed, exchange, analysts) and wires them. The CLI, the server and end-to-end tests all
 * build the system through createRuntime().
 */
import { mkdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './api/index.js';
import type { Config } from './config/index.js';
import { systemClock } from './domain/index.js';
import { createEventBus, type EventBus } from './events/index.js';
import { openScaleOut, PARTITIONS, type Worker, type WorkerOptions } from './jobs/index.js';
import { createLogger, type Logger } from './logging/index.js';
import { createMetrics, type Metrics } from './metrics/index.js';
import { type AppSecrets, loadOrCreateSecrets } from './security/index.js';
import { createRepositories, openStore, type Store } from './store/index.js';
import {
  type ExecutionService,
  startExecution,
  startTradingService,
  type TradingService,
} from './trading/index.js';

export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Something that runs in the background and must be stopped, in reverse order, on shutdown. */
export interface Service {
  name: string;
  stop(): Promise<void>;
}

export interface Runtime {
  config: Config;
  logger: Logger;
  store: Store;
  secrets: AppSecrets;
  /** Live events: the engine publishes, the API's SSE stream delivers. */
  events: EventBus;
  /** The process's Prometheus registry, served at /metrics. */
  metrics: Metrics;
  app: FastifyInstance;
  trading: TradingService;
  /** The execution engine with every user's account, the fan-out and the API's trading ports. */
  execution: ExecutionService;
  /** On PostgreSQL: this process as a scale-out worker (src/jobs); absent on the embedded store. */
  worker: Worker | undefined;
  /** Listen on HOST:PORT; resolves to the URL. */
  listen(): Promise<string>;
  /** Graceful shutdown: background services first, then HTTP (in-flight requests finish), then the store. */
  stop(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: Logger;
  /** Scale-out tuning (PostgreSQL only). */
  worker?: WorkerOptions;
  /**
   * Scale-out: the lease connection was lost, so this process may no longer trade anything.
   * Default: log and exit with code 1 (a supervisor restarts the process, which leases afresh).
   */
  onFatal?: (err: Error) => void;
}

export async function createRuntime(config: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  mkdirSync(config.DATA_DIR, { recursive: true });
  const secrets = loadOrCreateSecrets({
    dataDir: config.DATA_DIR,
    jwtSecret: config.JWT_SECRET,
    credentialsKey: config.CREDENTIALS_KEY,
  });

  const store = await openStore({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const services: Service[] = [];
  try {
    const migrations = await store.migrate();
    logger.info(
      { store: store.kind, migrations: migrations.applied, latest: migrations.latest },
      'store ready',
    );
  } catch (err) {
    await store.close();
    throw err;
  }

  const clock = systemClock;
  const repos = createRepositories(store.db);
  const localEvents = createEventBus({
    onListenerError: (err) => logger.error({ err }, 'live-event listener failed'),
  });
  const metrics = createMetrics({ defaultMetrics: true });
  // PostgreSQL: scans and executions are jobs shared by every process on the database (src/jobs).
  const scaleOut = config.DATABASE_URL
    ? await openScaleOut({ databaseUrl: config.DATABASE_URL, logger }).catch(async (err: unknown) => {
        await store.close();
        throw err;
      })
    : undefined;
  // Released last: the engine and the PAPER saves finish first.
  if (scaleOut) services.push({ name: 'leases', stop: () => scaleOut.close() });
  // Under scale-out an account's events come from the worker trading it: relayed between processes.
  const events = scaleOut ? scaleOut.relayEvents(localEvents) : localEvents;
  // Signals of the first scan may arrive before the engine is up: they wait for it.
  let executionReady!: (e: ExecutionService) => void;
  const executionStarted = new Promise<ExecutionService>((resolve) => {
    executionReady = resolve;
  });
  // The market feed, prices, scans on the schedule. A failure to start here stops the start.
  const trading = await startTradingService({
    config,
    store,
    repos,
    logger,
    events,
    metrics,
    onSignals: scaleOut
      ? async (signals) => {
          await scaleOut.dispatch(repos, signals);
        }
      : async (signals) => {
          await (await executionStarted).onSignals(signals);
        },
    runScheduler: scaleOut ? false : undefined,
  }).catch(async (err: unknown) => {
    await scaleOut?.close();
    await store.close();
    throw err;
  });
  services.push({ name: 'trading', stop: () => trading.stop() });
  const execution = await startExecution({
    config,
    repos,
    trading,
    credentialsKey: secrets.credentialsKey,
    logger,
    events,
    metrics,
    owns: scaleOut?.owns,
    paperRepos: scaleOut?.paperRepos(repos),
  }).catch(async (err: unknown) => {
    await trading.stop();
    await scaleOut?.close();
    await store.close();
    throw err;
  });
  executionReady(execution);
  services.push({ name: 'execution', stop: () => execution.stop() });
  const worker = scaleOut?.startWorker({
    trading,
    execution,
    repos,
    logger,
    scanProfile: config.SCAN_PROFILE,
    schedule: config.SCHEDULER,
    options: options.worker,
    onFatal:
      options.onFatal ??
      ((err) => {
        logger.fatal(
          { err: err.message },
          'lease connection lost: exiting so that no account is traded twice',
        );
        process.exit(1);
      }),
  });
  // Stopped before the engine: no job may be in hand while the accounts detach.
  if (worker) services.push({ name: 'worker', stop: () => worker.stopIntake() });
  // Stopped first: no scan may hand signals to an engine that is stopping.
  services.push({ name: 'scheduler', stop: () => trading.scheduler.stop() });

  const app = await buildApp({
    store,
    logger,
    version: VERSION,
    secrets,
    clock,
    repos,
    events,
    metrics,
    trading: worker?.trading ?? execution.trading,
    balances: execution.balances,
    credentialsTester: execution.credentialsTester,
    markPrices: trading.markPrices,
    market: trading.market,
    tradingStatus: () => ({
      ...trading.status(),
      scaleOut:
        worker && scaleOut
          ? {
              ...worker.status(),
              partitionsTotal: PARTITIONS,
              leaseLost: scaleOut.leases.lost,
            }
          : undefined,
    }),
    paperStartBalance: config.PAPER_START_BALANCE,
  });

  let stopping: Promise<void> | undefined;
  return {
    config,
    logger,
    store,
    secrets,
    events,
    metrics,
    app,
    trading,
    execution,
    worker,
    async listen() {
      return app.listen({ host: config.HOST, port: config.PORT });
    },
    stop() {
      stopping ??= (async () => {
        for (const service of [...services].reverse()) {
          try {
            await service.stop();
          } catch (err) {
            logger.error({ err, service: service.name }, 'service did not stop cleanly');
          }
        }
        await app.close();
        await store.close();
      })();
      return stopping;
    },
  };
}
