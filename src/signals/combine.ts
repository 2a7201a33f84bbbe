/**
 * combine: the aggregator. One decision from the screen score, the logic analysts' confidences, the
 * vision analyst's agreement, a whale event and (once a model is trained) the win probability.
 * Pure and deterministic: same opinions, same decision.
 */
import type { Direction } from '../domain/index.js';
import type {
  AnalystOpinion,
  CombineInput,
  CombineOptions,
  CombineWeights,
  Decision,
  DecisionFeatures,
} from './types.js';

export const COMBINE_DEFAULTS: Readonly<CombineOptions> = Object.freeze({
  minConfidence: 75,
  minWinProbability: null,
  qualityVetoAt: 40,
  fakeVetoAt: 40,
  weights: Object.freeze({
    screen: 0.4,
    visionAgreement: 8,
    whaleAligned: 10,
    whaleOpposed: 15,
    winProbability: 0.3,
  }),
});

export type CombineOverrides = Partial<Omit<CombineOptions, 'weights'>> & {
  weights?: Partial<CombineWeights>;
};

export function resolveCombineOptions(overrides: CombineOverrides = {}): CombineOptions {
  const options: CombineOptions = {
    ...COMBINE_DEFAULTS,
    ...overrides,
    weights: { ...COMBINE_DEFAULTS.weights, ...overrides.weights },
  };
  const { minConfidence, minWinProbability, weights } = options;
  if (!(minConfidence >= 0 && minConfidence <= 100)) {
    throw new RangeError(`minConfidence must be 0..100, got ${minConfidence}`);
  }
  if (minWinProbability !== null && !(minWinProbability >= 0 && minWinProbability <= 1)) {
    throw new RangeError(`minWinProbability must be 0..1 or null, got ${minWinProbability}`);
  }
  for (const share of ['screen', 'winProbability'] as const) {
    if (!(weights[share] >= 0 && weights[share] <= 1)) {
      throw new RangeError(`weights.${share} must be 0..1, got ${weights[share]}`);
    }
  }
  return options;
}

/** Any number that is not finite becomes the fallback; everything is kept inside 0..100. */
const clampPct = (value: number, fallback = 0): number =>
  Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : fallback;
const round1 = (value: number): number => Math.round(value * 10) / 10;
const opposite = (d: Direction): Direction => (d === 'LONG' ? 'SHORT' : 'LONG');
const NO_OTHERS: readonly AnalystOpinion[] = [];

