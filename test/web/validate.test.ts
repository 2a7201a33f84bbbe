import { describe, expect, it } from 'vitest';
import {
  MARGIN_MESSAGE,
  validateApiKeyForm,
  validateCredentialsForm,
  validateSettingsForm,
} from '../../web/src/lib/validate.js';

describe('validateCredentialsForm', () => {
  it('requires both fields', () => {
    expect(validateCredentialsForm({ email: '', password: '' }, 'login')).toEqual({
      email: 'required',
      password: 'required',
    });
  });

  it('wants an email address', () => {
    expect(validateCredentialsForm({ email: 'trader', password: 'x' }, 'login')).toEqual({
      email: 'must be an email address',
    });
  });

  it('asks for 10 characters only when registering (login accepts what the account has)', () => {
    expect(validateCredentialsForm({ email: 'a@b.co', password: 'short' }, 'register')).toEqual({
      password: 'must be at least 10 characters',
    });
    expect(validateCredentialsForm({ email: 'a@b.co', password: 'short' }, 'login')).toEqual({});
    expect(validateCredentialsForm({ email: ' a@b.co ', password: 'long enough!' }, 'register')).toEqual({});
  });
});

describe('validateSettingsForm', () => {
  const good = { fixedMargin: '25', leverage: '10', minConfidence: '75', scanProfile: 'normal' };

  it('accepts sensible settings', () => {
    expect(validateSettingsForm(good)).toEqual({});
    expect(
      validateSettingsForm({ ...good, fixedMargin: '12.5', leverage: '125', minConfidence: '0' }),
    ).toEqual({});
  });

  it('names each bad field with the server’s own words', () => {
    expect(
      validateSettingsForm({
        fixedMargin: '-5',
        leverage: '500',
        minConfidence: '101',
        scanProfile: 'turbo',
      }),
    ).toEqual({
      fixedMargin: MARGIN_MESSAGE,
      leverage: 'must be a whole number from 1 to 125',
      minConfidence: 'must be a whole number from 0 to 100',
      scanProfile: 'must be aggressive, normal or slow',
    });
  });

  it('refuses fractional leverage, zero margin, too many decimals and text', () => {
    expect(validateSettingsForm({ ...good, leverage: '2.5' }).leverage).toBeDefined();
    expect(validateSettingsForm({ ...good, leverage: '0' }).leverage).toBeDefined();
    expect(validateSettingsForm({ ...good, fixedMargin: '0' }).fixedMargin).toBeDefined();
    expect(validateSettingsForm({ ...good, fixedMargin: '1.123456789' }).fixedMargin).toBeDefined();
    expect(validateSettingsForm({ ...good, fixedMargin: '1000001' }).fixedMargin).toBeDefined();
    expect(validateSettingsForm({ ...good, fixedMargin: 'ten' }).fixedMargin).toBeDefined();
    expect(validateSettingsForm({ ...good, minConfidence: '' }).minConfidence).toBeDefined();
  });
});

describe('validateApiKeyForm', () => {
  it('wants 16 to 128 letters and digits for each part', () => {
    expect(validateApiKeyForm({ apiKey: 'A'.repeat(16), apiSecret: 'b1'.repeat(32) })).toEqual({});
    expect(validateApiKeyForm({ apiKey: 'short', apiSecret: 'has spaces in it ok?' })).toEqual({
      apiKey: 'must be the Binance API key: 16 to 128 letters and digits',
      apiSecret: 'must be the Binance API secret: 16 to 128 letters and digits',
    });
  });
});
