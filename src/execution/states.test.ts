import { describe, expect, it } from 'vitest';
import {
  canTransition,
  ENTRY_STATES,
  EntryPath,
  type EntryState,
  STORED_AS,
  transitionsFrom,
} from './states.js';

describe('entry state machine', () => {
  it('reaches every state from CHECKING, and every path can end', () => {
    const seen = new Set<EntryState>(['CHECKING']);
    const queue: EntryState[] = ['CHECKING'];
    while (queue.length)
      for (const next of transitionsFrom(queue.shift()!))
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
    expect([...seen].sort()).toEqual([...ENTRY_STATES].sort());
    for (const s of ENTRY_STATES) {
      if (transitionsFrom(s).length === 0) expect(['CLOSED', 'DENIED', 'CANCELLED']).toContain(s);
    }
  });

  it('never goes from a filled state back to one without exposure, nor sends before write-ahead', () => {
    for (const filled of ['FILLED', 'PROTECTING', 'PROTECTED', 'UNPROTECTED', 'CLOSING'] as const) {
      for (const back of ['CANCELLED', 'DENIED', 'PENDING_ENTRY', 'SENDING', 'WORKING'] as const) {
        expect(canTransition(filled, back)).toBe(false);
      }
    }
    expect(canTransition('CONFIGURING', 'SENDING')).toBe(false);
    expect(canTransition('CHECKING', 'SENDING')).toBe(false);
    // A filled position is stored OPEN (in the books) before protection is attempted.
    expect(STORED_AS.FILLED).toBe('OPEN');
  });

  it('refuses an illegal transition with INTERNAL and keeps the path', () => {
    const path = new EntryPath().to('CONFIGURING').to('PENDING_ENTRY');
    expect(() => path.to('FILLED')).toThrowError(/illegal entry transition PENDING_ENTRY -> FILLED/);
    expect(path.path).toEqual(['CHECKING', 'CONFIGURING', 'PENDING_ENTRY']);
  });
});
