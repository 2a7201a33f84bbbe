/**
 * Recorded liquidations (forceOrder-derived CSV): `timestamp,symbol,side,avg_price,filled_qty,
 * usd_value`, timestamp ISO-8601 in UTC without a zone (`2025-10-22T09:36:42.306000`), rows in
 * arrival order (not strictly sorted: they are sorted here, stable). Symbols that are not Binance
 * futures symbols in our sense (non-ASCII names) are skipped and listed, not guessed at.
 */

import {
  DomainError,
  type EpochMs,
  ErrorCode,
  type Liquidation,
  type LiquidationSide,
  marketSymbol,
} from '../domain/index.js';
import { type BadRowPolicy, describeTime } from './candle-check.js';

export const LIQUIDATION_CSV_HEADER = 'timestamp,symbol,side,avg_price,filled_qty,usd_value';

export interface SkippedRow {
  line: number;
  reason: string;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|\+00:00)?$/;

/** ISO-8601 UTC (zone optional, fraction truncated to ms) to Unix ms; NaN when malformed. */
export function parseUtcTimestamp(text: string): number {
  const m = ISO.exec(text.trim());
  if (!m) return Number.NaN;
  const ms = m[7] ? Number(m[7].padEnd(3, '0').slice(0, 3)) : 0;
  const t = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    ms,
  );
  // Date.UTC rolls 2025-02-30 over to March; a real timestamp round-trips.
  return new Date(t).getUTCDate() === Number(m[3]) ? t : Number.NaN;
}

export function parseLiquidationCsv(
  text: string,
  options: { file: string; onBadRow?: BadRowPolicy },
): { events: Liquidation[]; skipped: SkippedRow[] } {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  if (header !== LIQUIDATION_CSV_HEADER) {
    throw new DomainError(
      ErrorCode.BAD_DATA,
      `${options.file}: header is "${header.slice(0, 80)}", expected "${LIQUIDATION_CSV_HEADER}"`,
    );
  }
  const events: Liquidation[] = [];
  const skipped: SkippedRow[] = [];
  const bad = (line: number, symbol: string, time: number, reason: string) => {
    if ((options.onBadRow ?? 'error') === 'error') {
      throw new DomainError(
        ErrorCode.BAD_DATA,
        `${options.file}: liquidation of ${symbol || '(no symbol)'} at ${describeTime(time)} (line ${line}): ${reason}`,
        { details: { file: options.file, symbol, time, line } },
      );
    }
    skipped.push({ line, reason });
  };
  for (let i = 1; i < lines.length; i++) {
    const row = lines[i]!;
    if (row.trim() === '') continue;
    const line = i + 1;
    const f = row.split(',');
    const symbolText = (f[1] ?? '').trim();
    const time = parseUtcTimestamp(f[0] ?? '');
    if (f.length !== 6) {
      bad(line, symbolText, time, `has ${f.length} fields, expected 6`);
      continue;
    }
    if (!Number.isFinite(time)) {
      bad(line, symbolText, time, `timestamp "${f[0]}" is not ISO-8601 UTC`);
      continue;
    }
    let symbol: ReturnType<typeof marketSymbol>;
    try {
      symbol = marketSymbol(symbolText);
    } catch {
      // A real but non-ASCII contract name: documented skip, whatever the policy.
      skipped.push({ line, reason: `symbol "${symbolText}" is not a Binance futures symbol we trade` });
      continue;
    }
    const side = f[2]!.trim();
    if (side !== 'BUY' && side !== 'SELL') {
      bad(line, symbolText, time, `side "${side}" is not BUY or SELL`);
      continue;
    }
    const price = Number(f[3]);
    const qty = Number(f[4]);
    if (!(Number.isFinite(price) && price > 0)) {
      bad(line, symbolText, time, `avg_price "${f[3]}" is not a positive number`);
      continue;
    }
    if (!(Number.isFinite(qty) && qty > 0)) {
      bad(line, symbolText, time, `filled_qty "${f[4]}" is not a positive number`);
      continue;
    }
    events.push({ symbol, side: side as LiquidationSide, price, qty, time: time as EpochMs });
  }
  events.sort((a, b) => a.time - b.time);
  return { events, skipped };
}
