/** Shared by every analyst: a validated plan (or the reason there is none) as a Proposal. */
import type { Decimal } from 'decimal.js';
import type { AnalystContext, Proposal, RawPlan } from './types.js';
import { VALIDATION_DEFAULTS, type ValidationRules, validatePlan } from './validate.js';

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
  // The reasoning is made when first read: the rule analyst's quotes the screen's words and formats
  // the plan's figures, ~15 us per candidate in a backtest whose pass reads none of it (its trade
  // records are made after the pass). An own accessor where the field was (with a setter, as a
  // data field could be written): a spread, JSON and every reader get the text as if written in.
  // Its state is a small object of its own (PlanWords), which a signal draft may keep for its words
  // without keeping the proposal (planWordsOf).
  const words = new PlanWords(reasoning, valid.entryNote, valid.rewardToRisk, valid.stopPct);
  const proposal: Proposal = {
    analyst,
    direction: valid.direction,
    confidence: clampConfidence(plan.confidence),
    entryType: valid.entryType,
    entry: valid.entry,
    stopLoss: valid.stopLoss,
    takeProfit: valid.takeProfit,
    get reasoning(): string {
      return words.reasoning;
    },
    set reasoning(value: string) {
      words.reasoning = value;
    },
    fixes: [...fixes, ...valid.fixes],
    rejected: null,
    fallback: null,
  };
  lastValidated.proposal = proposal;
  lastValidated.words = words;
  return proposal;
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
 * What reads a proposal's reasoning as the proposal itself would, now and later: its PlanWords
 * when it is the last proposal proposalFromPlan made (the rule analyst's, asked at once by
 * proposeSignal), else the proposal. Lets a draft keep its analyst's words without the proposal
 * (an object with accessors, held in V8's slow dictionary form: ~1 KB). Asking empties the slot:
 * the proposal is not kept alive by it until the next plan (in a backtest, many scans later, long
 * enough to be copied out of the young generation); asked again, the proposal answers itself.
 */
export function planWordsOf(p: Proposal): { readonly reasoning: string } {
  const words = lastValidated.proposal === p ? lastValidated.words : null;
  lastValidated.proposal = null;
  lastValidated.words = null;
  return words ?? p;
}

/**
 * The prices of the last plan proposalFromPlan validated (the decimal objects themselves) and the
 * stop percentage and reward-to-risk validation computed from them: a function of those three
 * values alone, so right for any proposal that still carries those very objects. One slot, not a
 * WeakMap entry per proposal (~0.5 us each in a backtest) nor a private field (which takes a
 * proposal's spread off V8's fast path): proposeSignal asks at once when its analyst answers
 * without waiting (analyzeNow); another plan validated in between only costs the recomputation.
 */
const lastValidated: {
  /** The proposal made of it, and its words' state (planWordsOf). */
  proposal: Proposal | null;
  words: PlanWords | null;
  entry: Decimal | null;
  stopLoss: Decimal | null;
  takeProfit: Decimal | null;
  stopPct: number;
  rewardToRisk: number;
} = {
  proposal: null,
  words: null,
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
