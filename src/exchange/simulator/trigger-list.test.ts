import { describe, expect, it } from 'vitest';
import { TriggerList } from './trigger-list.js';

describe('TriggerList', () => {
  it('keeps the nearest level at the head: lowest for up, highest for down', () => {
    const up = new TriggerList<string>('up');
    expect(up.head).toBe(Number.POSITIVE_INFINITY);
    up.insert(105, 1, 'a');
    up.insert(101, 2, 'b');
    up.insert(110, 3, 'c');
    expect(up.head).toBe(101);
    expect(up.crossedBy(100.9)).toBe(false);
    expect(up.crossedBy(101)).toBe(true);

    const down = new TriggerList<string>('down');
    expect(down.head).toBe(Number.NEGATIVE_INFINITY);
    down.insert(95, 1, 'a');
    down.insert(99, 2, 'b');
    expect(down.head).toBe(99);
    expect(down.crossedBy(99.5)).toBe(false);
    expect(down.crossedBy(99)).toBe(true);
  });

  it('keeps time priority among equal levels and pops in order', () => {
    const up = new TriggerList<string>('up');
    up.insert(100, 5, 'second');
    up.insert(100, 3, 'first');
    up.insert(99, 9, 'nearest');
    expect([up.shift()?.value, up.shift()?.value, up.shift()?.value]).toEqual(['nearest', 'first', 'second']);
    expect(up.head).toBe(Number.POSITIVE_INFINITY);
  });

  it('removes an entry anywhere and refreshes the head', () => {
    const down = new TriggerList<number>('down');
    const entries = [90, 95, 80, 95, 99].map((level, i) => down.insert(level, i, i));
    down.remove(entries[4]!);
    expect(down.head).toBe(95);
    down.remove(entries[1]!);
    expect(down.values()).toEqual([3, 0, 2]);
    down.remove(entries[1]!); // already gone: a no-op
    expect(down.size).toBe(3);
    expect(entries[1]!.list).toBeNull();
  });
});
