import { describe, expect, it } from 'vitest';
import { resolveScreenerConfig } from '../config.js';
import { confirmation, rsiTrendSide, rsiZone, rsiZoneScore, trendAlignment, trendState } from './trend.js';

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
