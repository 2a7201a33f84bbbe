import { describe, expect, it } from 'vitest';
import { resolveScreenerConfig } from './config.js';
import { universeFixture } from './fixtures.js';
import { toPlainOutcome } from './result.js';
import { screenSymbol } from './screen.js';
import { decodeOutcomes, decodeRows, encodeOutcomes, encodeRows } from './wire.js';

describe('worker wire format', () => {
  it('round-trips every kind of outcome exactly', () => {
    const config = resolveScreenerConfig();
    const outcomes = universeFixture(40, 260).map((s, i) =>
      screenSymbol(
        {
          ...s,
          // Some without a confirmation timeframe: a data note travels with the numbers.
          confirm: i % 5 === 0 ? undefined : s.confirm,
          whale: i % 7 === 0 ? { direction: 'PUMP', confidence: 88 } : undefined,
        },
        config,
      ),
    );
    outcomes.push({ symbol: 'NEWUSDT', direction: 'SKIPPED', reason: 'too new', reasons: ['too new'] });
    const kinds = new Set(outcomes.map((o) => o.direction));
    expect(kinds.size).toBeGreaterThanOrEqual(3);
    expect(outcomes.some((o) => o.reasons.some((r) => r.startsWith('confirmation timeframe')))).toBe(true);
    expect(decodeOutcomes(structuredClone(encodeOutcomes(outcomes)), config).map(toPlainOutcome)).toEqual(
      outcomes.map(toPlainOutcome),
    );
  });

  it('round-trips candle rows', () => {
    const rows = [
      {
        symbol: 'AUSDT',
        role: 'primary' as const,
        candle: { openTime: 1, open: 2, high: 3, low: 1.5, close: 2.5, volume: 9 },
      },
      {
        symbol: 'BUSDT',
        role: 'trend' as const,
        candle: { openTime: 4, open: 5, high: 6, low: 4, close: 5, volume: 0 },
      },
      {
        symbol: 'AUSDT',
        role: 'confirm' as const,
        candle: { openTime: 7, open: 8, high: 9, low: 7, close: Number.NaN, volume: 1 },
      },
    ];
    expect(decodeRows(structuredClone(encodeRows(rows)))).toEqual(rows);
  });
});
