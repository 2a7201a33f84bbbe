import type { Decimal } from 'decimal.js';
import { type Clock, DomainError, ErrorCode, type RiskState, type TradingMode } from '../domain/index.js';
import type { EventBus } from '../events/index.js';
import { decryptSecret, encryptSecret, maskSecret } from '../security/index.js';
import type { Repositories, User } from '../store/index.js';

export type ScanProfile = 'aggressive' | 'normal' | 'slow';

export interface Settings {
  mode: TradingMode;
  fixedMargin: Decimal;
  leverage: number;
  autoTrade: boolean;
  minConfidence: number;
  scanProfile: ScanProfile;
  riskState: RiskState;
}

export interface SettingsChange {
  mode?: TradingMode;
  fixedMargin?: Decimal;
  leverage?: number;
  autoTrade?: boolean;
  minConfidence?: number;
  scanProfile?: ScanProfile;
  /** Must be true to switch to REAL: real money is then at risk. */
  confirmReal?: boolean;
}

export interface CredentialStatus {
  configured: boolean;
  /** ****abcd, or null when none is stored. */
  apiKey: string | null;
}

/** Answers the exchange adapter gives when asked to try a key pair (read-only call). */
export interface CredentialsTester {
  testExchangeCredentials(apiKey: string, apiSecret: string): Promise<{ ok: boolean; message: string }>;
}

export interface AccountServiceDeps {
  repos: Pick<Repositories, 'users' | 'credentials' | 'audit' | 'positionQueries'>;
  credentialsKey: Buffer;
  clock: Clock;
  events?: EventBus | undefined;
}

const settingsOf = (user: User): Settings => ({
  mode: user.mode,
  fixedMargin: user.fixedMargin,
  leverage: user.leverage,
  autoTrade: user.autoTrade,
  minConfidence: user.minConfidence,
  scanProfile: user.scanProfile,
  riskState: user.riskState,
});

function invalid(message: string, fields: Record<string, string>): DomainError {
  return new DomainError(ErrorCode.VALIDATION_FAILED, message, { details: { fields } });
}

const same = (a: unknown, b: unknown) =>
  a !== null && typeof a === 'object' && 'equals' in a ? (a as Decimal).equals(b as Decimal) : a === b;

/**
 * A user's own settings and exchange credentials: the application functions behind the settings
 * and credentials routes (and later the CLI). Every change is audited; credentials are encrypted
 * with the user's id bound as context and are never returned, only their mask.
 */
