/**
 * Validation for every analyst, and the smart entry. Whatever an analyst said, what leaves here is
 * either a plan with valid prices or a rejection with the reason: stop and target on the correct
 * side, stop distance minStopPct..maxStopPct of entry, reward-to-risk at least the minimum, all
 * rounded to the symbol's tick. Every change to the analyst's numbers is recorded as a fix.
 * Decimal arithmetic throughout; the ATR (a float64 indicator) enters as a decimal.
 */
import type { Decimal } from 'decimal.js';
import {
  compare,
  Dec,
  type Direction,
  dec,
  isExactSum,
  isShortDecimal,
  larger,
  type Price,
  roundToTick,
  roundToTickDirected,
  smaller,
  toFloat,
} from '../domain/index.js';
import { quotientExceeds, quotientToFloat } from './quotient-exceeds.js';
import type { AnalystContext, EntryType, RawPlan } from './types.js';

export interface ValidationRules {
  minStopPct: number;
  maxStopPct: number;
  minRewardToRisk: number;
  /** A target farther than this many risks is capped (an absurd target is not a plan). */
  maxRewardToRisk: number;
  /** An entry farther than this from the current price (percent) is replaced by the price. */
  maxEntryDeviationPct: number;
  /** Stop distance of an ATR-based plan, in ATRs. */
  stopAtr: number;
  /** Reward-to-risk of an ATR-based plan (the rule analyst's target rule). */
  rewardToRisk: number;
  smartEntry: {
    /** LONG with RSI below this is a dip: LIMIT below price. */
    dipRsiLong: number;
    /** SHORT with RSI above this is a rip: LIMIT above price. */
    dipRsiShort: number;
    /** How far from price a dip LIMIT rests, in ATRs. */
    dipAtr: number;
  };
}

export const VALIDATION_DEFAULTS: Readonly<ValidationRules> = Object.freeze({
  minStopPct: 0.5,
  maxStopPct: 2.5,
  minRewardToRisk: 1.3,
  maxRewardToRisk: 6,
  maxEntryDeviationPct: 1,
  stopAtr: 1,
  rewardToRisk: 2,
  smartEntry: Object.freeze({ dipRsiLong: 35, dipRsiShort: 65, dipAtr: 0.2 }),
});

export interface ValidatedPlan {
  direction: Direction;
  entryType: EntryType;
  entry: Price;
  stopLoss: Price;
  takeProfit: Price;
  /** Stop distance as a percentage of entry. */
  stopPct: number;
  rewardToRisk: number;
  /** Changes made to the analyst's numbers. */
  fixes: string[];
  /** How the entry was chosen (smart entry). */
  entryNote: string;
}

export type ValidationResult =
  | { ok: true; plan: ValidatedPlan }
  | { ok: false; reason: string; fixes: string[] };

const HUNDRED = new Dec(100);
/** +1 for LONG, -1 for SHORT: the side a target lies on; the stop lies on the other. */
const sign = (d: Direction): number => (d === 'LONG' ? 1 : -1);
/**
 * `base.add(v.mul(s))` and `base.sub(v.mul(s))` for s = +1 or -1, as one addition or subtraction:
 * decimal.js itself turns `a.sub(-b)` into `a.add(b)` (and `a.add(-b)` into `a.sub(b)`), so the
 * same digits without the negated copy (a multiplication by ±1 of a value of at most 40 digits, as
 * every v here is: the result of an operation, already rounded to our precision, is v or -v).
 */
const away = (base: Decimal, v: Decimal, s: number): Decimal => (s > 0 ? base.add(v) : base.sub(v));
const toward = (base: Decimal, v: Decimal, s: number): Decimal => (s > 0 ? base.sub(v) : base.add(v));
/**
 * Is `price` on the stop's side of `entry` (s x (price - entry) < 0)? By comparison, without the
 * difference: a correctly rounded difference has the exact one's sign, and is 0 only when they
 * are equal. Both finite (callers check isUsable first).
 */
