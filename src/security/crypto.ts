import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DomainError, ErrorCode } from '../domain/index.js';

const VERSION = 'v1';

/**
 * AES-256-GCM with a fresh 96-bit IV per value. Output: v1.<iv>.<tag>.<ciphertext>, base64url.
 * `context` (e.g. the user id) is bound as associated data, so a ciphertext copied onto another
 * user's row fails to decrypt.
 */
export function encryptSecret(plaintext: string, key: Buffer, context = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.');
}

export function decryptSecret(encrypted: string, key: Buffer, context = ''): string {
  const [version, iv, tag, body] = encrypted.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) {
    throw new DomainError(ErrorCode.BAD_DATA, 'encrypted secret has an unknown format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch (err) {
    // Never include the ciphertext or key in the message.
    throw new DomainError(
      ErrorCode.BAD_DATA,
      'encrypted secret could not be decrypted (wrong key or tampered)',
      {
        cause: err instanceof Error ? new Error(err.message) : undefined,
      },
    );
  }
}

/** ****abcd: what the API and dashboard show of a stored key. */
export function maskSecret(value: string, visible = 4): string {
  return `****${value.slice(-visible)}`;
}
