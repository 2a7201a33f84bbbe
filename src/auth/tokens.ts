import { createHash, randomBytes } from 'node:crypto';

/** Opaque refresh tokens: 256 random bits. Only their sha256 is stored. */
export function newRefreshToken(): string {
  return `ntr_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Claims of an access token (a JWT, HS256). `typ` keeps other token kinds from passing as access. */
export interface AccessClaims {
  sub: string;
  typ: 'access';
}

export type SignAccessToken = (claims: AccessClaims) => string;
