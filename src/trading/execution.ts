/**
 * Execution for the running product: the execution engine, each user's account on it (PAPER: a
 * wallet on the in-process simulator; REAL: Binance through the ccxt adapter with the user's own
 * keys, at BINANCE_BASE_URL), the fan-out of new signals, and the engine behind the API's ports
 * (manual close, panic, balances, the credentials test).
 *
 * Accounts are attached lazily (first signal, first close, first look at the balance) and, at
 * start, for every user who has auto-trading on or a live position, so the engine reconciles and
 * watches their stops and targets before anything else happens.
 */
import type { CredentialsTester } from '../auth/index.js';
import type { Config } from '../config/index.js';
import { DomainError, dec, describeError, ErrorCode } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import { createCcxtExchange } from '../exchange/ccxt/index.js';
import {
  createEngineBalancePort,
  createEngineTradingPort,
  createExecutionEngine,
  type EngineBalanceView,
  type EngineTradingPort,
  type ExecutionEngine,
} from '../execution/index.js';
import type { Logger } from '../logging/index.js';
import type { Metrics } from '../metrics/index.js';
import type { Repositories, StoredSignal, User } from '../store/index.js';
import { createFanOut, type FanOut, type FanOutResult } from './fan-out.js';
import { type PaperExchanges, startPaperExchanges } from './paper.js';
import type { TradingService } from './service.js';

export interface ExecutionDepsForService {
  config: Pick<Config, 'BINANCE_BASE_URL' | 'PAPER_START_BALANCE'>;
  repos: Repositories;
  trading: Pick<TradingService, 'feed' | 'prices' | 'binanceWeight'>;
  credentialsKey: Buffer;
  logger: Logger;
  events?: EventBus | undefined;
  metrics?: Metrics | undefined;
  /** Users executed at once by the fan-out. */
  concurrency?: number | undefined;
  /**
   * Scale-out (src/jobs): the accounts this process holds the lease of. Only those are attached;
   * absent, this process trades every account (one process, the embedded store).
   */
  owns?: ((userId: string) => boolean) | undefined;
  /** Scale-out: where PAPER accounts are restored from and saved to (only the leased ones). */
  paperRepos?: Pick<Repositories, 'paperAccounts' | 'audit'> | undefined;
}

export interface ExecutionService {
  engine: ExecutionEngine;
  fanOut: FanOut;
  paper: PaperExchanges;
  /** Users whose PAPER wallet this process opened in its simulator (it cannot leave it again). */
  paperUsers: ReadonlySet<string>;
  /** Execute newly stored signals for every user who trades them. */
  onSignals(signals: readonly StoredSignal[]): Promise<FanOutResult[]>;
  trading: EngineTradingPort;
  balances: { getBalance(user: User): Promise<EngineBalanceView> };
  credentialsTester: CredentialsTester;
  stop(): Promise<void>;
}

