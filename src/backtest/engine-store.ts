/**
 * The books of a backtest's execution engine: an in-memory PGlite, migrated, that lives for one
 * run and is gone after it (the report is what is kept, stored by the caller). PGlite's first
 * start (initdb) takes seconds, so the first migrated database of a process is dumped once and
 * every later run of the same process starts from that dump.
 */
import { openStore, type Store } from '../store/index.js';

let template: Promise<Blob | undefined> | undefined;

interface PgliteClient {
  dumpDataDir(compression: 'none'): Promise<Blob>;
}

async function makeTemplate(): Promise<Blob | undefined> {
  const store = await openStore({ memory: true });
  try {
    await store.migrate();
    const client = (store.db as unknown as { $client?: Partial<PgliteClient> }).$client;
    return typeof client?.dumpDataDir === 'function' ? await client.dumpDataDir('none') : undefined;
  } finally {
    await store.close();
  }
}

/** A fresh, migrated, in-memory database for one backtest run. */
export async function openBacktestStore(): Promise<Store> {
  template ??= makeTemplate().catch(() => undefined);
  const dump = await template;
  const store = await openStore(dump ? { memory: true, template: dump } : { memory: true });
  await store.migrate();
  return store;
}
