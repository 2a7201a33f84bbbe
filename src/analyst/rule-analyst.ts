/**
 * The rule analyst: deterministic, from the screen result alone, needs nothing external. Direction
 * from the screen (when its score reaches minScore), confidence = the score, stop at 1x ATR,
 * target at the reward-to-risk rule, smart entry. Complete enough to trade on its own.
 */

import type { Direction } from '../domain/index.js';
import { leadingReasons } from './context.js';
import { noTrade, proposalFromPlan } from './proposal.js';
import type { Analyst, AnalystContext, Proposal } from './types.js';
import { atrPlan, VALIDATION_DEFAULTS, type ValidationRules } from './validate.js';

export interface RuleAnalystOptions {
  /** Screen scores below this give no trade. */
  minScore?: number;
  rules?: ValidationRules;
}

export function createRuleAnalyst(options: RuleAnalystOptions = {}): Analyst {
  const minScore = options.minScore ?? 0;
  const rules = options.rules ?? VALIDATION_DEFAULTS;
  return {
    name: 'rule',
    async analyze(context: AnalystContext): Promise<Proposal> {
      return ruleProposal(context, minScore, rules);
    },
    analyzeNow(context: AnalystContext): Proposal {
      return ruleProposal(context, minScore, rules);
    },
  };
}

/** The rule analyst's answer, synchronously (the LLM analyst falls back to it). */
export function ruleProposal(
  context: AnalystContext,
  minScore = 0,
  rules: ValidationRules = VALIDATION_DEFAULTS,
): Proposal {
  const { direction, score } = context.screen;
  if (direction === 'NEUTRAL') return noTrade('rule', 'screen is NEUTRAL: no direction');
  if (score < minScore) return noTrade('rule', `screen score ${score} < ${minScore}`);
  const { stopLoss, takeProfit } = atrPlan(direction, context.price, context.atr, rules);
  // Words made when the proposal's reasoning is first read (proposalFromPlan), from the screen's
  // (formatted from the numbers it captured) and the rules' numbers as they are now (rules are
  // mutable objects). An anonymous arrow: under tsx a named closure also gets its name set.
  const { stopAtr, rewardToRisk } = rules;
  const screen = context.screen;
  return proposalFromPlan(
    'rule',
    { direction, confidence: score, entry: context.price, stopLoss, takeProfit },
    context,
    () => ruleWords(screen, direction, score, stopAtr, rewardToRisk),
    [],
    rules,
  );
}

/** The rule analyst's reasoning: the screen's direction, score and first three reasons, and its rules. */
function ruleWords(
  screen: AnalystContext['screen'],
  direction: Direction,
  score: number,
  stopAtr: number,
  rewardToRisk: number,
): string {
  // The first three reasons (the others are not formatted for it: leadingReasons) joined by '; ',
  // concatenated: join copies each into one new flat string.
  const reasons = leadingReasons(screen, 3);
  const n = reasons.length;
  const why =
    n === 0
      ? `screen ${direction}`
      : n === 1
        ? (reasons[0] as string)
        : n === 2
          ? `${reasons[0]}; ${reasons[1]}`
          : `${reasons[0]}; ${reasons[1]}; ${reasons[2]}`;
  return `${direction} from the screen (score ${score}): ${why}. Stop ${stopAtr} ATR, target ${rewardToRisk}R.`;
}
