import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, ErrorCode, SIGNAL_STATUSES } from '../../domain/index.js';
import type { ApiContext } from '../context.js';
import { printedPageJson, signalDto } from '../dto.js';
import {
  authErrors,
  bearer,
  cursorParam,
  errorBody,
  idParam,
  limitParam,
  page,
  signalBody,
  symbolParam,
} from '../schemas.js';

const signalDetail = signalBody.extend({
  screen: z.unknown().describe('screen metrics the signal was made on'),
  proposals: z.unknown().describe('each analyst’s proposal'),
  features: z.unknown().describe('ML features recorded at the time'),
});

/** Signals are market-wide (not per user): every authenticated user sees the same list. */
export function signalsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['signals'];

  r.get(
    '/api/signals',
    {
      schema: {
        tags,
        summary: 'Signals, newest first, filtered and paginated',
        security: bearer,
        querystring: z.strictObject({
          symbol: symbolParam.optional(),
          direction: z.enum(['LONG', 'SHORT'], { error: 'must be LONG or SHORT' }).optional(),
          status: z
            .enum(SIGNAL_STATUSES, { error: `must be one of ${SIGNAL_STATUSES.join(', ')}` })
            .optional(),
          exclude: z
            .enum(SIGNAL_STATUSES, { error: `must be one of ${SIGNAL_STATUSES.join(', ')}` })
            .optional()
            .describe('leave out signals of this status, e.g. REJECTED'),
          limit: limitParam(),
          cursor: cursorParam,
        }),
        response: { 200: page(signalBody), ...authErrors },
      },
    },
    async (request, reply) => {
      // Each row's item as the database printed it when the row was written (list_item), the page
      // joined here (signal-page.test.ts holds it byte for byte to what the serializer prints from
      // signalDto); a row not printable that way sends the page through signalDto and the schema.
      const printed = await ctx.repos.signalQueries.listAsJson(request.query);
      const json = printedPageJson(printed.items, printed.hasMore);
      // Already JSON: a string with a JSON content type skips the serializer (the type provider
      // only types objects of the schema, hence the plain FastifyReply).
      if (json !== undefined)
        return (reply as FastifyReply).type('application/json; charset=utf-8').send(json);
      const { items, hasMore } = await ctx.repos.signalQueries.list(request.query);
      return { items: items.map(signalDto), nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
    },
  );

  r.get(
    '/api/signals/:id',
    {
      schema: {
        tags,
        summary: 'One signal with the evidence it was made on',
        security: bearer,
        params: idParam,
        response: { 200: signalDetail, ...authErrors, 404: errorBody },
      },
    },
    async (request) => {
      const signal = await ctx.repos.signalQueries.findById(request.params.id);
      if (!signal) throw new DomainError(ErrorCode.NOT_FOUND, 'signal not found');
      return {
        ...signalDto(signal),
        screen: signal.screen,
        proposals: signal.proposals,
        features: signal.features,
      };
    },
  );
}
