/**
 * The engine as its own process, for the SIGKILL scenarios: a store (PostgreSQL at DATABASE_URL or
 * an embedded PGlite in DATA_DIR), the real ccxt adapter against the simulator server at SIM_URL,
 * and the execution engine, driven by JSON lines on stdin and answering JSON lines on stdout.
 * Commands: open, seed, start, execute, close, panic, reconcile, books, stop. The parent kills it with SIGKILL
 * whenever it likes; the next one starts on the same database and must make everything right.
 */
import { createInterface } from 'node:readline';
import { dec, systemClock } from '../../../src/domain/index.js';
import { type CcxtExchange, createCcxtExchange } from '../../../src/exchange/ccxt/index.js';
import { createExecutionEngine, type ExecutionEngine } from '../../../src/execution/index.js';
import { createRepositories, openStore, type Store } from '../../../src/store/index.js';
import { readBooks } from './books.js';
import { CCXT_OPTIONS, ENGINE_OPTIONS } from './options.js';

// ccxt is loaded lazily by the adapter; load it now, while this process waits in the pool.
await import('ccxt');

// Spawned ahead of time (module loading is most of a start): the first command, `open`, says
// which database, which exchange key and which user.
let store: Store;
let repos: ReturnType<typeof createRepositories>;
let exchange: CcxtExchange;
let engine: ExecutionEngine;
let userId: string;

async function open(cfg: Record<string, string>): Promise<void> {
  store = await openStore(cfg.DATABASE_URL ? { databaseUrl: cfg.DATABASE_URL } : { dataDir: cfg.DATA_DIR! });
  await store.migrate();
  repos = createRepositories(store.db);
  userId = cfg.USER_ID!;
  exchange = await createCcxtExchange({
    apiKey: cfg.API_KEY!,
    secret: cfg.API_SECRET!,
    baseUrl: cfg.SIM_URL!,
    ...CCXT_OPTIONS,
  });
  await exchange.markets();
  engine = createExecutionEngine({ repos, clock: systemClock, options: ENGINE_OPTIONS });
}

const reply = (id: unknown, ok: boolean, result: unknown) =>
  process.stdout.write(`${JSON.stringify({ id, ok, result })}\n`);

async function handle(cmd: Record<string, unknown>): Promise<unknown> {
  switch (cmd.cmd) {
    case 'open':
      await open(cmd.config as Record<string, string>);
      return 'open';
    case 'seed': {
      const u = cmd.user as { id: string; email: string };
      if (!(await repos.users.findById(u.id))) {
        await repos.users.create({ id: u.id, email: u.email, passwordHash: 'x' });
        await repos.users.updateSettings(u.id, {
          fixedMargin: dec(100),
          leverage: 10,
          autoTrade: true,
          minConfidence: 50,
        });
      }
      for (const s of cmd.signals as Array<Record<string, string>>) {
        if (await repos.signals.findById(s.id!)) continue;
        await repos.signals.insert(
          {
            id: s.id,
            symbol: s.symbol!,
            direction: s.direction as 'LONG',
            combinedConfidence: 80,
            entryType: 'MARKET',
            entry: dec(s.entry!),
            stopLoss: dec(s.stopLoss!),
            takeProfit: dec(s.takeProfit!),
            analyst: 'faults',
            expiresAt: new Date(Date.now() + 3_600_000),
          },
          { now: new Date(), windowMs: 0 },
        );
      }
      return 'seeded';
    }
    case 'start':
      await engine.attachAccount(userId, exchange);
      await engine.start();
      return { reconciled: engine.isReconciled(userId) };
    case 'execute': {
      const signal = await repos.signals.findById(cmd.signalId as string);
      if (!signal) throw new Error('no such signal');
      return engine.executeSignal(userId, signal);
    }
    case 'close': {
      const [p] = await repos.positions.listLive(userId);
      return p ? engine.closePosition(userId, p.id) : { outcome: 'NONE' };
    }
    case 'panic':
      return engine.panic(userId);
    case 'reconcile':
      return engine
        .reconcile(userId)
        .then((r) => ({ passed: r.passed, actions: r.actions.map((a) => a.kind), errors: r.errors }));
    case 'books':
      await engine.idle();
      return readBooks(store.db, userId);
    case 'stop':
      await engine.stop();
      await exchange.close();
      await store.close();
      setTimeout(() => process.exit(0), 10);
      return 'stopped';
    default:
      throw new Error(`unknown command ${String(cmd.cmd)}`);
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const cmd = JSON.parse(line) as Record<string, unknown>;
  handle(cmd).then(
    (result) => reply(cmd.id, true, result),
    (err: unknown) => reply(cmd.id, false, err instanceof Error ? err.message : String(err)),
  );
});
reply(0, true, 'ready');
