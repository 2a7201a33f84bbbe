import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, ErrorCode } from '../domain/index.js';

export interface AppSecrets {
  /** Signs access and refresh tokens. */
  jwtSecret: string;
  /** 32-byte AES-256-GCM key that encrypts exchange credentials at rest. */
  credentialsKey: Buffer;
}

/** Values that appear in tutorials and .env examples: a server using one of them is not secret. */
const KNOWN_DEFAULTS = new Set([
  'secret',
  'changeme',
  'change-me',
  'supersecret',
  'your-secret-here',
  'replace-me-with-a-long-random-string-of-32-chars',
  '0'.repeat(64),
]);

interface SecretFile {
  jwtSecret: string;
  credentialsKey: string;
}

/**
 * Secrets come from config; when absent on the embedded default they are generated once into
 * DATA_DIR/secrets.json with 0600 permissions and reused on every later start. The server refuses
 * to start with an empty or known-default secret.
 */
export function loadOrCreateSecrets(input: {
  dataDir: string;
  jwtSecret?: string | undefined;
  credentialsKey?: string | undefined;
}): AppSecrets {
  const file = join(input.dataDir, 'secrets.json');
  let stored: Partial<SecretFile> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<SecretFile>;
    } catch (err) {
      throw new DomainError(ErrorCode.CONFIG_INVALID, `${file} is not valid JSON; fix or remove it`, {
        cause: err,
      });
    }
  }
  const generated: SecretFile = {
    jwtSecret: stored.jwtSecret ?? randomBytes(48).toString('base64url'),
    credentialsKey: stored.credentialsKey ?? randomBytes(32).toString('hex'),
  };
  if (
    (!input.jwtSecret || !input.credentialsKey) &&
    (stored.jwtSecret === undefined || stored.credentialsKey === undefined)
  ) {
    mkdirSync(input.dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  const jwtSecret = input.jwtSecret ?? generated.jwtSecret;
  const credentialsKeyHex = input.credentialsKey ?? generated.credentialsKey;
  assertUsable('JWT_SECRET', jwtSecret, 32);
  assertUsable('CREDENTIALS_KEY', credentialsKeyHex, 64);
  if (!/^[0-9a-fA-F]{64}$/.test(credentialsKeyHex)) {
    throw new DomainError(ErrorCode.CONFIG_INVALID, 'CREDENTIALS_KEY: must be 64 hex characters (256 bits)');
  }
  return { jwtSecret, credentialsKey: Buffer.from(credentialsKeyHex, 'hex') };
}

function assertUsable(name: string, value: string, minLength: number): void {
  if (
    value.trim().length < minLength ||
    KNOWN_DEFAULTS.has(value.trim().toLowerCase()) ||
    /^(.)\1+$/.test(value)
  ) {
    throw new DomainError(
      ErrorCode.CONFIG_INVALID,
      `${name}: refusing to start with an empty, short or well-known secret (at least ${minLength} random characters)`,
    );
  }
}
