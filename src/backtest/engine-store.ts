/**
 * The books of a backtest's execution engine: an in-memory PGlite, migrated, that lives for one
 * run and is gone after it (the report is what is kept, stored by the caller). It starts from a
 * migrated template kept in the project's cache folder (see store/template.ts): PGlite's initdb
 * and the migrations cost a new process 5–8 s before its first candle, the template ~1.5 s.
 */
import { DEFAULT_TEMPLATE_CACHE_DIR, openMigratedMemoryStore, type Store } from '../store/index.js';

/** A fresh, migrated, in-memory database for one backtest run. */
export function openBacktestStore(): Promise<Store> {
  return openMigratedMemoryStore(DEFAULT_TEMPLATE_CACHE_DIR);
}
