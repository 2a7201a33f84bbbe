import { randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
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
 *
 * Two processes starting at once on a fresh DATA_DIR (two `neurotrade start`s, a server and a
 * `user create`) must end up with the same secrets: a second credentials key written over the
 * first would leave every exchange key encrypted under the first unreadable. So the file is
 * created whole and at once (written aside, then hard-linked into place, which fails if it
 * exists) and the process that loses the race reads the winner's file; a reader never sees a
 * half-written file.
 */
export function loadOrCreateSecrets(input: {
  dataDir: string;
  jwtSecret?: string | undefined;
  credentialsKey?: string | undefined;
}): AppSecrets {
  const file = join(input.dataDir, 'secrets.json');
  let stored = readSecretFile(file);
  const needsFile = !input.jwtSecret || !input.credentialsKey;
  if (needsFile && (stored?.jwtSecret === undefined || stored.credentialsKey === undefined)) {
    const generated: SecretFile = {
      jwtSecret: stored?.jwtSecret ?? randomBytes(48).toString('base64url'),
      credentialsKey: stored?.credentialsKey ?? randomBytes(32).toString('hex'),
    };
    mkdirSync(input.dataDir, { recursive: true });
    if (stored) {
      // A file missing one of the two (edited by hand): complete it, keeping what it has.
      writeAside(file, generated, (aside) => renameSync(aside, file));
      stored = generated;
    } else {
      stored = writeAside(file, generated, (aside) => createOnly(aside, file))
        ? generated
        : readSecretFile(file);
    }
  }
  const jwtSecret = input.jwtSecret ?? stored?.jwtSecret ?? '';
  const credentialsKeyHex = input.credentialsKey ?? stored?.credentialsKey ?? '';
  assertUsable('JWT_SECRET', jwtSecret, 32);
  assertUsable('CREDENTIALS_KEY', credentialsKeyHex, 64);
  if (!/^[0-9a-fA-F]{64}$/.test(credentialsKeyHex)) {
    throw new DomainError(ErrorCode.CONFIG_INVALID, 'CREDENTIALS_KEY: must be 64 hex characters (256 bits)');
  }
  return { jwtSecret, credentialsKey: Buffer.from(credentialsKeyHex, 'hex') };
}

/** The saved secrets, or undefined when there is no file yet. */
function readSecretFile(file: string): Partial<SecretFile> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as Partial<SecretFile>;
  } catch (err) {
    throw new DomainError(ErrorCode.CONFIG_INVALID, `${file} is not valid JSON; fix or remove it`, {
      cause: err,
    });
  }
}

/** Write the secrets to a private file beside `file`, hand it to `place`, remove what is left. */
function writeAside<T>(file: string, secrets: SecretFile, place: (aside: string) => T): T {
  const aside = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(aside, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  try {
    chmodSync(aside, 0o600); // the mode above is filtered by the umask
    return place(aside);
  } finally {
    try {
      unlinkSync(aside);
    } catch {
      // renamed into place: nothing left
    }
  }
}

/** Put `aside` at `file` unless `file` exists (link fails then); true when this call put it. */
function createOnly(aside: string, file: string): boolean {
  try {
    linkSync(aside, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
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
