import { describe, expect, it } from 'vitest';
import {
  formatAge,
  formatConfidence,
  formatDateTime,
  formatPercent,
  formatPrice,
  formatQty,
  formatUsd,
  NONE,
  tone,
} from '../../web/src/lib/format.js';

describe('formatUsd', () => {
  it('puts the minus before the dollar sign, as traders write it', () => {
    expect(formatUsd('-1.13')).toBe('-$1.13');
    expect(formatUsd(-1.13)).toBe('-$1.13');
    expect(formatUsd('1.13')).toBe('$1.13');
  });

  it('groups thousands and keeps two decimals', () => {
    expect(formatUsd('10000')).toBe('$10,000.00');
    expect(formatUsd('1234567.891')).toBe('$1,234,567.89');
    expect(formatUsd('-98765.4')).toBe('-$98,765.40');
    expect(formatUsd('999.999')).toBe('$1,000.00');
  });

  it('signs gains when asked, never a zero', () => {
    expect(formatUsd('0.42', { signed: true })).toBe('+$0.42');
    expect(formatUsd('-0.42', { signed: true })).toBe('-$0.42');
    expect(formatUsd('0', { signed: true })).toBe('$0.00');
  });

  it('never prints -$0.00 for a loss that rounds to nothing', () => {
    expect(formatUsd('-0.004')).toBe('$0.00');
    expect(formatUsd('-0.004', { signed: true })).toBe('$0.00');
    expect(formatUsd('-0')).toBe('$0.00');
  });

  it('rounds half up on exact decimals (no float drift)', () => {
    expect(formatUsd('1.005')).toBe('$1.01');
    expect(formatUsd('-1.005')).toBe('-$1.01');
    expect(formatUsd('0.1', { decimals: 4 })).toBe('$0.1000');
  });

  it('shows a dash, not a made-up zero, when the figure is unknown', () => {
    for (const v of [null, undefined, '', 'abc', Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatUsd(v)).toBe(NONE);
    }
  });
});

describe('formatPercent', () => {
  it('is signed by default', () => {
    expect(formatPercent('1.2')).toBe('+1.20%');
    expect(formatPercent('-0.5')).toBe('-0.50%');
    expect(formatPercent('0')).toBe('0.00%');
    expect(formatPercent('-0.001')).toBe('0.00%');
    expect(formatPercent('12.3456')).toBe('+12.35%');
  });

  it('can be unsigned and group large values', () => {
    expect(formatPercent('55', { signed: false, decimals: 1 })).toBe('55.0%');
    expect(formatPercent('12345.6')).toBe('+12,345.60%');
    expect(formatPercent(null)).toBe(NONE);
  });
});

describe('formatPrice and formatQty', () => {
  it('keeps the decimals the exchange quoted', () => {
    expect(formatPrice('65000.1')).toBe('65,000.10');
    expect(formatPrice('0.00012345')).toBe('0.00012345');
    expect(formatPrice('3.14159')).toBe('3.14159');
    expect(formatPrice('0.5')).toBe('0.5');
    expect(formatPrice('1.123456789')).toBe('1.12345679');
  });

  it('prints quantities as they are, truncated past 8 decimals', () => {
    expect(formatQty('0.001')).toBe('0.001');
    expect(formatQty('12500')).toBe('12,500');
    expect(formatQty('0.123456789')).toBe('0.12345678');
    expect(formatQty(undefined)).toBe(NONE);
  });
});

describe('formatAge', () => {
  it('says how old a figure is in words', () => {
    expect(formatAge(0)).toBe('just now');
    expect(formatAge(4_999)).toBe('just now');
    expect(formatAge(42_000)).toBe('42 s ago');
    expect(formatAge(3 * 60_000 + 5_000)).toBe('3 min ago');
    expect(formatAge(2 * 3_600_000)).toBe('2 h ago');
    expect(formatAge(5 * 86_400_000)).toBe('5 d ago');
    expect(formatAge(null)).toBe('age unknown');
    expect(formatAge(-10)).toBe('just now');
  });
});

describe('formatDateTime, formatConfidence, tone', () => {
  it('prints an ISO moment in the given zone, 24 h clock', () => {
    expect(formatDateTime('2025-03-01T14:05:09.000Z', 'UTC')).toBe('2025-03-01 14:05:09');
    expect(formatDateTime('2025-03-01T00:00:00.000Z', 'UTC')).toBe('2025-03-01 00:00:00');
    expect(formatDateTime('not a date', 'UTC')).toBe(NONE);
  });

  it('prints confidence as a whole percentage', () => {
    expect(formatConfidence(82.4)).toBe('82%');
    expect(formatConfidence(null)).toBe(NONE);
  });

  it('colours gains up, losses down and zero or unknown flat', () => {
    expect(tone('1')).toBe('up');
    expect(tone('-0.01')).toBe('down');
    expect(tone('0')).toBe('flat');
    expect(tone(null)).toBe('flat');
  });
});
