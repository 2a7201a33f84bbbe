import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLIENT_ORDER_ID_PATTERN, deriveClientOrderId, isValidClientOrderId } from './ids.js';

describe('deriveClientOrderId', () => {
  it('is nt-<24 hex of sha256(user|signal|leg)>-<leg>, the same on every machine, forever', () => {
    // Pinned values: ids already on the exchange and in the books must never change.
    expect(deriveClientOrderId('u-1', 's-2', 'sl')).toBe('nt-14c1593a97e58510f2a883df-sl');
    expect(deriveClientOrderId('user-7', 'signal-42', 'exit1')).toBe('nt-cef18dae8754397d123594ce-exit1');
  });

  it('fits Binance: at most 36 characters of the allowed set, one id per leg', () => {
    const legs = ['entry', 'sl', 'tp', 'exit', 'exit12', 'sl3'] as const;
    const ids = legs.map((leg) =>
      deriveClientOrderId('a-rather-long-user-id', 'a-rather-long-signal-id', leg),
    );
    for (const id of ids) expect(isValidClientOrderId(id)).toBe(true);
    expect(new Set(ids).size).toBe(legs.length);
  });
});

describe('isValidClientOrderId', () => {
  it('answers as CLIENT_ORDER_ID_PATTERN does', () => {
    // Every char code up to 0x17f (the allowed set, its neighbours, controls, Latin letters beyond
    // ASCII), astral characters (surrogate pairs) and lengths around 0, 1, 36 and 37.
    const char = fc.oneof(
      fc.integer({ min: 0, max: 0x17f }).map((c) => String.fromCharCode(c)),
      fc.constantFrom('.', ':', '/', '_', '-', 'A', 'Z', 'a', 'z', '0', '9', '\n', '\u{1F600}'),
    );
    const allowed = fc.constantFrom(...'.:/_-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');
    const id = fc.oneof(
      fc.array(char, { minLength: 0, maxLength: 40 }).map((cs) => cs.join('')),
      // Mostly allowed characters (valid ones up to 36 long, some with one stranger among them).
      fc
        .tuple(fc.array(allowed, { minLength: 0, maxLength: 40 }), fc.option(char), fc.nat())
        .map(([cs, odd, at]) => {
          if (odd !== null) cs.splice(at % (cs.length + 1), 0, odd);
          return cs.join('');
        }),
    );
    fc.assert(
      fc.property(id, (s) => {
        expect(isValidClientOrderId(s)).toBe(CLIENT_ORDER_ID_PATTERN.test(s));
      }),
      { numRuns: 5000 },
    );
    for (const s of [
      '',
      'a',
      'a'.repeat(36),
      'a'.repeat(37),
      'ab\n',
      '\nab',
      'a b',
      'é',
      '[',
      '`',
      '@',
      '{',
    ]) {
      expect(isValidClientOrderId(s)).toBe(CLIENT_ORDER_ID_PATTERN.test(s));
    }
  });
});
