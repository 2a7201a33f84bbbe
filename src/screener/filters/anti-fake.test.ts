import { describe, expect, it } from 'vitest';
import { resolveScreenerConfig } from '../config.js';
import { viewFrom } from '../fixtures.js';
import { antiFake } from './anti-fake.js';

const config = resolveScreenerConfig();
const flat = (n: number, x = 100) => Array<number>(n).fill(x);

describe('anti-fake', () => {
  it('finds nothing in a steady, well-supported rise', () => {
    const close = [...flat(20), 100.5, 101, 101.5, 102, 102.5];
    const volume = [...flat(20), 100, 110, 120, 130, 140];
    expect(antiFake('LONG', viewFrom({ close, volume }), config)).toEqual({
      penalty: 0,
      parts: [],
      killed: false,
    });
  });

  it('penalises one candle carrying more than 60% of the move (+20)', () => {
    const close = [...flat(25), 105];
    const r = antiFake('LONG', viewFrom({ close, volume: [...flat(25), 50] }), config);
    expect(r.parts).toEqual(['one candle carries 100% of the move']);
    expect(r.penalty).toBe(20);
  });

  it('ignores the single-candle test when the move is noise (< 0.5 ATR)', () => {
    const close = [...flat(25), 100.2];
    expect(antiFake('LONG', viewFrom({ close, atr: flat(26, 1) }), config).penalty).toBe(0);
  });

  it('penalises a long rejection wick against the direction (+20)', () => {
    const close = [...flat(25), 100.5];
    const high = [...flat(25), 103];
    const r = antiFake(
      'LONG',
      viewFrom({ close, high, open: [...flat(25), 100], atr: flat(26, 10) }),
      config,
    );
    expect(r.parts).toEqual(['upper rejection wick 83.3% of the range']);
    // The same candle has no lower wick: nothing to say to a SHORT about rejection.
    expect(
      antiFake('SHORT', viewFrom({ close, high, open: [...flat(25), 100] }), config).parts,
    ).not.toContain('lower rejection wick');
  });

  it('penalises price rising on falling volume for 3 candles (+15)', () => {
    const close = [...flat(22), 100.3, 100.6, 100.9];
    const volume = [...flat(22), 300, 200, 100];
    const r = antiFake('LONG', viewFrom({ close, volume, atr: flat(25, 10) }), config);
    expect(r.parts).toEqual(['price up on falling volume for 3 candles']);
    expect(r.penalty).toBe(15);
  });

  it('penalises an immediate reversal candle (+20)', () => {
    const close = [...flat(23), 102, 100.8];
    const r = antiFake('LONG', viewFrom({ close, atr: flat(25, 10) }), config);
    expect(r.parts).toEqual(['reversal candle took back 60% of the previous one']);
  });

  it('kills the signal at 40', () => {
    // A one-candle spike (20) followed by a reversal (20) = 40.
    const close = [...flat(23), 106, 102.5];
    const r = antiFake('LONG', viewFrom({ close }), config);
    expect(r.parts).toEqual([
      'one candle carries 240% of the move',
      'reversal candle took back 58.3% of the previous one',
    ]);
    expect(r.penalty).toBe(40);
    expect(r.killed).toBe(true);
    expect(antiFake('SHORT', viewFrom({ close }), config).killed).toBe(false);
  });
});
