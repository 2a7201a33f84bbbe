/**
 * The words of a screen result: contribution notes and reasons, formatted from the numbers the
 * score captured (never from the candle views, whose buffers move on). Classes, not closures:
 * a result is built per symbol per candle and most are never read.
 */
import type { ScreenerConfig } from './config.js';
import { type AntiFakeScore, antiFakeWords } from './filters/anti-fake.js';
import { type MomentumScore, momentumWords } from './filters/momentum.js';
import { type LevelInPath, levelNote } from './filters/structure.js';
import { confirmation, rsiZoneScore, trendAlignment } from './filters/trend.js';
import { fmt, isNum } from './filters/util.js';
import { volumeAnomalyNote, volumeSustainNote } from './filters/volume.js';
import type { ResultWords } from './result.js';
import {
  type ConfirmView,
  type DirectionSource,
  FILTER_NAMES,
  type FilterContribution,
  type FilterName,
  type Side,
  type TrendView,
  type WhaleSignal,
} from './types.js';

const kindOf = (filter: FilterName, points: number): FilterContribution['kind'] =>
  filter === 'antiFake' ? 'fake' : points < 0 ? 'quality' : 'bonus';

/** A contribution as a reason: its note and its signed points. */
const reasonOf = (note: string, points: number): string => `${note} (${points >= 0 ? '+' : ''}${points})`;

/** Everything a directional result's words are made of. */
export interface DirectionalFacts {
  config: ScreenerConfig;
  side: Side;
  source: DirectionSource;
  fromWhale: Side | null;
  fromMomentum: Side | null;
  fromRsiTrend: Side | null;
  whale: WhaleSignal | undefined;
  whaleLeads: boolean;
  mom: MomentumScore;
  volumeRatio: number;
  volumeHit: boolean;
  trend: TrendView | undefined;
  rsi: number;
  confirm: ConfirmView | undefined;
  structureNote: string;
  levels: LevelInPath;
  sustainCount: number;
  sustainHit: boolean;
  hurst: number;
  fake: AntiFakeScore;
  /** Points per filter, in FILTER_NAMES order. */
  points: number[];
  rawScore: number;
  downgrade: boolean;
  notes: string[];
}

export class DirectionalWords implements ResultWords {
  constructor(readonly f: DirectionalFacts) {}

  contributions(): FilterContribution[] {
    const points = this.f.points;
    const list: FilterContribution[] = new Array(FILTER_NAMES.length);
    for (let i = 0; i < FILTER_NAMES.length; i++) {
      const filter = FILTER_NAMES[i] as FilterName;
      const pts = points[i] as number;
      list[i] = { filter, kind: kindOf(filter, pts), points: pts, note: this.note(i) };
    }
    return list;
  }

  /**
   * The note of the filter at index i of FILTER_NAMES, alone: what contributions() lists, and what
   * firstReasons reads without formatting the others.
   */
  note(i: number): string {
    const { config, side, whale } = this.f;
    switch (i) {
      case 1:
        return whale
          ? `whale ${whale.direction} (confidence ${fmt(whale.confidence, 3)})${this.f.whaleLeads ? '' : ' below priority'}`
          : '';
      case 2: {
        const mom = this.f.mom;
        const momParts = momentumWords(mom, side);
        return momParts.length > 0
          ? `momentum ${mom[side].points}/${config.momentum.maxPoints}: ${momParts.join(', ')}`
          : '';
      }
      case 3:
        return this.f.volumeHit ? volumeAnomalyNote(this.f.volumeRatio, config) : '';
      case 4:
        return trendAlignment(side, this.f.trend, config).note;
      case 5:
        return rsiZoneScore(side, this.f.rsi, config).note;
      case 6:
        return confirmation(side, this.f.confirm, whale, config, config.timeframes.confirm).note;
      case 7:
        return this.f.structureNote;
      case 8:
        return levelNote(side, this.f.levels);
      case 9:
        return this.f.sustainHit ? volumeSustainNote(this.f.sustainCount, config) : '';
      case 10: {
        const h = config.hurst;
        const hurst = this.f.hurst;
        if (hurst > h.persistentAbove) return `Hurst ${fmt(hurst, 3)}: trending, moves persist`;
        if (hurst < h.meanRevertingBelow) return `Hurst ${fmt(hurst, 3)}: mean-reverting, moves fade`;
        if (isNum(hurst)) return `Hurst ${fmt(hurst, 3)}: no clear persistence`;
        return '';
      }
      case 11: {
        const fakeParts = antiFakeWords(this.f.fake, config);
        return fakeParts.length > 0 ? `fake signs: ${fakeParts.join('; ')}` : '';
      }
      default:
        return ''; // base
    }
  }

