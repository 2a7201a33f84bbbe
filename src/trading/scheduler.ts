/**
 * One scheduler: scans never overlap, in this process or across processes (a database advisory
 * lock), and a scan that overruns its slot makes the next tick skip, never stack.
 */
import { Cron } from 'croner';
import type { Logger } from '../logging/index.js';
import type { Store } from '../store/index.js';

export type ScanProfile = 'aggressive' | 'normal' | 'slow';

/** The cadences the previous system settled on to stay inside Binance's request limits. */
export const SCAN_CRON: Record<ScanProfile, string> = {
  aggressive: '*/30 * * * * *',
  normal: '0 * * * * *',
  slow: '0 */5 * * * *',
};

export const SCAN_LOCK = 'neurotrade:scan';

export type TickOutcome =
  | { ran: true; durationMs: number }
  | { ran: false; reason: 'overrun' | 'locked-elsewhere' | 'stopped' }
  | { ran: false; reason: 'failed'; error: unknown };

export interface Scheduler {
  start(): void;
  /** Run one tick now (what the cron does on each slot). */
  tick(): Promise<TickOutcome>;
  /** Stop scheduling and wait for a scan in flight to finish. */
  stop(): Promise<void>;
  readonly running: boolean;
}

export interface SchedulerDeps {
  store: Pick<Store, 'tryWithLock'>;
  logger: Logger;
  scan: () => Promise<void>;
  profile: ScanProfile;
  /** Milliseconds clock for durations (injected so tests and metrics agree). */
  now: () => number;
  onTick?: (outcome: TickOutcome) => void;
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  let cron: Cron | undefined;
  let inFlight: Promise<TickOutcome> | undefined;
  let stopped = false;

  async function runScan(): Promise<TickOutcome> {
    const started = deps.now();
    try {
      const locked = await deps.store.tryWithLock(SCAN_LOCK, deps.scan);
      if (!locked.acquired) {
        deps.logger.info('scan skipped: another process holds the scan lock');
        return { ran: false, reason: 'locked-elsewhere' };
      }
      return { ran: true, durationMs: deps.now() - started };
    } catch (error) {
      deps.logger.error({ err: error }, 'scan failed');
      return { ran: false, reason: 'failed', error };
    }
  }

  async function tick(): Promise<TickOutcome> {
    let outcome: TickOutcome;
    if (stopped) {
      outcome = { ran: false, reason: 'stopped' };
    } else if (inFlight) {
      deps.logger.warn({ profile: deps.profile }, 'scan overran its slot: skipping this tick');
      outcome = { ran: false, reason: 'overrun' };
    } else {
      inFlight = runScan();
      try {
        outcome = await inFlight;
      } finally {
        inFlight = undefined;
      }
    }
    deps.onTick?.(outcome);
    return outcome;
  }

  return {
    start() {
      if (cron || stopped) return;
      cron = new Cron(SCAN_CRON[deps.profile], { protect: false }, () => {
        void tick();
      });
    },
    tick,
    async stop() {
      stopped = true;
      cron?.stop();
      cron = undefined;
      await inFlight;
    },
    get running() {
      return inFlight !== undefined;
    },
  };
}
