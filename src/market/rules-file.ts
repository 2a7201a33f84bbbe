/**
 * Symbol rules as JSON (decimal strings, never floats), kept as `rules.json` beside recorded
 * candles: `neurotrade download` writes the exchange's rules there and the replay feed reads them,
 * so a replay trades under the same tick, step and notional limits as the recording's market.
 */
import { z } from 'zod';
import {
  DomainError,
  dec,
  ErrorCode,
  marketSymbol,
  type SymbolRules,
  type SymbolStatus,
} from '../domain/index.js';

export const RULES_FILE = 'rules.json';

const STATUSES = ['TRADING', 'PENDING_TRADING', 'BREAK', 'SETTLING', 'CLOSE', 'DELIVERING'] as const;
const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string like "0.001"');

const ruleSchema = z.object({
  symbol: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  status: z.enum(STATUSES),
  tickSize: decimalString,
  stepSize: decimalString,
  minQty: decimalString,
  maxQty: decimalString,
  marketMaxQty: decimalString,
  minNotional: decimalString,
  maxLeverage: z.number().int().min(1).max(1000),
});
export type SymbolRulesJson = z.infer<typeof ruleSchema>;

export function rulesToJson(rules: readonly SymbolRules[]): SymbolRulesJson[] {
  return rules.map((r) => ({
    symbol: r.symbol,
    baseAsset: r.baseAsset,
    quoteAsset: r.quoteAsset,
    status: r.status,
    tickSize: r.tickSize.toFixed(),
    stepSize: r.stepSize.toFixed(),
    minQty: r.minQty.toFixed(),
    maxQty: r.maxQty.toFixed(),
    marketMaxQty: r.marketMaxQty.toFixed(),
    minNotional: r.minNotional.toFixed(),
    maxLeverage: r.maxLeverage,
  }));
}

export function rulesFromJson(value: unknown, source: string): SymbolRules[] {
  const parsed = z.array(ruleSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DomainError(
      ErrorCode.BAD_DATA,
      `${source}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not a list of symbol rules'}`,
    );
  }
  return parsed.data.map((r) => ({
    symbol: marketSymbol(r.symbol),
    baseAsset: r.baseAsset,
    quoteAsset: r.quoteAsset,
    status: r.status as SymbolStatus,
    tickSize: dec(r.tickSize, 'tickSize'),
    stepSize: dec(r.stepSize, 'stepSize'),
    minQty: dec(r.minQty, 'minQty'),
    maxQty: dec(r.maxQty, 'maxQty'),
    marketMaxQty: dec(r.marketMaxQty, 'marketMaxQty'),
    minNotional: dec(r.minNotional, 'minNotional'),
    maxLeverage: r.maxLeverage,
  }));
}

/**
 * The fewest decimal places that hold every value exactly (0.5 -> 1, 798.445 -> 3), up to
 * `max`; undefined when some value needs more (float noise, or a finer grid than `max`).
 * Numeric, no strings: one pass over 48k rows costs well under a millisecond.
 */
export function decimalPlaces(columns: readonly ArrayLike<number>[], max = 10): number | undefined {
  let d = 0;
  let scale = 1;
  for (const column of columns) {
    for (let i = 0; i < column.length; i++) {
      const v = column[i]!;
      for (;;) {
        const r = v * scale;
        if (Math.abs(r - Math.round(r)) <= Math.abs(r) * 1e-12 + 1e-9) break;
        if (++d > max) return undefined;
        scale = 10 ** d;
      }
    }
  }
  return d;
}

/** Minimum notional and leverage of the best-known contracts; everything else gets 5 USDT and 20x. */
const KNOWN: Record<string, { minNotional: string; maxLeverage: number }> = {
  BTCUSDT: { minNotional: '100', maxLeverage: 125 },
  ETHUSDT: { minNotional: '20', maxLeverage: 100 },
};

/**
 * Leverage to assume when the source does not say (public exchangeInfo does not): the known
 * contracts' real maximum, else 20x, low enough that no real contract rejects it as too high.
 */
export function defaultMaxLeverage(symbol: string): number {
  return KNOWN[symbol]?.maxLeverage ?? 20;
}

/**
 * Rules guessed from the candles when a recording has no rules.json: the tick is the finest
 * price decimal seen, the step the finest volume decimal (a volume is a sum of whole steps).
 * Conservative elsewhere: 5 USDT minimum notional and 20x leverage unless the symbol is known.
 */
export function inferRules(
  symbol: string,
  prices: ArrayLike<number>[],
  volume: ArrayLike<number>,
): SymbolRules {
  const priceDecimals = decimalPlaces(prices, 10) ?? 10;
  const volumeDecimals = decimalPlaces([volume], 8) ?? 8;
  const tick = dec(1).div(dec(10).pow(priceDecimals));
  const step = dec(1).div(dec(10).pow(volumeDecimals));
  const known = KNOWN[symbol];
  const quote = symbol.endsWith('USDC') ? 'USDC' : 'USDT';
  return {
    symbol: marketSymbol(symbol),
    baseAsset: symbol.slice(0, symbol.length - quote.length),
    quoteAsset: quote,
    status: 'TRADING',
    tickSize: tick,
    stepSize: step,
    minQty: step,
    maxQty: step.mul(1e8),
    marketMaxQty: step.mul(1e7),
    minNotional: dec(known?.minNotional ?? '5'),
    maxLeverage: defaultMaxLeverage(symbol),
  };
}
