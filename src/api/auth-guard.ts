import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AccessClaims } from '../auth/index.js';
import { DomainError, ErrorCode } from '../domain/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user's id; set by the auth guard on protected routes. */
    userId: string;
  }
}

/** Issuer and audience every access token carries; a token without them is refused. */
export const TOKEN_ISSUER = 'neurotrade';
export const TOKEN_AUDIENCE = 'neurotrade-api';

function bearer(request: FastifyRequest, allowQueryToken: boolean): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    if (!match)
      throw new DomainError(ErrorCode.UNAUTHORIZED, 'Authorization must be "Bearer <access token>"');
    return match[1];
  }
  if (allowQueryToken) {
    const token = (request.query as Record<string, unknown> | undefined)?.token;
    if (typeof token === 'string' && token.length > 0) return token;
  }
  return undefined;
}

/**
 * Verify the access token (HS256 only: `alg: none` and every other algorithm are refused, as are a
 * wrong issuer or audience, a bad signature and an expired token) and set request.userId.
 * `allowQueryToken` is for the live-event stream only, since EventSource cannot set headers.
 */
export function verifyRequest(
  app: FastifyInstance,
  request: FastifyRequest,
  allowQueryToken = false,
): AccessClaims {
  const token = bearer(request, allowQueryToken);
  if (!token)
    throw new DomainError(ErrorCode.UNAUTHORIZED, 'missing access token (Authorization: Bearer ...)');
  let claims: AccessClaims & { exp?: number };
  try {
    claims = app.jwt.verify<AccessClaims & { exp?: number }>(token);
  } catch (err) {
    const expired = (err as { code?: string }).code === 'FAST_JWT_EXPIRED';
    throw new DomainError(
      ErrorCode.UNAUTHORIZED,
      expired ? 'access token expired: refresh it' : 'access token is invalid',
    );
  }
  if (claims.typ !== 'access' || typeof claims.sub !== 'string' || claims.sub.length === 0) {
    throw new DomainError(ErrorCode.UNAUTHORIZED, 'access token is invalid');
  }
  request.userId = claims.sub;
  return claims;
}

/** onRequest hook for a scope of protected routes. */
export function authGuard(app: FastifyInstance) {
  return async (request: FastifyRequest) => {
    verifyRequest(app, request);
  };
}
