import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, ErrorCode } from '../../domain/index.js';
import type { ApiContext } from '../context.js';
import { authErrors, bearer, errorBody, idParam, isoDate, limitParam } from '../schemas.js';

const backtestItem = z.object({
  id: z.string(),
  createdAt: isoDate,
  source: z.string().describe('replay (recorded candles), synthetic or memory'),
  analyst: z.string().describe('rule or llm-cache'),
  periodFrom: isoDate,
  periodTo: isoDate,
  symbols: z.array(z.string()),
  trades: z.number().int(),
  winRate: z.number().nullable().describe('0..1; null without trades'),
  profitFactor: z.number().nullable().describe('null when nothing was lost'),
  totalReturnPct: z.number(),
  maxDrawdownPct: z.number(),
  sharpe: z.number().nullable().describe('daily returns, annualised'),
  executor: z
    .string()
    .nullable()
    .describe('engine (the live execution engine) or direct; null if not recorded'),
  margin: z.number().nullable().describe('margin per trade, USDT; null if not recorded'),
  leverage: z.number().int().nullable().describe('null if not recorded'),
});

const backtestDetail = z.object({
  id: z.string(),
  createdAt: isoDate,
  summary: z.unknown().describe('what `neurotrade backtest --json` printed (without the trade list)'),
  report: z
    .unknown()
    .describe(
      'the full report: params, market, metrics of the strategy and both baselines (whole period and ' +
        'split), per-symbol tables, equity samples, trades, pipeline counts, notes',
    ),
});

const iso = (d: Date) => d.toISOString();

/** Stored backtest reports. Market-wide like the signals: every signed-in user sees the same list. */
export function backtestsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['backtests'];

  r.get(
    '/api/backtests',
    {
      schema: {
        tags,
        summary: 'Stored backtests, newest first: period, market, analyst and the headline metrics',
        security: bearer,
        querystring: z.strictObject({ limit: limitParam(200, 50) }),
        response: { 200: z.object({ items: z.array(backtestItem) }), ...authErrors },
      },
    },
    async (request) => {
      const rows = await ctx.repos.backtests.list({ limit: request.query.limit });
      return {
        items: rows.map((b) => ({
          ...b,
          createdAt: iso(b.createdAt),
          periodFrom: iso(b.periodFrom),
          periodTo: iso(b.periodTo),
        })),
      };
    },
  );

  r.get(
    '/api/backtests/:id',
    {
      schema: {
        tags,
        summary: 'One stored backtest: its full report',
        security: bearer,
        params: idParam,
        response: { 200: backtestDetail, ...authErrors, 404: errorBody },
      },
    },
    async (request) => {
      const stored = await ctx.repos.backtests.findById(request.params.id);
      if (!stored) throw new DomainError(ErrorCode.NOT_FOUND, 'backtest not found');
      return {
        id: stored.id,
        createdAt: iso(stored.createdAt),
        summary: stored.summary,
        report: stored.report,
      };
    },
  );
}
