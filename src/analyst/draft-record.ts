/**
 * What a signal's record is made of: the draft's reasons' state (DraftWords, what the draft's own
 * accessor reads and writes), a compact capture of an accepted draft (DraftCapture, what a
 * backtest keeps per executed signal until its report), and the records made from either
 * (signalRecord, signalToJson).
 */
import type { Decimal } from 'decimal.js';
import type { Direction } from '../domain/index.js';
import type { SignalDraft } from './propose.js';
import type { EntryType } from './types.js';

/**
 * A draft's reasons: the aggregator's (a copy: the decision keeps its list), then, when first read,
 * the analyst's own words and the vision's rejection as it was decided; or the list written.
 */
export class DraftWords {
  #reasons: string[];
  #added = false;
  #analyst: string;
  #plan: { readonly reasoning: string };
  #visionRejected: string | null;

  constructor(
    reasons: string[],
    analyst: string,
    plan: { readonly reasoning: string },
    visionRejected: string | null,
  ) {
    this.#reasons = reasons;
    this.#analyst = analyst;
    this.#plan = plan;
    this.#visionRejected = visionRejected;
  }

  get reasons(): string[] {
    if (!this.#added) {
      this.#added = true;
      const reasoning = this.#plan.reasoning;
      if (reasoning) this.#reasons.push(`${this.#analyst}: ${reasoning}`);
      if (this.#visionRejected) this.#reasons.push(`vision: ${this.#visionRejected}`);
    }
    return this.#reasons;
  }

  set reasons(value: string[]) {
    this.#added = true;
    this.#reasons = value;
  }
}

/**
 * The words' state of each accepted draft decide made, while the draft lives: what DraftCapture
 * keeps instead of the draft. Accepted drafts only (a backtest's few signals, not its candidates).
 */
const draftWords = new WeakMap<SignalDraft, DraftWords>();

/** Remembers an accepted draft's words' state for DraftCapture (decide, as it makes the draft). */
export function keepDraftWords(draft: SignalDraft, words: DraftWords): void {
  draftWords.set(draft, words);
}

/**
 * A draft's fields for its record (signalToJson, signalRecord), kept without the draft: its data
 * fields as they are now (the same arrays and objects), its reasons through the state its own
 * accessor reads and writes (DraftWords), so read now or later they are what the draft's would be.
 * A backtest keeps one per executed signal until its report: the draft itself (an object with
 * accessors, in V8's dictionary form), its proposals and the decision would live as long.
 * A draft that decide did not make (or a rejected one) is kept whole: the same answers.
 */
export class DraftCapture {
  readonly symbol: string;
  readonly direction: Direction;
  readonly status: SignalDraft['status'];
  readonly combinedConfidence: number;
  readonly entry: Decimal;
  readonly stopLoss: Decimal;
  readonly takeProfit: Decimal;
  readonly entryType: EntryType;
  readonly analyst: string;
  readonly fixes: string[];
  readonly vetoes: string[];
  readonly fallback: string | null;
  readonly features: Record<string, number | null>;
  readonly candleCloseTime: number;
  /** The screen result the draft came from. */
  readonly screen: unknown;
  readonly #words: { readonly reasons: string[] };
  /** The expiry's time: a Date made when read (a Date kept is ~100 bytes more a trade). */
  readonly #expiresAt: number;

  constructor(draft: SignalDraft) {
    this.symbol = draft.symbol;
    this.direction = draft.direction;
    this.status = draft.status;
    this.combinedConfidence = draft.combinedConfidence;
    this.entry = draft.entry;
    this.stopLoss = draft.stopLoss;
    this.takeProfit = draft.takeProfit;
    this.entryType = draft.entryType;
    this.analyst = draft.analyst;
    this.fixes = draft.fixes;
    this.vetoes = draft.vetoes;
    this.fallback = draft.fallback;
    this.#expiresAt = draft.expiresAt.getTime();
    this.features = draft.features;
    this.candleCloseTime = draft.candleCloseTime;
    this.screen = draft.screen;
    this.#words = draftWords.get(draft) ?? draft;
  }

  get reasons(): string[] {
    return this.#words.reasons;
  }

  get expiresAt(): Date {
    return new Date(this.#expiresAt);
  }
}

/** What signalToJson and signalRecord read of a draft: a draft's fields, or a capture's. */
export type DraftFields = Omit<DraftCapture, 'symbol' | 'candleCloseTime' | 'screen'>;

/** signalToJson(draft) followed by `features` and `screen`: what a backtest's trade keeps of its signal. */
export function signalRecord(draft: DraftFields, screen: unknown) {
  // Added to signalToJson's own object, keys in the same order as a spread would give: the spread
  // copied its thirteen keys into a second object, ~9 us a trade in a backtest profile.
  return Object.assign(signalToJson(draft), { features: draft.features, screen });
}

/** The scan command's `signal` object: what a script reads. Decimals as strings. */
export function signalToJson(draft: Omit<DraftFields, 'features'>) {
  return {
    direction: draft.direction,
    status: draft.status,
    combinedConfidence: draft.combinedConfidence,
    entry: draft.entry.toFixed(),
    stopLoss: draft.stopLoss.toFixed(),
    takeProfit: draft.takeProfit.toFixed(),
    entryType: draft.entryType,
    analyst: draft.analyst,
    fixes: draft.fixes,
    vetoes: draft.vetoes,
    fallback: draft.fallback,
    reasons: draft.reasons,
    expiresAt: draft.expiresAt.toISOString(),
  };
}
