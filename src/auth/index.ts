/**
 * auth: who the user is and what they may set. Passwords (argon2id), sessions (short-lived access
 * JWTs signed by the caller, rotating single-use refresh tokens stored as sha256), failed-login
 * throttling per IP and per account, and the account's own settings and exchange credentials.
 * Entry points: createAuthService(deps), createAccountService(deps), createLoginThrottle(options),
 * createArgon2Hasher(options).
 * Invariants: no password, token or exchange secret is ever stored or logged in the clear; a
 * reused refresh token revokes all of its user's sessions; switching to REAL needs stored
 * credentials and an explicit confirmation; every settings or credentials change is audited.
 */
export {
  type AccountService,
  type AccountServiceDeps,
  type CredentialStatus,
  type CredentialsTester,
  createAccountService,
  type ScanProfile,
  type Settings,
  type SettingsChange,
} from './account.js';
export {
  type Argon2Options,
  createArgon2Hasher,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type PasswordHasher,
} from './passwords.js';
export { type AuthService, type AuthServiceDeps, createAuthService, type Session } from './service.js';
export {
  createLoginThrottle,
  createWindowCounter,
  DEFAULT_LOGIN_LIMITS,
  type LoginThrottle,
  type LoginThrottleOptions,
  type ThrottleKeys,
  type ThrottleLimit,
} from './throttle.js';
export { type AccessClaims, hashToken, newRefreshToken, type SignAccessToken } from './tokens.js';
