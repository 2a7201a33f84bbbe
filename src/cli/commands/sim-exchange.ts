/**
 * `neurotrade sim-exchange --port N [--market synthetic:SEED | --market replay:DIR | --market none]
 * [--account KEY:SECRET:USDT]... [--speed X]`: the exchange simulator served on 127.0.0.1:N over
 * Binance USDⓈ-M's REST paths (/fapi/...), WebSocket streams (/ws, /stream and the /public,
 * /market, /private variants) and the admin routes under /_sim/. Point a stock ccxt binanceusdm
 * at it by rewriting its urls.api entries. The base URL goes to stdout; messages to stderr.
 *
 * Markets: synthetic:SEED (default synthetic:42) starts now and moves in real time x speed, one
 * minute candle at a time; replay:DIR plays a recording from its start at `speed`; none serves
 * BTCUSDT, ETHUSDT and SOLUSDT whose prices move only through POST /_sim/price.
 */
import type { Command } from 'commander';
import { type Clock, MINUTE_MS, systemClock } from '../../domain/index.js';
import { BTC_BRACKETS, type SimSymbolSpec, Simulator, simSymbol } from '../../exchange/index.js';
import type { MarketDriver, SimAccountKey, SimExchangeServer } from '../../exchange/server/index.js';
import { createReplayFeed, createSyntheticFeed, type SimulatedFeed } from '../../market/index.js';
import { info, out, UsageError } from '../output.js';

export interface SimExchangeArgs {
  port: string;
  market?: string | undefined;
  account?: string[] | undefined;
  speed?: string | undefined;
}

export type MarketSpec =
  | { kind: 'synthetic'; seed: number }
  | { kind: 'replay'; dir: string }
  | { kind: 'none' };

export function parseMarket(value: string | undefined): MarketSpec {
  const v = value ?? 'synthetic:42';
  if (v === 'none') return { kind: 'none' };
  const [kind, ...rest] = v.split(':');
  const arg = rest.join(':');
  if (kind === 'synthetic') {
    const seed = arg === '' ? 42 : Number(arg);
    if (!Number.isInteger(seed))
      throw new UsageError(`--market synthetic:SEED needs a whole-number seed (got "${arg}")`);
    return { kind: 'synthetic', seed };
  }
  if (kind === 'replay' && arg !== '') return { kind: 'replay', dir: arg };
  throw new UsageError(`--market must be synthetic:SEED, replay:DIR or none (got "${v}")`);
}

/** KEY:SECRET:USDT (the secret may not contain ':'; the amount is a decimal). */
export function parseAccount(value: string): SimAccountKey {
  const parts = value.split(':');
  if (parts.length !== 3 || parts[0] === '' || parts[1] === '' || !/^\d+(\.\d+)?$/.test(parts[2] ?? '')) {
    throw new UsageError(
      `--account must be KEY:SECRET:USDT, e.g. test-key:test-secret:10000 (got "${value}")`,
    );
  }
  return { apiKey: parts[0]!, secret: parts[1]!, deposit: parts[2]! };
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function register(program: Command): void {
  program
    .command('sim-exchange')
    .description(
      'serve the exchange simulator over Binance USD-M REST/WebSocket on 127.0.0.1 (admin routes under /_sim/)',
    )
    .requiredOption('--port <n>', 'TCP port on 127.0.0.1 (0 = any free port)')
    .option('--market <spec>', 'synthetic:SEED, replay:DIR or none', 'synthetic:42')
    .option(
      '--account <key:secret:usdt>',
      'an API key, its secret and the USDT to deposit (repeatable)',
      collect,
      [],
    )
    .option('--speed <x>', 'market time per wall-clock time (synthetic and replay)', '1')
    .action(async (args: SimExchangeArgs) => {
      const running = await startSimExchange(args);
      out(running.server.url);
      info(running.describe);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          info(`${signal} received: stopping the simulator server`);
          running.close().then(resolve, resolve);
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
    });
}

export interface RunningSimExchange {
  server: SimExchangeServer;
  describe: string;
  close(): Promise<void>;
}

export async function startSimExchange(
  args: SimExchangeArgs,
  deps: { wallClock?: Clock } = {},
): Promise<RunningSimExchange> {
  const port = Number(args.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port must be 0..65535 (got "${args.port}")`);
  const speed = Number(args.speed ?? '1');
  if (!Number.isFinite(speed) || speed <= 0)
    throw new UsageError(`--speed must be a positive number (got "${args.speed}")`);
  const market = parseMarket(args.market);
  const accounts = (args.account ?? []).map(parseAccount);
  const wall = deps.wallClock ?? systemClock;

  let feed: SimulatedFeed | undefined;
  if (market.kind === 'synthetic') {
    const start = Math.floor(wall.now() / MINUTE_MS) * MINUTE_MS;
    feed = createSyntheticFeed({ seed: market.seed, pace: 'manual', baseTimeframe: '1m', start });
  } else if (market.kind === 'replay') {
    try {
      feed = await createReplayFeed({ dir: market.dir, pace: 'manual', onBadRow: 'skip' });
    } catch (err) {
      throw new UsageError(`--market replay:${market.dir}: ${(err as Error).message}`);
    }
  }
  // The server's modules load when it starts, not with the program (every command registers this one).
  const { MarketDriver, SimExchangeServer, simSymbolsFromRules } = await import(
    '../../exchange/server/index.js'
  );
  const symbols: SimSymbolSpec[] = feed ? simSymbolsFromRules(await feed.universe()) : staticSymbols();
  const simulator = new Simulator({ clock: feed?.clock ?? wall, symbols });
  const server = new SimExchangeServer({ simulator, feed, accounts, port, wallClock: wall });
  try {
    await server.start();
  } catch (err) {
    await feed?.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new UsageError(`127.0.0.1:${port} is already in use`);
    throw err;
  }
  let driver: MarketDriver | undefined;
  if (feed) {
    driver = new MarketDriver({ server, feed, speed, wallClock: wall });
    await driver.start();
  } else {
    server.setPrice('BTCUSDT', { last: 60_000 });
    server.setPrice('ETHUSDT', { last: 3_000 });
    server.setPrice('SOLUSDT', { last: 150 });
  }
  const marketText =
    market.kind === 'synthetic'
      ? `synthetic:${market.seed}`
      : market.kind === 'replay'
        ? `replay:${market.dir}`
        : 'none';
  return {
    server,
    describe: `sim-exchange on ${server.url} (market ${marketText}, ${symbols.length} symbols, accounts: ${
      accounts.map((a) => a.apiKey).join(', ') || 'none, add with POST /_sim/accounts'
    })`,
    async close() {
      driver?.close();
      await server.close();
      await feed?.close();
    },
  };
}

function staticSymbols(): SimSymbolSpec[] {
  return [
    simSymbol({
      symbol: 'BTCUSDT',
      tickSize: '0.1',
      stepSize: '0.001',
      minNotional: 100,
      brackets: BTC_BRACKETS,
    }),
    simSymbol({ symbol: 'ETHUSDT', tickSize: '0.01', stepSize: '0.001', minNotional: 20 }),
    simSymbol({ symbol: 'SOLUSDT', tickSize: '0.01', stepSize: '0.01', minNotional: 5 }),
  ];
}
