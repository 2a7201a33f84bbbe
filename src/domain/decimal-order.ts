/**
 * Ordering decimals without decimal.js's copies: its cmp, max and min first copy an operand
 * (`new Ctor(y)`), which the analyst's validation (a dozen comparisons per plan, every backtest
 * candidate) and the order checks of sizing and the simulator paid on every comparison. The same
 * answers as decimal.js: compare is property-tested against cmp (decimal-order.test.ts), larger
 * and smaller through the validation's own tests.
 */
import type { Decimal } from 'decimal.js';

/**
 * `a.cmp(b)` without the copy of `b` decimal.js makes first (`new Ctor(b)`, the same digits for a
 * finite decimal of the same configuration): its own comparison of two finite values, read from
 * the documented representation (sign `s`, exponent `e`, digits `d` in base 1e7 words). Anything
 * else (NaN, infinities, another configuration) asks decimal.js.
 */
export function compare(a: Decimal, b: Decimal): number {
  const ad = a.d;
  const bd = b.d;
  if (!ad || !bd || a.constructor !== b.constructor) return a.cmp(b);
  const as = a.s;
  if (!ad[0] || !bd[0]) return ad[0] ? as : bd[0] ? -b.s : 0;
  if (as !== b.s) return as;
  if (a.e !== b.e) return a.e > b.e !== as < 0 ? 1 : -1;
  const al = ad.length;
  const bl = bd.length;
  for (let i = 0, j = Math.min(al, bl); i < j; ++i) {
    if (ad[i] !== bd[i]) return (ad[i] as number) > (bd[i] as number) !== as < 0 ? 1 : -1;
  }
  return al === bl ? 0 : al > bl !== as < 0 ? 1 : -1;
}

/**
 * Dec.max(a, b) and Dec.min(a, b) without their copies: decimal.js picks an operand by the same
 * comparison (NaN as b wins, a NaN as a stays; of equal values max keeps a unless a is negative,
 * min keeps a unless a is positive) and returns a copy of it, the same digits. Ours returns it.
 */
export function larger(a: Decimal, b: Decimal): Decimal {
  if (!b.s) return b;
  const k = compare(a, b);
  return k === -1 || (k === 0 && a.s === -1) ? b : a;
}
export function smaller(a: Decimal, b: Decimal): Decimal {
  if (!b.s) return b;
  const k = compare(a, b);
  return k === 1 || (k === 0 && a.s === 1) ? b : a;
}
