import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, ErrorCode, TIMEFRAMES } from '../../domain/index.js';
import type { ApiContext } from '../context.js';
import { authErrors, bearer, errorBody, limitParam, symbolParam } from '../schemas.js';

const candle = z.object({
  openTime: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
});

/** Candles for the dashboard's chart. Market-wide, like signals: every signed-in user sees the same. */
export function candlesRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/candles',
    {
      schema: {
        tags: ['market'],
        summary: 'Closed candles of a symbol from the market feed the system trades on',
        security: bearer,
        querystring: z.strictObject({
          symbol: symbolParam,
          timeframe: z.enum(TIMEFRAMES, { error: `must be one of ${TIMEFRAMES.join(', ')}` }).default('15m'),
          limit: limitParam(1000, 300),
        }),
        response: {
          200: z.object({ candles: z.array(candle) }),
          404: errorBody,
          503: errorBody,
          ...authErrors,
        },
      },
    },
    async (request) => {
      if (!ctx.market) {
        throw new DomainError(ErrorCode.UNAVAILABLE, 'no market feed is attached to this server');
      }
      const { symbol, timeframe, limit } = request.query;
      return { candles: await ctx.market.candles(symbol, timeframe, limit) };
    },
  );
}
