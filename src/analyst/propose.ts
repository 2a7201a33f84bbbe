/**
 * proposeSignal: the analyst stage end to end for one screened symbol. Screen result -> context ->
 * logic analyst (and vision, in parallel) -> validated proposal -> aggregator -> a signal draft,
 * or null with the reason. Never throws for a symbol: an analyst that fails is a reason, not a
 * crashed scan. Storing (with deduplication) is the caller's next step: the draft is shaped for
 * the store's signals repository (`repos.signals.insert(draft, { now, windowMs })`).
 */
import type { Decimal } from 'decimal.js';
import {
  type Clock,
  type Direction,
  describeError,
  type Price,
  timeframeMs,
  toFloat,
} from '../domain/index.js';
import type { ScreenResult } from '../screener/index.js';
import { COMBINE_DEFAULTS, type CombineOptions, combine, type Decision } from '../signals/index.js';
import { type ContextExtras, contextFromScreen } from './context.js';
import { Draft, DraftWords } from './draft-record.js';
import { noTrade, planWordsOf, validatedStopAndReward } from './proposal.js';
import type { Analyst, AnalystContext, EntryType, Proposal } from './types.js';

export interface ProposeDeps {
  /** The logic analyst whose plan the signal carries: rule or LLM. */
  analyst: Analyst;
  /** The vision analyst, when VISION_MODEL is set. */
  vision?: Analyst | null | undefined;
  clock: Clock;
  combine?: CombineOptions | undefined;
  /** The ML model's p(win) for a proposal, once one is trained; null = no opinion. */
  winProbability?:
    | ((
        context: AnalystContext,
        proposal: Proposal,
        evidence: { screen: ScreenResult; vision: Proposal | null },
      ) => Promise<number | null> | number | null)
    | undefined;
  /** How long a PENDING signal stays actionable; default four candles of the timeframe. */
  signalTtlMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

/** A signal as the analyst stage decided it, shaped for the signals repository's insert. */
export interface SignalDraft {
  symbol: string;
  direction: Direction;
  status: 'PENDING' | 'REJECTED';
  combinedConfidence: number;
  entryType: EntryType;
  entry: Decimal;
  stopLoss: Decimal;
  takeProfit: Decimal;
  /** The analyst that produced the plan ('rule' after an LLM fallback). */
  analyst: string;
  fallback: string | null;
  winProbability: number | null;
  candleCloseTime: number;
  timeframe: string;
  fixes: string[];
  vetoes: string[];
  reasons: string[];
  features: Record<string, number | null>;
  /** The screen result it came from (metrics, contributions, reasons). */
  screen: unknown;
  /** Every analyst's proposal, decimals as strings. */
  proposals: Record<string, unknown>[];
  expiresAt: Date;
}

export interface ProposeOutcome {
  symbol: string;
  /** The signal to act on: present only when accepted (no veto, confidence >= the minimum). */
  signal: SignalDraft | null;
  /** Why there is no signal; null when there is one. */
  reason: string | null;
  /** The full decision even when not accepted (status REJECTED, with its vetoes), or null without a plan. */
  candidate: SignalDraft | null;
  decision: Decision | null;
  proposals: Proposal[];
}

// Analysts are built not to throw; if one does anyway, it has no opinion.
const failed = (analyst: Analyst, err: unknown): Proposal =>
  noTrade(analyst.name, '', { rejected: `${analyst.name} analyst failed: ${describeError(err)}` });

async function safely(analyst: Analyst, context: AnalystContext, signal?: AbortSignal): Promise<Proposal> {
  try {
    return await analyst.analyze(context, signal);
  } catch (err) {
    return failed(analyst, err);
  }
}

/** safely() for an analyst that answers without waiting (analyzeNow). */
function safelyNow(
  analyst: Analyst,
  analyzeNow: (context: AnalystContext) => Proposal,
  context: AnalystContext,
) {
  try {
    return analyzeNow.call(analyst, context);
  } catch (err) {
    return failed(analyst, err);
  }
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * An outcome without a plan. At module level, not a closure per call (under tsx each closure also
 * gets its name set by Object.defineProperty, a measurable cost per proposal in a backtest).
 */
const noSignal = (symbol: string, reason: string, proposals: Proposal[] = []): ProposeOutcome => ({
  symbol,
  signal: null,
  reason,
  candidate: null,
  decision: null,
  proposals,
});

export async function proposeSignal(
  screen: ScreenResult,
  extras: ContextExtras,
  deps: ProposeDeps,
): Promise<ProposeOutcome> {
  const built = contextOf(screen, extras);
  if (!built.ok) return built.outcome;
  const { context } = built;

  // Both analysts at once when there is a vision analyst; without one, a single await (no
  // Promise.all, its array and its destructuring, paid per candidate of every backtest scan), or
  // none from an analyst that answers without waiting (see also proposeSignalNow).
  let primary: Proposal;
  let vision: Proposal | null = null;
  const answerNow = deps.vision ? undefined : deps.analyst.analyzeNow;
  if (answerNow !== undefined) primary = safelyNow(deps.analyst, answerNow, context);
  else {
    const primaryAnswer = safely(deps.analyst, context, deps.signal);
    if (deps.vision)
      [primary, vision] = await Promise.all([primaryAnswer, safely(deps.vision, context, deps.signal)]);
    else primary = await primaryAnswer;
  }
  const proposals = vision ? [primary, vision] : [primary];
  if (!isTrade(primary)) return noTradeOutcome(screen.symbol, primary, proposals);

  let winProbability: number | null = null;
  if (deps.winProbability) {
    try {
      winProbability = await deps.winProbability(context, primary, {
        screen,
        vision: vision?.rejected ? null : vision,
      });
    } catch {
      winProbability = null; // the model has no opinion; the signal does not depend on it
    }
  }
  return decide(screen, context, primary, vision, proposals, winProbability, deps);
}

/**
 * proposeSignal's outcome without a promise, when the deps need no waiting: an analyst that
 * answers at once (analyzeNow), no vision analyst and no win-probability model (the backtest's
 * rule analyst). The same steps in the same order, so the same outcome; undefined when the deps
 * need proposeSignal. A backtest's scan then makes its signals without a promise per candidate,
 * Promise.all and an await to resume from.
 */
export function proposeSignalNow(
  screen: ScreenResult,
  extras: ContextExtras,
  deps: ProposeDeps,
): ProposeOutcome | undefined {
  const answerNow = deps.analyst.analyzeNow;
  if (answerNow === undefined || deps.vision || deps.winProbability) return undefined;
  const built = contextOf(screen, extras);
  if (!built.ok) return built.outcome;
  const { context } = built;
  const primary = safelyNow(deps.analyst, answerNow, context);
  const proposals = [primary];
  if (!isTrade(primary)) return noTradeOutcome(screen.symbol, primary, proposals);
  return decide(screen, context, primary, null, proposals, null, deps);
}

/** The context for the analysts, or the outcome without a plan (a NEUTRAL screen, no usable price or ATR). */
function contextOf(
  screen: ScreenResult,
  extras: ContextExtras,
): { ok: true; context: AnalystContext } | { ok: false; outcome: ProposeOutcome } {
  if (screen.direction === 'NEUTRAL')
    return { ok: false, outcome: noSignal(screen.symbol, 'screen is NEUTRAL') };
  const built = contextFromScreen(screen, extras);
  return built.ok ? built : { ok: false, outcome: noSignal(screen.symbol, built.reason) };
}

/** A proposal with a complete plan. */
type TradeProposal = Proposal & { direction: Direction; entry: Price; stopLoss: Price; takeProfit: Price };

const isTrade = (p: Proposal): p is TradeProposal =>
  p.direction !== 'NONE' && p.entry !== null && p.stopLoss !== null && p.takeProfit !== null;

function noTradeOutcome(symbol: string, primary: Proposal, proposals: Proposal[]): ProposeOutcome {
  const why =
    primary.rejected ??
    `${primary.analyst} proposes no trade${primary.reasoning ? `: ${primary.reasoning}` : ''}`;
  return noSignal(symbol, primary.fallback ? `${why} (${primary.fallback})` : why, proposals);
}

/** The aggregator's decision on a plan, and the draft signal it makes. */
function decide(
  screen: ScreenResult,
  context: AnalystContext,
  primary: TradeProposal,
  vision: Proposal | null,
  proposals: Proposal[],
  winProbability: number | null,
  deps: ProposeDeps,
): ProposeOutcome {
  const decision = combine(
    {
      screen: context.screen,
      primary,
      vision: vision && !vision.rejected ? vision : null,
      whale: context.whale ?? null,
      winProbability,
    },
    deps.combine ?? COMBINE_DEFAULTS,
  );

  const now = deps.clock.now();
  const entry = primary.entry;
  // The validation's own figures when the plan is the one it validated (the same formulas on
  // the same decimals); worked out here otherwise.
  let figures = validatedStopAndReward(primary);
  if (figures === null) {
    const risk = entry.sub(primary.stopLoss).abs();
    figures = {
      stopPct: risk.div(entry).mul(100).toNumber(),
      rewardToRisk: primary.takeProfit.sub(entry).abs().div(risk).toNumber(),
    };
  }
  // The aggregator's features (combine makes exactly these eight), then the context's and the
  // plan's, in one literal: a spread of the aggregator's object and eight keys added to the clone
  // cost more than the rest of this function (a test checks no feature of combine is left out).
  const df = decision.features;
  const features: Record<string, number | null> = {
    screen_score: df.screen_score,
    analyst_confidence: df.analyst_confidence,
    ai_agreement: df.ai_agreement,
    vision_confidence: df.vision_confidence,
    whale_alignment: df.whale_alignment,
    quality_penalty: df.quality_penalty,
    fake_penalty: df.fake_penalty,
    win_probability: df.win_probability,
    rsi: context.rsi,
    atr_pct: round2((context.atr / toFloat(context.price)) * 100),
    volume_ratio: context.volumeRatio,
    hurst: context.hurst,
    bollinger_position: context.bollingerPosition,
    stop_pct: round2(figures.stopPct),
    reward_to_risk: round2(figures.rewardToRisk),
    llm_fallback: primary.fallback ? 1 : 0,
  };
  // The aggregator's reasons (a copy: the decision keeps its list), then, when first read, the
  // analysts' own words (see Draft). The words are the proposals' (whose own reasoning is made when
  // read: proposalFromPlan) and the vision's rejection as it is now. The reasons' state is a small
  // object of its own (DraftWords), which a trade's record may keep without the draft
  // (DraftCapture); it reads the analyst's words through planWordsOf (the proposal's own state when
  // it can), not through the proposal.
  const words = new DraftWords(
    decision.reasons.slice(),
    primary.analyst,
    planWordsOf(primary),
    vision?.rejected ?? null,
  );
  const draft = new Draft(
    screen.symbol,
    primary,
    decision,
    winProbability,
    context,
    words,
    features,
    screen,
    proposals,
    new Date(now + (deps.signalTtlMs ?? 4 * timeframeMs(context.timeframe))),
  );
  return {
    symbol: screen.symbol,
    signal: decision.accepted ? draft : null,
    reason: decision.rejection,
    candidate: draft,
    decision,
    proposals,
  };
}
