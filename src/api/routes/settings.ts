import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Settings } from '../../auth/index.js';
import { dec } from '../../domain/index.js';
import type { ApiContext } from '../context.js';
import { authErrors, bearer, errorBody, settingsBody } from '../schemas.js';

const MAX_MARGIN = 1_000_000;
const marginMessage = `must be a positive amount of USDT up to ${MAX_MARGIN}, e.g. "25" or 25`;
const intRange = (min: number, max: number) => {
  const error = `must be a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

export const settingsChange = z.strictObject({
  mode: z.enum(['PAPER', 'REAL'], { error: 'must be PAPER or REAL' }).optional(),
  fixedMargin: z
    .union([z.string(), z.number()], { error: marginMessage })
    .refine(
      (v) => {
        const s = String(v).trim();
        if (!/^\d{1,9}(\.\d{1,8})?$/.test(s)) return false;
        const d = dec(s);
        return d.gt(0) && d.lte(MAX_MARGIN);
      },
      { error: marginMessage },
    )
    .transform((v) => dec(String(v).trim(), 'fixedMargin'))
    .optional(),
  leverage: intRange(1, 125)
    .describe('1..125; orders are also held to the symbol’s own maximum when they are placed')
    .optional(),
  autoTrade: z.boolean({ error: 'must be true or false' }).optional(),
  minConfidence: intRange(0, 100).optional(),
  scanProfile: z
    .enum(['aggressive', 'normal', 'slow'], { error: 'must be aggressive, normal or slow' })
    .optional(),
  confirmReal: z
    .boolean({ error: 'must be true or false' })
    .describe('must be true when switching mode to REAL')
    .optional(),
});

const settingsDto = (s: Settings) => ({ ...s, fixedMargin: s.fixedMargin.toFixed() });

export function settingsRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['account'];
  r.get(
    '/api/settings',
    {
      schema: {
        tags,
        summary: 'Trading settings',
        security: bearer,
        response: { 200: settingsBody, ...authErrors },
      },
    },
    async (request) => settingsDto(await ctx.account.getSettings(request.userId)),
  );
  r.put(
    '/api/settings',
    {
      schema: {
        tags,
        summary: 'Change trading settings (partial)',
        description:
          'Switching to REAL needs stored exchange credentials and `confirmReal: true`. ' +
          'Invalid fields answer 400 with a message per field in error.fields.',
        security: bearer,
        body: settingsChange,
        response: { 200: settingsBody, ...authErrors, 404: errorBody },
      },
    },
    async (request) => settingsDto(await ctx.account.updateSettings(request.userId, request.body ?? {})),
  );
}
