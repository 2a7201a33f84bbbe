import { describe, expect, it } from 'vitest';
import { createManualClock, isDomainError } from '../domain/index.js';
import { createLoginThrottle, createWindowCounter } from './index.js';

const keys = (ip: string, account: string) => ({ ip, account });

function retryAfter(fn: () => void): number | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (!isDomainError(err, 'RATE_LIMITED')) throw err;
    return err.details?.retryAfterSec as number;
  }
}

describe('login throttle', () => {
  it('locks an account after its failures, from any address, until the window ends', () => {
    const clock = createManualClock(1_000_000);
    const t = createLoginThrottle({
      clock,
      perAccount: { limit: 3, windowMs: 60_000 },
      perIp: { limit: 100, windowMs: 60_000 },
    });
    for (let i = 0; i < 3; i++) {
      t.check(keys(`10.0.0.${i}`, 'a@x.io'));
      t.recordFailure(keys(`10.0.0.${i}`, 'a@x.io'));
    }
    expect(retryAfter(() => t.check(keys('10.9.9.9', 'a@x.io')))).toBe(60);
    expect(retryAfter(() => t.check(keys('10.9.9.9', 'b@x.io')))).toBeUndefined();
    clock.advance(30_000);
    expect(retryAfter(() => t.check(keys('10.0.0.1', 'a@x.io')))).toBe(30);
    clock.advance(30_000);
    expect(retryAfter(() => t.check(keys('10.0.0.1', 'a@x.io')))).toBeUndefined();
  });

  it('locks an address that fails on many accounts, and a success clears only the account', () => {
    const clock = createManualClock(0);
    const t = createLoginThrottle({
      clock,
      perAccount: { limit: 2, windowMs: 60_000 },
      perIp: { limit: 3, windowMs: 120_000 },
    });
    t.recordFailure(keys('1.1.1.1', 'a'));
    t.recordSuccess(keys('1.1.1.1', 'a'));
    t.recordFailure(keys('1.1.1.1', 'a'));
    expect(retryAfter(() => t.check(keys('2.2.2.2', 'a')))).toBeUndefined();
    t.recordFailure(keys('1.1.1.1', 'b'));
    expect(retryAfter(() => t.check(keys('1.1.1.1', 'c')))).toBe(120);
    expect(() => t.check(keys('1.1.1.1', 'c'))).toThrow(/from this address/);
  });

  it('keeps memory bounded under many keys', () => {
    const clock = createManualClock(0);
    const counter = createWindowCounter(clock, { limit: 1, windowMs: 1_000 }, 100);
    for (let i = 0; i < 10_000; i++) counter.hit(`ip-${i}`);
    expect(counter.size()).toBeLessThanOrEqual(100);
    expect(counter.lockedForMs('ip-9999')).toBe(1_000);
  });
});
