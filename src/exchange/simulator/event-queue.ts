/**
 * The simulator's event queue: events are queued while a command runs and delivered when it has
 * finished, so a listener that calls back into the simulator never sees a half-applied change.
 */
import type { EngineState } from './state.js';
import type { SimEvent, SimEventListener } from './types.js';

export function emit(state: EngineState, event: SimEvent): void {
  state.events.push(event);
}

/**
 * Deliver queued events. A listener's exception never stops delivery to the others; it goes to
 * `onListenerError`, or without one is rethrown once everyone has been served.
 */
export function flush(state: EngineState): void {
  // Called after every command and price step, most of them with nothing to deliver.
  if (state.flushing || state.events.length === 0) return;
  state.flushing = true;
  let failure: { error: unknown } | undefined;
  try {
    while (state.events.length > 0) {
      const batch = state.events;
      state.events = [];
      for (const event of batch) {
        // Most engines have no listener of every account's events (an iterator spared per event).
        if (state.listeners.size > 0)
          for (const l of state.listeners) failure = deliver(state, l, event, failure);
        const own = state.accountListeners.get(event.accountId);
        if (own) for (const l of own) failure = deliver(state, l, event, failure);
      }
    }
  } finally {
    state.flushing = false;
  }
  if (failure !== undefined) throw failure.error;
}

/** One event to one listener; returns the first failure so far (a module function: no closure per flush). */
function deliver(
  state: EngineState,
  l: SimEventListener,
  event: SimEvent,
  failure: { error: unknown } | undefined,
): { error: unknown } | undefined {
  try {
    l(event);
  } catch (error) {
    if (state.onListenerError) state.onListenerError(error, event);
    else if (failure === undefined) return { error };
  }
  return failure;
}
