/**
 * Volume filters: the anomaly (last candle above 1.2x its average) and sustainability (2 of the
 * last 3 candles above 1.2x the average before them). The averages are the view's volume SMA.
 */
import type { ScreenerConfig } from '../config.js';
import type { PrimaryView } from '../types.js';
import { back, fmt, isNum } from './util.js';

/**
 * Average volume of the candles before the newest `excluded` ones. NaN when unknown or not
 * positive (a market that traded nothing has no "normal").
 */
export function volumeBaseline(view: PrimaryView, excluded: number): number {
  const avg = back(view.volumeAvg, excluded, view.n, view.first);
  return avg > 0 && isNum(avg) ? avg : Number.NaN;
}

/** Last candle's volume over the average of the candles before it (NaN when unknown). */
export function volumeRatio(view: PrimaryView): number {
  const base = volumeBaseline(view, 1);
  const last = back(view.volume, 0, view.n, view.first);
  return isNum(base) && isNum(last) ? last / base : Number.NaN;
}

export interface VolumeAnomaly {
  ratio: number;
  hit: boolean;
  points: number;
  note: string;
}

/** `words` false leaves the note empty (the score formats it later, from the ratio, if asked). */
/** Whether a volume ratio (volumeRatio) is an anomaly. */
export function volumeAnomalyHit(ratio: number, config: ScreenerConfig): boolean {
  return isNum(ratio) && ratio > config.volumeAnomaly.ratio;
}

export function volumeAnomaly(view: PrimaryView, config: ScreenerConfig, words = true): VolumeAnomaly {
  const ratio = volumeRatio(view);
  const hit = volumeAnomalyHit(ratio, config);
  return {
    ratio,
    hit,
    points: hit ? config.volumeAnomaly.points : 0,
    note: hit && words ? volumeAnomalyNote(ratio, config) : '',
  };
}

export function volumeAnomalyNote(ratio: number, config: ScreenerConfig): string {
  return `volume ${fmt(ratio, 3)}x its ${config.periods.volumeAverage}-candle average`;
}

export interface VolumeSustain {
  /** Candles of the last `window` above ratio x the average before them. */
  count: number;
  hit: boolean;
  points: number;
  note: string;
}

/** `words` false leaves the note empty (see volumeSustainNote). */
/** Candles of the last `window` above ratio x the average before them (volumeSustain's count). */
export function volumeSustainCount(view: PrimaryView, config: ScreenerConfig): number {
  const { ratio, window } = config.volumeSustain;
  const { volume, n, first } = view;
  const base = volumeBaseline(view, window);
  let count = 0;
  if (isNum(base)) {
    for (let i = Math.max(first, n - window); i < n; i++) if ((volume[i] as number) > ratio * base) count++;
  }
  return count;
}

export function volumeSustain(view: PrimaryView, config: ScreenerConfig, words = true): VolumeSustain {
  const { needed, points } = config.volumeSustain;
  const count = volumeSustainCount(view, config);
  const hit = count >= needed;
  return {
    count,
    hit,
    points: hit ? points : 0,
    note: hit && words ? volumeSustainNote(count, config) : '',
  };
}

export function volumeSustainNote(count: number, config: ScreenerConfig): string {
  const { ratio, window } = config.volumeSustain;
  return `volume sustained: ${count} of the last ${window} candles above ${ratio}x average`;
}
