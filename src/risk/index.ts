/**
 * risk: the gate every order passes (checkOrder -> ok | reason code) and the account risk states
 * ACTIVE / REDUCING / HALTED (nextRiskState). Pure: the caller brings the facts.
 * Invariants: exits always pass (panic must be able to close); entries never pass when the account
 * is not ACTIVE; only a person returns an account to ACTIVE.
 */
export {
  type AccountFacts,
  checkOrder,
  type EntryRequest,
  type ExitRequest,
  type GateDecision,
  type RiskLimits,
  RiskReason,
} from './gate.js';
export { createRealisedToday, type RealisedToday } from './realised-today.js';
export { nextRiskState, type RiskEvent, type Transition } from './states.js';
