/**
 * Accounts are split into a fixed number of partitions by a stable hash of the user id. A worker
 * leases whole partitions (one advisory lock each) and works the partition's own job queue, so a
 * job for an account always reaches the one process that trades that account, and a dead worker's
 * queued and unfinished jobs stay in the partition's queue for whoever leases it next.
 *
 * Every process of a deployment must agree on PARTITIONS: it is a constant, not a setting. It also
 * bounds how many workers can share the trading (the scans are shared by any number).
 */
export const PARTITIONS = 32;

/** FNV-1a of the id, modulo PARTITIONS. */
export function partitionOf(userId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % PARTITIONS;
}

export const SCAN_QUEUE = 'neurotrade-scan';

/** The job queue of one partition's accounts. */
export const accountQueue = (partition: number): string => `neurotrade-accounts-${partition}`;

export const allPartitions = (): number[] => Array.from({ length: PARTITIONS }, (_, i) => i);
