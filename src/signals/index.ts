/**
 * signals: from opinions to one decision, and the rules a signal lives by. Pure: no I/O, no clock.
 *
 * Entry points:
 * - combine(input, options?) -> Decision: combined confidence (screen score, logic analysts,
 *   vision agreement, whale event, optional ML win probability) with its reasons, vetoes and the
 *   ML features (ai_agreement, ...). resolveCombineOptions(overrides) / COMBINE_DEFAULTS.
 * - Lifecycle: canTransition, allowedFrom, isLiveSignal, LIVE_SIGNAL_STATUSES.
 * - Deduplication policy: dedupKey, collapseBatch, DEFAULT_DEDUP_WINDOW_MS (the store enforces
 *   it under a lock: src/store signals repository).
 *
 * Invariants: combinedConfidence is finite, 0..100, one decimal; a decision is accepted only with
 * a direction, no veto and confidence >= the minimum; vetoes: quality penalty >= 40, fake penalty
 * >= 40, logic analysts or vision disagreeing on direction, an analyst against the screen's
 * direction, win probability under its (optional) minimum.
 */
export { COMBINE_DEFAULTS, type CombineOverrides, combine, resolveCombineOptions } from './combine.js';
export {
  allowedFrom,
  canTransition,
  collapseBatch,
  DEFAULT_DEDUP_WINDOW_MS,
  type Deduplicable,
  dedupKey,
  isLiveSignal,
  LIVE_SIGNAL_STATUSES,
} from './lifecycle.js';
export type * from './types.js';
