/**
 * What a signal's record is made of: the draft decide makes (Draft), its reasons' state
 * (DraftWords, what the draft's own accessor reads and writes), a compact capture of an accepted
 * draft (DraftCapture, what a backtest keeps per executed signal until its report), and the records
 * made from either (signalRecord, signalToJson).
 */
import type { Decimal } from 'decimal.js';
import type { Direction } from '../domain/index.js';
import type { Decision } from '../signals/index.js';
import { proposalToRecord } from './proposal.js';
import type { SignalDraft } from './propose.js';
import type { AnalystContext, EntryType, Proposal } from './types.js';

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
 * A draft as decide makes it: the SignalDraft fields, with `reasons` (the aggregator's, then the
 * analysts' words when first read: DraftWords) and `proposals` (the proposals as records, made
 * when first read) as own enumerable accessors where the fields were, with setters as data fields
 * could be written: a spread, JSON and every reader get what was there before. Text and copies a
 * store or a report reads, which a backtest's pass does not (its trade records are made after the
 * pass): ~20 us per signal. The getters and setters are the same functions for every draft,
 * reading their state through private fields: an object literal's accessors are new closures each
 * time, for which V8 shares no hidden class (each draft went to the slow dictionary form).
 */
export class Draft implements SignalDraft {
  // Declared, not initialised: each field is made by its assignment below, in the record's order.
  declare symbol: string;
  declare direction: Direction;
  declare status: SignalDraft['status'];
  declare combinedConfidence: number;
  declare entryType: EntryType;
  declare entry: Decimal;
  declare stopLoss: Decimal;
  declare takeProfit: Decimal;
  declare analyst: string;
  declare fallback: string | null;
  declare winProbability: number | null;
  declare candleCloseTime: number;
  declare timeframe: string;
  declare fixes: string[];
  declare vetoes: string[];
  declare reasons: string[];
  declare features: Record<string, number | null>;
  declare screen: unknown;
  declare proposals: Record<string, unknown>[];
  declare expiresAt: Date;
  readonly #words: DraftWords;
  readonly #proposals: Proposal[];
  #records: Record<string, unknown>[] | undefined;

  constructor(
    symbol: string,
    plan: Proposal & { direction: Direction; entry: Decimal; stopLoss: Decimal; takeProfit: Decimal },
    decision: Decision,
    winProbability: number | null,
    context: AnalystContext,
    words: DraftWords,
    features: Record<string, number | null>,
    screen: unknown,
    proposals: Proposal[],
    expiresAt: Date,
  ) {
    this.symbol = symbol;
    this.direction = plan.direction;
    this.status = decision.accepted ? 'PENDING' : 'REJECTED';
    this.combinedConfidence = decision.combinedConfidence;
    this.entryType = plan.entryType ?? 'MARKET';
    this.entry = plan.entry;
    this.stopLoss = plan.stopLoss;
    this.takeProfit = plan.takeProfit;
    this.analyst = plan.analyst;
    this.fallback = plan.fallback;
    this.winProbability = winProbability;
    this.candleCloseTime = context.candleCloseTime;
    this.timeframe = context.timeframe;
    this.fixes = plan.fixes;
    this.vetoes = decision.vetoes;
    Object.defineProperty(this, 'reasons', Draft.#reasons);
    this.features = features;
    this.screen = screen;
    Object.defineProperty(this, 'proposals', Draft.#proposalRecords);
    this.expiresAt = expiresAt;
    this.#words = words;
    this.#proposals = proposals;
    this.#records = undefined;
  }

  static readonly #reasons: PropertyDescriptor = {
    get(this: Draft): string[] {
      return this.#words.reasons;
    },
    set(this: Draft, value: string[]) {
      this.#words.reasons = value;
    },
    enumerable: true,
    configurable: true,
  };

  static readonly #proposalRecords: PropertyDescriptor = {
    get(this: Draft): Record<string, unknown>[] {
      this.#records ??= this.#proposals.map(proposalToRecord);
      return this.#records;
    },
    set(this: Draft, value: Record<string, unknown>[]) {
      this.#records = value;
    },
    enumerable: true,
    configurable: true,
  };

  /** The state a draft's reasons read and write (DraftWords), or null for another object. */
  static wordsOf(draft: SignalDraft): DraftWords | null {
    return #words in draft ? draft.#words : null;
  }
}

/**
 * A draft's fields for its record (signalToJson, signalRecord), kept without the draft: its data
 * fields as they are now (the same arrays and objects), its reasons through the state its own
 * accessor reads and writes (DraftWords), so read now or later they are what the draft's would be.
 * A backtest keeps one per executed signal until its report: the draft itself (an object with
 * accessors, in V8's dictionary form), its proposals and the decision would live as long.
 * A draft that decide did not make is kept whole: the same answers.
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
    this.#words = Draft.wordsOf(draft) ?? draft;
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
