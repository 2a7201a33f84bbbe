/**
 * Where a FeatureSource comes from: a proposal being decided right now (the analyst stage's
 * context, proposal and evidence) or a stored signal record (its screen, proposals, decision
 * features and plan, all written when it was made). Both feed the same extractFeatures, which is
 * what makes a stored signal's features reproducible bit for bit.
 */
import type { AnalystContext, Proposal } from '../analyst/index.js';
import type { Direction } from '../domain/index.js';
import type { ScreenResult } from '../screener/index.js';
import { extractFeatures, type FeatureSource, type FeatureVector, type ScreenEvidence } from './features.js';

/** What proposeSignal hands the win-probability seam besides the context and the primary proposal. */
export interface ProposalEvidence {
  screen: ScreenResult;
  /** The vision analyst's usable answer (the one the aggregator sees), or null. */
  vision: Proposal | null;
}

export function sourceFromProposal(
  context: AnalystContext,
  proposal: Proposal,
  evidence?: ProposalEvidence | null,
): FeatureSource | null {
  if (proposal.direction === 'NONE') return null;
  const vision = evidence?.vision && !evidence.vision.rejected ? evidence.vision : null;
  return {
    direction: proposal.direction,
    screen: evidence?.screen ?? null,
    logic: { direction: proposal.direction, confidence: proposal.confidence },
    vision: vision ? { direction: vision.direction, confidence: vision.confidence } : null,
    whale: context.whale ?? null,
    time: context.candleCloseTime,
    plan:
      proposal.entry && proposal.stopLoss && proposal.takeProfit
        ? {
            entry: proposal.entry.toNumber(),
            stopLoss: proposal.stopLoss.toNumber(),
            takeProfit: proposal.takeProfit.toNumber(),
          }
        : null,
  };
}

/** The columns of a stored signal the features are rebuilt from (StoredSignal and SignalRecord fit). */
export interface SignalEvidenceRecord {
  direction: Direction;
  screen: unknown;
  proposals: unknown;
  features: Record<string, number | null> | null;
  candleCloseTime: number | null;
  createdAt: Date;
  entry: { toString(): string } | string | null;
  stopLoss: { toString(): string } | string | null;
  takeProfit: { toString(): string } | string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const trend = (v: unknown): 'UP' | 'DOWN' | null => (v === 'UP' || v === 'DOWN' ? v : null);

/** A stored `screen` JSON back into the shape the features read; null when it is not one. */
export function screenFromRecord(value: unknown): ScreenEvidence | null {
  if (!isObject(value) || !isObject(value.metrics) || !Array.isArray(value.contributions)) return null;
  const m = value.metrics;
  const score = finite(value.score);
  if (score === null) return null;
  return {
    score,
    qualityPenalty: finite(value.qualityPenalty) ?? Number.NaN,
    fakePenalty: finite(value.fakePenalty) ?? Number.NaN,
    source: typeof value.source === 'string' ? value.source : null,
    metrics: {
      price: finite(m.price) ?? Number.NaN,
      atrPct: finite(m.atrPct),
      rsi: finite(m.rsi),
      ema9: finite(m.ema9),
      ema21: finite(m.ema21),
      ema200: finite(m.ema200),
      bollingerPosition: finite(m.bollingerPosition),
      bollingerUpper: finite(m.bollingerUpper),
      bollingerLower: finite(m.bollingerLower),
      volumeRatio: finite(m.volumeRatio),
      hurst: finite(m.hurst),
      confirmTrend: trend(m.confirmTrend),
      momentumLong: finite(m.momentumLong) ?? Number.NaN,
      momentumShort: finite(m.momentumShort) ?? Number.NaN,
    },
    contributions: value.contributions.filter(
      (c): c is { filter: string; points: number } =>
        isObject(c) && typeof c.filter === 'string' && typeof c.points === 'number',
    ),
  };
}

const toNumber = (v: { toString(): string } | string | null): number | null => {
  if (v === null) return null;
  const n = Number(String(v));
  return Number.isFinite(n) ? n : null;
};

function opinion(value: unknown): { direction: string; confidence: number; rejected: unknown } | null {
  if (!isObject(value) || typeof value.direction !== 'string') return null;
  const confidence = finite(value.confidence);
  return confidence === null ? null : { direction: value.direction, confidence, rejected: value.rejected };
}

export function sourceFromRecord(record: SignalEvidenceRecord): FeatureSource {
  const proposals = Array.isArray(record.proposals) ? record.proposals.map(opinion) : [];
  const stored = record.features ?? {};
  const opposite = record.direction === 'LONG' ? 'SHORT' : 'LONG';

  // proposeSignal records the primary (logic) proposal first, the vision one (if any) after it.
  const primary = proposals[0] ?? null;
  let logic: FeatureSource['logic'] = primary;
  if (!logic && finite(stored.analyst_confidence) !== null) {
    logic = { direction: record.direction, confidence: stored.analyst_confidence as number };
  }

  let vision: FeatureSource['vision'] = null;
  const visionProposal = proposals.slice(1).find((p) => p && !p.rejected) ?? null;
  if (visionProposal) vision = visionProposal;
  else if (finite(stored.ai_agreement) !== null && finite(stored.vision_confidence) !== null) {
    const a = stored.ai_agreement as number;
    vision = {
      direction: a > 0 ? record.direction : a < 0 ? opposite : 'NONE',
      confidence: stored.vision_confidence as number,
    };
  }

  // The aggregator recorded the whale event as a signed alignment (null when there was none).
  let whale: FeatureSource['whale'];
  if ('whale_alignment' in stored) {
    const w = finite(stored.whale_alignment);
    whale =
      w === null
        ? null
        : {
            direction: w >= 0 === (record.direction === 'LONG') ? 'PUMP' : 'DUMP',
            confidence: Math.round(Math.abs(w) * 100 * 1e9) / 1e9,
          };
  }

  const entry = toNumber(record.entry);
  const stopLoss = toNumber(record.stopLoss);
  const takeProfit = toNumber(record.takeProfit);
  return {
    direction: record.direction,
    screen: screenFromRecord(record.screen),
    logic,
    vision,
    whale,
    time: record.candleCloseTime ?? record.createdAt.getTime(),
    plan: entry !== null && stopLoss !== null && takeProfit !== null ? { entry, stopLoss, takeProfit } : null,
  };
}

/** The features of a stored signal, exactly as they were when it was proposed. */
export const featuresFromRecord = (record: SignalEvidenceRecord): FeatureVector =>
  extractFeatures(sourceFromRecord(record));

/** The features of a proposal being decided now; null when it proposes no trade. */
export function featuresFromProposal(
  context: AnalystContext,
  proposal: Proposal,
  evidence?: ProposalEvidence | null,
): FeatureVector | null {
  const source = sourceFromProposal(context, proposal, evidence);
  return source ? extractFeatures(source) : null;
}
