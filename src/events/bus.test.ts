import { describe, expect, it } from 'vitest';
import { createEventBus, type Delivery } from './index.js';

const price = (symbol: string) => ({ type: 'price' as const, at: 1, symbol, data: { price: '1' } });

describe('event bus', () => {
  it("delivers a user's events only to that user, and broadcasts to everyone", () => {
    const bus = createEventBus();
    const a: Delivery[] = [];
    const b: Delivery[] = [];
    bus.subscribe('user-a', (d) => a.push(d));
    bus.subscribe('user-b', (d) => b.push(d));
    bus.publish('user-a', { type: 'balance', at: 1, data: { wallet: '10' } });
    bus.publish(null, price('BTCUSDT'));
    expect(a.map((d) => d.event.type)).toEqual(['balance', 'price']);
    expect(b.map((d) => d.event.type)).toEqual(['price']);
    expect(a[0]!.userId).toBe('user-a');
    expect(a[1]!.seq).toBeGreaterThan(a[0]!.seq);
  });

  it('isolates a listener that throws and forgets unsubscribed listeners', () => {
    const errors: unknown[] = [];
    const bus = createEventBus({ onListenerError: (e) => errors.push(e) });
    const got: Delivery[] = [];
    bus.subscribe('u', () => {
      throw new Error('boom');
    });
    const off = bus.subscribe('u', (d) => got.push(d));
    expect(bus.subscriberCount('u')).toBe(2);
    bus.publish('u', price('ETHUSDT'));
    expect(got).toHaveLength(1);
    expect(errors).toHaveLength(1);
    off();
    off();
    expect(bus.subscriberCount('u')).toBe(1);
    expect(bus.subscriberCount()).toBe(1);
    bus.publish('u', price('ETHUSDT'));
    expect(got).toHaveLength(1);
  });
});
