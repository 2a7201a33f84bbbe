/**
 * Simulator symbols from a market feed's exchange rules, so PAPER trading, backtests and the served
 * simulator all trade under the same tick, step, notional and leverage limits as the feed reports.
 */
import type { SymbolRules } from '../../domain/index.js';
import {
  ALT_BRACKETS,
  BTC_BRACKETS,
  type LeverageBracket,
  makeBrackets,
  type SimSymbolSpec,
  simSymbol,
} from './spec.js';

/** A bracket table whose first bracket allows `maxLeverage` (BTC's for 125x, the alt table capped below). */
export function bracketsFor(maxLeverage: number): readonly LeverageBracket[] {
  if (maxLeverage >= 125) return BTC_BRACKETS;
  return makeBrackets(
    ALT_BRACKETS.map((b, i) => ({
      initialLeverage: i === 0 ? maxLeverage : Math.min(b.initialLeverage, maxLeverage),
      notionalCap: b.notionalCap,
      maintMarginRatio: b.maintMarginRatio,
    })),
  );
}

/** Simulator symbols for a feed's universe, each with its max leverage. */
export function simSymbolsFromRules(rules: readonly SymbolRules[]): SimSymbolSpec[] {
  return rules.map((r) =>
    simSymbol({
      symbol: r.symbol,
      baseAsset: r.baseAsset,
      quoteAsset: r.quoteAsset,
      status: r.status,
      tickSize: r.tickSize,
      stepSize: r.stepSize,
      minQty: r.minQty,
      maxQty: r.maxQty,
      marketMaxQty: r.marketMaxQty,
      minNotional: r.minNotional,
      brackets: bracketsFor(r.maxLeverage),
    }),
  );
}
