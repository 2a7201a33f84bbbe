/**
 * Anti-fake: signs that a move in the proposed direction is not real. One candle carrying most of
 * the move, a long rejection wick, price moving on falling volume, an immediate reversal candle.
 * The penalties add up; at antiFake.killAt the signal is killed.
 */
import type { ScreenerConfig } from '../config.js';
import type { PrimaryView, Side } from '../types.js';
import { back, fmt, isNum, sign } from './util.js';

export interface AntiFake {
  /** Positive penalty points. */
  penalty: number;
  parts: string[];
  killed: boolean;
}

/** Anti-fake as numbers: the penalty and what was found (NaN / false: not found). */
export interface AntiFakeScore {
  penalty: number;
  killed: boolean;
  side: Side;
  /** Share of the move carried by the largest candle. */
  singleCandleShare: number;
  /** Rejection wick over the last candle's range. */
  wickShare: number;
  fadingVolume: boolean;
  /** Share of the previous candle's body the last one took back. */
  reversalShare: number;
}

/** Slots of antiFakeInto's answer (see ANTI_FAKE). */
export const AF_PENALTY = 0;
const AF_SHARE = 1;
const AF_WICK = 2;
const AF_FADING = 3;
const AF_REVERSAL = 4;

/**
 * antiFakeInto's answer, one per thread: the penalty and what was found (antiFakeScore's numbers).
 * Read it before the next call; a rank reads the penalty alone (see antiFakeKilled).
 */
export const ANTI_FAKE = new Float64Array(5);

/** Whether a penalty kills the signal. */
export const antiFakeKilled = (penalty: number, config: ScreenerConfig): boolean =>
  penalty >= config.antiFake.killAt;

export function antiFakeScore(side: Side, view: PrimaryView, config: ScreenerConfig): AntiFakeScore {
  antiFakeInto(side, view, config);
  return antiFakeFound(side, config);
}

/** antiFakeInto's latest answer as antiFakeScore gives it. */
export function antiFakeFound(side: Side, config: ScreenerConfig): AntiFakeScore {
  const a = ANTI_FAKE;
  const penalty = a[AF_PENALTY] as number;
  return {
    penalty,
    killed: antiFakeKilled(penalty, config),
    side,
    singleCandleShare: a[AF_SHARE] as number,
    wickShare: a[AF_WICK] as number,
    fadingVolume: a[AF_FADING] === 1,
    reversalShare: a[AF_REVERSAL] as number,
  };
}

/** antiFakeScore as numbers, into ANTI_FAKE (nothing allocated). */
export function antiFakeInto(side: Side, view: PrimaryView, config: ScreenerConfig): void {
  const f = config.antiFake;
  const { open, high, low, close, volume } = view;
  const { n, first } = view;
  const dir = sign(side);
  let penalty = 0;
  // What was found, kept as numbers (NaN: not found); the words are formatted when `parts` is read.
  let share = Number.NaN;
  let wickShare = Number.NaN;
  let fadingFound = false;
  let reversalShare = Number.NaN;

  // One candle carrying the move: only meaningful once the move is material (ATRs, not noise).
  const move = (back(close, 0, n, first) - back(close, f.window, n, first)) * dir;
  const atr = back(view.atr, 0, n, first);
  if (move > 0 && (!isNum(atr) || move >= f.minMoveAtr * atr)) {
    let largest = 0;
    for (let i = Math.max(first, n - f.window); i < n; i++) {
      const body = ((close[i] as number) - (open[i] as number)) * dir;
      if (body > largest) largest = body;
    }
    if (largest / move > f.singleCandleShare) {
      penalty += f.singleCandlePoints;
      share = largest / move;
    }
  }

  // Rejection wick on the last candle: the side's extreme was reached and refused.
  const o = back(open, 0, n, first);
  const c = back(close, 0, n, first);
  const h = back(high, 0, n, first);
  const l = back(low, 0, n, first);
  const range = h - l;
  if (range > 0) {
    const wick = side === 'LONG' ? h - Math.max(o, c) : Math.min(o, c) - l;
    if (wick / range > f.wickShare) {
      penalty += f.wickPoints;
      wickShare = wick / range;
    }
  }

  // Price moving the side's way on falling volume, candle after candle.
  const k = f.fadingVolumeCandles;
  if (n - first > k) {
    let fading = true;
    for (let i = n - k + 1; i < n; i++) {
      const priceWith = ((close[i] as number) - (close[i - 1] as number)) * dir > 0;
      const volumeDown = (volume[i] as number) < (volume[i - 1] as number);
      if (!priceWith || !volumeDown) fading = false;
    }
    if (fading) {
      penalty += f.fadingVolumePoints;
      fadingFound = true;
    }
  }

  // Immediate reversal: the previous candle went the side's way, the last one took most of it back.
  if (n - first >= 2) {
    const prevBody = ((close[n - 2] as number) - (open[n - 2] as number)) * dir;
    const lastBody = (c - o) * dir;
    if (prevBody > 0 && lastBody < 0 && -lastBody >= f.reversalBodyShare * prevBody) {
      penalty += f.reversalPoints;
      reversalShare = -lastBody / prevBody;
    }
  }

  const out = ANTI_FAKE;
  out[AF_PENALTY] = penalty;
  out[AF_SHARE] = share;
  out[AF_WICK] = wickShare;
  out[AF_FADING] = fadingFound ? 1 : 0;
  out[AF_REVERSAL] = reversalShare;
}

/** The words for what antiFakeScore found, in the order found. */
export function antiFakeWords(a: AntiFakeScore, config: ScreenerConfig): string[] {
  const words: string[] = [];
  if (!Number.isNaN(a.singleCandleShare))
    words.push(`one candle carries ${fmt(a.singleCandleShare * 100, 3)}% of the move`);
  if (!Number.isNaN(a.wickShare))
    words.push(
      `${a.side === 'LONG' ? 'upper' : 'lower'} rejection wick ${fmt(a.wickShare * 100, 3)}% of the range`,
    );
  if (a.fadingVolume)
    words.push(
      `price ${a.side === 'LONG' ? 'up' : 'down'} on falling volume for ${config.antiFake.fadingVolumeCandles} candles`,
    );
  if (!Number.isNaN(a.reversalShare))
    words.push(`reversal candle took back ${fmt(a.reversalShare * 100, 3)}% of the previous one`);
  return words;
}

/** Anti-fake with its words (antiFakeScore is the same without them). */
export function antiFake(side: Side, view: PrimaryView, config: ScreenerConfig): AntiFake {
  const a = antiFakeScore(side, view, config);
  return { penalty: a.penalty, parts: antiFakeWords(a, config), killed: a.killed };
}
