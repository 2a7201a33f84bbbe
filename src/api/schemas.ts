/**
 * Zod schemas shared by the routes: they validate requests, shape responses (unknown fields are
 * stripped, so nothing unlisted can leak) and become the OpenAPI document at once.
 */
import { z } from 'zod';

export const errorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      fields: z.record(z.string(), z.string()).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** Responses every authenticated route may give besides its own. */
export const authErrors = { 400: errorBody, 401: errorBody, 429: errorBody } as const;

export const idParam = z.object({ id: z.guid({ error: 'must be an id (uuid)' }) });

export const symbolParam = z
  .string()
  .regex(/^[A-Za-z0-9]{2,30}$/, { error: 'must be a symbol such as BTCUSDT' })
  .transform((s) => s.toUpperCase());

export const limitParam = (max = 200, fallback = 50) =>
  z.coerce
    .number({ error: `must be a whole number from 1 to ${max}` })
    .int({ error: `must be a whole number from 1 to ${max}` })
    .min(1, { error: `must be a whole number from 1 to ${max}` })
    .max(max, { error: `must be a whole number from 1 to ${max}` })
    .default(fallback);

export const cursorParam = z.guid({ error: 'must be the nextCursor of a previous page' }).optional();

export const decimalString = z.string().describe('decimal number, as a string');
export const nullableDecimal = decimalString.nullable();
export const isoDate = z.string().describe('ISO 8601 date-time');

export const credentialStatus = z.object({
  configured: z.boolean(),
  apiKey: z.string().nullable().describe('masked: ****abcd'),
});

export const settingsBody = z.object({
  mode: z.enum(['PAPER', 'REAL']),
  fixedMargin: decimalString.describe('margin per trade in USDT'),
  leverage: z.number().int(),
  autoTrade: z.boolean(),
  minConfidence: z.number().int(),
  scanProfile: z.enum(['aggressive', 'normal', 'slow']),
  riskState: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
});

export const balanceBody = z.object({
  mode: z.enum(['PAPER', 'REAL']),
  wallet: nullableDecimal,
  available: nullableDecimal,
  asOf: isoDate.nullable(),
  ageMs: z.number().nullable().describe('how old the figure is, ms'),
  source: z.string(),
});

export const positionBody = z
  .object({
    id: z.string(),
    signalId: z.string().nullable(),
    symbol: z.string(),
    direction: z.enum(['LONG', 'SHORT']),
    mode: z.enum(['PAPER', 'REAL']),
    status: z.string(),
    open: z.boolean(),
    qty: decimalString,
    filledQty: decimalString,
    entryPrice: nullableDecimal,
    stopLoss: nullableDecimal,
    takeProfit: nullableDecimal,
    margin: decimalString,
    leverage: z.number(),
    exitPrice: nullableDecimal,
    fees: decimalString,
    pnl: nullableDecimal.describe('realised, net of fees (closed positions)'),
    pnlPercent: nullableDecimal.describe('pnl / margin x 100'),
    markPrice: nullableDecimal,
    unrealizedPnl: nullableDecimal.describe('open positions, at the mark price, before fees'),
    unrealizedPnlPercent: nullableDecimal,
    closeReason: z.string().nullable(),
    unprotectedSince: isoDate.nullable(),
    adopted: z.boolean(),
    openedAt: isoDate.nullable(),
    closedAt: isoDate.nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .meta({ id: 'Position' });

export const signalBody = z
  .object({
    id: z.string(),
    symbol: z.string(),
    direction: z.enum(['LONG', 'SHORT']),
    status: z.string(),
    confidence: z.number(),
    entryType: z.string(),
    entry: decimalString,
    stopLoss: decimalString,
    takeProfit: decimalString,
    analyst: z.string(),
    fallback: z.string().nullable(),
    winProbability: z.number().nullable(),
    candleCloseTime: z.number().nullable(),
    fixes: z.array(z.string()),
    vetoes: z.array(z.string()),
    reasons: z.array(z.string()),
    outcome: z.string().nullable(),
    outcomeSource: z.string().nullable(),
    outcomePnl: nullableDecimal,
    expiresAt: isoDate,
    createdAt: isoDate,
  })
  .meta({ id: 'Signal' });

export const closeOutcomeBody = z.object({
  positionId: z.string(),
  symbol: z.string(),
  mode: z.enum(['PAPER', 'REAL']),
  outcome: z.enum(['CLOSED', 'CLOSING', 'CLOSED_IN_BOOKS', 'NOT_CLOSED']),
  message: z.string(),
});

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
  });

export const bearer = [{ bearerAuth: [] }];