const onStopSide = (price: Decimal, entry: Decimal, s: number): boolean => compare(price, entry) * s < 0;
/** Is `price` on the target's side of `entry` (s x (price - entry) > 0)? As onStopSide. */
const onTargetSide = (price: Decimal, entry: Decimal, s: number): boolean => compare(price, entry) * s > 0;

/**
 * The rules' numbers as decimals, made once per rules object instead of parsed from a float at
 * every use (`x.mul(0.5)` builds `new Dec(0.5)` each time). The percentages are kept divided by
 * 100: `x.mul(pct).div(100)` and `x.mul(pct / 100)` are the same decimal, since rounding to 40
 * significant digits commutes with a shift by a power of ten and pct / 100 itself is exact.
 * Rebuilt when a rules object's numbers have changed since (rules are plain, mutable objects).
 */
interface RuleDecimals {
  minStopPct: number;
  maxStopPct: number;
  stopAtr: number;
  rewardToRisk: number;
  maxRewardToRisk: number;
  dipAtr: number;
  minStopShare: Decimal;
  maxStopShare: Decimal;
  stopAtrDec: Decimal;
  rewardToRiskDec: Decimal;
  maxRewardToRiskDec: Decimal;
  dipAtrDec: Decimal;
  /**
   * The stop band of the last entry asked (entry x each share): atrPlan's, which validatePlan
   * asks again for the rule analyst's plan, whose entry is the same decimal object. Decimals are
   * immutable: the same object, the same products.
   */
  bandOf: Decimal | null;
  bandNearest: Decimal;
  bandFarthest: Decimal;
}
const ruleDecimalsCache = new WeakMap<ValidationRules, RuleDecimals>();
/** The last rules asked and their decimals, before the WeakMap (one rules object in practice). */
let lastRules: ValidationRules | null = null;
let lastDecimals: RuleDecimals | null = null;
function ruleDecimals(rules: ValidationRules): RuleDecimals {
  const cached = (rules === lastRules ? lastDecimals : ruleDecimalsCache.get(rules)) ?? undefined;
  if (
    cached !== undefined &&
    cached.minStopPct === rules.minStopPct &&
    cached.maxStopPct === rules.maxStopPct &&
    cached.stopAtr === rules.stopAtr &&
    cached.rewardToRisk === rules.rewardToRisk &&
    cached.maxRewardToRisk === rules.maxRewardToRisk &&
    cached.dipAtr === rules.smartEntry.dipAtr
  ) {
    lastRules = rules;
    lastDecimals = cached;
    return cached;
  }
  const made: RuleDecimals = {
    minStopPct: rules.minStopPct,
    maxStopPct: rules.maxStopPct,
    stopAtr: rules.stopAtr,
    rewardToRisk: rules.rewardToRisk,
    maxRewardToRisk: rules.maxRewardToRisk,
    dipAtr: rules.smartEntry.dipAtr,
    minStopShare: new Dec(rules.minStopPct).div(HUNDRED),
    maxStopShare: new Dec(rules.maxStopPct).div(HUNDRED),
    stopAtrDec: new Dec(rules.stopAtr),
    rewardToRiskDec: new Dec(rules.rewardToRisk),
    maxRewardToRiskDec: new Dec(rules.maxRewardToRisk),
    dipAtrDec: new Dec(rules.smartEntry.dipAtr),
    bandOf: null,
    bandNearest: HUNDRED,
    bandFarthest: HUNDRED,
  };
  ruleDecimalsCache.set(rules, made);
  lastRules = rules;
  lastDecimals = made;
  return made;
}

/** The stop band of `entry` into r.bandNearest and r.bandFarthest (see RuleDecimals.bandOf). */
function band(r: RuleDecimals, entry: Decimal): RuleDecimals {
  if (r.bandOf !== entry) {
    r.bandNearest = entry.mul(r.minStopShare);
    r.bandFarthest = entry.mul(r.maxStopShare);
    r.bandOf = entry;
  }
  return r;
}
// toString, not toFixed: a huge or tiny value prints with an exponent instead of a million digits.
const fmt = (v: Decimal): string => v.toSignificantDigits(10).toString();
/**
 * distance.div(base).mul(100).toNumber(), the same double without the 40-digit long division
 * (divideToFloat), and for the short decimals of tick-rounded prices with one division of
 * doubles (quotientToFloat).
 */
