/** Shared by every analyst: a validated plan (or the reason there is none) as a Proposal. */
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
  return {
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
