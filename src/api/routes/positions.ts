import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, ErrorCode, isLivePosition } from '../../domain/index.js';
import type { Position, PositionRow } from '../../store/index.js';
import type { ApiContext } from '../context.js';
import { positionDto, printedPageJson } from '../dto.js';
import {
  authErrors,
  bearer,
  closeOutcomeBody,
  cursorParam,
  errorBody,
  idParam,
  limitParam,
  page,
  positionBody,
  symbolParam,
} from '../schemas.js';

/** Positions are per user: another user's position answers 404, exactly like a missing one. */
export function positionsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['positions'];
  const dto = (p: Position | PositionRow) => positionDto(p, ctx.markPrices.markPrice(p.symbol));

  r.get(
    '/api/positions',
    {
      schema: {
        tags,
        summary: 'Your positions: open (default), closed or all, newest first, paginated',
        security: bearer,
        querystring: z.strictObject({
          status: z.enum(['open', 'closed', 'all'], { error: 'must be open, closed or all' }).default('open'),
          symbol: symbolParam.optional(),
          limit: limitParam(),
          cursor: cursorParam,
        }),
        response: { 200: page(positionBody), ...authErrors },
      },
    },
    async (request, reply) => {
      if (request.query.status === 'closed') {
        // Each row's item as the database printed it when the row was written (list_item), the page
        // joined here (position-page.test.ts holds it byte for byte to positionDto and the
        // serializer); a row not printable that way sends the page through positionDto.
        const printed = await ctx.repos.positionQueries.listClosedAsJson(request.userId, request.query);
        const json = printedPageJson(printed.items, printed.hasMore);
        if (json !== undefined)
          return (reply as FastifyReply).type('application/json; charset=utf-8').send(json);
      }
      const { items, hasMore } = await ctx.repos.positionQueries.listForUser(request.userId, request.query);
      return { items: items.map(dto), nextCursor: hasMore ? (items.at(-1)?.id ?? null) : null };
    },
  );

  r.get(
    '/api/positions/:id',
    {
      schema: {
        tags,
        summary: 'One of your positions',
        security: bearer,
        params: idParam,
        response: { 200: positionBody, ...authErrors, 404: errorBody },
      },
    },
    async (request) => {
      const position = await ctx.repos.positionQueries.findForUser(request.userId, request.params.id);
      if (!position) throw new DomainError(ErrorCode.NOT_FOUND, 'position not found');
      return dto(position);
    },
  );

  r.post(
    '/api/positions/:id/close',
    {
      schema: {
        tags,
        summary: 'Close one of your positions at market',
        security: bearer,
        params: idParam,
        response: { 200: closeOutcomeBody, ...authErrors, 404: errorBody, 409: errorBody },
      },
    },
    async (request) => {
      const position = await ctx.repos.positionQueries.findForUser(request.userId, request.params.id);
      if (!position) throw new DomainError(ErrorCode.NOT_FOUND, 'position not found');
      if (!isLivePosition(position.status)) {
        throw new DomainError(ErrorCode.CONFLICT, `position is already ${position.status}`);
      }
      const outcome = await ctx.trading.closePosition(request.userId, position.id);
      await ctx.repos.audit.append({
        userId: request.userId,
        kind: 'position.close_requested',
        message: `manual close of ${position.symbol} ${position.direction} (${position.mode}): ${outcome.outcome}`,
        data: { positionId: position.id, outcome: outcome.outcome, message: outcome.message },
      });
      return outcome;
    },
  );
}
