/** Kinds of live events the dashboard listens to. Add a kind here before publishing it. */
export type LiveEventType =
  | 'price'
  | 'position'
  | 'order'
  | 'signal'
  | 'balance'
  | 'risk'
  | 'account'
  | 'scan'
  | 'whale';

export interface LiveEvent<T = unknown> {
  type: LiveEventType;
  /** Epoch ms from the publisher's clock. */
  at: number;
  /** Set on symbol-scoped events (price, signal, position): streams can filter on it. */
  symbol?: string;
  data: T;
}

/** What a subscriber receives: the event, its audience and a per-bus sequence number. */
export interface Delivery {
  seq: number;
  /** The user it is for, or null for a broadcast (prices, new signals). */
  userId: string | null;
  event: LiveEvent;
}

export type Listener = (delivery: Delivery) => void;

export interface EventBus {
  /**
   * Deliver to the user's subscribers (or to everyone when `userId` is null), synchronously.
   * Listeners must not block: a slow consumer buffers or drops on its own side. A listener that
   * throws is isolated and does not stop the others.
   */
  publish(userId: string | null, event: LiveEvent): void;
  /** Receive the user's own events and every broadcast. Returns the unsubscribe function. */
  subscribe(userId: string, listener: Listener): () => void;
  subscriberCount(userId?: string): number;
}

export function createEventBus(options: { onListenerError?: (err: unknown) => void } = {}): EventBus {
  const byUser = new Map<string, Set<Listener>>();
  let total = 0;
  let seq = 0;

  const deliver = (listener: Listener, delivery: Delivery) => {
    try {
      listener(delivery);
    } catch (err) {
      options.onListenerError?.(err);
    }
  };

  return {
    publish(userId, event) {
      const delivery: Delivery = { seq: ++seq, userId, event };
      if (userId === null) {
        for (const listeners of byUser.values()) for (const l of [...listeners]) deliver(l, delivery);
        return;
      }
      const listeners = byUser.get(userId);
      if (listeners) for (const l of [...listeners]) deliver(l, delivery);
    },
    subscribe(userId, listener) {
      let listeners = byUser.get(userId);
      if (!listeners) {
        listeners = new Set();
        byUser.set(userId, listeners);
      }
      // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
      const own: Listener = (d) => listener(d);
      listeners.add(own);
      total++;
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        total--;
        const set = byUser.get(userId);
        set?.delete(own);
        if (set && set.size === 0) byUser.delete(userId);
      };
    },
    subscriberCount(userId) {
      return userId === undefined ? total : (byUser.get(userId)?.size ?? 0);
    },
  };
}
