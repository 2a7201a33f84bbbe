/**
 * Directional momentum (the pump/dump predictor), up to maxPoints per side: rate of change over a
 * short and a longer span, the EMA 9/21 cross, the RSI slope, high-volume candles in the
 * direction, and higher-high/higher-low steps in the last few candles.
 */
import type { ScreenerConfig } from '../config.js';
import type { PrimaryView, Side } from '../types.js';
import { back, fmt, isNum } from './util.js';
import { volumeBaseline } from './volume.js';

export interface MomentumSide {
  points: number;
  parts: string[];
}

export interface Momentum {
  LONG: MomentumSide;
  SHORT: MomentumSide;
  rocShort: number;
  rocLong: number;
}

/** What scored, as codes: scoring a universe formats nothing, reading a side's parts formats them. */
const Part = {
  RocShort: 0,
  RocLong: 1,
  FreshCross: 2,
  EmaAligned: 3,
  RsiSlope: 4,
  VolumeCandles: 5,
  Pattern: 6,
} as const;
export type Part = (typeof Part)[keyof typeof Part];

/** The numbers the parts' words need (shared by both sides of one symbol). */
export interface PartValues {
  m: ScreenerConfig['momentum'];
  rocShort: number;
  rocLong: number;
  above: boolean;
  slope: number;
  up: number;
  down: number;
  hhhl: number;
  lhll: number;
}

function partWords(code: Part, long: boolean, v: PartValues): string {
  const m = v.m;
  switch (code) {
    case Part.RocShort:
      return `ROC${m.rocShortCandles} ${long ? '+' : ''}${fmt(v.rocShort, 3)}%`;
    case Part.RocLong:
      return `ROC${m.rocLongCandles} ${long ? '+' : ''}${fmt(v.rocLong, 3)}%`;
    case Part.FreshCross:
      return `fresh EMA9/21 cross (EMA9 ${v.above ? 'above' : 'below'})`;
    case Part.EmaAligned:
      return `EMA9 ${v.above ? 'above' : 'below'} EMA21`;
    case Part.RsiSlope:
      return long
        ? `RSI rising ${fmt(v.slope, 3)} in ${m.rsiSlopeCandles} candles`
        : `RSI falling ${fmt(-v.slope, 3)} in ${m.rsiSlopeCandles} candles`;
    case Part.VolumeCandles: {
      const k = long ? v.up : v.down;
      return `${k} high-volume ${long ? 'green' : 'red'} candle${k > 1 ? 's' : ''}`;
    }
    case Part.Pattern:
      return long ? `${v.hhhl} higher-high/higher-low steps` : `${v.lhll} lower-high/lower-low steps`;
  }
}

/** One side's points and what scored, as codes (momentumWords turns them into words). */
export interface MomentumTally {
  points: number;
  codes: Part[];
}

/** Momentum as numbers: what the score needs, and what momentumWords needs to explain it. */
export interface MomentumScore {
  LONG: MomentumTally;
  SHORT: MomentumTally;
  values: PartValues;
}

/** Every list of codes a bitmask can stand for, made when first asked for and shared (frozen). */
const CODE_LISTS: (readonly Part[] | undefined)[] = new Array(1 << 7).fill(undefined);

function codeList(mask: number): Part[] {
  let list = CODE_LISTS[mask];
  if (list === undefined) {
    const out: Part[] = [];
    for (let c = 0, m = mask; m !== 0; c++, m >>>= 1) if (m & 1) out.push(c as Part);
    list = Object.freeze(out);
    CODE_LISTS[mask] = list;
  }
  return list as Part[];
}

/**
 * One side's tally as scoreViews keeps it: the codes as a bitmask (bit c: code c scored), read as
 * a shared list. A side scores its codes in ascending order, so the list is in scoring order. An
 * array per side grown by push cost a backing store per side per screen.
 */
class Tally implements MomentumTally {
  constructor(
    public points: number,
    readonly mask: number,
  ) {}

  get codes(): Part[] {
    return codeList(this.mask);
  }
}

/**
 * The momentum of one screen: both sides and, inline, the numbers their words need (`values` is
 * the object itself): three objects per screen instead of seven.
 */
