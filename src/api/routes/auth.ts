import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, type Session } from '../../auth/index.js';
import type { ApiContext } from '../context.js';
import { errorBody, isoDate } from '../schemas.js';

const email = z
  .email({ error: 'must be an email address' })
  .max(254, { error: 'must be an email address of at most 254 characters' });
const newPassword = z
  .string({ error: `must be a string of ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters` })
  .min(PASSWORD_MIN_LENGTH, { error: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { error: `must be at most ${PASSWORD_MAX_LENGTH} characters` });
const password = z
  .string({ error: 'required' })
  .min(1, { error: 'required' })
  .max(PASSWORD_MAX_LENGTH, { error: `must be at most ${PASSWORD_MAX_LENGTH} characters` });
const refreshToken = z
  .string({ error: 'required' })
  .min(1, { error: 'required' })
  .max(200, { error: 'is not a refresh token' });

const sessionBody = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().describe('access token lifetime, seconds'),
  refreshExpiresAt: isoDate,
  user: z.object({ id: z.string(), email: z.string(), mode: z.enum(['PAPER', 'REAL']), createdAt: isoDate }),
});

const sessionDto = (s: Session) => ({
  accessToken: s.accessToken,
  refreshToken: s.refreshToken,
  tokenType: s.tokenType,
  expiresIn: s.expiresIn,
  refreshExpiresAt: s.refreshExpiresAt.toISOString(),
  user: { id: s.user.id, email: s.user.email, mode: s.user.mode, createdAt: s.user.createdAt.toISOString() },
});

export function authRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];

  r.post(
    '/api/auth/register',
    {
      schema: {
        tags,
        summary: 'Create an account (PAPER mode) and log in',
        body: z.strictObject({ email, password: newPassword }),
        response: { 201: sessionBody, 400: errorBody, 409: errorBody, 429: errorBody },
      },
    },
    async (request, reply) => {
      const session = await ctx.auth.register({ ...request.body, ip: request.ip });
      return reply.status(201).send(sessionDto(session));
    },
  );

  r.post(
    '/api/auth/login',
    {
      schema: {
        tags,
        summary: 'Log in: a short-lived access token and a single-use refresh token',
        description: 'Failed attempts are throttled per client IP and per account: 429 with Retry-After.',
        body: z.strictObject({ email, password }),
        response: { 200: sessionBody, 400: errorBody, 401: errorBody, 429: errorBody },
      },
    },
    async (request) => sessionDto(await ctx.auth.login({ ...request.body, ip: request.ip })),
  );

  r.post(
    '/api/auth/refresh',
    {
      schema: {
        tags,
        summary: 'Trade a refresh token for a new session (the old token is revoked)',
        description: 'Presenting an already-used refresh token signs the user out everywhere.',
        body: z.strictObject({ refreshToken }),
        response: { 200: sessionBody, 400: errorBody, 401: errorBody },
      },
    },
    async (request) => sessionDto(await ctx.auth.refresh(request.body.refreshToken)),
  );

  r.post(
    '/api/auth/logout',
    {
      schema: {
        tags,
        summary: 'Revoke a refresh token (or, with everywhere, all sessions of its user)',
        body: z.strictObject({
          refreshToken,
          everywhere: z.boolean({ error: 'must be true or false' }).optional(),
        }),
        response: { 204: z.null().describe('logged out'), 400: errorBody },
      },
    },
    async (request, reply) => {
      await ctx.auth.logout(request.body.refreshToken, { everywhere: request.body.everywhere ?? false });
      return reply.status(204).send(null);
    },
  );
}
