/**
 * Form validation in the browser, with the same rules and the same words as the API's schemas
 * (src/api/routes/auth.ts, settings.ts, credentials.ts), so the trader reads one message whether the
 * browser or the server caught the mistake. The server still checks everything: these only save a
 * round trip. Pure: strings from the form in, `{ field: message }` out (empty when valid).
 */

export type FieldErrors = Record<string, string>;

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
export const MAX_MARGIN = 1_000_000;
export const SCAN_PROFILES = ['aggressive', 'normal', 'slow'] as const;
export type ScanProfile = (typeof SCAN_PROFILES)[number];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateCredentialsForm(
  input: { email: string; password: string },
  purpose: 'login' | 'register',
): FieldErrors {
  const errors: FieldErrors = {};
  const email = input.email.trim();
  if (email === '') errors.email = 'required';
  else if (!EMAIL.test(email) || email.length > 254) errors.email = 'must be an email address';
  if (input.password === '') errors.password = 'required';
  else if (purpose === 'register' && input.password.length < PASSWORD_MIN_LENGTH) {
    errors.password = `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  } else if (input.password.length > PASSWORD_MAX_LENGTH) {
    errors.password = `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  }
  return errors;
}

const wholeNumber = (text: string, min: number, max: number): string | undefined => {
  const message = `must be a whole number from ${min} to ${max}`;
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return message;
  const n = Number(t);
  return n < min || n > max ? message : undefined;
};

export const MARGIN_MESSAGE = `must be a positive amount of USDT up to ${MAX_MARGIN}, e.g. "25" or 25`;

export interface SettingsForm {
  fixedMargin: string;
  leverage: string;
  minConfidence: string;
  scanProfile: string;
}

export function validateSettingsForm(form: SettingsForm): FieldErrors {
  const errors: FieldErrors = {};
  const margin = form.fixedMargin.trim();
  if (!/^\d{1,9}(\.\d{1,8})?$/.test(margin) || Number(margin) <= 0 || Number(margin) > MAX_MARGIN) {
    errors.fixedMargin = MARGIN_MESSAGE;
  }
  const leverage = wholeNumber(form.leverage, 1, 125);
  if (leverage) errors.leverage = leverage;
  const minConfidence = wholeNumber(form.minConfidence, 0, 100);
  if (minConfidence) errors.minConfidence = minConfidence;
  if (!(SCAN_PROFILES as readonly string[]).includes(form.scanProfile)) {
    errors.scanProfile = 'must be aggressive, normal or slow';
  }
  return errors;
}

const KEY_PART = /^[A-Za-z0-9]{16,128}$/;

export function validateApiKeyForm(form: { apiKey: string; apiSecret: string }): FieldErrors {
  const errors: FieldErrors = {};
  if (!KEY_PART.test(form.apiKey.trim()))
    errors.apiKey = 'must be the Binance API key: 16 to 128 letters and digits';
  if (!KEY_PART.test(form.apiSecret.trim())) {
    errors.apiSecret = 'must be the Binance API secret: 16 to 128 letters and digits';
  }
  return errors;
}
