/**
 * events: the in-process live-event bus between the engine (positions, orders, balances, risk
 * state, prices, new signals) and the API's live stream (GET /api/events, SSE).
 * Entry points: createEventBus() -> EventBus { publish(userId | null, event), subscribe(userId,
 * listener) }, created once in the composition root.
 * Invariants: publish never blocks and never throws because of a subscriber; a user's events reach
 * only that user's subscribers (null = broadcast to everyone). Storing an event before publishing
 * it is the publisher's job: the bus keeps nothing, so a client that reconnects re-reads state
 * through the REST API.
 */
export {
  createEventBus,
  type Delivery,
  type EventBus,
  type Listener,
  type LiveEvent,
  type LiveEventType,
} from './bus.js';
