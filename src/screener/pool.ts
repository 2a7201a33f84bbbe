/**
 * The screener pool: the universe split into shards, each on a worker thread (node:worker_threads),
 * fed from the candle cache once (load) and then one closed candle at a time (update / screen with
 * rows). With `workers: 0` the single shard runs in-process behind the same API.
 *
 * Symbols are dealt round-robin in load order (after removals, to the smallest shard), so shards
 * stay balanced; results come back in load order whatever the shard. Worker threads load the
 * TypeScript sources through tsx when the project runs from source (tests, `npm run bench`, the
 * CLI without a build).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { resolveScreenerConfig, type ScreenerOverrides } from './config.js';
import { type CandleRow, createScreenerShard, type ScreenRequest, type SymbolHistory } from './shard.js';
import type { ScreenOutcome } from './types.js';
import { decodeOutcomes, encodeRows, type WireBatch } from './wire.js';
import type { WorkerData, WorkerRequest } from './worker.js';

export interface ScreenerPoolOptions {
  /** Worker threads; 0 screens in the calling thread. */
  workers: number;
  config?: ScreenerOverrides;
  /**
   * Candles kept per symbol and timeframe for a full recompute (screen({ mode: 'full' })). Default
   * 0: the incremental path needs none (its windows hold what the filters read), and 500 symbols x
   * 3 timeframes of history would cost ~70 MB.
   */
  maxHistory?: number;
}

export interface ScreenerPool {
  readonly workers: number;
  /** Hand over symbols' histories (warms each symbol's streaming indicators). */
  load(histories: readonly SymbolHistory[]): Promise<void>;
  /** New closed candles. */
  update(rows: readonly CandleRow[]): Promise<void>;
  /**
   * Forget symbols (a scan's universe changed); unknown ones are ignored. A removed symbol can be
   * loaded again (from scratch).
   */
  remove(symbols: readonly string[]): Promise<void>;
  /** Apply `rows` (if any), then screen every loaded symbol. */
  screen(request?: ScreenRequest & { rows?: readonly CandleRow[] }): Promise<ScreenOutcome[]>;
  close(): Promise<void>;
}

// The worker entry beside this file: worker.js when compiled, worker.ts when running from source.
const here = fileURLToPath(import.meta.url);
const workerFile = here.replace(/pool\.([cm]?[jt]s)$/, 'worker.$1');

/**
 * Code a worker evaluates first. Loader hooks are per thread and an eval'd worker does not get the
 * parent's `--import` ones, so when the entry is TypeScript it registers tsx before importing it.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.__tsx) (await import(workerData.__tsx)).register();
  await import(workerData.__entry);
})().catch((err) => { setImmediate(() => { throw err; }); });
`;

/** URL of tsx's ESM API when the worker entry is TypeScript (running from source). */
function tsxApiUrl(): string | undefined {
  if (!workerFile.endsWith('.ts')) return undefined;
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (resolve) {
    try {
      return resolve('tsx/esm/api');
    } catch {
      // fall through to the CommonJS resolver
    }
  }
  // require() resolves the CommonJS build; its ESM twin sits beside it.
  return pathToFileURL(
    createRequire(here)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
}

type Request = WorkerRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

function startWorker(data: WorkerData): { call: (msg: Request) => Promise<unknown>; worker: Worker } {
  if (!existsSync(workerFile)) throw new Error(`screener worker entry ${workerFile} is missing`);
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { ...data, __entry: pathToFileURL(workerFile).href, __tsx: tsxApiUrl() },
  });
  worker.unref();
  const pending = new Map<number, Pending>();
  let next = 0;
  let dead: Error | undefined;
  const failAll = (err: Error) => {
    dead = err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  worker.on('message', (msg: { id: number; ok: boolean; value?: unknown; error?: string }) => {
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new Error(`screener worker: ${msg.error}`));
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`screener worker exited (code ${code})`)));
  const call = (msg: Request) =>
    new Promise<unknown>((resolve, reject) => {
      if (dead) return reject(dead);
      const id = ++next;
      pending.set(id, { resolve, reject });
      if (pending.size === 1) worker.ref();
      worker.postMessage({ ...msg, id });
    }).finally(() => {
      if (pending.size === 0) worker.unref();
    });
  return { call, worker };
}

