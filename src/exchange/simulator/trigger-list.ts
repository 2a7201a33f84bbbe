/**
 * Price levels waiting to be crossed, sorted so the nearest one is always at the head: a price
 * update compares against `head` and costs O(1) when it crosses nothing. One list per symbol and
 * direction and price source (contract/mark × up/down). Ties keep time priority (`seq`).
 *
 * An "up" list fires when the price rises to >= level (sell limits, buy stops, sell take-profits,
 * short liquidations); a "down" list fires when it falls to <= level.
 */
export interface TriggerEntry<T> {
  level: number;
  seq: number;
  value: T;
  /** The list holding the entry, or null once removed. */
  list: TriggerList<T> | null;
}

/**
 * An empty array that V8 already lays out for objects: made holding a null, then emptied. A `[]`
 * starts as an array of small integers, and the optimised code of placeAlgoOrder (insert
 * inlined) assumed that layout for a list's first push, so the first protective order of a pass
 * on a list never used before threw that code away ('not a Smi', --trace-deopt) for V8 to
 * compile it again. An array never goes back to a narrower layout when emptied.
 */
function emptyEntries<T>(): TriggerEntry<T>[] {
  const entries = [null] as unknown as TriggerEntry<T>[];
  entries.pop();
  return entries;
}

export class TriggerList<T> {
  /**
   * The level that fires next: +Infinity (up) / -Infinity (down) when empty. Declared with a
   * double (then set by the constructor): a class field without one starts as undefined, and a
   * field first undefined then a number holds each level as a separate heap number.
   */
  head: number = Number.NaN;
  private readonly entries: TriggerEntry<T>[] = emptyEntries();

  constructor(readonly direction: 'up' | 'down') {
    this.head = direction === 'up' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Does a price path reaching `price` cross the head? */
  crossedBy(price: number): boolean {
    return this.direction === 'up' ? price >= this.head : price <= this.head;
  }

  insert(level: number, seq: number, value: T): TriggerEntry<T> {
    // level written a double first: V8 fixes a field's layout by the first value it holds, and
    // a first level that happened to be a whole number (a price like 3000) would have the field
    // widened at the first fractional one, throwing away every optimised function that read it.
    const entry: TriggerEntry<T> = { level: Number.NaN, seq, value, list: this };
    entry.level = level;
    const entries = this.entries;
    const i = this.lowerBound(level, seq);
    // A list holds a level or two per symbol: the new one mostly goes last (push), without the
    // insertion splice's slower way (~0.5 us cold).
    if (i === entries.length) entries.push(entry);
    else entries.splice(i, 0, entry);
    if (i === 0) this.head = level;
    return entry;
  }

  remove(entry: TriggerEntry<T>): void {
    if (entry.list !== this) return;
    let i = this.lowerBound(entry.level, entry.seq);
    // Equal (level, seq) pairs cannot exist: seq is unique. Scan defensively anyway.
    while (i < this.entries.length && this.entries[i] !== entry) i++;
    if (i === this.entries.length - 1) this.entries.pop();
    else if (i < this.entries.length) this.entries.splice(i, 1);
    entry.list = null;
    if (i === 0) this.refreshHead();
  }

  /** Remove and return the head entry. */
  shift(): TriggerEntry<T> | undefined {
    const entry = this.entries.shift();
    if (entry) entry.list = null;
    this.refreshHead();
    return entry;
  }

  values(): T[] {
    return this.entries.map((e) => e.value);
  }

  private refreshHead(): void {
    const first = this.entries[0];
    if (first) this.head = first.level;
    else this.head = this.direction === 'up' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }

  /** First index whose entry sorts after (level, seq). */
  private lowerBound(level: number, seq: number): number {
    const up = this.direction === 'up';
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = this.entries[mid]!;
      const before = up
        ? e.level < level || (e.level === level && e.seq < seq)
        : e.level > level || (e.level === level && e.seq < seq);
      if (before) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
