/**
 * A shard of the universe: the symbols one thread screens. Holds each symbol's candle history
 * (for a full recompute) and its incremental screener (for the O(1)-per-candle path). The worker
 * threads each run one shard; with no workers, the pool runs one in-process.
 */
import { type Candle, type CandleColumns, candleAt, candleColumns } from '../domain/index.js';
import type { ScreenerConfig } from './config.js';
import { createSymbolScreener, type SymbolScreener, type TimeframeRole } from './incremental.js';
import { CANDLE_FIELDS, createRollingColumns, type RollingColumns } from './rolling.js';
import { screenSymbol } from './screen.js';
import type { ScreenOutcome, WhaleSignal } from './types.js';

/** A symbol's closed-candle histories as loaded from the candle cache. */
export interface SymbolHistory {
  symbol: string;
  primary: CandleColumns;
  confirm?: CandleColumns | undefined;
  trend?: CandleColumns | undefined;
}

export interface CandleRow {
  symbol: string;
  role: TimeframeRole;
  candle: Candle;
}

export type ScreenMode = 'incremental' | 'full';

export interface ScreenRequest {
  mode?: ScreenMode;
  /** Whale signals by symbol (fresh ones only: the caller decides what is fresh). */
  whales?: Readonly<Record<string, WhaleSignal>>;
}

const NO_HISTORY = 'a full recompute needs a pool created with maxHistory > 0';

const ROLES: readonly TimeframeRole[] = ['trend', 'confirm', 'primary'];
const C = CANDLE_FIELDS;

interface Entry {
  screener: SymbolScreener;
  /** Absent when the shard keeps no history (maxHistory 0). */
  history: Record<TimeframeRole, RollingColumns> | undefined;
  /**
   * Rows handed to screen() for this symbol, applied just before it is screened: the first in
   * `next` (the usual case, one new candle: no array to touch), any more in `pending`.
   */
  next?: CandleRow | undefined;
  pending?: CandleRow[] | undefined;
}

export interface ScreenerShard {
  load(histories: readonly SymbolHistory[]): void;
  update(rows: readonly CandleRow[]): void;
  /** Forget these symbols (unknown ones are ignored); returns how many were held. */
  remove(symbols: readonly string[]): number;
  /** Apply `rows` (new closed candles), then screen every symbol. */
  screen(request?: ScreenRequest, rows?: readonly CandleRow[]): ScreenOutcome[];
  readonly size: number;
}

export function createScreenerShard(config: ScreenerConfig, maxHistory = 0): ScreenerShard {
  const entries = new Map<string, Entry>();

  const row = new Float64Array(6);
  function push(entry: Entry, role: TimeframeRole, candle: Candle): void {
    const h = entry.history?.[role];
    if (h) {
      // History keeps what the screener accepts: not-newer candles are a re-send (see incremental.ts).
      if (candle.openTime <= h.last(C.openTime)) return;
      row[C.openTime] = candle.openTime;
      row[C.open] = candle.open;
      row[C.high] = candle.high;
      row[C.low] = candle.low;
      row[C.close] = candle.close;
      row[C.volume] = candle.volume;
      h.push(row);
    }
    entry.screener.push(role, candle);
  }

  function asColumns(h: RollingColumns): CandleColumns {
    return candleColumns(
      h.view(C.openTime),
      h.view(C.open),
      h.view(C.high),
      h.view(C.low),
      h.view(C.close),
      h.view(C.volume),
    );
  }

  return {
    load(histories) {
      for (const s of histories) {
        const entry: Entry = {
          screener: createSymbolScreener(s.symbol, config),
          history:
            maxHistory > 0
              ? {
                  primary: createRollingColumns(6, maxHistory),
                  confirm: createRollingColumns(6, maxHistory),
                  trend: createRollingColumns(6, maxHistory),
                }
              : undefined,
          next: undefined,
          pending: undefined,
        };
        entries.set(s.symbol, entry);
        for (const role of ROLES) {
          const c = s[role];
          if (!c) continue;
          for (let i = 0; i < c.close.length; i++) push(entry, role, candleAt(c, i));
        }
      }
    },
    update(rows) {
      for (const r of rows) {
        const entry = entries.get(r.symbol);
        if (entry) push(entry, r.role, r.candle);
      }
    },
    remove(symbols) {
      let removed = 0;
      for (const symbol of symbols) if (entries.delete(symbol)) removed++;
      return removed;
    },
    screen(request = {}, rows = []) {
      const out: ScreenOutcome[] = [];
      // No whales, no lookup: the lookup reads each symbol's key string, one more cold cache line
      // per symbol.
      const whales = request.whales;
      if (request.mode === 'full' && maxHistory <= 0 && entries.size > 0) throw new RangeError(NO_HISTORY);
      // Each symbol's new candles are applied just before it is screened: its state is still in
      // cache (a whole universe of state does not fit in it). They wait on their entry, not in a
      // map built per screen.
      for (const r of rows) {
        const entry = entries.get(r.symbol);
        if (!entry) continue;
        if (entry.next === undefined) entry.next = r;
        else if (entry.pending) entry.pending.push(r);
        else entry.pending = [r];
      }
      for (const [symbol, entry] of entries) {
        const first = entry.next;
        if (first !== undefined) {
          entry.next = undefined;
          push(entry, first.role, first.candle);
          const more = entry.pending;
          if (more !== undefined && more.length > 0) {
            for (const r of more) push(entry, r.role, r.candle);
            more.length = 0;
          }
        }
        const whale = whales === undefined ? undefined : whales[symbol];
        if (request.mode === 'full') {
          if (!entry.history) throw new RangeError(NO_HISTORY);
          out.push(
            screenSymbol(
              {
                symbol,
                primary: asColumns(entry.history.primary),
                confirm: asColumns(entry.history.confirm),
                trend: asColumns(entry.history.trend),
                whale,
              },
              config,
            ),
          );
        } else {
          out.push(entry.screener.screen(whale));
        }
      }
      return out;
    },
    get size() {
      return entries.size;
    },
  };
}
