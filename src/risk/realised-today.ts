/**
 * Today's realised PnL (realised PnL less fees, fill by fill) kept for the daily loss limit by a
 * caller that sees every fill (the backtest's direct executor). The exact sum is a decimal, made
 * only when asked: while a float guard shows the day's loss is under the limit, the gate's answer
 * is known without it. A backtest checks the limit at every entry and adds at every fill; the limit
 * (1e15 unless set) is nearly always far away.
 *
 * Guard (lossReaches): every term t (a fee, or a realised PnL negated) enters as its double f =
 * toFloat(t), |f - t| <= 2^-53 |t| (plus 2^-1075 if it underflows), n terms summed in doubles into
 * S (two roundings a fill) with |S - sum f| <= n 2^-53 sum|f|, and sum|f| into M (at least
 * (1 - n 2^-53) sum|f|). So |S - loss| <= (n + 2) 2^-53 sum|f| + n 2^-1075, where loss is the
 * decimal sum (40 significant digits an operation: ~1e-39 relative more). The slack (n + 4) 2^-51
 * M is four times the relative part and also covers the rounding of S + 2 slack; the absolute
 * part stays under the gap between the limit and the double under it that is compared (2^-52 of a
 * limit of at least 2^-1000: the guard takes no smaller limit, nor more than 2^20 terms a day).
 * The loss is surely under the limit when S + 2 slack is under that double; otherwise the
 * decimals decide. A property test fails with no slack.
 */
import type { Decimal } from 'decimal.js';
import { add, toFloat, ZERO } from '../domain/index.js';

export interface RealisedToday {
  /** A fill of today: its realised PnL and its fee. */
  add(realizedPnl: Decimal, fee: Decimal): void;
  /** A new day: nothing realised yet. */
  reset(): void;
  /** The exact sum, as `sum = add(sum, realizedPnl).minus(fee)` fill by fill from zero gives it. */
  value(): Decimal;
  /** value().negated().gte(limit): has today's realised loss reached the limit? */
  lossReaches(limit: Decimal): boolean;
}

/** `slackUlps` scales the guard's slack (tests only: 0 shows the slack is needed). */
export function createRealisedToday(slackUlps = 1): RealisedToday {
  let exact: Decimal = ZERO;
  /** Fills not yet in `exact`: realised PnL and fee in turn. */
  let pending: Decimal[] = [];
  let lossF = 0;
  let magnitudeF = 0;
  let terms = 0;
  /** The limit of the last guard and a double at or below it (NaN: no guard for it). */
  let limitOf: Decimal | null = null;
  let limitBelow = Number.NaN;

  function fold(): Decimal {
    for (let i = 0; i < pending.length; i += 2) exact = add(exact, pending[i]!).minus(pending[i + 1]!);
    pending = [];
    return exact;
  }

  return {
    add(realizedPnl, fee) {
      pending.push(realizedPnl, fee);
      const pnl = toFloat(realizedPnl);
      const f = toFloat(fee);
      lossF += f - pnl;
      magnitudeF += Math.abs(f) + Math.abs(pnl);
      terms += 2;
    },
    reset() {
      exact = ZERO;
      pending = [];
      lossF = 0;
      magnitudeF = 0;
      terms = 0;
    },
    value: fold,
    lossReaches(limit) {
      if (limit !== limitOf) {
        const f = toFloat(limit);
        // Finite limits of at least 2^-1000 only; below it by 2^-51 relative (toFloat is within 2^-53).
        limitBelow =
          f >= 2 ** -1000 && f < Number.POSITIVE_INFINITY ? f * (1 - 2 ** -51 * slackUlps) : Number.NaN;
        limitOf = limit;
      }
      const slack = (terms + 4) * 2 ** -51 * magnitudeF * slackUlps;
      // Not NaN, finite (a non-finite term leaves NaN or an infinity: the decimals decide).
      if (lossF + 2 * slack < limitBelow && magnitudeF < Number.POSITIVE_INFINITY && terms <= 2 ** 20)
        return false;
      return fold().negated().gte(limit);
    },
  };
}
