/** Short bounds and backoffs for the fault suite: the real protocol, in milliseconds. */
import { dec } from '../../../src/domain/index.js';
import type { CcxtExchangeOptions } from '../../../src/exchange/ccxt/index.js';
import type { ExecutionOptions } from '../../../src/execution/index.js';

export const PROTECTION_BOUND_MS = 1_500;
/** The bound, plus the reduce-only market close it triggers (a few REST round trips under faults). */
export const UNPROTECTED_LIMIT_MS = PROTECTION_BOUND_MS + 2_500;

export const ENGINE_OPTIONS: Partial<ExecutionOptions> = {
  protectionBoundMs: PROTECTION_BOUND_MS,
  protectionBackoff: { initialMs: 50, maxMs: 300 },
  lookupAttempts: 4,
  lookupBackoff: { initialMs: 40, maxMs: 200 },
  exitBoundMs: 5_000,
  exitBackoff: { initialMs: 50, maxMs: 300 },
  fillSettleMs: 1_000,
  reconcileIntervalMs: 400,
  marketFillPolls: 3,
  entryRateLimitWaitMs: 2_000,
  // Failures are injected on purpose here; the REDUCING reaction has its own unit test.
  maxConsecutiveFailures: 1_000,
  risk: { cooldownAfterStopOutMs: 0, dailyLossLimit: dec('1e9') },
};

export const CCXT_OPTIONS: Partial<CcxtExchangeOptions> = {
  rateLimitMs: 1,
  timeoutMs: 1_500,
  retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 80, maxRateLimitWaitMs: 1_500 },
  stream: { reconnectInitialMs: 30, reconnectMaxMs: 200, pingIntervalMs: 1_000, pongTimeoutMs: 500 },
};