const pctOf = (distance: Decimal, base: Decimal): number => quotientToFloat(distance, base, 2);
/**
 * Finite and > 0, read from decimal.js's documented representation (digits `d`: null when not
 * finite, [0] for zero; sign `s`) instead of `v.gt(0)`, which parses a decimal 0 at every call.
 */
const isUsable = (v: Decimal | null | undefined): v is Decimal =>
  v !== null && v !== undefined && !!v.d && v.s === 1 && v.d[0] !== 0;

/** Stop at stopAtr x ATR (kept inside the stop band), target at rewardToRisk x risk. */
export function atrPlan(
  direction: Direction,
  entry: Decimal,
  atr: number,
  rules: ValidationRules = VALIDATION_DEFAULTS,
): { stopLoss: Decimal; takeProfit: Decimal } {
  const s = sign(direction);
  const r = ruleDecimals(rules);
  const { bandNearest: minRisk, bandFarthest: maxRisk } = band(r, entry);
  let risk: Decimal;
  if (r.stopAtr === 1 && Number.isFinite(atr) && atr < toFloat(minRisk)) {
    // The ATR under the band, seen in doubles: its decimal, which a backtest's 17-digit ATR makes
    // from the float's text (a third of this function), is not needed. toFloat gives the double
    // nearest minRisk and dec(atr) is a decimal whose nearest double is atr; rounding to the
    // nearest double never reverses an order, so atr < toFloat(minRisk) means dec(atr) < minRisk,
    // and larger() would pick minRisk. Equal doubles (and another stopAtr) take the decimal.
    risk = smaller(maxRisk, minRisk);
  } else if (r.stopAtr === 1 && Number.isFinite(atr) && atr > toFloat(maxRisk) && atr > toFloat(minRisk)) {
    // Likewise above both edges: larger() picks dec(atr), smaller() then maxRisk.
    risk = maxRisk;
  } else {
    // A float's decimal has at most 17 digits: times 1 (the usual rule) it is itself.
    const atrDec = dec(atr, 'atr');
    risk = smaller(maxRisk, larger(minRisk, r.stopAtr === 1 ? atrDec : atrDec.mul(r.stopAtrDec)));
  }
  const stopLoss = toward(entry, risk, s);
  const reward = risk.mul(r.rewardToRiskDec);
  const takeProfit = away(entry, reward, s);
  const last = lastAtrPlan;
  if (isUsable(risk) && isUsable(reward) && isExactSum(entry, risk) && isExactSum(entry, reward)) {
    last.entry = entry;
    last.s = s;
    last.risk = risk;
    last.stopLoss = stopLoss;
    last.reward = reward;
    last.takeProfit = takeProfit;
  } else last.entry = null;
  return { stopLoss, takeProfit };
}

/**
 * The last plan atrPlan made whose stop (entry - s x risk) and target (entry + s x reward) are
 * exact (isExactSum; risk and reward positive), with its risk and reward: validatePlan, handed
 * that plan (the rule analyst's, or its own replacement), knows |entry - stop| is the risk and
 * |target - entry| the reward, and entry - s x risk the stop, without the three subtractions.
 * The decimal objects themselves identify the plan (decimals are immutable); one slot, set or
 * cleared by every atrPlan, as the band (see RuleDecimals.bandOf).
 */
const lastAtrPlan: {
  entry: Decimal | null;
  s: number;
  risk: Decimal;
  stopLoss: Decimal;
  reward: Decimal;
  takeProfit: Decimal;
} = { entry: null, s: 0, risk: HUNDRED, stopLoss: HUNDRED, reward: HUNDRED, takeProfit: HUNDRED };