export async function startExecution(deps: ExecutionDepsForService): Promise<ExecutionService> {
  const { repos, logger, config } = deps;
  const clock = deps.trading.feed.clock;
  const paper = await startPaperExchanges({
    feed: deps.trading.feed,
    prices: deps.trading.prices,
    clock,
    startBalance: config.PAPER_START_BALANCE,
    repos: deps.paperRepos ?? repos,
    logger,
  });
  const engine = createExecutionEngine({
    repos,
    clock,
    events: deps.events,
    metrics: deps.metrics,
    logger,
    markPrice: (symbol) => deps.trading.prices.markPrice(symbol),
  });
  const paperUsers = new Set<string>();
  const fanOut = createFanOut({
    engine,
    repos,
    credentialsKey: deps.credentialsKey,
    logger,
    concurrency: deps.concurrency,
    owns: deps.owns,
    sources: {
      paper: (userId) => {
        paperUsers.add(userId);
        return paper.exchangeFor(userId);
      },
      real: (keys) =>
        createCcxtExchange({
          ...keys,
          baseUrl: config.BINANCE_BASE_URL,
          logger,
          weightBudget: deps.trading.binanceWeight,
        }),
    },
  });

  /** Attach the user's account, or say why it cannot be (REAL without keys, exchange down). */
  const attachOrExplain = async (userId: string): Promise<void> => {
    const user = await repos.users.findById(userId);
    if (!user) throw new DomainError(ErrorCode.NOT_FOUND, 'user not found');
    if (!(await fanOut.ensureAttached(user))) {
      throw new DomainError(
        ErrorCode.CONFLICT,
        'no exchange is connected for this account: store your Binance keys (PUT /api/credentials)',
      );
    }
  };
  const attachQuietly = (user: User) =>
    fanOut.ensureAttached(user).catch((err: unknown) => {
      logger.error({ err: describeError(err), userId: user.id }, 'attaching an account failed');
      return false;
    });

  await engine.start();
  // Everyone with something to watch, before the first scan's signals arrive.
  for (const user of await repos.users.listToWatch()) await attachQuietly(user);

  const engineTrading = createEngineTradingPort({
    engine,
    repos,
    events: deps.events,
    now: () => clock.now(),
  });
  const trading: EngineTradingPort = {
    async closePosition(userId, positionId) {
      await attachOrExplain(userId).catch(() => undefined); // unattached: the port says NOT_CLOSED
      return engineTrading.closePosition(userId, positionId);
    },
    async panic(userId) {
      await attachOrExplain(userId).catch(() => undefined);
      return engineTrading.panic(userId);
    },
    async setAutoTrading(userId, enabled) {
      const result = await engineTrading.setAutoTrading(userId, enabled);
      // Reconcile the account now, not when the first signal arrives.
      const user = enabled ? await repos.users.findById(userId) : undefined;
      if (user) void attachQuietly(user);
      return result;
    },
    resume: (userId) => engineTrading.resume(userId),
  };

  const balances = createEngineBalancePort<User>({
    engine,
    fallback: {
      async getBalance(user) {
        // PAPER wallets are cheap to open; a REAL account connects in the background and the
        // dashboard shows the cached figure (with its age) until the user stream reports.
        if (user.mode === 'PAPER' && (await attachQuietly(user))) return engine.balance(user.id);
        // Scale-out: another process trades this PAPER account; its last save says the wallet.
        const saved =
          user.mode === 'PAPER' && deps.owns ? await repos.paperAccounts.loadWallet(user.id) : undefined;
        if (saved && typeof saved.wallet === 'string') {
          return {
            mode: 'PAPER',
            wallet: dec(saved.wallet),
            available: null,
            asOf: saved.updatedAt,
            source: 'paper-snapshot',
          };
        }
        if (user.mode === 'REAL') void attachQuietly(user);
        return user.mode === 'REAL' && user.realBalance
          ? {
              mode: 'REAL',
              wallet: user.realBalance,
              available: null,
              asOf: user.realBalanceAt,
              source: 'user-stream-cache',
            }
          : { mode: user.mode, wallet: null, available: null, asOf: null, source: 'connecting' };
      },
    },
  });

  const credentialsTester: CredentialsTester = {
    async testExchangeCredentials(apiKey, secret) {
      let exchange: Awaited<ReturnType<typeof createCcxtExchange>> | undefined;
      const unreachable = (why: string) => ({
        ok: false,
        // Query strings carry the request's signature: not for the screen.
        message: `could not reach Binance at ${config.BINANCE_BASE_URL}: ${why.replace(/\?\S*/g, '')}`,
      });
      try {
        // One try with a short timeout: a person is waiting for the answer.
        exchange = await createCcxtExchange({
          apiKey,
          secret,
          baseUrl: config.BINANCE_BASE_URL,
          logger,
          timeoutMs: 8_000,
          retry: { attempts: 1 },
          // Even a person waiting does not get the IP banned: the test waits for room like any read.
          weightBudget: deps.trading.binanceWeight,
        });
        const result = await exchange.testCredentials();
        return result.ok || !/^(AMBIGUOUS|UNAVAILABLE|RATE_LIMITED)\b/.test(result.message)
          ? result
          : unreachable(result.message);
      } catch (err) {
        return unreachable(describeError(err));
      } finally {
        await exchange?.close().catch(() => undefined);
      }
    },
  };

  return {
    engine,
    fanOut,
    paper,
    paperUsers,
    async onSignals(signals) {
      const results = await fanOut.execute(signals);
      const byStatus: Record<string, number> = {};
      for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      if (results.length > 0) logger.info({ signals: signals.length, byStatus }, 'signals fanned out');
      return results;
    },
    trading,
    balances,
    credentialsTester,
    async stop() {
      await engine.stop();
      await fanOut.close();
      await paper.stop();
    },
  };
}
