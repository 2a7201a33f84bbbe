/** Shared by every analyst: a validated plan (or the reason there is none) as a Proposal. */
import type { Decimal } from 'decimal.js';
import type { AnalystContext, Proposal, RawPlan } from './types.js';
import { VALIDATION_DEFAULTS, type ValidatedPlan, type ValidationRules, validatePlan } from './validate.js';

export const clampConfidence = (value: number): number =>
  Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;

/** A proposal with no trade: the analyst declined, or its answer could not be used. */
export function noTrade(
  analyst: string,
  reasoning: string,
  extra: Partial<Omit<Proposal, 'analyst' | 'direction'>> = {},
): Proposal {
  return {
    analyst,
    direction: 'NONE',
    confidence: 0,
    entryType: null,
    entry: null,
    stopLoss: null,
    takeProfit: null,
    reasoning,
    fixes: [],
    rejected: null,
    fallback: null,
    ...extra,
  };
}

/**
 * An analyst's words, or how to make them: a function is called at most once, when the proposal's
 * reasoning is first read (see proposalFromPlan). It must be a pure function of values that no
 * longer change (numbers captured when the plan was made, the screen's words).
 */
export type Reasoning = string | (() => string);

const textOf = (reasoning: Reasoning): string => (typeof reasoning === 'string' ? reasoning : reasoning());

/** Validate a plan; a rejected plan becomes a NONE proposal carrying the reason. */
export function proposalFromPlan(
  analyst: string,
  plan: RawPlan,
  context: AnalystContext,
  reasoning: Reasoning,
  fixes: string[] = [],
  rules: ValidationRules = VALIDATION_DEFAULTS,
): Proposal {
  const result = validatePlan(plan, context, rules);
  if (!result.ok) {
    return noTrade(analyst, textOf(reasoning), {
      confidence: clampConfidence(plan.confidence),
      fixes: [...fixes, ...result.fixes],
      rejected: `invalid ${plan.direction} plan: ${result.reason}`,
    });
  }
  const { plan: valid } = result;
  lastValidated.entry = valid.entry;
  lastValidated.stopLoss = valid.stopLoss;
  lastValidated.takeProfit = valid.takeProfit;
  lastValidated.stopPct = valid.stopPct;
  lastValidated.rewardToRisk = valid.rewardToRisk;
  return new ValidatedProposal(
    analyst,
    valid,
    clampConfidence(plan.confidence),
    new PlanWords(reasoning, valid.entryNote, valid.rewardToRisk, valid.stopPct),
    [...fixes, ...valid.fixes],
  );
}

/**
 * A validated plan as a Proposal whose reasoning is made when first read: the rule analyst's
 * quotes the screen's words and formats the plan's figures, ~15 us per candidate in a backtest
 * whose pass reads none of it (its trade records are made after the pass). `reasoning` is an own
 * enumerable accessor where the field was (with a setter, as a data field could be written): a
 * spread, JSON and every reader get the text as if written in. Its getter and setter are the same
 * two functions for every proposal, reading the state through a private field: an object literal's
 * accessors are new closures each time, which V8 cannot share a hidden class for, so each such
 * proposal went to the slow dictionary form (~9 us to make, ~1 KB; ~1 us this way, fast
 * properties). The state is a small object of its own (PlanWords), which a signal draft may keep
 * for its words without keeping the proposal (planWordsOf).
 */
class ValidatedProposal implements Proposal {
  // Declared, not initialised: each field is made by its assignment below, in the literal's order.
  declare analyst: string;
  declare direction: Proposal['direction'];
  declare confidence: number;
  declare entryType: Proposal['entryType'];
  declare entry: Proposal['entry'];
  declare stopLoss: Proposal['stopLoss'];
  declare takeProfit: Proposal['takeProfit'];
  declare reasoning: string;
  declare fixes: string[];
  declare rejected: string | null;
  declare fallback: string | null;
  readonly #words: PlanWords;

