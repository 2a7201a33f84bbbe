/**
 * Worker-thread entry: one screener shard, driven by messages from the pool (pool.ts).
 * Every request carries an id; the reply carries it back with the result or the error message.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { resolveScreenerConfig, type ScreenerOverrides } from './config.js';
import { createScreenerShard, type ScreenRequest, type SymbolHistory } from './shard.js';
import { decodeRows, encodeOutcomes, type WireRows } from './wire.js';

export type WorkerRequest =
  | { id: number; type: 'load'; histories: SymbolHistory[] }
  | { id: number; type: 'update'; rows: WireRows }
  | { id: number; type: 'remove'; symbols: string[] }
  | { id: number; type: 'screen'; rows?: WireRows | undefined; request: ScreenRequest };

export interface WorkerData {
  overrides: ScreenerOverrides;
  maxHistory: number;
}

const data = workerData as WorkerData;
const shard = createScreenerShard(resolveScreenerConfig(data.overrides), data.maxHistory);

parentPort?.on('message', (msg: WorkerRequest) => {
  try {
    if (msg.type === 'load') {
      shard.load(msg.histories);
      parentPort?.postMessage({ id: msg.id, ok: true, value: shard.size });
    } else if (msg.type === 'update') {
      shard.update(decodeRows(msg.rows));
      parentPort?.postMessage({ id: msg.id, ok: true, value: null });
    } else if (msg.type === 'remove') {
      parentPort?.postMessage({ id: msg.id, ok: true, value: shard.remove(msg.symbols) });
    } else {
      const rows = msg.rows ? decodeRows(msg.rows) : [];
      const value = encodeOutcomes(shard.screen(msg.request, rows));
      // The numbers move, not copied.
      parentPort?.postMessage({ id: msg.id, ok: true, value }, [value.packed.buffer as ArrayBuffer]);
    }
  } catch (err) {
    parentPort?.postMessage({
      id: msg.id,
      ok: false,
      error: err instanceof Error ? err.message : String(err),
    });
  }
});
