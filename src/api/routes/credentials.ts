import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiContext } from '../context.js';
import { authErrors, bearer, credentialStatus, errorBody } from '../schemas.js';

const keyPart = (what: string) => {
  const error = `must be the Binance ${what}: 16 to 128 letters and digits`;
  return z.string({ error }).regex(/^[A-Za-z0-9]{16,128}$/, { error });
};
const pair = z.strictObject({ apiKey: keyPart('API key'), apiSecret: keyPart('API secret') });

export function credentialsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['credentials'];
  const description = 'The key and secret are stored encrypted and never returned: only ****abcd.';

  r.get(
    '/api/credentials',
    {
      schema: {
        tags,
        summary: 'Whether a Binance key is stored, masked',
        description,
        security: bearer,
        response: { 200: credentialStatus, ...authErrors },
      },
    },
    async (request) => ctx.account.credentialStatus(request.userId),
  );

  r.put(
    '/api/credentials',
    {
      schema: {
        tags,
        summary: 'Store or replace the Binance API key and secret',
        description,
        security: bearer,
        body: pair,
        response: { 200: credentialStatus, ...authErrors, 404: errorBody },
      },
    },
    async (request) =>
      ctx.account.setCredentials(request.userId, request.body.apiKey, request.body.apiSecret),
  );

  r.delete(
    '/api/credentials',
    {
      schema: {
        tags,
        summary: 'Delete the stored key (refused while REAL positions are open; REAL falls back to PAPER)',
        security: bearer,
        response: {
          200: z.object({ deleted: z.boolean(), mode: z.enum(['PAPER', 'REAL']) }),
          ...authErrors,
          409: errorBody,
        },
      },
    },
    async (request) => ctx.account.deleteCredentials(request.userId),
  );

  r.post(
    '/api/credentials/test',
    {
      schema: {
        tags,
        summary: 'Test a key pair on the exchange: the one sent, or else the stored one',
        security: bearer,
        body: pair.nullish(),
        response: { 200: z.object({ ok: z.boolean(), message: z.string() }), ...authErrors, 404: errorBody },
      },
    },
    async (request) =>
      ctx.account.testCredentials(request.userId, ctx.credentialsTester, request.body ?? undefined),
  );
}
