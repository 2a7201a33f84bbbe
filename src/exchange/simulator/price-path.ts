/**
 * Walks a price update along its path (previous last → the candle's extremes → new last) and fires
 * whatever the path crosses, nearest first: resting limits fill, conditional orders trigger,
 * isolated positions liquidate. When the update carries no separate mark, the mark follows the
 * same path and mark-price triggers interleave with contract-price ones by level; otherwise the
 * mark moves after the contract path. Cross accounts holding the symbol are checked at the end.
 *
 * Path order inside a candle: open, then low before high when the candle closed up (high before
 * low when it closed down), then close: the common OHLC convention, and the pessimistic one for
 * a stop placed on the side the candle went first. Between the previous price and a bare tick or
 * a candle's open nothing traded (a jump): a stop crossed there fills at the new price. Inside a
 * range the price traded through every level, so a stop fills at its own level.
 */
import { dec } from '../../domain/index.js';
import { triggerAlgo } from './algo.js';
import { liquidationGuardReached } from './fills.js';
import { checkCrossHolders, liquidateIsolated, runPendingChecks } from './liquidation.js';
import { fillResting } from './orders.js';
import type { Book, EngineState, Trigger } from './state.js';
import type { TriggerEntry } from './trigger-list.js';

export interface PathInput {
  /** Contract prices in path order; the last one is the new last price. */
  points: ArrayLike<number>;
  count: number;
  /**
   * True when nothing traded between the previous last price and the first point (a bare tick,
   * or a candle's open): stops crossed in that jump fill at the new price, not at their level.
   */
  firstJump: boolean;
  /** Separate mark price, or NaN for "mark follows the contract path". */
  mark: number;
  high: number;
  low: number;
  volume: number;
}

export function processPath(state: EngineState, book: Book, input: PathInput): void {
  const markFollows = Number.isNaN(input.mark);
  book.highF = input.high;
  book.lowF = input.low;
  book.volumeF = input.volume;
  const share = state.config.limitFillVolumeShare;
  book.volumeBudget =
    share !== undefined && input.volume >= 0 ? share * input.volume : Number.POSITIVE_INFINITY;
  // A book's first price, written on every call: a path of its own was first taken mid-pass (a
  // symbol listed after the backtest's start), with no type feedback, and V8 threw this
  // function's optimised code away there.
  const fresh = !book.hasPrice;
  const first = input.points[0]!;
  const mark = input.mark;
  book.lastF = fresh ? first : book.lastF;
  book.markF = fresh ? (markFollows ? first : mark) : book.markF;
  book.hasPrice = true;
  // The range the mark went through: a jump does not visit the previous mark's neighbourhood.
  const jumped = input.firstJump || !markFollows;
  let markLow = jumped ? Number.POSITIVE_INFINITY : book.markF;
  let markHigh = jumped ? Number.NEGATIVE_INFINITY : book.markF;
  if (markFollows && reachesNothing(book, input)) {
    // Most candles of an open position: the walk below would fire nothing, only move the prices.
    for (let i = 0; i < input.count; i++) {
      const p = input.points[i]!;
      if (p < markLow) markLow = p;
      if (p > markHigh) markHigh = p;
    }
    book.lastF = input.points[input.count - 1]!;
    book.markF = book.lastF;
    if (book.crossHolders.size > 0)
      checkCrossHolders(state, markLow, markHigh, book.markF, book.crossHolders);
    runPendingChecks(state);
    return;
  }
  const deferred: TriggerEntry<Trigger>[] = [];
  // Levels already at or past the current price (limits left partly filled by the previous
  // update's volume cap) fire first, whichever way this update moves.
  moveUp(state, book, book.lastF, markFollows, deferred);
  moveDown(state, book, book.lastF, markFollows, deferred);
  for (let i = 0; i < input.count; i++) {
    const p = input.points[i]!;
    const jump = i === 0 && input.firstJump;
    if (p > book.lastF) moveUp(state, book, p, markFollows, deferred, jump);
    else if (p < book.lastF) moveDown(state, book, p, markFollows, deferred, jump);
    book.lastF = p;
    if (markFollows) {
      book.markF = p;
      if (p < markLow) markLow = p;
      if (p > markHigh) markHigh = p;
    }
  }
  if (!markFollows) {
    const m = input.mark;
    if (m > book.markF) moveMark(state, book, m, 'up', deferred);
    else if (m < book.markF) moveMark(state, book, m, 'down', deferred);
    book.markF = m;
    if (m < markLow) markLow = m;
    if (m > markHigh) markHigh = m;
  }
  for (const entry of deferred) {
    const t = entry.value;
    if (t.kind !== 'limit') continue;
    const o = t.order;
    if (o.status !== 'NEW' && o.status !== 'PARTIALLY_FILLED') continue;
    o.trigger = (o.side === 'BUY' ? book.down : book.up).insert(entry.level, entry.seq, t);
  }
  if (book.crossHolders.size > 0) checkCrossHolders(state, markLow, markHigh, book.markF, book.crossHolders);
  runPendingChecks(state);
}