export function createAccountService(deps: AccountServiceDeps) {
  const { repos } = deps;

  async function userOrThrow(userId: string): Promise<User> {
    const user = await repos.users.findById(userId);
    if (!user) throw new DomainError(ErrorCode.NOT_FOUND, 'user not found');
    return user;
  }

  async function revealCredentials(
    userId: string,
  ): Promise<{ apiKey: string; apiSecret: string } | undefined> {
    const stored = await repos.credentials.find(userId);
    if (!stored) return undefined;
    return {
      apiKey: decryptSecret(stored.apiKeyEncrypted, deps.credentialsKey, userId),
      apiSecret: decryptSecret(stored.apiSecretEncrypted, deps.credentialsKey, userId),
    };
  }

  function publishAccount(user: User) {
    deps.events?.publish(user.id, {
      type: 'account',
      at: deps.clock.now(),
      data: { mode: user.mode, autoTrade: user.autoTrade, riskState: user.riskState },
    });
  }

  return {
    async getSettings(userId: string): Promise<Settings> {
      return settingsOf(await userOrThrow(userId));
    },

    async updateSettings(userId: string, change: SettingsChange): Promise<Settings> {
      const user = await userOrThrow(userId);
      if (change.mode === 'REAL' && user.mode !== 'REAL') {
        const fields: Record<string, string> = {};
        if (!(await repos.credentials.findHint(userId))) {
          fields.mode = 'store your Binance API key and secret first (PUT /api/credentials)';
        }
        if (change.confirmReal !== true) {
          fields.confirmReal = 'must be true to switch to REAL: real money will be at risk';
        }
        if (Object.keys(fields).length) throw invalid('cannot switch to REAL mode', fields);
      }
      if (change.mode && change.mode !== user.mode) {
        // One exchange per account at a time: the open positions of the old mode would lose the
        // exchange that protects and closes them.
        const live = await repos.positionQueries.countLiveByMode(userId, user.mode);
        if (live > 0) {
          throw new DomainError(
            ErrorCode.CONFLICT,
            `${live} ${user.mode} position(s) are still open: close them (or panic) before switching to ${change.mode}`,
          );
        }
      }
      const { confirmReal: _confirm, ...wanted } = change;
      const diff: Record<string, { from: unknown; to: unknown }> = {};
      for (const [key, to] of Object.entries(wanted) as [keyof Settings, unknown][]) {
        if (to === undefined || same(user[key], to)) continue;
        diff[key] = { from: String(user[key]), to: String(to) };
      }
      if (Object.keys(diff).length === 0) return settingsOf(user);
      const updated = await repos.users.updateSettings(userId, wanted);
      await repos.audit.append({
        userId,
        kind: 'settings.changed',
        message: `settings changed: ${Object.entries(diff)
          .map(([k, v]) => `${k} ${v.from} -> ${v.to}`)
          .join(', ')}`,
        data: { changes: diff },
      });
      publishAccount(updated);
      return settingsOf(updated);
    },

    async credentialStatus(userId: string): Promise<CredentialStatus> {
      const hint = await repos.credentials.findHint(userId);
      return { configured: hint !== undefined, apiKey: hint === undefined ? null : `****${hint}` };
    },

    async setCredentials(userId: string, apiKey: string, apiSecret: string): Promise<CredentialStatus> {
      await userOrThrow(userId);
      const hint = apiKey.slice(-4);
      const existed = (await repos.credentials.findHint(userId)) !== undefined;
      await repos.credentials.upsert({
        userId,
        apiKeyEncrypted: encryptSecret(apiKey, deps.credentialsKey, userId),
        apiSecretEncrypted: encryptSecret(apiSecret, deps.credentialsKey, userId),
        apiKeyHint: hint,
      });
      await repos.audit.append({
        userId,
        kind: existed ? 'credentials.replaced' : 'credentials.set',
        message: `Binance API key ${maskSecret(apiKey)} ${existed ? 'replaced the previous one' : 'stored'}`,
        data: { apiKeyMask: maskSecret(apiKey) },
      });
      return { configured: true, apiKey: maskSecret(apiKey) };
    },

    /**
     * Delete the stored pair. Refused while REAL positions are live (the engine needs the keys to
     * protect and close them); a REAL account goes back to PAPER, since it can no longer trade.
     */
    async deleteCredentials(userId: string): Promise<{ deleted: boolean; mode: TradingMode }> {
      const user = await userOrThrow(userId);
      const liveReal = await repos.positionQueries.countLiveByMode(userId, 'REAL');
      if (liveReal > 0) {
        throw new DomainError(
          ErrorCode.CONFLICT,
          `${liveReal} REAL position(s) are still open: close them (or panic) before deleting the keys`,
        );
      }
      const deleted = await repos.credentials.remove(userId);
      let mode = user.mode;
      if (deleted) {
        if (user.mode === 'REAL') {
          const updated = await repos.users.updateSettings(userId, { mode: 'PAPER' });
          mode = updated.mode;
          publishAccount(updated);
        }
        await repos.audit.append({
          userId,
          kind: 'credentials.deleted',
          message:
            user.mode === 'REAL'
              ? 'Binance API key deleted; mode switched from REAL to PAPER'
              : 'Binance API key deleted',
        });
      }
      return { deleted, mode };
    },

    /** Try a pair on the exchange: the one given, or else the stored one. Audited, never logged. */
    async testCredentials(
      userId: string,
      tester: CredentialsTester,
      given?: { apiKey: string; apiSecret: string },
    ): Promise<{ ok: boolean; message: string }> {
      const pair = given ?? (await revealCredentials(userId));
      if (!pair) {
        throw new DomainError(ErrorCode.NOT_FOUND, 'no Binance API key is stored; send apiKey and apiSecret');
      }
      const result = await tester.testExchangeCredentials(pair.apiKey, pair.apiSecret);
      await repos.audit.append({
        userId,
        kind: 'credentials.tested',
        message: `connection test with ${maskSecret(pair.apiKey)}: ${result.ok ? 'ok' : 'failed'}`,
        data: { ok: result.ok, apiKeyMask: maskSecret(pair.apiKey) },
      });
      // The adapter's message may echo request details: keep only a bounded, key-free text.
      const message = result.message
        .split(pair.apiKey)
        .join(maskSecret(pair.apiKey))
        .split(pair.apiSecret)
        .join('****')
        .slice(0, 300);
      return { ok: result.ok, message };
    },

    /** The plaintext pair, for the exchange adapter only (REAL trading). Never send it to a client. */
    /** The plaintext pair, for the exchange adapter only (REAL trading). Never send it to a client. */
    revealCredentials,
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
