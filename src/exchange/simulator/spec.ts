/**
 * A symbol as the simulator knows it: the exchangeInfo rules every module sees (SymbolRules)
 * plus what only the matching and margin engine needs: price band and PERCENT_PRICE multipliers,
 * precisions, leverage brackets (GET /fapi/v1/leverageBracket) and the liquidation clearance fee.
 */
import {
  type Dec,
  type DecimalInput,
  dec,
  decimalsOf,
  type MarketSymbol,
  marketSymbol,
  type SymbolRules,
  type SymbolStatus,
} from '../../domain/index.js';

export interface LeverageBracket {
  bracket: number;
  /** The highest leverage allowed while the position's notional is in this bracket. */
  initialLeverage: number;
  notionalFloor: Dec;
  notionalCap: Dec;
  maintMarginRatio: Dec;
  /** Maintenance amount: MM = notional × MMR − cum. */
  cum: Dec;
}

export interface BracketRow {
  initialLeverage: number;
  notionalCap: DecimalInput;
  maintMarginRatio: DecimalInput;
}

/**
 * Build a bracket table from (max leverage, cap, MMR) rows, deriving floors and the maintenance
 * amount as Binance does: cum_n = cum_{n-1} + floor_n × (MMR_n − MMR_{n-1})
 * (https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93).
 */
export function makeBrackets(rows: readonly BracketRow[]): LeverageBracket[] {
  if (rows.length === 0) throw new RangeError('a bracket table needs at least one row');
  const out: LeverageBracket[] = [];
  let floor = dec(0);
  let cum = dec(0);
  let prevMmr = dec(0);
  rows.forEach((row, i) => {
    const mmr = dec(row.maintMarginRatio, 'maintMarginRatio');
    const cap = dec(row.notionalCap, 'notionalCap');
    if (cap.lte(floor)) throw new RangeError(`bracket ${i + 1}: notionalCap must grow`);
    if (i > 0 && row.initialLeverage > out[i - 1]!.initialLeverage) {
      throw new RangeError(`bracket ${i + 1}: initialLeverage must not grow`);
    }
    cum = cum.plus(floor.mul(mmr.minus(prevMmr)));
    out.push({
      bracket: i + 1,
      initialLeverage: row.initialLeverage,
      notionalFloor: floor,
      notionalCap: cap,
      maintMarginRatio: mmr,
      cum,
    });
    floor = cap;
    prevMmr = mmr;
  });
  return out;
}

/** A BTCUSDT-like table (125x up to 50k notional). */
export const BTC_BRACKETS: readonly LeverageBracket[] = makeBrackets([
  { initialLeverage: 125, notionalCap: 50_000, maintMarginRatio: '0.004' },
  { initialLeverage: 100, notionalCap: 600_000, maintMarginRatio: '0.005' },
  { initialLeverage: 75, notionalCap: 3_000_000, maintMarginRatio: '0.0065' },
  { initialLeverage: 50, notionalCap: 12_000_000, maintMarginRatio: '0.01' },
  { initialLeverage: 25, notionalCap: 70_000_000, maintMarginRatio: '0.02' },
  { initialLeverage: 20, notionalCap: 100_000_000, maintMarginRatio: '0.025' },
  { initialLeverage: 10, notionalCap: 230_000_000, maintMarginRatio: '0.05' },
  { initialLeverage: 5, notionalCap: 480_000_000, maintMarginRatio: '0.1' },
  { initialLeverage: 4, notionalCap: 600_000_000, maintMarginRatio: '0.125' },
  { initialLeverage: 3, notionalCap: 800_000_000, maintMarginRatio: '0.15' },
  { initialLeverage: 2, notionalCap: 1_200_000_000, maintMarginRatio: '0.25' },
  { initialLeverage: 1, notionalCap: 1_800_000_000, maintMarginRatio: '0.5' },
]);

/** A typical altcoin table (75x up to 5k notional). */
export const ALT_BRACKETS: readonly LeverageBracket[] = makeBrackets([
  { initialLeverage: 75, notionalCap: 5_000, maintMarginRatio: '0.005' },
  { initialLeverage: 50, notionalCap: 25_000, maintMarginRatio: '0.01' },
  { initialLeverage: 25, notionalCap: 100_000, maintMarginRatio: '0.02' },
  { initialLeverage: 20, notionalCap: 250_000, maintMarginRatio: '0.025' },
  { initialLeverage: 10, notionalCap: 1_000_000, maintMarginRatio: '0.05' },
  { initialLeverage: 5, notionalCap: 5_000_000, maintMarginRatio: '0.1' },
  { initialLeverage: 4, notionalCap: 10_000_000, maintMarginRatio: '0.125' },
  { initialLeverage: 2, notionalCap: 20_000_000, maintMarginRatio: '0.25' },
  { initialLeverage: 1, notionalCap: 50_000_000, maintMarginRatio: '0.5' },
]);

