import { describe, expect, it } from 'vitest';
import { deriveClientOrderId, isValidClientOrderId } from './ids.js';

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