/**
 * Does the path (from the current price through every point; the mark following it) stay short of
 * every list's head? Then no level is crossed: moveUp and moveDown are only asked about the
 * current price and the points, and fire nothing below an up head or above a down head.
 */
function reachesNothing(book: Book, input: PathInput): boolean {
  let low = book.lastF;
  let high = book.lastF;
  for (let i = 0; i < input.count; i++) {
    const p = input.points[i]!;
    if (p < low) low = p;
    if (p > high) high = p;
  }
  return high < book.up.head && high < book.markUp.head && low > book.down.head && low > book.markDown.head;
}

function moveUp(
  state: EngineState,
  book: Book,
  to: number,
  markFollows: boolean,
  deferred: TriggerEntry<Trigger>[],
  jump = false,
): void {
  for (;;) {
    const c = book.up.head;
    const m = markFollows ? book.markUp.head : Number.POSITIVE_INFINITY;
    const fromContract = c <= m;
    if ((fromContract ? c : m) > to) return;
    const entry = (fromContract ? book.up : book.markUp).shift()!;
    const at = jump ? to : Math.max(entry.level, book.lastF);
    book.lastF = at;
    if (markFollows) book.markF = at;
    fire(state, entry, at, deferred);
  }
}

function moveDown(
  state: EngineState,
  book: Book,
  to: number,
  markFollows: boolean,
  deferred: TriggerEntry<Trigger>[],
  jump = false,
): void {
  for (;;) {
    const c = book.down.head;
    const m = markFollows ? book.markDown.head : Number.NEGATIVE_INFINITY;
    const fromContract = c >= m;
    if ((fromContract ? c : m) < to) return;
    const entry = (fromContract ? book.down : book.markDown).shift()!;
    const at = jump ? to : Math.min(entry.level, book.lastF);
    book.lastF = at;
    if (markFollows) book.markF = at;
    fire(state, entry, at, deferred);
  }
}

function moveMark(
  state: EngineState,
  book: Book,
  to: number,
  direction: 'up' | 'down',
  deferred: TriggerEntry<Trigger>[],
): void {
  const list = direction === 'up' ? book.markUp : book.markDown;
  while (direction === 'up' ? list.head <= to : list.head >= to) {
    const entry = list.shift()!;
    // A separate mark arrives as one new value: whatever it crossed, it crossed by jumping there.
    const at = to;
    book.markF = at;
    fire(state, entry, at, deferred);
  }
}

function fire(
  state: EngineState,
  entry: TriggerEntry<Trigger>,
  at: number,
  deferred: TriggerEntry<Trigger>[],
): void {
  const t = entry.value;
  switch (t.kind) {
    case 'limit':
      t.order.trigger = null;
      if (fillResting(state, t.order)) deferred.push(entry);
      return;
    case 'algo':
      triggerAlgo(state, t.algo);
      return;
    case 'liq': {
      const pos = t.position;
      pos.liqTrigger = null;
      // Passing through: liquidate at the exact level; gapping past it: at the gap price.
      let price = t.price;
      if (at !== entry.level) {
        const crossed = dec(at);
        if (pos.amt.gt(0) ? crossed.lt(price) : crossed.gt(price)) price = crossed;
      }
      liquidateIsolated(state, pos, price);
      return;
    }
    case 'liq-guard':
      // Next in the list now, if the path goes on to it: the level itself.
      liquidationGuardReached(t.position, entry.seq);
      return;
  }
}
