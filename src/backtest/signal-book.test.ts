import { describe, expect, it } from 'vitest';
import { createSignalBook } from './signal-book.js';

const MIN = 60_000;
const t0 = Date.UTC(2026, 0, 5, 12);

function book() {
  let n = 0;
  return createSignalBook(120 * MIN, () => `s${++n}`);
}

const candidate = (symbol: string, direction: 'LONG' | 'SHORT', confidence = 80, ttlMin = 60) => ({
  symbol,
  direction,
  combinedConfidence: confidence,
  expiresAt: t0 + ttlMin * MIN,
});

describe('the in-memory deduplication rule (as the signals repository enforces it)', () => {
  it('an EXECUTED signal blocks the pair for the whole window, and not a minute longer', () => {
    const b = book();
    const [id] = b.insertBatch([candidate('BTCUSDT', 'LONG')], t0);
    b.markExecuted(id!);
    expect(b.blocks('BTCUSDT', 'LONG', t0 + 119 * MIN)).toBe(true);
    expect(b.blocks('BTCUSDT', 'LONG', t0 + 120 * MIN)).toBe(false);
    expect(b.blocks('BTCUSDT', 'SHORT', t0 + MIN)).toBe(false);
    expect(b.blocks('ETHUSDT', 'LONG', t0 + MIN)).toBe(false);
    expect(b.insertBatch([candidate('BTCUSDT', 'LONG')], t0 + 60 * MIN)).toEqual([null]);
    expect(b.insertBatch([candidate('BTCUSDT', 'LONG')], t0 + 120 * MIN)).toEqual(['s2']);
  });

  it('a PENDING signal blocks until it expires; expired signals block nothing', () => {
    const b = book();
    b.insertBatch([candidate('BTCUSDT', 'LONG', 80, 60)], t0);
    expect(b.blocks('BTCUSDT', 'LONG', t0 + 59 * MIN)).toBe(true);
    expect(b.expireDue(t0 + 59 * MIN)).toBe(0);
    expect(b.blocks('BTCUSDT', 'LONG', t0 + 60 * MIN)).toBe(false);
    expect(b.expireDue(t0 + 60 * MIN)).toBe(1);
    expect(b.insertBatch([candidate('BTCUSDT', 'LONG')], t0 + 60 * MIN)).toEqual(['s2']);
  });

  it('collapses duplicates inside one batch to the most confident', () => {
    const b = book();
    const ids = b.insertBatch(
      [candidate('BTCUSDT', 'LONG', 76), candidate('ETHUSDT', 'SHORT', 90), candidate('BTCUSDT', 'LONG', 88)],
      t0,
    );
    expect(ids).toEqual([null, 's1', 's2']);
  });
});
