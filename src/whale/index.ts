/**
 * whale: forced liquidations (forceOrder) -> whale events (PUMP / DUMP with confidence 0..100 and
 * the evidence). A one-sided cluster of short liquidations (forced buys) predicts a squeeze up,
 * of long liquidations (forced sells) a flush down; size is judged against the symbol's normal
 * traded volume when a baseline is known.
 *
 * Entry points: createWhaleDetector({ config, baseline }) (streaming: onLiquidation, latest),
 * detectWhaleEvents(stream, options) (a whole replay), baselineFromTickers / quoteVolumePerMinute
 * (the "normal traded volume" a cluster is judged against), toWhaleEventRecord (the stored row).
 * Invariants: pure (no I/O, no wall clock: the liquidations' exchange time is the clock), so live,
 * replay and synthetic streams give identical events for identical input; confidence is a finite
 * integer 0..100; an event is re-emitted for the same symbol and direction only after the cooldown
 * or when its confidence escalates. Storing events is the caller's job: toWhaleEventRecord(event)
 * gives the row for the store's whale_events table.
 */
export { baselineFromMap, baselineFromTickers, quoteVolumePerMinute } from './baseline.js';
export { resolveWhaleConfig, WHALE_DEFAULTS, type WhaleConfig, type WhaleOverrides } from './config.js';
export {
  createWhaleDetector,
  detectWhaleEvents,
  type VolumeBaseline,
  type WhaleDetector,
  type WhaleDetectorOptions,
} from './detector.js';
export { toWhaleEventRecord, type WhaleEventRecord } from './record.js';
export type { WhaleDirection, WhaleEvent, WhaleEvidence } from './types.js';
