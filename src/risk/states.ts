/**
 * Account risk states. ACTIVE trades normally; REDUCING allows only exits (entered after a panic,
 * repeated execution failures, or the daily loss limit); HALTED allows nothing new until a person
 * acts. Only a person moves an account back to ACTIVE.
 */
import type { RiskState } from '../domain/index.js';

export type RiskEvent =
  | { type: 'PANIC' }
  | { type: 'REPEATED_FAILURES'; count: number }
  | { type: 'DAILY_LOSS_LIMIT_HIT' }
  | { type: 'HALT'; by: 'person' | 'system'; reason: string }
  | { type: 'RESUME'; by: 'person' };

export interface Transition {
  from: RiskState;
  to: RiskState;
  reason: string;
}

export function nextRiskState(current: RiskState, event: RiskEvent): Transition {
  const to = ((): RiskState => {
    switch (event.type) {
      case 'PANIC':
      case 'REPEATED_FAILURES':
      case 'DAILY_LOSS_LIMIT_HIT':
        // Never relax: a HALTED account stays HALTED.
        return current === 'HALTED' ? 'HALTED' : 'REDUCING';
      case 'HALT':
        return 'HALTED';
      case 'RESUME':
        return 'ACTIVE';
    }
  })();
  const reason = (() => {
    switch (event.type) {
      case 'PANIC':
        return 'panic: closing everything, auto-trading stopped';
      case 'REPEATED_FAILURES':
        return `${event.count} execution failures in a row`;
      case 'DAILY_LOSS_LIMIT_HIT':
        return 'daily loss limit reached';
      case 'HALT':
        return `halted by ${event.by}: ${event.reason}`;
      case 'RESUME':
        return 'resumed by a person';
    }
  })();
  return { from: current, to, reason };
}
