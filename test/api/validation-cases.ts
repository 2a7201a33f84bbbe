/**
 * One invalid request per input field of every route, and the field the 400 must name. Used by
 * security.test.ts; kept apart because the table is long.
 */
import type { InjectOptions } from 'fastify';
import { uniqueEmail } from './harness.js';

export interface CaseContext {
  aliceEmail: string;
  aliceToken: string;
  apiKey: string;
  apiSecret: string;
}

export function validationCases(ctx: CaseContext): [string, InjectOptions, string][] {
  const { apiKey: API_KEY, apiSecret: API_SECRET } = ctx;
  const alice = { email: ctx.aliceEmail, accessToken: ctx.aliceToken };
  return [
    [
      'register email',
      { method: 'POST', url: '/api/auth/register', payload: { email: 'nope', password: 'long enough pw' } },
      'email',
    ],
    [
      'register password',
      { method: 'POST', url: '/api/auth/register', payload: { email: uniqueEmail(), password: 'short' } },
      'password',
    ],
    [
      'register password too long',
      {
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail(), password: 'x'.repeat(300) },
      },
      'password',
    ],
    [
      'register extra field',
      {
        method: 'POST',
        url: '/api/auth/register',
        payload: { email: uniqueEmail(), password: 'long enough pw', admin: true },
      },
      'admin',
    ],
    [
      'login email',
      { method: 'POST', url: '/api/auth/login', payload: { email: 42, password: 'x' } },
      'email',
    ],
    [
      'login password',
      { method: 'POST', url: '/api/auth/login', payload: { email: alice.email } },
      'password',
    ],
    [
      'refresh token',
      { method: 'POST', url: '/api/auth/refresh', payload: { refreshToken: '' } },
      'refreshToken',
    ],
    [
      'logout everywhere',
      { method: 'POST', url: '/api/auth/logout', payload: { refreshToken: 'x', everywhere: 'yes' } },
      'everywhere',
    ],
    ['settings mode', { method: 'PUT', url: '/api/settings', payload: { mode: 'LIVE' } }, 'mode'],
    [
      'settings fixedMargin negative',
      { method: 'PUT', url: '/api/settings', payload: { fixedMargin: '-5' } },
      'fixedMargin',
    ],
    [
      'settings fixedMargin garbage',
      { method: 'PUT', url: '/api/settings', payload: { fixedMargin: '1e3' } },
      'fixedMargin',
    ],
    [
      'settings fixedMargin zero',
      { method: 'PUT', url: '/api/settings', payload: { fixedMargin: 0 } },
      'fixedMargin',
    ],
    ['settings leverage 0', { method: 'PUT', url: '/api/settings', payload: { leverage: 0 } }, 'leverage'],
    [
      'settings leverage 126',
      { method: 'PUT', url: '/api/settings', payload: { leverage: 126 } },
      'leverage',
    ],
    [
      'settings leverage fraction',
      { method: 'PUT', url: '/api/settings', payload: { leverage: 2.5 } },
      'leverage',
    ],
    [
      'settings leverage string',
      { method: 'PUT', url: '/api/settings', payload: { leverage: '5' } },
      'leverage',
    ],
    [
      'settings autoTrade',
      { method: 'PUT', url: '/api/settings', payload: { autoTrade: 'yes' } },
      'autoTrade',
    ],
    [
      'settings minConfidence',
      { method: 'PUT', url: '/api/settings', payload: { minConfidence: 101 } },
      'minConfidence',
    ],
    [
      'settings scanProfile',
      { method: 'PUT', url: '/api/settings', payload: { scanProfile: 'turbo' } },
      'scanProfile',
    ],
    [
      'settings confirmReal',
      { method: 'PUT', url: '/api/settings', payload: { confirmReal: 1 } },
      'confirmReal',
    ],
    [
      'settings riskState is not settable',
      { method: 'PUT', url: '/api/settings', payload: { riskState: 'ACTIVE' } },
      'riskState',
    ],
    [
      'credentials apiKey',
      { method: 'PUT', url: '/api/credentials', payload: { apiKey: 'short', apiSecret: API_SECRET } },
      'apiKey',
    ],
    [
      'credentials apiSecret',
      {
        method: 'PUT',
        url: '/api/credentials',
        payload: { apiKey: API_KEY, apiSecret: 'has spaces in it!!!!' },
      },
      'apiSecret',
    ],
    [
      'credentials test apiKey',
      { method: 'POST', url: '/api/credentials/test', payload: { apiKey: 'x', apiSecret: API_SECRET } },
      'apiKey',
    ],
    ['signals symbol', { method: 'GET', url: '/api/signals?symbol=BTC-USDT' }, 'symbol'],
    ['signals direction', { method: 'GET', url: '/api/signals?direction=UP' }, 'direction'],
    ['signals status', { method: 'GET', url: '/api/signals?status=OPEN' }, 'status'],
    ['signals exclude', { method: 'GET', url: '/api/signals?exclude=rejected' }, 'exclude'],
    ['signals limit', { method: 'GET', url: '/api/signals?limit=1000' }, 'limit'],
    ['signals cursor', { method: 'GET', url: '/api/signals?cursor=1%27%20or%201=1' }, 'cursor'],
    ['signals unknown filter', { method: 'GET', url: '/api/signals?userId=x' }, 'userId'],
    ['signal id', { method: 'GET', url: '/api/signals/12' }, 'id'],
    ['positions status', { method: 'GET', url: '/api/positions?status=live' }, 'status'],
    ['positions symbol', { method: 'GET', url: '/api/positions?symbol=%3Cscript%3E' }, 'symbol'],
    ['positions limit', { method: 'GET', url: '/api/positions?limit=abc' }, 'limit'],
    ['positions cursor', { method: 'GET', url: '/api/positions?cursor=abc' }, 'cursor'],
    ['position id', { method: 'GET', url: '/api/positions/not-a-uuid' }, 'id'],
    ['close id', { method: 'POST', url: '/api/positions/1/close' }, 'id'],
    [
      'auto-trading enabled',
      { method: 'POST', url: '/api/auto-trading', payload: { enabled: 'true' } },
      'enabled',
    ],
    ['auto-trading missing', { method: 'POST', url: '/api/auto-trading', payload: {} }, 'enabled'],
    ['audit limit', { method: 'GET', url: '/api/audit?limit=-1' }, 'limit'],
    ['audit cursor', { method: 'GET', url: '/api/audit?cursor=x' }, 'cursor'],
    [
      'events symbols',
      { method: 'GET', url: `/api/events?symbols=BTC;DROP&token=${alice.accessToken}` },
      'symbols',
    ],
  ];
}
