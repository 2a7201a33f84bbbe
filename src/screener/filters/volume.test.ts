import { describe, expect, it } from 'vitest';
import { sma } from '../../indicators/index.js';
import { resolveScreenerConfig } from '../config.js';
import { viewFrom } from '../fixtures.js';
import { volumeAnomaly, volumeBaseline, volumeSustain } from './volume.js';

const config = resolveScreenerConfig();
/** A view with these volumes and their 20-candle SMA (as both screening paths compute it). */
const view = (volume: number[]) =>
  viewFrom({
    close: volume.map(() => 100),
    volume,
    volumeAvg: [...sma(volume, config.periods.volumeAverage)],
  });
const vols = (...tail: number[]) => [...Array(30).fill(100), ...tail];

describe('volume anomaly (last candle > 1.2x the average of the 20 before it)', () => {
  it('scores a 1.5x candle', () => {
    const v = vols(150);
    const r = volumeAnomaly(view(v), config);
    expect(r.ratio).toBeCloseTo(1.5, 12);
    expect(r).toMatchObject({ hit: true, points: 10 });
    expect(r.note).toBe('volume 1.5x its 20-candle average');
  });

  it('needs strictly more than 1.2x', () => {
    const v = vols(120);
    expect(volumeAnomaly(view(v), config)).toMatchObject({ hit: false, points: 0, note: '' });
  });

  it('uses only the candles before the last one', () => {
    // 19 candles of 100 and one of 300 before the last: average 110, 150 / 110 = 1.36.
    const v = [...Array(19).fill(100), 300, 150];
    expect(volumeAnomaly(view(v), config).ratio).toBeCloseTo(150 / 110, 12);
  });

  it('says nothing about a market that traded nothing', () => {
    const v = [...Array(20).fill(0), 50];
    const r = volumeAnomaly(view(v), config);
    expect(Number.isNaN(r.ratio)).toBe(true);
    expect(r.points).toBe(0);
    expect(Number.isNaN(volumeBaseline(view([1, 2]), 1))).toBe(true);
  });
});

describe('volume sustainability (2 of the last 3 above 1.2x the average before them)', () => {
  it('earns the bonus with 2 of 3', () => {
    const v = vols(130, 90, 125);
    expect(volumeSustain(view(v), config)).toMatchObject({ count: 2, hit: true, points: 10 });
  });

  it('gives nothing (and no penalty) with 1 of 3', () => {
    const v = vols(130, 90, 110);
    expect(volumeSustain(view(v), config)).toMatchObject({ count: 1, hit: false, points: 0 });
  });

  it('measures against the average before the three, not one inflated by them', () => {
    const v = vols(500, 500, 500);
    expect(volumeSustain(view(v), config).count).toBe(3);
  });
});
