import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { loadInsights, OUTCOME_SOURCES } from '../../ml/index.js';
import type { ApiContext } from '../context.js';
import { authErrors, bearer, isoDate } from '../schemas.js';

const stats = {
  signals: z.number().int(),
  wins: z.number().int(),
  losses: z.number().int(),
  winRate: z.number().describe('wins / signals, 0..1'),
  pnl: z.number().nullable().describe('summed closed PnL (USDT); null when none was recorded'),
};
const table = (key: string, type: z.ZodType, description: string) =>
  z.array(z.object({ [key]: type.describe(description), ...stats }));

const sourceList = new RegExp(`^(${OUTCOME_SOURCES.join('|')})(,(${OUTCOME_SOURCES.join('|')}))*$`);

const insightsBody = z.object({
  summary: z.object({
    signals: z.number().int(),
    wins: z.number().int(),
    winRate: z.number().nullable(),
    pnl: z.number().nullable(),
    sources: z.record(z.string(), z.number().int()).describe('closed signals per outcome source'),
  }),
  byAgreement: table('agreement', z.string(), 'does the vision analyst agree with the logic analyst'),
  byConfidence: table('confidence', z.string(), 'combined-confidence bucket'),
  byWinProbability: table('winProbability', z.string(), 'the model’s p(win) bucket when the signal was made'),
  byWhale: table('whale', z.string(), 'whale event relative to the trade'),
  bySymbol: table('symbol', z.string(), 'symbol'),
  byHour: table('hourUtc', z.number().int(), 'hour of day (UTC) the signal was made'),
  models: z.array(
    z.object({
      version: z.number().int(),
      usable: z
        .boolean()
        .describe('beat the base rate on held-out later data; only usable models are served'),
      samples: z.number().int(),
      auc: z.number().nullable(),
      brier: z.number().nullable(),
      brierBaseline: z.number().nullable().describe('Brier of always predicting the base rate'),
      trainedAt: isoDate,
    }),
  ),
  calibration: z
    .array(
      z.object({ bin: z.string(), count: z.number().int(), predicted: z.number(), observed: z.number() }),
    )
    .describe('the newest model’s held-out calibration table'),
});

/** How closed signals did, for the dashboard's insights page. Market-wide, like the signals. */
export function insightsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/insights',
    {
      schema: {
        tags: ['insights'],
        summary:
          'Win rate and count of closed signals by analyst agreement, confidence, whale event, symbol, hour',
        security: bearer,
        querystring: z.strictObject({
          source: z
            .string()
            .regex(sourceList, { error: `must be a comma-separated list of ${OUTCOME_SOURCES.join(', ')}` })
            .optional()
            .describe('only outcomes from these sources (default all)'),
        }),
        response: { 200: insightsBody, ...authErrors },
      },
    },
    async (request) => loadInsights(ctx.store.db, { sources: request.query.source?.split(',') }),
  );
}
