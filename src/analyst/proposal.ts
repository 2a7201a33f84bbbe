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
  const proposal: Proposal = {
    analyst,
    direction: valid.direction,
    confidence: clampConfidence(plan.confidence),
    entryType: valid.entryType,
    entry: valid.entry,
    stopLoss: valid.stopLoss,
    takeProfit: valid.takeProfit,
    reasoning: `${reasoning} Entry: ${valid.entryNote}; RR ${valid.rewardToRisk.toFixed(2)}, stop ${valid.stopPct.toFixed(2)}%.`,
    fixes: [...fixes, ...valid.fixes],
    rejected: null,
    fallback: null,
  };
  validatedFigures.set(proposal, {
    entry: valid.entry,
    stopLoss: valid.stopLoss,
    takeProfit: valid.takeProfit,
    stopPct: valid.stopPct,
    rewardToRisk: valid.rewardToRisk,
  });
  return proposal;
}

interface ValidatedFigures {
  entry: Decimal;
  stopLoss: Decimal;
  takeProfit: Decimal;
  stopPct: number;
  rewardToRisk: number;
}

/** The validation's stop percentage and reward-to-risk of each proposal made by proposalFromPlan. */
const validatedFigures = new WeakMap<Proposal, ValidatedFigures>();

/**
 * The stop distance in percent of entry (|entry - stop| / entry x 100) and the reward-to-risk
 * (|target - entry| / |entry - stop|) of a proposal, as validation computed them, or null when the
 * proposal did not come from proposalFromPlan or its prices are no longer the validated ones
 * (the same decimal objects: decimals are immutable). Saves the caller two 40-digit divisions and
 * their conversions to a float.
 */
export function validatedStopAndReward(p: Proposal): { stopPct: number; rewardToRisk: number } | null {
  const f = validatedFigures.get(p);
  return f !== undefined && f.entry === p.entry && f.stopLoss === p.stopLoss && f.takeProfit === p.takeProfit
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