  constructor(analyst: string, valid: ValidatedPlan, confidence: number, words: PlanWords, fixes: string[]) {
    this.analyst = analyst;
    this.direction = valid.direction;
    this.confidence = confidence;
    this.entryType = valid.entryType;
    this.entry = valid.entry;
    this.stopLoss = valid.stopLoss;
    this.takeProfit = valid.takeProfit;
    // Defined here, between the fields, for the key order a literal had (JSON, spreads).
    Object.defineProperty(this, 'reasoning', ValidatedProposal.#reasoning);
    this.fixes = fixes;
    this.rejected = null;
    this.fallback = null;
    this.#words = words;
  }

  static readonly #reasoning: PropertyDescriptor = {
    get(this: ValidatedProposal): string {
      return this.#words.reasoning;
    },
    set(this: ValidatedProposal, value: string) {
      this.#words.reasoning = value;
    },
    enumerable: true,
    configurable: true,
  };

  /** The state a proposal's reasoning reads and writes, or null for another object. */
  static wordsOf(p: Proposal): PlanWords | null {
    return #words in p ? p.#words : null;
  }
}

/**
 * A validated proposal's reasoning, made when first read (or as written): what its `reasoning`
 * accessor reads and writes. It holds the analyst's words (or their maker) and three figures, not
 * the proposal.
 */
class PlanWords {
  #source: Reasoning;
  #entryNote: string;
  #rewardToRisk: number;
  #stopPct: number;
  #text: string | undefined = undefined;

  constructor(source: Reasoning, entryNote: string, rewardToRisk: number, stopPct: number) {
    this.#source = source;
    this.#entryNote = entryNote;
    this.#rewardToRisk = rewardToRisk;
    this.#stopPct = stopPct;
  }

  get reasoning(): string {
    this.#text ??= `${textOf(this.#source)} Entry: ${this.#entryNote}; RR ${this.#rewardToRisk.toFixed(2)}, stop ${this.#stopPct.toFixed(2)}%.`;
    return this.#text;
  }

  set reasoning(value: string) {
    this.#text = value;
  }
}

/**
 * What reads a proposal's reasoning as the proposal itself would, now and later: the state a
 * proposal made by proposalFromPlan reads (PlanWords), else the proposal. Lets a draft keep its
 * analyst's words without the proposal.
 */
export function planWordsOf(p: Proposal): { readonly reasoning: string } {
  return ValidatedProposal.wordsOf(p) ?? p;
}

/**
 * The prices of the last plan proposalFromPlan validated (the decimal objects themselves) and the
 * stop percentage and reward-to-risk validation computed from them: a function of those three
 * values alone, so right for any proposal that still carries those very objects (a spread copy
 * too, as an LLM analyst's fallback makes). One slot: proposeSignal asks at once when its analyst
 * answers without waiting (analyzeNow); another plan validated in between only costs the
 * recomputation.
 */
const lastValidated: {
  entry: Decimal | null;
  stopLoss: Decimal | null;
  takeProfit: Decimal | null;
  stopPct: number;
  rewardToRisk: number;
} = {
  entry: null,
  stopLoss: null,
  takeProfit: null,
  stopPct: 0,
  rewardToRisk: 0,
};

/**
 * The stop distance in percent of entry (|entry - stop| / entry x 100) and the reward-to-risk
 * (|target - entry| / |entry - stop|) of a proposal, as validation computed them, or null when
 * its prices are not the last validated ones (the same decimal objects: decimals are immutable).
 * Saves the caller two divisions and their conversions to a float. The answer is shared: read it
 * at once.
 */
export function validatedStopAndReward(p: Proposal): { stopPct: number; rewardToRisk: number } | null {
  const f = lastValidated;
  return f.entry !== null && f.entry === p.entry && f.stopLoss === p.stopLoss && f.takeProfit === p.takeProfit
    ? f
    : null;
}

/** A proposal as JSON (decimals as strings) for the cache and the signal record. */
export function proposalToRecord(p: Proposal): Record<string, unknown> {
  return {
    ...p,
    entry: p.entry?.toFixed() ?? null,
    stopLoss: p.stopLoss?.toFixed() ?? null,
    takeProfit: p.takeProfit?.toFixed() ?? null,
  };
}