/** Is (entry, stop) on side s the stop of the last exact atrPlan (so |entry - stop| is its risk)? */
const atrStop = (entry: Decimal, stop: Decimal, s: number): boolean =>
  lastAtrPlan.entry === entry && lastAtrPlan.stopLoss === stop && lastAtrPlan.s === s;

/** |target - entry| for side s: the last exact atrPlan's reward when it is its target (see lastAtrPlan). */
const rewardOf = (target: Decimal, entry: Decimal, s: number): Decimal =>
  lastAtrPlan.entry === entry && lastAtrPlan.takeProfit === target && lastAtrPlan.s === s
    ? lastAtrPlan.reward
    : gap(target, entry, s);

/**
 * Smart entry: a reversal or dip (RSI < 35 LONG, > 65 SHORT) rests a LIMIT 0.2 ATR better than the
 * price; a breakout or momentum move goes at MARKET; a normal trend joins the best bid (LONG) or
 * ask (SHORT) with a LIMIT, or the price when no book is at hand.
 */
export function smartEntry(
  context: AnalystContext,
  direction: Direction,
  rules: ValidationRules = VALIDATION_DEFAULTS,
): { entryType: EntryType; entry: Decimal; note: string } {
  const { rsi, bollingerPosition: bb } = context;
  const p = context.price;
  const long = direction === 'LONG';
  const { dipRsiLong, dipRsiShort, dipAtr } = rules.smartEntry;
  if (rsi !== null && (long ? rsi < dipRsiLong : rsi > dipRsiShort)) {
    const offset = dec(context.atr, 'atr').mul(ruleDecimals(rules).dipAtrDec);
    return {
      entryType: 'LIMIT',
      entry: long ? p.sub(offset) : p.add(offset),
      note: `${long ? 'dip' : 'rip'}: RSI ${rsi.toFixed(1)} ${long ? `< ${dipRsiLong}` : `> ${dipRsiShort}`}, LIMIT ${dipAtr} ATR ${long ? 'below' : 'above'} price`,
    };
  }
  const breakout = bb !== null && (long ? bb >= 1 : bb <= 0);
  if (context.screen.source === 'momentum' || breakout) {
    return {
      entryType: 'MARKET',
      entry: p,
      note: breakout ? `breakout: price outside the Bollinger band, MARKET` : 'momentum: MARKET',
    };
  }
  if (context.book) {
    const side = long ? context.book.bid : context.book.ask;
    // A book that is absurdly far from the last price is stale: join the price instead.
    if (isUsable(side) && pctOf(side.sub(p).abs(), p) <= rules.maxEntryDeviationPct) {
      return { entryType: 'LIMIT', entry: side, note: `trend: LIMIT at best ${long ? 'bid' : 'ask'}` };
    }
  }
  return { entryType: 'LIMIT', entry: p, note: 'trend: LIMIT at price (no book)' };
}

/**
 * validatePlan's helpers at module level, not closures inside it: a closure is a new function per
 * call, and under tsx (what `neurotrade` runs without a build) each one also gets its name set by
 * Object.defineProperty, ~10 us per validation in a backtest profile.
 */
const reject = (fixes: string[], reason: string): ValidationResult => ({ ok: false, reason, fixes });
const round = (v: Decimal, tick: Decimal | undefined): Decimal => (tick ? roundToTick(v, tick) : v);
const roundDir = (v: Decimal, tick: Decimal | undefined, dir: 'up' | 'down'): Decimal =>
  tick ? roundToTickDirected(v, tick, dir) : v;
/**
 * |from - to| for a plan on side s, as `s x (from - to)` when that is not negative: the distance of
 * a target from its entry (from = target) or of an entry from its stop (from = entry), without the
 * copy abs() makes of a value that is already positive. Rounding half up is symmetric, so
 * `to.sub(from)` is `from.sub(to)` negated, digit for digit.
 */
