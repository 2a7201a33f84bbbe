/**
 * The saved form of one simulator account (version 1): plain JSON, every decimal a plain string
 * ("12.5", never a float or an exponent), every id and time a number. `parseAccountSnapshot` is the
 * parse boundary: anything else (an older or newer version, a missing field, "abc" where a decimal
 * belongs) is a DomainError BAD_DATA naming the field and what it allows, and never reaches the engine.
 */
import { z } from 'zod';
import { DomainError, ErrorCode } from '../../domain/index.js';

export const SIM_ACCOUNT_SNAPSHOT_VERSION = 1;

const PLAIN_DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const decimal = z.string().regex(PLAIN_DECIMAL, 'expected a plain decimal string such as "-12.5"');
const unsigned = z
  .string()
  .regex(/^(-0|(0|[1-9]\d*)(\.\d+)?)$/, 'expected a non-negative plain decimal string such as "12.5"');
const id = z.number().int().positive();
const time = z.number().nonnegative();
const seq = z.number().int().nonnegative();
const symbol = z.string().regex(/^[A-Z0-9]{2,30}$/, 'expected a symbol such as "BTCUSDT"');
const side = z.enum(['BUY', 'SELL']);
const timeInForce = z.enum(['GTC', 'IOC', 'FOK', 'GTX', 'GTD', 'GTE_GTC']);
const workingType = z.enum(['MARK_PRICE', 'CONTRACT_PRICE']);
const clientId = z.string().min(1).max(64);

const position = z.strictObject({
  symbol,
  /** FLAT rows keep a symbol's settings (leverage, margin type) and its realised-PnL tally. */
  side: z.enum(['LONG', 'SHORT', 'FLAT']),
  qty: unsigned,
  entryPrice: unsigned,
  isolatedWallet: unsigned,
  accumulatedRealized: decimal,
  leverage: z.number().int().min(1).max(125),
  marginType: z.enum(['ISOLATED', 'CROSSED']),
  updateTime: time,
  /** Time priority of the isolated liquidation level; null when none rests on the book. */
  liquidationSeq: seq.nullable(),
});

const order = z.strictObject({
  seq,
  symbol,
  orderId: id,
  clientOrderId: clientId,
  side,
  type: z.enum(['LIMIT', 'MARKET', 'LIQUIDATION']),
  origType: z.enum([
    'LIMIT',
    'MARKET',
    'STOP',
    'STOP_MARKET',
    'TAKE_PROFIT',
    'TAKE_PROFIT_MARKET',
    'TRAILING_STOP_MARKET',
    'LIQUIDATION',
  ]),
  timeInForce,
  price: unsigned,
  origQty: unsigned,
  executedQty: unsigned,
  cumQuote: unsigned,
  avgPrice: unsigned,
  stopPrice: unsigned,
  workingType,
  priceProtect: z.boolean(),
  reduceOnly: z.boolean(),
  closePosition: z.boolean(),
  status: z.enum(['NEW', 'PARTIALLY_FILLED', 'FILLED', 'CANCELED', 'EXPIRED', 'EXPIRED_IN_MATCH']),
  time,
  updateTime: time,
  expiryReason: z.number().int().nonnegative(),
  parentAlgoId: id.nullable(),
});

const algoOrder = z.strictObject({
  seq,
  algoId: id,
  clientAlgoId: clientId,
  orderType: z.enum(['STOP', 'STOP_MARKET', 'TAKE_PROFIT', 'TAKE_PROFIT_MARKET']),
  symbol,
  side,
  timeInForce,
  quantity: unsigned,
  algoStatus: z.enum(['NEW', 'TRIGGERING', 'TRIGGERED', 'FINISHED', 'CANCELED', 'REJECTED', 'EXPIRED']),
  triggerPrice: unsigned,
  price: unsigned,
  workingType,
  closePosition: z.boolean(),
  priceProtect: z.boolean(),
  reduceOnly: z.boolean(),
  createTime: time,
  updateTime: time,
  triggerTime: time,
  actualOrderId: id.nullable(),
  actualPrice: unsigned,
  actualQty: unsigned,
  rejectReason: z.string().max(500),
});

const trade = z.strictObject({
  symbol,
  id,
  orderId: id,
  clientOrderId: clientId,
  side,
  price: unsigned,
  qty: unsigned,
  quoteQty: unsigned,
  commission: decimal,
  commissionAsset: z.string().min(1).max(20),
  realizedPnl: decimal,
  maker: z.boolean(),
  buyer: z.boolean(),
  time,
});

export const simAccountSnapshotSchema = z.strictObject({
  version: z.literal(SIM_ACCOUNT_SNAPSHOT_VERSION),
  /** The account it was exported from (import may give it another id). */
  accountId: z.string().min(1),
  /** Engine time of the export. */
  exportedAt: time,
  /** Binance's dual-side mode is not simulated: one position per symbol (positionSide BOTH). */
  positionMode: z.literal('ONE_WAY'),
  wallet: decimal,
  ledger: z.strictObject({ deposits: decimal, realizedPnl: decimal, fees: decimal, funding: decimal }),
  makerFeeRate: decimal,
  takerFeeRate: decimal,
  /** Every symbol the account has touched, in first-touch order. */
  positions: z.array(position),
  /** Open orders and the kept history, oldest first (by seq). */
  orders: z.array(order),
  algoOrders: z.array(algoOrder),
  /** Fills of the kept orders, in the order they happened. */
  trades: z.array(trade),
  /** Closed orders kept per family (null: all); open orders are always kept. */
  historyLimit: z.number().int().nonnegative().nullable(),
  /** Where the id counters stood, so restored ids are never handed out again. */
  counters: z.strictObject({
    seq,
    nextAlgoId: id,
    books: z.array(z.strictObject({ symbol, nextOrderId: id, nextTradeId: id })),
  }),
});

export type SimAccountSnapshot = z.infer<typeof simAccountSnapshotSchema>;
export type SimPositionSnapshot = SimAccountSnapshot['positions'][number];
export type SimOrderSnapshot = SimAccountSnapshot['orders'][number];
export type SimAlgoOrderSnapshot = SimAccountSnapshot['algoOrders'][number];
export type SimTradeSnapshot = SimAccountSnapshot['trades'][number];

/** Bad data in a snapshot: BAD_DATA with every problem as `field: what is wrong` (first few in the message). */
export function snapshotError(problems: readonly string[]): DomainError {
  const shown = problems.slice(0, 5).join('; ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  return new DomainError(ErrorCode.BAD_DATA, `account snapshot is invalid: ${shown}${more}`, {
    details: { problems: [...problems] },
  });
}

/** Validate unknown input (e.g. a jsonb column) as a version-1 account snapshot. */
export function parseAccountSnapshot(input: unknown): SimAccountSnapshot {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw snapshotError([`expected an object, got ${input === null ? 'null' : typeof input}`]);
  }
  const version = (input as { version?: unknown }).version;
  if (version !== SIM_ACCOUNT_SNAPSHOT_VERSION) {
    throw snapshotError([
      `version: ${JSON.stringify(version) ?? 'undefined'} is not supported (this build reads version ${SIM_ACCOUNT_SNAPSHOT_VERSION})`,
    ]);
  }
  const parsed = simAccountSnapshotSchema.safeParse(input);
  if (!parsed.success) {
    throw snapshotError(
      parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`),
    );
  }
  return parsed.data;
}
