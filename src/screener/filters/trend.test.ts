import { describe, expect, it } from 'vitest';
import { resolveScreenerConfig } from '../config.js';
import {
  confirmation,
  confirmationConflict,
  confirmState,
  rsiTrendSide,
  rsiZone,
  rsiZoneScore,
  trendAlignment,
  trendPoints,
  trendState,
} from './trend.js';

const config = resolveScreenerConfig();
const up = { close: 110, emaTrend: 100 };
const down = { close: 90, emaTrend: 100 };

describe('trend alignment (price against EMA200 on the trend timeframe)', () => {
  it('adds 15 with the trend and costs 10 against it', () => {
    expect(trendAlignment('LONG', up, config).points).toBe(15);
    expect(trendAlignment('SHORT', down, config).points).toBe(15);
    expect(trendAlignment('SHORT', up, config).points).toBe(-10);
    expect(trendAlignment('LONG', down, config).note).toBe('price below trend EMA200 100: against the trend');
  });

  it('contributes nothing without a trend timeframe or an EMA', () => {
    expect(trendAlignment('LONG', undefined, config).points).toBe(0);
    expect(trendState({ close: 100, emaTrend: Number.NaN })).toBeNull();
    expect(trendState({ close: 100, emaTrend: 100 })).toBeNull();
  });
});

describe('RSI action zone', () => {
  it('has inclusive 30/70 boundaries', () => {
    expect(rsiZone(30, config)).toBe('OVERSOLD');
    expect(rsiZone(30.01, config)).toBeNull();
    expect(rsiZone(70, config)).toBe('OVERBOUGHT');
    expect(rsiZone(Number.NaN, config)).toBeNull();
  });

  it('supports the zone side and penalises the other', () => {
    expect(rsiZoneScore('LONG', 25, config).points).toBe(10);
    expect(rsiZoneScore('SHORT', 25, config).points).toBe(-10);
    expect(rsiZoneScore('SHORT', 80, config).points).toBe(10);
    expect(rsiZoneScore('LONG', 50, config).points).toBe(0);
  });

  it('feeds direction together with the trend', () => {
    expect(rsiTrendSide(25, up, config)).toBe('LONG'); // oversold in an uptrend: buy the dip
    expect(rsiTrendSide(80, up, config)).toBeNull(); // overbought in an uptrend: conflict
    expect(rsiTrendSide(50, down, config)).toBe('SHORT'); // trend alone
    expect(rsiTrendSide(75, undefined, config)).toBe('SHORT'); // zone alone
    expect(rsiTrendSide(Number.NaN, undefined, config)).toBeNull();
  });
});

describe('confirmation (EMA 9/21 on the confirmation timeframe)', () => {
  const bearish = { emaFast: 99, emaSlow: 100, hurst: Number.NaN };
  const bullish = { emaFast: 101, emaSlow: 100, hurst: Number.NaN };

  it('confirms an agreeing direction for free', () => {
    expect(confirmation('LONG', bullish, undefined, config, '1h')).toMatchObject({
      points: 0,
      downgrade: false,
    });
  });

  it('costs 25 on a conflict', () => {
    const r = confirmation('LONG', bearish, undefined, config, '1h');
    expect(r).toMatchObject({ points: -25, downgrade: false });
    expect(r.note).toBe('1h EMA9/21 down: conflicts with LONG');
  });

  it('downgrades to NEUTRAL instead when configured so', () => {
    const neutral = resolveScreenerConfig({ confirmation: { onConflict: 'neutral' } });
    expect(confirmation('SHORT', bullish, undefined, neutral, '1h')).toMatchObject({
      points: 0,
      downgrade: true,
    });
  });

  it('lets a whale signal of confidence >= 80 in the same direction override the conflict', () => {
    expect(confirmation('LONG', bearish, { direction: 'PUMP', confidence: 80 }, config, '1h').points).toBe(0);
    expect(confirmation('LONG', bearish, { direction: 'PUMP', confidence: 79 }, config, '1h').points).toBe(
      -25,
    );
    expect(confirmation('LONG', bearish, { direction: 'DUMP', confidence: 95 }, config, '1h').points).toBe(
      -25,
    );
  });

  it('contributes nothing without confirmation candles', () => {
    expect(confirmation('LONG', undefined, undefined, config, '1h').points).toBe(0);
  });
});

describe('a higher timeframe with a value that is not finite', () => {
  // What a rank is handed before its higher timeframes are ready (NaN views), and what a bad
  // value would be: unknown, exactly as no view at all, on either side of the comparison.
  const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  it('reads as no trend and no confirmation, whichever side is not finite', () => {
    for (const x of odd) {
      for (const view of [
        { close: x, emaTrend: 100 },
        { close: 100, emaTrend: x },
        { close: x, emaTrend: x },
      ]) {
        expect(trendState(view)).toBeNull();
        expect(trendPoints('LONG', view, config)).toBe(0);
        expect(trendPoints('SHORT', view, config)).toBe(0);
        expect(rsiTrendSide(50, view, config)).toBeNull();
        expect(rsiTrendSide(20, view, config)).toBe('LONG');
      }
      for (const view of [
        { emaFast: x, emaSlow: 100, hurst: 0.5 },
        { emaFast: 100, emaSlow: x, hurst: 0.5 },
      ]) {
        expect(confirmState(view)).toBeNull();
        expect(confirmationConflict('LONG', view, undefined, config)).toBe(false);
        expect(confirmationConflict('SHORT', view, undefined, config)).toBe(false);
      }
    }
  });

  it('still compares finite values, however far apart', () => {
    const far = { close: Number.MAX_VALUE, emaTrend: -Number.MAX_VALUE };
    expect(trendState(far)).toBe('UP');
    expect(trendPoints('SHORT', far, config)).toBe(-10);
    const bearish = { emaFast: -Number.MAX_VALUE, emaSlow: Number.MAX_VALUE, hurst: 0.5 };
    expect(confirmState(bearish)).toBe('DOWN');
    expect(confirmationConflict('LONG', bearish, undefined, config)).toBe(true);
    expect(rsiTrendSide(80, far, config)).toBeNull();
  });
});
