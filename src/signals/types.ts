/** The aggregator's vocabulary: opinions in, one decision (direction, confidence, vetoes, reasons) out. */
import type { Direction } from '../domain/index.js';

/** LONG, SHORT or no trade: an analyst may decline. */
export type OpinionDirection = Direction | 'NONE';

/** What the aggregator needs from an analyst's proposal (analyst proposals satisfy it). */
export interface AnalystOpinion {
  analyst: string;
  direction: OpinionDirection;
  /** 0..100 */
  confidence: number;
}

/** What the aggregator needs from a screen result (the screener's ScreenResult satisfies it). */
export interface ScreenSummary {
  direction: 'LONG' | 'SHORT' | 'NEUTRAL';
  /** 0..100 */
  score: number;
  /** Sum of the quality penalties, positive. */
  qualityPenalty: number;
  /** Sum of the anti-fake penalties, positive. */
  fakePenalty: number;
}

/** What the aggregator needs from a whale event (src/whale's WhaleEvent satisfies it). */
export interface WhaleOpinion {
  direction: 'PUMP' | 'DUMP';
  /** 0..100 */
  confidence: number;
}

export interface CombineInput {
  screen: ScreenSummary;
  /** The logic analyst whose trade plan the signal carries (rule or LLM). */
  primary: AnalystOpinion;
  /** Further logic analysts (an ensemble); each must agree with the primary or the signal is vetoed. */
  others?: readonly AnalystOpinion[] | undefined;
  /** The vision analyst, when configured. Its agreement with the primary is the ai_agreement feature. */
  vision?: AnalystOpinion | null | undefined;
  whale?: WhaleOpinion | null | undefined;
  /** The ML model's probability that the trade wins, 0..1; absent until a model is trained. */
  winProbability?: number | null | undefined;
}

export interface CombineWeights {
  /** Share of the screen score in the base confidence (the analysts get the rest). */
  screen: number;
  /** Points added when the vision analyst agrees, scaled by its confidence. */
  visionAgreement: number;
  /** Points added for a whale event in the signal's direction, scaled by its confidence. */
  whaleAligned: number;
  /** Points removed for a whale event against the signal's direction, scaled by its confidence. */
  whaleOpposed: number;
  /** Share of the win probability (as 0..100) in the final confidence when one is given. */
  winProbability: number;
}

export interface CombineOptions {
  /** Signals below this combined confidence are not taken (the global default; users can be stricter). */
  minConfidence: number;
  /** Win probability below this vetoes the signal; null = never veto on it. */
  minWinProbability: number | null;
  /** Summed quality penalty at or above this vetoes. */
  qualityVetoAt: number;
  /** Summed anti-fake penalty at or above this vetoes. */
  fakeVetoAt: number;
  weights: CombineWeights;
}

/** ML features recorded with the signal when it is made (never recomputed with hindsight). */
export interface DecisionFeatures {
  screen_score: number;
  analyst_confidence: number | null;
  /** 1 vision agrees with the logic analyst, -1 it opposes, 0 it has no direction, null no vision. */
  ai_agreement: number | null;
  vision_confidence: number | null;
  /** +confidence/100 for a whale event in the signal's direction, minus for against, null none. */
  whale_alignment: number | null;
  quality_penalty: number;
  fake_penalty: number;
  win_probability: number | null;
  [name: string]: number | null;
}

export interface Decision {
  /** The primary analyst's direction, or null when it declined. */
  direction: Direction | null;
  /** 0..100, one decimal. */
  combinedConfidence: number;
  /** True only with a direction, no veto, and confidence (and win probability) at or above the minimum. */
  accepted: boolean;
  vetoes: string[];
  reasons: string[];
  /** Why it is not accepted (the first veto, the declined direction, or the low confidence); null when accepted. */
  rejection: string | null;
  features: DecisionFeatures;
}