  reasons(contributions: FilterContribution[]): string[] {
    const out = this.leading();
    for (const c of contributions) if (c.note !== '') out.push(reasonOf(c.note, c.points));
    out.push(...this.f.notes);
    return out;
  }

  /**
   * reasons(contributions()).slice(0, count), formatting only the notes it needs (the rule
   * analyst's text reads the first three reasons; a backtest's report the contributions, later).
   */
  firstReasons(count: number): string[] {
    const out = this.leading();
    const points = this.f.points;
    for (let i = 0; i < FILTER_NAMES.length && out.length < count; i++) {
      const note = this.note(i);
      if (note !== '') out.push(reasonOf(note, points[i] as number));
    }
    const notes = this.f.notes;
    for (let i = 0; i < notes.length && out.length < count; i++) out.push(notes[i] as string);
    if (out.length > count) out.length = count;
    return out;
  }

  /** The reasons before the notes: why it is NEUTRAL (if it is), then the headline. */
  private leading(): string[] {
    const { config, side, source, fromWhale, fromMomentum, fromRsiTrend, fake, rawScore } = this.f;
    const disagreements: string[] = [];
    if (fromWhale && fromMomentum && fromMomentum !== side)
      disagreements.push(`momentum says ${fromMomentum}`);
    if (fromRsiTrend && fromRsiTrend !== side) disagreements.push(`RSI+trend says ${fromRsiTrend}`);
    const headline =
      `${side} from ${source}` +
      (disagreements.length > 0 ? ` (priority over: ${disagreements.join(', ')})` : '');
    const out: string[] = [];
    if (fake.killed) {
      out.push(`NEUTRAL: ${side} killed by anti-fake (penalty ${fake.penalty} >= ${config.antiFake.killAt})`);
    } else if (this.f.downgrade) {
      out.push(`NEUTRAL: ${side} downgraded by ${config.timeframes.confirm} confirmation`);
    } else if (rawScore < config.base.minScore) {
      out.push(`NEUTRAL: ${side} scores ${rawScore} after penalties (minimum ${config.base.minScore})`);
    }
    out.push(headline);
    return out;
  }
}

/** Everything the words of a result without a direction are made of. */
export interface NeutralFacts {
  config: ScreenerConfig;
  momentumLong: number;
  momentumShort: number;
  rsi: number;
  hasTrend: boolean;
  whale: WhaleSignal | undefined;
  notes: string[];
}

export class NeutralWords implements ResultWords {
  constructor(readonly f: NeutralFacts) {}

  contributions(): FilterContribution[] {
    return [];
  }

  firstReasons(count: number): string[] {
    return this.reasons().slice(0, count);
  }

  reasons(): string[] {
    const { config, whale } = this.f;
    return [
      `NEUTRAL: no direction (momentum ${this.f.momentumLong} long / ${this.f.momentumShort} short, ` +
        `RSI ${fmt(this.f.rsi, 3)}, trend ${this.f.hasTrend ? 'mixed with RSI' : 'unavailable'}, ` +
        `${whale ? `whale ${whale.direction} ${fmt(whale.confidence, 3)} below ${config.whale.minConfidence}` : 'no whale signal'})`,
      ...this.f.notes,
    ];
  }
}
