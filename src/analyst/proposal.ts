/** Shared by every analyst: a validated plan (or the reason there is none) as a Proposal. */
import type { Decimal } from 'decimal.js';
import type { Price } from '../domain/index.js';
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

/** Validate a plan; a rejected plan becomes a NONE proposal carrying the reason. */
export function proposalFromPlan(
  analyst: string,
  plan: RawPlan,
  context: AnalystContext,
  reasoning: string,
  fixes: string[] = [],
  rules: ValidationRules = VALIDATION_DEFAULTS,
): Proposal {
  const result = validatePlan(plan, context, rules);
  if (!result.ok) {
    return noTrade(analyst, reasoning, {
      confidence: clampConfidence(plan.confidence),
      fixes: [...fixes, ...result.fixes],
      rejected: `invalid ${plan.direction} plan: ${result.reason}`,
    });
  }
  const { plan: valid } = result;
  return new ValidatedProposal(
    analyst,
    valid.direction,
    clampConfidence(plan.confidence),
    valid.entryType,
    valid.entry,
    valid.stopLoss,
    valid.takeProfit,
    `${reasoning} Entry: ${valid.entryNote}; RR ${valid.rewardToRisk.toFixed(2)}, stop ${valid.stopPct.toFixed(2)}%.`,
    [...fixes, ...valid.fixes],
    valid.stopPct,
    valid.rewardToRisk,
  );
}

/**
 * A proposal made by proposalFromPlan: a Proposal's fields, keys in the order of the object literal
 * it replaced, and the validation's stop percentage and reward-to-risk in a private field, which no
 * spread, JSON or equality sees (a WeakMap entry per proposal cost ~0.5 us in a backtest).
 */
class ValidatedProposal implements Proposal {
  analyst: string;
  direction: Proposal['direction'];
  confidence: number;
  entryType: Proposal['entryType'];
  entry: Price;
  stopLoss: Price;
  takeProfit: Price;
  reasoning: string;
  fixes: string[];
  rejected: string | null;
  fallback: string | null;
  readonly #figures: ValidatedFigures;

  constructor(
    analyst: string,
    direction: Proposal['direction'],
    confidence: number,
    entryType: Proposal['entryType'],
    entry: Price,
    stopLoss: Price,
    takeProfit: Price,
    reasoning: string,
    fixes: string[],
    stopPct: number,
    rewardToRisk: number,
  ) {
    this.analyst = analyst;
    this.direction = direction;
    this.confidence = confidence;
    this.entryType = entryType;
    this.entry = entry;
    this.stopLoss = stopLoss;
    this.takeProfit = takeProfit;
    this.reasoning = reasoning;
    this.fixes = fixes;
    this.rejected = null;
    this.fallback = null;
    this.#figures = { entry, stopLoss, takeProfit, stopPct, rewardToRisk };
  }

  /** The figures while the prices are still the validated ones (the same decimal objects). */
  static figures(p: Proposal): { stopPct: number; rewardToRisk: number } | null {
    if (!(#figures in p)) return null;
    const f = (p as ValidatedProposal).#figures;
    return f.entry === p.entry && f.stopLoss === p.stopLoss && f.takeProfit === p.takeProfit ? f : null;
  }
}

interface ValidatedFigures {
  entry: Decimal;
  stopLoss: Decimal;
  takeProfit: Decimal;
  stopPct: number;
  rewardToRisk: number;
}

/**
 * The stop distance in percent of entry (|entry - stop| / entry x 100) and the reward-to-risk
 * (|target - entry| / |entry - stop|) of a proposal, as validation computed them, or null when the
 * proposal did not come from proposalFromPlan or its prices are no longer the validated ones
 * (the same decimal objects: decimals are immutable). Saves the caller two 40-digit divisions and
 * their conversions to a float.
 */
export function validatedStopAndReward(p: Proposal): { stopPct: number; rewardToRisk: number } | null {
  return ValidatedProposal.figures(p);
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