function gap(from: Decimal, to: Decimal, s: number): Decimal {
  const d = s > 0 ? from.sub(to) : to.sub(from);
  return d.s === -1 ? d.abs() : d;
}
/** |target - entry| / stopDistance as a float (the plan's reward-to-risk). */
const rewardToRiskOf = (entry: Decimal, target: Decimal, stopDistance: Decimal, s: number): number =>
  quotientToFloat(rewardOf(target, entry, s), stopDistance);

/** Validate an analyst's plan against the context; fix what can be fixed, reject the rest. */
export function validatePlan(
  plan: RawPlan,
  context: AnalystContext,
  rules: ValidationRules = VALIDATION_DEFAULTS,
): ValidationResult {
  const fixes: string[] = [];
  const { direction } = plan;
  const s = sign(direction);
  const p: Decimal = context.price;
  if (!isUsable(p)) return reject(fixes, `no usable current price (${String(p)})`);
  if (!(Number.isFinite(context.atr) && context.atr > 0))
    return reject(fixes, `no usable ATR (${context.atr})`);

  let entry = plan.entry;
  let stop = plan.stopLoss;
  let target = plan.takeProfit;

  // 1. Entry: 0, missing, negative or far from the price -> the price, with an ATR-based plan.
  // The price itself (the rule analyst's entry) is 0% from the price: no subtraction to learn that.
  const deviationPct = !isUsable(entry) ? Number.NaN : entry === p ? 0 : pctOf(entry.sub(p).abs(), p);
  const entryProblem = !isUsable(entry)
    ? `entry ${entry === null ? 'missing' : fmt(entry)}`
    : deviationPct > rules.maxEntryDeviationPct
      ? `entry ${fmt(entry)} is ${deviationPct.toFixed(2)}% from price ${fmt(p)}`
      : null;
  if (entryProblem !== null) {
    entry = p;
    ({ stopLoss: stop, takeProfit: target } = atrPlan(direction, p, context.atr, rules));
    fixes.push(`${entryProblem}: replaced by the current price ${fmt(p)} with an ATR-based stop and target`);
  } else {
    entry = entry as Decimal;
    // 2. Stop: missing or non-positive -> ATR-based; on the wrong side -> the plan contradicts itself.
    if (!isUsable(stop)) {
      const was = stop === null ? 'missing' : fmt(stop);
      stop = atrPlan(direction, entry, context.atr, rules).stopLoss;
      fixes.push(`stop-loss ${was}: set ${rules.stopAtr} ATR from entry at ${fmt(stop)}`);
    } else if (!onStopSide(stop, entry, s)) {
      return reject(
        fixes,
        `stop-loss ${fmt(stop)} is on the wrong side of entry ${fmt(entry)} for ${direction}`,
      );
    }
    // 3. Target: missing -> from the reward-to-risk rule; on the wrong side -> rejected.
    if (!isUsable(target)) {
      const was = target === null ? 'missing' : fmt(target);
      target = away(entry, entry.sub(stop).abs().mul(ruleDecimals(rules).rewardToRiskDec), s);
      fixes.push(`take-profit ${was}: set at ${rules.rewardToRisk}x risk at ${fmt(target)}`);
    } else if (!onTargetSide(target, entry, s)) {
      return reject(
        fixes,
        `take-profit ${fmt(target)} is on the wrong side of entry ${fmt(entry)} for ${direction}`,
      );
    }
  }
  stop = stop as Decimal;
  target = target as Decimal;

  // 4. Smart entry; the stop and target move with the entry, keeping the analyst's distances.
  // An entry kept as it is (the same decimal) moves nothing: adding a zero delta gives stop and
  // target back, digit for digit, when they are short enough (isShortDecimal).
  const chosen = smartEntry(context, direction, rules);
  if (chosen.entry !== entry || !isShortDecimal(stop) || !isShortDecimal(target)) {
    const delta = chosen.entry.sub(entry);
    stop = stop.add(delta);
    target = target.add(delta);
  }
  entry = chosen.entry;

  // 5. Tick rounding, with the stop kept inside the band and the target capped at maxRewardToRisk.
  const tick = context.tickSize;
  entry = round(entry, tick);
  if (!isUsable(entry)) return reject(fixes, `entry ${fmt(entry)} is not a usable price after rounding`);
  const ruleDecs = ruleDecimals(rules);
  // The smallest and the largest allowed risk.
  const { bandNearest: nearest, bandFarthest: farthest } = band(ruleDecs, entry);
  // An exact ATR plan's stop is its risk from entry (see lastAtrPlan).
  const planned = atrStop(entry, stop, s);
  const riskBefore = planned ? lastAtrPlan.risk : gap(entry, stop, s);
  const risk = smaller(farthest, larger(nearest, riskBefore));
  if (compare(risk, riskBefore) !== 0) {
    fixes.push(
      `stop distance ${pctOf(riskBefore, entry).toFixed(2)}% ${compare(riskBefore, nearest) < 0 ? 'widened' : 'narrowed'} to ${pctOf(risk, entry).toFixed(2)}%`,
    );
  }
  // Nearest tick; if that leaves the band, the band's edge rounded toward its inside.
  // Rounding directions: toward the stop's side of entry, or toward the target's side.
  const stopSide = direction === 'LONG' ? 'down' : 'up';
  const targetSide = direction === 'LONG' ? 'up' : 'down';
  // The risk kept as it is, an exact ATR plan's stop is entry - s x risk already.
  stop = round(planned && risk === riskBefore ? stop : toward(entry, risk, s), tick);
  // |entry − stop| of the final stop, computed once (the checks below all start from it).
  let stopDistance = gap(entry, stop, s);
  const tooNear = compare(stopDistance, nearest) < 0;
  if (tooNear || compare(stopDistance, farthest) > 0) {
    stop = tooNear
      ? roundDir(toward(entry, nearest, s), tick, stopSide)
      : roundDir(toward(entry, farthest, s), tick, targetSide);
    stopDistance = gap(entry, stop, s);
  }
  // Is the target more than maxRewardToRisk risks away? The same answer as comparing the plan's
  // reward-to-risk, nearly always without its division (quotientExceeds).
  if (quotientExceeds(rewardOf(target, entry, s), stopDistance, rules.maxRewardToRisk)) {
    const was = fmt(target);
    target = away(entry, stopDistance.mul(ruleDecs.maxRewardToRiskDec), s);
    fixes.push(`take-profit ${was} is more than ${rules.maxRewardToRisk}x risk: capped at ${fmt(target)}`);
    target = roundDir(target, tick, stopSide);
  } else {
    // Away from entry, so rounding never costs reward.
    target = roundDir(target, tick, targetSide);
  }

  // 6. The invariants, checked on the final numbers.
  if (!isUsable(stop) || !isUsable(target)) return reject(fixes, `non-positive price after adjustment`);
  if (!onStopSide(stop, entry, s) || !onTargetSide(target, entry, s)) {
    return reject(fixes, `stop or target on the wrong side after rounding to tick ${String(tick)}`);
  }
  const stopPct = pctOf(stopDistance, entry);
  if (stopPct < rules.minStopPct - 1e-9 || stopPct > rules.maxStopPct + 1e-9) {
    return reject(
      fixes,
      `stop distance ${stopPct.toFixed(3)}% cannot be kept within ${rules.minStopPct}%..${rules.maxStopPct}% at tick ${String(tick)}`,
    );
  }
  const rewardToRisk = rewardToRiskOf(entry, target, stopDistance, s);
  if (rewardToRisk < rules.minRewardToRisk) {
    return reject(fixes, `reward-to-risk ${rewardToRisk.toFixed(2)} below ${rules.minRewardToRisk}`);
  }
  return {
    ok: true,
    plan: {
      direction,
      entryType: chosen.entryType,
      entry: entry as Price,
      stopLoss: stop as Price,
      takeProfit: target as Price,
      stopPct,
      rewardToRisk,
      fixes,
      entryNote: chosen.note,
    },
  };
}
