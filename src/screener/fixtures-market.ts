/**
 * A symbol for a memory feed (tests of the universe scan): a seeded random walk of 15m candles
 * ending at `lastOpen`, prices on a tick and volumes on a step as an exchange prints them, its
 * rules inferred. Kept apart from fixtures.ts, which the screener's index exports: this one needs
 * the market module at run time.
 */
import { marketSymbol } from '../domain/index.js';
import { inferRules, type MemorySymbol } from '../market/index.js';
import { randomWalkColumns } from './fixtures.js';

export function walkSymbol(
  symbol: string,
  candles: number,
  lastOpen: number,
  seed: number,
  status?: 'BREAK',
): MemorySymbol {
  const c = randomWalkColumns(candles, seed, '15m', lastOpen, 50 + seed);
  for (const k of ['open', 'high', 'low', 'close'] as const)
    c[k] = c[k].map((x) => Math.round(x * 1e4) / 1e4);
  c.volume = c.volume.map((x) => Math.round(x * 1000) / 1000);
  c.high = c.high.map((h, i) => Math.max(h, c.open[i]!, c.close[i]!));
  c.low = c.low.map((l, i) => Math.min(l, c.open[i]!, c.close[i]!));
  const rules = inferRules(symbol, [c.open, c.high, c.low, c.close], c.volume);
  return {
    symbol: marketSymbol(symbol),
    timeframe: '15m',
    candles: c,
    rules: status ? { ...rules, status } : rules,
  };
}
