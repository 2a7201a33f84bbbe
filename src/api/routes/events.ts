import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, ErrorCode } from '../../domain/index.js';
import type { Delivery } from '../../events/index.js';
import { verifyRequest } from '../auth-guard.js';
import type { ApiContext } from '../context.js';
import { redactUrl } from '../http-hooks.js';
import { errorBody } from '../schemas.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * GET /api/events: Server-Sent Events for the signed-in user: their positions, orders, balance,
 * risk state and account changes, plus broadcasts (new signals; prices of the symbols listed in
 * ?symbols=). Authenticated by `Authorization: Bearer` or, because EventSource cannot set headers,
 * by `?token=<access token>` (redacted from logs). The stream ends when the token expires (event
 * `expired`): reconnect with a fresh token. Each client has a bounded send buffer: one that cannot
 * keep up is dropped, never waited for, so it cannot slow the server or the publisher.
 */
export function eventsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const open = new Set<ServerResponse>();
  const perUser = new Map<string, number>();
  // A broadcast is serialised once, however many streams carry it.
  const frames = new WeakMap<Delivery, string>();
  const frameOf = (d: Delivery): string => {
    let frame = frames.get(d);
    if (frame === undefined) {
      frame = `id: ${d.seq}\nevent: ${d.event.type}\ndata: ${JSON.stringify(d.event)}\n\n`;
      frames.set(d, frame);
    }
    return frame;
  };

  app.addHook('preClose', async () => {
    for (const raw of open) raw.end('event: bye\ndata: {"reason":"server stopping"}\n\n');
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/events',
    {
      schema: {
        tags: ['live'],
        summary: 'Live events (Server-Sent Events)',
        description:
          'Authenticate with `Authorization: Bearer <token>` or `?token=<token>` (EventSource cannot set ' +
          'headers). Events: hello, account, position, order, balance, risk, signal, price (only for ' +
          '?symbols=), expired, bye; a comment line every heartbeat. A client that does not read fast ' +
          'enough is disconnected.',
        querystring: z.object({
          token: z.string().max(4096).optional(),
          symbols: z
            .string()
            .regex(/^[A-Za-z0-9]{2,30}(,[A-Za-z0-9]{2,30}){0,99}$/, {
              error: 'must be up to 100 comma-separated symbols such as BTCUSDT,ETHUSDT',
            })
            .optional(),
        }),
        response: { 401: errorBody, 429: errorBody, 400: errorBody },
      },
    },
    async (request, reply) => {
      const claims = verifyRequest(app, request, true) as { sub: string; exp?: number };
      const userId = request.userId;
      if ((perUser.get(userId) ?? 0) >= ctx.stream.maxStreamsPerUser) {
        ctx.metrics.eventStreamsDropped.inc({ reason: 'limit' });
        throw new DomainError(
          ErrorCode.RATE_LIMITED,
          `at most ${ctx.stream.maxStreamsPerUser} live streams per user; close another tab first`,
          { details: { retryAfterSec: 5 } },
        );
      }
      const symbols = new Set((request.query.symbols ?? '').toUpperCase().split(',').filter(Boolean));

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      });
      raw.setTimeout(0);
      open.add(raw);
      perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
      ctx.metrics.eventStreams.inc();

      let closed = false;
      const drop = (reason: 'slow' | 'expired') => {
        if (closed) return;
        ctx.metrics.eventStreamsDropped.inc({ reason });
        if (reason === 'slow') {
          request.log.warn({ userId, buffered: raw.writableLength }, 'live stream dropped: client too slow');
          raw.destroy();
        } else {
          raw.end('event: expired\ndata: {"reason":"access token expired: reconnect with a fresh one"}\n\n');
        }
      };
      const send = (frame: string) => {
        if (closed) return;
        // Bounded: past the cap the client is dropped instead of buffering without end.
        if (raw.writableLength > ctx.stream.maxBufferedBytes) return drop('slow');
        raw.write(frame);
      };

      const unsubscribe = ctx.events.subscribe(userId, (d) => {
        if (d.event.type === 'price' && !(d.event.symbol && symbols.has(d.event.symbol))) return;
        send(frameOf(d));
      });
      const heartbeat = setInterval(() => send(`: heartbeat ${ctx.clock.now()}\n\n`), ctx.stream.heartbeatMs);
      const expiresInMs = claims.exp ? claims.exp * 1000 - ctx.clock.now() : MAX_TIMER_MS;
      const expiry = setTimeout(() => drop('expired'), Math.max(0, Math.min(expiresInMs, MAX_TIMER_MS)));
      const openedAt = ctx.clock.now();
      request.log.info(
        { method: 'GET', url: redactUrl(request.url), status: 200, userId },
        'live stream opened',
      );
      raw.on('close', () => {
        closed = true;
        request.log.info({ userId, durationMs: ctx.clock.now() - openedAt }, 'live stream closed');
        unsubscribe();
        clearInterval(heartbeat);
        clearTimeout(expiry);
        open.delete(raw);
        const left = (perUser.get(userId) ?? 1) - 1;
        if (left > 0) perUser.set(userId, left);
        else perUser.delete(userId);
        ctx.metrics.eventStreams.dec();
      });

      send('retry: 3000\n\n');
      send(
        `event: hello\ndata: ${JSON.stringify({ userId, at: ctx.clock.now(), symbols: [...symbols] })}\n\n`,
      );
    },
  );
}
