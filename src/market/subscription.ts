/**
 * The queue behind every Subscription: producers push, the consumer pulls with `for await`,
 * `next()` or `drain()`. With a `pull` hook (simulated feeds in 'pull' pace) an empty queue asks
 * the producer for more instead of waiting, so the consumer sets the speed.
 */
import type { Subscription } from './feed.js';

export interface SubscriptionSink<T> {
  push(event: T): void;
  /** No more events (feed closed or recording over): pending and later `next()` resolve done. */
  end(): void;
  readonly closed: boolean;
}

export interface SubscriptionOptions {
  /** Oldest events are dropped (and counted) beyond this many queued; default unbounded. */
  maxQueue?: number;
  /** Produce more events synchronously; returns false when the source is exhausted. */
  pull?: () => boolean;
  /** Called once when the consumer closes (to unsubscribe upstream). */
  onClose?: () => void;
}

/** Steps per pull burst before yielding to the event loop, so a long search never blocks it. */
const PULL_BURST = 2_000;

export function createSubscription<T>(options: SubscriptionOptions = {}): {
  subscription: Subscription<T>;
  sink: SubscriptionSink<T>;
} {
  const maxQueue = options.maxQueue ?? Number.POSITIVE_INFINITY;
  let queue: T[] = [];
  let head = 0;
  let closed = false;
  let ended = false;
  let dropped = 0;
  let waiter: ((result: IteratorResult<T>) => void) | undefined;

  const size = () => queue.length - head;
  const shift = (): T => {
    const value = queue[head] as T;
    queue[head] = undefined as T;
    head++;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    return value;
  };
  const done = (): IteratorResult<T> => ({ value: undefined, done: true });

  const sink: SubscriptionSink<T> = {
    push(event) {
      if (closed || ended) return;
      if (waiter) {
        const resolve = waiter;
        waiter = undefined;
        resolve({ value: event, done: false });
        return;
      }
      queue.push(event);
      if (size() > maxQueue) {
        shift();
        dropped++;
      }
    },
    end() {
      ended = true;
      if (waiter && size() === 0) {
        const resolve = waiter;
        waiter = undefined;
        resolve(done());
      }
    },
    get closed() {
      return closed;
    },
  };

  const close = () => {
    if (closed) return;
    closed = true;
    queue = [];
    head = 0;
    if (waiter) {
      const resolve = waiter;
      waiter = undefined;
      resolve(done());
    }
    options.onClose?.();
  };

  async function next(): Promise<IteratorResult<T>> {
    if (closed) return done();
    if (size() > 0) return { value: shift(), done: false };
    if (ended) return done();
    if (options.pull) {
      for (;;) {
        for (let i = 0; i < PULL_BURST && size() === 0 && !closed && !ended; i++) {
          if (!options.pull()) {
            ended = true;
            break;
          }
        }
        if (closed) return done();
        if (size() > 0) return { value: shift(), done: false };
        if (ended) return done();
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    if (waiter) throw new Error('Subscription.next() called again before the previous call settled');
    return new Promise((resolve) => {
      waiter = resolve;
    });
  }

  const subscription: Subscription<T> = {
    next,
    async return() {
      close();
      return done();
    },
    [Symbol.asyncIterator]() {
      return subscription;
    },
    drain() {
      const out = queue.slice(head);
      queue = [];
      head = 0;
      return out;
    },
    close,
    get closed() {
      return closed;
    },
    get dropped() {
      return dropped;
    },
  };
  return { subscription, sink };
}
