import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DomainError, ErrorCode } from '../../domain/index.js';
import type { ApiContext } from '../context.js';
import { balanceDto } from '../dto.js';
import {
  authErrors,
  balanceBody,
  bearer,
  credentialStatus,
  errorBody,
  isoDate,
  settingsBody,
} from '../schemas.js';

const meBody = z.object({
  user: z.object({ id: z.string(), email: z.string(), createdAt: isoDate }),
  mode: z.enum(['PAPER', 'REAL']),
  riskState: z.enum(['ACTIVE', 'REDUCING', 'HALTED']),
  autoTrade: z.boolean(),
  settings: settingsBody,
  balance: balanceBody,
  credentials: credentialStatus,
});

export function meRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/me',
    {
      schema: {
        tags: ['account'],
        summary: 'Profile, mode, balance (with its age), risk state',
        security: bearer,
        response: { 200: meBody, ...authErrors, 404: errorBody },
      },
    },
    async (request) => {
      const user = await ctx.repos.users.findById(request.userId);
      // A valid token for a deleted account: the session is over.
      if (!user) throw new DomainError(ErrorCode.UNAUTHORIZED, 'this account no longer exists');
      const [balance, hint] = await Promise.all([
        ctx.balances.getBalance(user),
        ctx.repos.credentials.findHint(user.id),
      ]);
      return {
        user: { id: user.id, email: user.email, createdAt: user.createdAt.toISOString() },
        mode: user.mode,
        riskState: user.riskState,
        autoTrade: user.autoTrade,
        settings: {
          mode: user.mode,
          fixedMargin: user.fixedMargin.toFixed(),
          leverage: user.leverage,
          autoTrade: user.autoTrade,
          minConfidence: user.minConfidence,
          scanProfile: user.scanProfile,
          riskState: user.riskState,
        },
        balance: balanceDto(balance, ctx.clock.now()),
        credentials: { configured: hint !== undefined, apiKey: hint === undefined ? null : `****${hint}` },
      };
    },
  );
}
