import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { authErrors, bearer, closeOutcomeBody, errorBody } from '../schemas.js';

const riskState = z.enum(['ACTIVE', 'REDUCING', 'HALTED']);

export function tradingRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['trading'];

  r.post(
    '/api/panic',
    {
      schema: {
        tags,
        summary: 'Stop auto-trading, move the account to REDUCING and close every position',
        description:
          '`executor` says who acted: "books-only" means no exchange is wired yet, so PAPER positions ' +
          'were closed in the books only and REAL positions were not closed (see each result).',
        security: bearer,
        response: {
          200: z.object({
            executor: z.string(),
            autoTrade: z.boolean(),
            riskState,
            results: z.array(closeOutcomeBody),
          }),
          ...authErrors,
          404: errorBody,
        },
      },
    },
    async (request) => {
      const report = await ctx.trading.panic(request.userId);
      const notClosed = report.results.filter((x) => x.outcome === 'NOT_CLOSED').length;
      await ctx.repos.audit.append({
        userId: request.userId,
        kind: 'trading.panic',
        message: `panic (${report.executor}): auto-trading off, account ${report.riskState}, ${report.results.length} position(s), ${notClosed} not closed`,
        data: report,
      });
      return report;
    },
  );

  r.post(
    '/api/auto-trading',
    {
      schema: {
        tags,
        summary: 'Turn auto-trading on or off',
        description: 'Auto-trading only acts while the account is ACTIVE (see riskState).',
        security: bearer,
        body: z.strictObject({ enabled: z.boolean({ error: 'must be true or false' }) }),
        response: { 200: z.object({ autoTrade: z.boolean(), riskState }), ...authErrors, 404: errorBody },
      },
    },
    async (request) => {
      const result = await ctx.trading.setAutoTrading(request.userId, request.body.enabled);
      await ctx.repos.audit.append({
        userId: request.userId,
        kind: 'trading.auto_trading',
        message: `auto-trading turned ${request.body.enabled ? 'on' : 'off'}`,
        data: { enabled: request.body.enabled, riskState: result.riskState },
      });
      return result;
    },
  );

  r.post(
    '/api/risk/resume',
    {
      schema: {
        tags,
        summary: 'Return a REDUCING or HALTED account to ACTIVE (only a person can)',
        security: bearer,
        response: { 200: z.object({ riskState }), ...authErrors, 404: errorBody },
      },
    },
    async (request) => {
      const result = await ctx.trading.resume(request.userId);
      await ctx.repos.audit.append({
        userId: request.userId,
        kind: 'risk.resumed',
        message: `account resumed by its owner: ${result.riskState}`,
      });
      return result;
    },
  );
}
