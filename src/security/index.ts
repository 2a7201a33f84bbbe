/**
 * security: the app's own secrets (JWT signing key, credential-encryption key) and the AES-256-GCM
 * envelope for exchange keys at rest. Entry points: loadOrCreateSecrets, encryptSecret,
 * decryptSecret, maskSecret. Invariant: plaintext keys never leave this module except to the
 * exchange adapter that needs them.
 */
export { decryptSecret, encryptSecret, maskSecret } from './crypto.js';
export { type AppSecrets, loadOrCreateSecrets } from './secrets.js';