/** The bracket that a position of this notional falls in (the last one beyond the table). */
export function bracketFor(brackets: readonly LeverageBracket[], notional: Dec): LeverageBracket {
  for (const b of brackets) if (notional.lt(b.notionalCap)) return b;
  return brackets[brackets.length - 1]!;
}

/** maxNotionalFor's answers per bracket table and leverage (decimals are immutable: shared). */
const maxNotionals = new WeakMap<readonly LeverageBracket[], Map<number, Dec>>();

/** Largest position notional allowed at `leverage` (leverageBracket's maxNotionalValue). */
export function maxNotionalFor(brackets: readonly LeverageBracket[], leverage: number): Dec {
  let known = maxNotionals.get(brackets);
  if (!known) {
    known = new Map();
    maxNotionals.set(brackets, known);
  }
  let cap = known.get(leverage);
  if (cap === undefined) {
    cap = dec(0);
    for (const b of brackets) if (b.initialLeverage >= leverage) cap = b.notionalCap;
    known.set(leverage, cap);
  }
  return cap;
}

export interface SimSymbolSpec extends SymbolRules {
  minPrice: Dec;
  maxPrice: Dec;
  /** Decimals allowed in a price / quantity (beyond them: -1111). */
  pricePrecision: number;
  quantityPrecision: number;
  /** PERCENT_PRICE: a BUY limit must be <= mark × up, a SELL limit >= mark × down. */
  multiplierUp: Dec;
  multiplierDown: Dec;
  brackets: readonly LeverageBracket[];
  /** exchangeInfo `liquidationFee`: clearance fee rate on a liquidated notional. */
  liquidationFeeRate: Dec;
  /** MAX_NUM_ORDERS: open regular orders per account and symbol. */
  maxOpenOrders: number;
  /** Brackets as floats, for the O(1) liquidation pre-check on the price path (and its guard level). */
  bracketsF: ReadonlyArray<{ floor: number; cap: number; mmr: number; cum: number }>;
}

export interface SimSymbolInput {
  symbol: string;
  tickSize: DecimalInput;
  stepSize: DecimalInput;
  baseAsset?: string;
  quoteAsset?: string;
  status?: SymbolStatus;
  minQty?: DecimalInput;
  maxQty?: DecimalInput;
  marketMaxQty?: DecimalInput;
  minNotional?: DecimalInput;
  minPrice?: DecimalInput;
  maxPrice?: DecimalInput;
  pricePrecision?: number;
  quantityPrecision?: number;
  multiplierUp?: DecimalInput;
  multiplierDown?: DecimalInput;
  brackets?: readonly LeverageBracket[];
  liquidationFeeRate?: DecimalInput;
  maxOpenOrders?: number;
}

/** A full spec from the few fields that matter, with Binance-like defaults for the rest. */
export function simSymbol(input: SimSymbolInput): SimSymbolSpec {
  const symbol: MarketSymbol = marketSymbol(input.symbol);
  const tickSize = dec(input.tickSize, 'tickSize');
  const stepSize = dec(input.stepSize, 'stepSize');
  const brackets = input.brackets ?? ALT_BRACKETS;
  const quoteAsset = input.quoteAsset ?? 'USDT';
  const baseAsset =
    input.baseAsset ?? (symbol.endsWith(quoteAsset) ? symbol.slice(0, -quoteAsset.length) : symbol);
  const maxQty = dec(input.maxQty ?? 1_000_000, 'maxQty');
  return {
    symbol,
    baseAsset,
    quoteAsset,
    status: input.status ?? 'TRADING',
    tickSize,
    stepSize,
    minQty: dec(input.minQty ?? stepSize, 'minQty'),
    maxQty,
    marketMaxQty: dec(input.marketMaxQty ?? maxQty, 'marketMaxQty'),
    minNotional: dec(input.minNotional ?? 5, 'minNotional'),
    maxLeverage: brackets[0]!.initialLeverage,
    minPrice: dec(input.minPrice ?? tickSize, 'minPrice'),
    maxPrice: dec(input.maxPrice ?? 10_000_000, 'maxPrice'),
    pricePrecision: input.pricePrecision ?? decimalsOf(tickSize),
    quantityPrecision: input.quantityPrecision ?? decimalsOf(stepSize),
    multiplierUp: dec(input.multiplierUp ?? '1.05', 'multiplierUp'),
    multiplierDown: dec(input.multiplierDown ?? '0.95', 'multiplierDown'),
    brackets,
    liquidationFeeRate: dec(input.liquidationFeeRate ?? '0.0125', 'liquidationFeeRate'),
    maxOpenOrders: input.maxOpenOrders ?? 200,
    bracketsF: brackets.map((b) => ({
      floor: b.notionalFloor.toNumber(),
      cap: b.notionalCap.toNumber(),
      mmr: b.maintMarginRatio.toNumber(),
      cum: b.cum.toNumber(),
    })),
  };
}