export function combine(input: CombineInput, options: CombineOptions = COMBINE_DEFAULTS): Decision {
  const { screen, primary } = input;
  const weights = options.weights;
  const vetoes: string[] = [];
  const reasons: string[] = [];
  const screenScore = clampPct(screen.score);
  const direction = primary.direction === 'NONE' ? null : primary.direction;

  if (screen.qualityPenalty >= options.qualityVetoAt) {
    vetoes.push(`quality penalty ${screen.qualityPenalty} >= ${options.qualityVetoAt}`);
  }
  if (screen.fakePenalty >= options.fakeVetoAt) {
    vetoes.push(`fake penalty ${screen.fakePenalty} >= ${options.fakeVetoAt}`);
  }

  // The logic analysts: the primary carries the plan, every other one with a direction must agree.
  // One pass over the primary then the others (no lists built): a disagreeing one is a veto, the
  // agreeing ones' confidences are summed in that order and averaged.
  let agreeing = 0;
  let confidenceSum = 0;
  if (direction !== null) {
    const others = input.others ?? NO_OTHERS;
    for (let i = -1; i < others.length; i++) {
      const o = i < 0 ? primary : (others[i] as AnalystOpinion);
      if (o.direction === 'NONE') continue;
      if (o.direction !== direction) {
        vetoes.push(
          `analysts disagree: ${primary.analyst} says ${direction}, ${o.analyst} says ${o.direction}`,
        );
      } else {
        confidenceSum += clampPct(o.confidence);
        agreeing++;
      }
    }
    if (screen.direction === opposite(direction)) {
      vetoes.push(`analyst ${primary.analyst} says ${direction} against the screen's ${screen.direction}`);
    }
  }
  const analystConfidence = agreeing === 0 ? null : confidenceSum / agreeing;

  let confidence =
    analystConfidence === null
      ? screenScore * weights.screen
      : screenScore * weights.screen + analystConfidence * (1 - weights.screen);
  reasons.push(
    `base ${round1(confidence)}: screen ${screenScore} x ${weights.screen}` +
      (analystConfidence === null
        ? ''
        : ` + analysts ${round1(analystConfidence)} x ${round1(1 - weights.screen)}`),
  );

  // Vision: agreement adds, disagreement vetoes (two analysts disagreeing on direction).
  let aiAgreement: number | null = null;
  let visionConfidence: number | null = null;
  const vision = input.vision;
  if (vision) {
    visionConfidence = clampPct(vision.confidence);
    if (vision.direction === 'NONE' || direction === null) {
      aiAgreement = 0;
      reasons.push(`vision (${vision.analyst}): no direction`);
    } else if (vision.direction === direction) {
      aiAgreement = 1;
      const bonus = (weights.visionAgreement * visionConfidence) / 100;
      confidence += bonus;
      reasons.push(`vision agrees ${direction} at ${visionConfidence}: +${round1(bonus)}`);
    } else {
      aiAgreement = -1;
      vetoes.push(`analysts disagree: ${primary.analyst} says ${direction}, vision says ${vision.direction}`);
    }
  }

  let whaleAlignment: number | null = null;
  const whale = input.whale;
  if (whale && direction !== null) {
    const whaleConfidence = clampPct(whale.confidence);
    const aligned = (whale.direction === 'PUMP') === (direction === 'LONG');
    whaleAlignment = ((aligned ? 1 : -1) * whaleConfidence) / 100;
    const points = ((aligned ? weights.whaleAligned : weights.whaleOpposed) * whaleConfidence) / 100;
    confidence += aligned ? points : -points;
    reasons.push(
      `whale ${whale.direction} ${whaleConfidence} ${aligned ? 'with' : 'against'} ${direction}: ${aligned ? '+' : '-'}${round1(points)}`,
    );
  }

  let winProbability: number | null = null;
  if (input.winProbability !== null && input.winProbability !== undefined) {
    const p = input.winProbability;
    if (Number.isFinite(p) && p >= 0 && p <= 1) {
      winProbability = p;
      const before = confidence;
      confidence = confidence * (1 - weights.winProbability) + p * 100 * weights.winProbability;
      reasons.push(`win probability ${round1(p * 100)}%: ${round1(before)} -> ${round1(confidence)}`);
      if (options.minWinProbability !== null && p < options.minWinProbability) {
        vetoes.push(`win probability ${round1(p * 100)}% < ${round1(options.minWinProbability * 100)}%`);
      }
    } else {
      reasons.push(`win probability ${String(p)} ignored: not a probability`);
    }
  }

  const combinedConfidence = round1(clampPct(confidence));
  let rejection: string | null = null;
  if (direction === null) rejection = `${primary.analyst} proposes no trade`;
  else if (vetoes.length > 0) rejection = `vetoed: ${vetoes.join('; ')}`;
  else if (combinedConfidence < options.minConfidence) {
    rejection = `combined confidence ${combinedConfidence} < minimum ${options.minConfidence}`;
  }
  reasons.push(`combined ${combinedConfidence}`);

  const features: DecisionFeatures = {
    screen_score: screenScore,
    analyst_confidence: analystConfidence === null ? null : round1(analystConfidence),
    ai_agreement: aiAgreement,
    vision_confidence: visionConfidence,
    whale_alignment: whaleAlignment,
    quality_penalty: screen.qualityPenalty,
    fake_penalty: screen.fakePenalty,
    win_probability: winProbability,
  };
  return {
    direction,
    combinedConfidence,
    accepted: rejection === null,
    vetoes,
    reasons,
    rejection,
    features,
  };
}
