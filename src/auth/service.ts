import { type Clock, DomainError, ErrorCode } from '../domain/index.js';
import type { AuditRepository, RefreshTokensRepository, User, UsersRepository } from '../store/index.js';
import { normalizeEmail } from '../store/index.js';
import { createArgon2Hasher, type PasswordHasher } from './passwords.js';
import { createWindowCounter, type LoginThrottle, type ThrottleLimit } from './throttle.js';
import { hashToken, newRefreshToken, type SignAccessToken } from './tokens.js';

export interface Session {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  /** Access token lifetime, seconds. */
  expiresIn: number;
  refreshExpiresAt: Date;
  user: User;
}

export interface AuthServiceDeps {
  users: UsersRepository;
  refreshTokens: RefreshTokensRepository;
  audit: AuditRepository;
  clock: Clock;
  signAccessToken: SignAccessToken;
  accessTokenTtlSec: number;
  refreshTokenTtlMs: number;
  throttle: LoginThrottle;
  /** Registrations per client IP and window. */
  registrationLimit?: ThrottleLimit;
  passwords?: PasswordHasher;
}

const INVALID_LOGIN = 'email or password is incorrect';
const INVALID_REFRESH = 'refresh token is invalid or expired; log in again';

/**
 * Register, log in, refresh (rotating), log out. Refresh tokens are single use: refreshing revokes
 * the presented token and issues a new one; presenting a revoked token again means it was copied,
 * so every session of that user is revoked (the thief and the owner both log in again).
 */
export function createAuthService(deps: AuthServiceDeps) {
  const passwords = deps.passwords ?? createArgon2Hasher();
  const registrations = createWindowCounter(
    deps.clock,
    deps.registrationLimit ?? { limit: 20, windowMs: 60 * 60_000 },
    100_000,
  );
  // Verifying against a real hash when the email is unknown keeps both answers equally slow.
  let dummyHash: Promise<string> | undefined;
  const now = () => new Date(deps.clock.now());

  async function issue(user: User): Promise<Session> {
    const refreshToken = newRefreshToken();
    const refreshExpiresAt = new Date(deps.clock.now() + deps.refreshTokenTtlMs);
    await deps.refreshTokens.insert({
      userId: user.id,
      tokenHash: hashToken(refreshToken),
      expiresAt: refreshExpiresAt,
    });
    return {
      accessToken: deps.signAccessToken({ sub: user.id, typ: 'access' }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: deps.accessTokenTtlSec,
      refreshExpiresAt,
      user,
    };
  }

  return {
    async register(input: { email: string; password: string; ip: string }): Promise<Session> {
      const waitMs = registrations.lockedForMs(input.ip);
      if (waitMs > 0) {
        const retryAfterSec = Math.ceil(waitMs / 1000);
        throw new DomainError(
          ErrorCode.RATE_LIMITED,
          `too many registrations from this address; try again in ${retryAfterSec} s`,
          { details: { retryAfterSec } },
        );
      }
      registrations.hit(input.ip);
      const user = await deps.users.create({
        email: input.email,
        passwordHash: await passwords.hash(input.password),
      });
      await deps.audit.append({ userId: user.id, kind: 'auth.registered', message: 'account created' });
      return issue(user);
    },

    async login(input: { email: string; password: string; ip: string }): Promise<Session> {
      const keys = { ip: input.ip, account: normalizeEmail(input.email) };
      deps.throttle.check(keys);
      const user = await deps.users.findByEmail(input.email);
      if (!user) {
        dummyHash ??= passwords.hash('not-a-real-password-just-for-timing');
        await passwords.verify(await dummyHash, input.password);
        deps.throttle.recordFailure(keys);
        throw new DomainError(ErrorCode.UNAUTHORIZED, INVALID_LOGIN);
      }
      if (!(await passwords.verify(user.passwordHash, input.password))) {
        deps.throttle.recordFailure(keys);
        await deps.audit.append({
          userId: user.id,
          kind: 'auth.login_failed',
          message: 'failed login attempt (wrong password)',
          data: { ip: input.ip },
        });
        throw new DomainError(ErrorCode.UNAUTHORIZED, INVALID_LOGIN);
      }
      deps.throttle.recordSuccess(keys);
      return issue(user);
    },

    async refresh(refreshToken: string): Promise<Session> {
      const record = await deps.refreshTokens.findByHash(hashToken(refreshToken));
      if (!record) throw new DomainError(ErrorCode.UNAUTHORIZED, INVALID_REFRESH);
      const revoked = record.revokedAt
        ? undefined
        : await deps.refreshTokens.revokeIfActive(record.id, now());
      if (!revoked) {
        const count = await deps.refreshTokens.revokeAllForUser(record.userId, now());
        await deps.audit.append({
          userId: record.userId,
          kind: 'auth.refresh_reused',
          message: `a used refresh token was presented again: all sessions signed out (${count} revoked)`,
        });
        throw new DomainError(ErrorCode.UNAUTHORIZED, INVALID_REFRESH);
      }
      if (record.expiresAt.getTime() <= deps.clock.now()) {
        throw new DomainError(ErrorCode.UNAUTHORIZED, INVALID_REFRESH);
      }
      const user = await deps.users.findById(record.userId);
      if (!user) throw new DomainError(ErrorCode.UNAUTHORIZED, INVALID_REFRESH);
      return issue(user);
    },

    /** Revoke one refresh token (or, with `everywhere`, all of its user's). Unknown tokens are ignored. */
    async logout(refreshToken: string, options: { everywhere?: boolean } = {}): Promise<void> {
      const record = await deps.refreshTokens.findByHash(hashToken(refreshToken));
      if (!record) return;
      if (options.everywhere && !record.revokedAt) {
        await deps.refreshTokens.revokeAllForUser(record.userId, now());
      } else {
        await deps.refreshTokens.revokeIfActive(record.id, now());
      }
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
