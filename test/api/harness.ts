/**
 * Builds the real API on a test store (see forEachStore) with a fresh JWT secret and credentials
 * key, a cheap (still argon2id) password hasher, and helpers to register users and call routes.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type AppDeps, buildApp, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../src/api/index.js';
import { createArgon2Hasher } from '../../src/auth/index.js';
import { silentLogger } from '../../src/logging/index.js';
import type { Store } from '../../src/store/index.js';

export const cheapHasher = createArgon2Hasher({ memoryCost: 1024, timeCost: 1 });

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export interface Harness {
  app: FastifyInstance;
  secrets: AppDeps['secrets'];
  register(email?: string, password?: string): Promise<TestUser>;
  /** app.inject with the user's bearer token. */
  as(user: TestUser | string, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Sign arbitrary JWT header and claims with the app's secret (HS256 unless told). */
  forge(header: Record<string, unknown>, claims: Record<string, unknown>, secret?: string): string;
  close(): Promise<void>;
}

let seq = 0;
export const uniqueEmail = (prefix = 'user') =>
  `${prefix}-${process.pid}-${++seq}-${randomBytes(3).toString('hex')}@example.com`;

export async function createHarness(
  store: Store,
  overrides: Partial<Omit<AppDeps, 'store'>> = {},
): Promise<Harness> {
  const secrets = overrides.secrets ?? {
    jwtSecret: randomBytes(48).toString('base64url'),
    credentialsKey: randomBytes(32),
  };
  const app = await buildApp({
    store,
    logger: silentLogger,
    version: 'test',
    docs: false,
    ...overrides,
    secrets,
    auth: {
      passwords: cheapHasher,
      registration: { limit: 1000, windowMs: 60_000 },
      ...overrides.auth,
    },
  });
  await app.ready();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return {
    app,
    secrets,
    async register(email = uniqueEmail(), password = 'correct horse battery') {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/register',
        payload: { email, password },
      });
      if (res.statusCode !== 201) throw new Error(`register failed: ${res.statusCode} ${res.body}`);
      const body = res.json();
      return {
        id: body.user.id,
        email,
        password,
        accessToken: body.accessToken,
        refreshToken: body.refreshToken,
      };
    },
    as(user, options) {
      const token = typeof user === 'string' ? user : user.accessToken;
      return app.inject({
        ...options,
        headers: { ...(options.headers ?? {}), authorization: `Bearer ${token}` },
      } as InjectOptions);
    },
    forge(header, claims, secret = secrets.jwtSecret) {
      const body = `${b64(header)}.${b64(claims)}`;
      const alg = String(header.alg ?? 'HS256');
      const hmac =
        alg === 'none'
          ? ''
          : createHmac(`sha${alg.slice(2)}`, secret)
              .update(body)
              .digest('base64url');
      return `${body}.${hmac}`;
    },
    close: () => app.close(),
  };
}

/** Claims of a valid access token for `sub`, issued now and good for a minute. */
export function accessClaims(sub: string, nowSec = Math.floor(Date.now() / 1000)) {
  return { sub, typ: 'access', iat: nowSec, exp: nowSec + 60, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE };
}