class ScoredMomentum implements MomentumScore, PartValues {
  constructor(
    readonly LONG: Tally,
    readonly SHORT: Tally,
    readonly m: ScreenerConfig['momentum'],
    readonly rocShort: number,
    readonly rocLong: number,
    readonly above: boolean,
    readonly slope: number,
    readonly up: number,
    readonly down: number,
    readonly hhhl: number,
    readonly lhll: number,
  ) {}

  get values(): PartValues {
    return this;
  }
}

/** The words for one side's parts, in scoring order. */
export function momentumWords(mom: MomentumScore, side: Side): string[] {
  const long = side === 'LONG';
  const codes = mom[side].codes;
  const out: string[] = new Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = partWords(codes[i] as Part, long, mom.values);
  return out;
}

/** Signed EMA9 - EMA21 gap at i (NaN before the view). */
function emaGap(view: PrimaryView, i: number): number {
  return (view.emaFast[i] as number) - (view.emaSlow[i] as number);
}

/** Slots of momentumInto's answer (see MOMENTUM). */
export const M_LONG_POINTS = 0;
export const M_SHORT_POINTS = 1;
const M_LONG_MASK = 2;
const M_SHORT_MASK = 3;
const M_ROC_SHORT = 4;
const M_ROC_LONG = 5;
const M_ABOVE = 6;
const M_SLOPE = 7;
const M_UP = 8;
const M_DOWN = 9;
const M_HHHL = 10;
const M_LHLL = 11;

/**
 * momentumInto's answer, one per thread: both sides' points (capped) and masks, and the numbers
 * the words need. Read it before the next call. A rank reads two numbers of it; the objects of
 * momentumScore (three, their doubles boxed) are made only for a full result.
 */
export const MOMENTUM = new Float64Array(12);

/** momentumScore as numbers, into MOMENTUM (nothing allocated). */
export function momentumInto(view: PrimaryView, config: ScreenerConfig): void {
  const m = config.momentum;
  const { close, open, high, low, volume, rsi, n, first } = view;
  const rocShort = back(view.rocShort, 0, n, first);
  const rocLong = back(view.rocLong, 0, n, first);
  // Points and codes (bit masks, see Tally) per side, in Part order.
  let longPoints = 0;
  let longMask = 0;
  let shortPoints = 0;
  let shortMask = 0;
  if (rocShort >= m.rocShortPct) {
    longPoints += m.rocShortPoints;
    longMask |= 1 << Part.RocShort;
  }
  if (rocShort <= -m.rocShortPct) {
    shortPoints += m.rocShortPoints;
    shortMask |= 1 << Part.RocShort;
  }
  if (rocLong >= m.rocLongPct) {
    longPoints += m.rocLongPoints;
    longMask |= 1 << Part.RocLong;
  }
  if (rocLong <= -m.rocLongPct) {
    shortPoints += m.rocLongPoints;
    shortMask |= 1 << Part.RocLong;
  }

  let above = false;
  const now = n > first ? emaGap(view, n - 1) : Number.NaN;
  if (isNum(now) && now !== 0) {
    above = now > 0;
    // Fresh: the gap changed sign (to today's sign) within the last freshCrossCandles candles: a
    // step from a known gap not of today's sign to one of today's sign (Math.sign's test, with
    // now's sign known: a zero or NaN gap is of neither sign). Each gap read once, the first
    // fresh step ends the search.
    let fresh = false;
    const from = Math.max(first + 1, n - m.freshCrossCandles);
    let before = from < n ? emaGap(view, from - 1) : Number.NaN;
    for (let i = from; i < n; i++) {
      const after = emaGap(view, i);
      if (isNum(before) && !(above ? before > 0 : before < 0) && (above ? after > 0 : after < 0)) {
        fresh = true;
        break;
      }
      before = after;
    }
    const points = fresh ? m.freshCrossPoints : m.emaAlignedPoints;
    const bit = 1 << (fresh ? Part.FreshCross : Part.EmaAligned);
    if (above) {
      longPoints += points;
      longMask |= bit;
    } else {
      shortPoints += points;
      shortMask |= bit;
    }
  }

  const slope = back(rsi, 0, n, first) - back(rsi, m.rsiSlopeCandles, n, first);
  if (slope >= m.rsiSlopeMin) {
    longPoints += m.rsiSlopePoints;
    longMask |= 1 << Part.RsiSlope;
  }
  if (slope <= -m.rsiSlopeMin) {
    shortPoints += m.rsiSlopePoints;
    shortMask |= 1 << Part.RsiSlope;
  }

  let up = 0;
  let down = 0;
  const base = volumeBaseline(view, m.volumeCandleWindow);
  if (isNum(base)) {
    for (let i = Math.max(first, n - m.volumeCandleWindow); i < n; i++) {
      if ((volume[i] as number) <= m.volumeCandleRatio * base) continue;
      if ((close[i] as number) > (open[i] as number)) up++;
      else if ((close[i] as number) < (open[i] as number)) down++;
    }
    up = Math.min(up, m.volumeCandleMax);
    down = Math.min(down, m.volumeCandleMax);
    if (up > 0) {
      longPoints += up * m.volumeCandlePoints;
      longMask |= 1 << Part.VolumeCandles;
    }
    if (down > 0) {
      shortPoints += down * m.volumeCandlePoints;
      shortMask |= 1 << Part.VolumeCandles;
    }
  }

  let hhhl = 0;
  let lhll = 0;
  for (let i = Math.max(first + 1, n - m.patternCandles + 1); i < n; i++) {
    const h = high[i] as number;
    const l = low[i] as number;
    const ph = high[i - 1] as number;
    const pl = low[i - 1] as number;
    if (h > ph && l > pl) hhhl++;
    if (h < ph && l < pl) lhll++;
  }
  if (hhhl >= m.patternMinSteps) {
    longPoints += m.patternPoints;
    longMask |= 1 << Part.Pattern;
  }
  if (lhll >= m.patternMinSteps) {
    shortPoints += m.patternPoints;
    shortMask |= 1 << Part.Pattern;
  }

  const out = MOMENTUM;
  out[M_LONG_POINTS] = Math.min(longPoints, m.maxPoints);
  out[M_SHORT_POINTS] = Math.min(shortPoints, m.maxPoints);
  out[M_LONG_MASK] = longMask;
  out[M_SHORT_MASK] = shortMask;
  out[M_ROC_SHORT] = rocShort;
  out[M_ROC_LONG] = rocLong;
  out[M_ABOVE] = above ? 1 : 0;
  out[M_SLOPE] = slope;
  out[M_UP] = up;
  out[M_DOWN] = down;
  out[M_HHHL] = hhhl;
  out[M_LHLL] = lhll;
}