export function createScreenerPool(options: ScreenerPoolOptions): ScreenerPool {
  const overrides = options.config ?? {};
  const maxHistory = Math.max(0, Math.floor(options.maxHistory ?? 0));
  const config = resolveScreenerConfig(overrides);
  const workerCount = Math.max(0, Math.floor(options.workers));
  /** Symbol -> [shard, position in load order]. */
  const placement = new Map<string, { shard: number; order: number }>();
  let loaded = 0;
  /** Symbols held per shard. */
  const held: number[] = [];
  /** Once a symbol was removed, load order is no longer round-robin across the shards. */
  let removedAny = false;

  type Shard = {
    load(h: SymbolHistory[]): Promise<unknown>;
    update(rows: readonly CandleRow[]): Promise<unknown>;
    remove(symbols: string[]): Promise<unknown>;
    screen(rows: readonly CandleRow[] | undefined, req: ScreenRequest): Promise<ScreenOutcome[]>;
    close(): Promise<void>;
  };
  const shards: Shard[] = [];
  if (workerCount === 0) {
    const local = createScreenerShard(config, maxHistory);
    shards.push({
      load: async (h) => local.load(h),
      update: async (rows) => local.update(rows),
      remove: async (symbols) => local.remove(symbols),
      screen: async (rows, req) => local.screen(req, rows),
      close: async () => {},
    });
  } else {
    for (let i = 0; i < workerCount; i++) {
      const { call, worker } = startWorker({ overrides, maxHistory });
      shards.push({
        load: (histories) => call({ type: 'load', histories }),
        update: (rows) => call({ type: 'update', rows: encodeRows(rows) }),
        remove: (symbols) => call({ type: 'remove', symbols }),
        screen: async (rows, request) =>
          decodeOutcomes(
            (await call({
              type: 'screen',
              rows: rows ? encodeRows(rows) : undefined,
              request,
            })) as WireBatch,
            config,
          ),
        close: async () => {
          await worker.terminate();
        },
      });
    }
  }

  /**
   * Symbols were dealt round-robin in load order and each shard answers in its own load order, so
   * the symbol at load position o is answer floor(o / k) of shard o % k: interleave, no sort.
   */
  function inLoadOrder(results: ScreenOutcome[][]): ScreenOutcome[] {
    if (results.length === 1) return results[0] as ScreenOutcome[];
    if (removedAny) return mergeByOrder(results);
    const k = results.length;
    const all: ScreenOutcome[] = new Array(loaded);
    for (let s = 0; s < k; s++) {
      const part = results[s] as ScreenOutcome[];
      for (let j = 0; j < part.length; j++) all[j * k + s] = part[j] as ScreenOutcome;
    }
    return all;
  }

  /** After removals the shards' answers no longer interleave evenly: put them in load order. */
  function mergeByOrder(results: ScreenOutcome[][]): ScreenOutcome[] {
    const orderOf = (o: ScreenOutcome) => placement.get(o.symbol)?.order ?? Number.POSITIVE_INFINITY;
    return results
      .flat()
      .map((o) => ({ o, order: orderOf(o) }))
      .sort((a, b) => a.order - b.order)
      .map((x) => x.o);
  }

  function split<T extends { symbol: string }>(items: readonly T[]): (readonly T[])[] {
    // The in-process shard takes everything (it skips symbols it does not hold): no lookup per row.
    if (workerCount === 0) return [items];
    const parts: T[][] = shards.map(() => []);
    for (const item of items) {
      const place = placement.get(item.symbol);
      if (place) parts[place.shard]!.push(item);
    }
    return parts;
  }

  return {
    workers: workerCount,
    async load(histories) {
      const parts: SymbolHistory[][] = shards.map(() => []);
      for (const h of histories) {
        if (placement.has(h.symbol)) throw new RangeError(`symbol ${h.symbol} is already loaded`);
        // The smallest shard, the first on a tie: round-robin until a removal unbalances them.
        let shard = 0;
        for (let i = 1; i < shards.length; i++) if ((held[i] ?? 0) < (held[shard] ?? 0)) shard = i;
        held[shard] = (held[shard] ?? 0) + 1;
        placement.set(h.symbol, { shard, order: loaded++ });
        parts[shard]!.push(h);
      }
      await Promise.all(parts.map((p, i) => (p.length > 0 ? shards[i]!.load(p) : undefined)));
    },
    async update(rows) {
      const parts = split(rows);
      await Promise.all(parts.map((p, i) => (p.length > 0 ? shards[i]!.update(p) : undefined)));
    },
    async remove(symbols) {
      const parts: string[][] = shards.map(() => []);
      for (const symbol of symbols) {
        const place = placement.get(symbol);
        if (!place) continue;
        placement.delete(symbol);
        held[place.shard] = (held[place.shard] ?? 0) - 1;
        removedAny = true;
        parts[place.shard]!.push(symbol);
      }
      await Promise.all(parts.map((p, i) => (p.length > 0 ? shards[i]!.remove(p) : undefined)));
    },
    async screen(request = {}) {
      const parts = request.rows ? split(request.rows) : undefined;
      const { rows: _rows, ...req } = request;
      const results = await Promise.all(shards.map((s, i) => s.screen(parts?.[i], req)));
      return inLoadOrder(results);
    },
    async close() {
      await Promise.all(shards.map((s) => s.close()));
    },
  };
}
