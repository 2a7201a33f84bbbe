/**
 * LazyScreenResult: a ScreenResult whose words (`contributions` with their notes, `reasons`) are
 * formatted on first read and then kept. Screening a universe needs only the numbers to rank it;
 * formatting every symbol's reasons cost more than all the filters together, and few are read.
 *
 * Reading is unchanged for every consumer (`r.reasons`, `r.contributions`, destructuring), and
 * JSON.stringify gives the same object, key for key, through toJSON. The words are prototype
 * accessors, not own properties (an object literal with accessors costs ~1 µs to create in V8):
 * a spread `{ ...r }` or structuredClone(r) does not carry them; use toPlainResult(r).
 */
import type { FilterContribution, ScreenOutcome, ScreenResult } from './types.js';

/** What formats a result's words on demand (it must hold numbers only, never rolling buffers). */
export interface ResultWords {
  contributions(): FilterContribution[];
  /** The reasons; `contributions` is the (cached) list the notes come from. */
  reasons(contributions: FilterContribution[]): string[];
  /** reasons(contributions()).slice(0, count), formatting no more than it needs. */
  firstReasons?(count: number): string[];
}

export type ResultNumbers = Omit<ScreenResult, 'contributions' | 'reasons'>;

export class LazyScreenResult implements ScreenResult {
  symbol: string;
  direction: ScreenResult['direction'];
  score: number;
  rawScore: number;
  source: ScreenResult['source'];
  proposed: ScreenResult['proposed'];
  qualityPenalty: number;
  fakePenalty: number;
  metrics: ScreenResult['metrics'];
  candleTime: number;
  #words: ResultWords | undefined;
  #contributions: FilterContribution[] | undefined;
  #reasons: string[] | undefined;

  constructor(n: ResultNumbers, words: ResultWords) {
    this.symbol = n.symbol;
    this.direction = n.direction;
    this.score = n.score;
    this.rawScore = n.rawScore;
    this.source = n.source;
    this.proposed = n.proposed;
    this.qualityPenalty = n.qualityPenalty;
    this.fakePenalty = n.fakePenalty;
    this.metrics = n.metrics;
    this.candleTime = n.candleTime;
    this.#words = words;
  }

  /** What formats the words (the worker wire sends its facts instead of the words). */
  get words(): ResultWords | undefined {
    return this.#words;
  }

  get contributions(): FilterContribution[] {
    this.#contributions ??= (this.#words as ResultWords).contributions();
    return this.#contributions;
  }

  set contributions(value: FilterContribution[]) {
    this.#contributions = value;
  }

  get reasons(): string[] {
    this.#reasons ??= (this.#words as ResultWords).reasons(this.contributions);
    return this.#reasons;
  }

  set reasons(value: string[]) {
    this.#reasons = value;
  }

  /**
   * `reasons.slice(0, count)`, without formatting the rest when nothing is formatted yet (the rule
   * analyst's text reads three reasons; a contribution list set from outside, or one already made,
   * is what the reasons come from, as for `reasons`).
   */
  firstReasons(count: number): string[] {
    const words = this.#words;
    if (this.#reasons !== undefined || this.#contributions !== undefined || words?.firstReasons === undefined)
      return this.reasons.slice(0, count);
    return words.firstReasons(count);
  }

  /** The plain object a ScreenResult literal would be, keys in the same order. */
  toJSON(): ScreenResult {
    return toPlainResult(this);
  }
}

/** A plain-object copy with every field as an own property (for spreads, clones, deep equality). */
export function toPlainResult(r: ScreenResult): ScreenResult {
  return {
    symbol: r.symbol,
    direction: r.direction,
    score: r.score,
    rawScore: r.rawScore,
    source: r.source,
    proposed: r.proposed,
    qualityPenalty: r.qualityPenalty,
    fakePenalty: r.fakePenalty,
    metrics: r.metrics,
    contributions: r.contributions,
    reasons: r.reasons,
    candleTime: r.candleTime,
  };
}

/** toPlainResult for any outcome (a SKIPPED one is already plain: returned as is). */
export function toPlainOutcome(o: ScreenOutcome): ScreenOutcome {
  return o.direction === 'SKIPPED' ? o : toPlainResult(o as ScreenResult);
}