/** momentumInto's latest answer as objects (what a full result keeps for its words). */
export function scoredMomentum(config: ScreenerConfig): MomentumScore {
  const v = MOMENTUM;
  return new ScoredMomentum(
    new Tally(v[M_LONG_POINTS] as number, v[M_LONG_MASK] as number),
    new Tally(v[M_SHORT_POINTS] as number, v[M_SHORT_MASK] as number),
    config.momentum,
    v[M_ROC_SHORT] as number,
    v[M_ROC_LONG] as number,
    v[M_ABOVE] === 1,
    v[M_SLOPE] as number,
    v[M_UP] as number,
    v[M_DOWN] as number,
    v[M_HHHL] as number,
    v[M_LHLL] as number,
  );
}

export function momentumScore(view: PrimaryView, config: ScreenerConfig): MomentumScore {
  momentumInto(view, config);
  return scoredMomentum(config);
}

/** Momentum with its words (momentumScore is the same without them). */
export function momentum(view: PrimaryView, config: ScreenerConfig): Momentum {
  const mom = momentumScore(view, config);
  return {
    LONG: { points: mom.LONG.points, parts: momentumWords(mom, 'LONG') },
    SHORT: { points: mom.SHORT.points, parts: momentumWords(mom, 'SHORT') },
    rocShort: mom.values.rocShort,
    rocLong: mom.values.rocLong,
  };
}

/** The side momentum proposes: enough points and more than the other side. */
export function momentumSide(mom: Momentum | MomentumScore, config: ScreenerConfig): Side | null {
  return momentumSideOf(mom.LONG.points, mom.SHORT.points, config);
}

/** momentumSide from the two sides' points. */
export function momentumSideOf(l: number, s: number, config: ScreenerConfig): Side | null {
  if (Math.max(l, s) < config.momentum.minDirectionalPoints || l === s) return null;
  return l > s ? 'LONG' : 'SHORT';
}
