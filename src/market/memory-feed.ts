/**
 * A simulated feed over candles held in memory: hand-made sequences in tests of other modules,
 * or anything already loaded. Same engine, same guarantees as the replay feed; inputs are checked
 * with the same rules as a file (a bad candle is a BAD_DATA error naming symbol and time).
 */
import {
  type Candle,
  type CandleColumns,
  type Liquidation,
  type MarketSymbol,
  type SymbolRules,
  type Timeframe,
  toColumns,
} from '../domain/index.js';
import { createCandleChecker } from './candle-check.js';
import type { SimulatedFeed } from './feed.js';
import { LiquidationTape } from './liquidation-tape.js';
import { decimalPlaces, inferRules } from './rules-file.js';
import { CandleSeries } from './series.js';
import { createSimulatedFeed, type SimulatedFeedOptions } from './simulated-feed.js';

export interface MemorySymbol {
  symbol: MarketSymbol;
  timeframe: Timeframe;
  candles: readonly Candle[] | CandleColumns;
  /** Inferred from the candles when absent (see inferRules). */
  rules?: SymbolRules | undefined;
}

export interface MemoryFeedOptions extends SimulatedFeedOptions {
  symbols: readonly MemorySymbol[];
  liquidations?: readonly Liquidation[] | undefined;
}

export function createMemoryFeed(options: MemoryFeedOptions): SimulatedFeed {
  const series = new Map<string, CandleSeries>();
  const rules: SymbolRules[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const s of options.symbols) {
    const cols = Array.isArray(s.candles) ? toColumns(s.candles as Candle[]) : (s.candles as CandleColumns);
    const checker = createCandleChecker({
      source: 'memory',
      symbol: s.symbol,
      timeframe: s.timeframe,
      onBadRow: 'error',
    });
    for (let i = 0; i < cols.openTime.length; i++) {
      checker.accept(
        i + 1,
        cols.openTime[i]!,
        cols.open[i]!,
        cols.high[i]!,
        cols.low[i]!,
        cols.close[i]!,
        cols.volume[i]!,
      );
    }
    const n = cols.openTime.length;
    if (n > 0) {
      first = Math.min(first, cols.openTime[0]!);
      last = Math.max(last, cols.openTime[n - 1]!);
    }
    series.set(
      s.symbol,
      new CandleSeries(s.symbol, s.timeframe, cols, { volumeDecimals: decimalPlaces([cols.volume], 8) }),
    );
    rules.push(s.rules ?? inferRules(s.symbol, [cols.open, cols.high, cols.low, cols.close], cols.volume));
  }
  const tape = new LiquidationTape();
  tape.append(options.liquidations ?? []);
  return createSimulatedFeed(
    {
      kind: 'replay',
      rules,
      series,
      liquidations: tape,
      ensureUntil: () => {},
      endTime: Number.isFinite(last) ? last : undefined,
      defaultStart: Number.isFinite(first) ? first : 0,
    },
    options,
  );
}
