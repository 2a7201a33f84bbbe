/**
 * The float pre-checks that let an order skip exact decimal checks (openingFits for the margin of
 * an immediate opening order, clearsMinNotional for a market order's notional) may only say yes
 * when the decimal checks pass: tried against the decimal formulas at and around the boundary,
 * where a pre-check that trusted its floats too much would be caught.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Dec, dec, ZERO } from '../../domain/index.js';
import { openingFits } from './account-math.js';
import { ALT_BRACKETS, maxNotionalFor, simSymbol } from './spec.js';
import { type Account, type Book, newAccount, newBook, newPosition, type Position } from './state.js';
import { clearsMinNotional } from './validate.js';

const SPEC = simSymbol({ symbol: 'ALTUSDT', tickSize: '0.0001', stepSize: '0.1', minNotional: '5' });

/** The symbol's book with a price (every price field at the mark). */
function book(markF: number): Book {
  const b = newBook(SPEC, 1);
  b.hasPrice = true;
  b.lastF = markF;
  b.markF = markF;
  b.highF = markF;
  b.lowF = markF;
  return b;
}

const flat = (account: Account, b: Book, leverage: number): Position =>
  newPosition(account, b, leverage, 'ISOLATED');

/** checkOrderMargin's decimal cost of an immediate order opening from flat. */
function exactCost(qty: Dec, price: Dec, mark: Dec, side: 'BUY' | 'SELL', leverage: number, rate: Dec): Dec {
  const openLoss = side === 'BUY' ? price.minus(mark) : mark.minus(price);
  return qty
    .mul(price)
    .div(leverage)
    .plus(qty.mul(openLoss.gt(0) ? openLoss : ZERO))
    .plus(qty.mul(price).mul(rate));
}

const scaled = (n: number, places: number) => dec(n).div(10 ** places);

describe('openingFits', () => {
  it('says yes only when the decimal margin and notional checks pass, at and around the boundary', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 10 ** 8 }),
        fc.integer({ min: 0, max: 8 }),
        fc.double({ min: -0.05, max: 0.05, noNaN: true }),
        fc.integer({ min: 1, max: 75 }),
        fc.constantFrom('0.0005', '0.0004', '0', '0.00045'),
        fc.boolean(),
        fc.constantFrom(-1e-6, -1e-12, -1e-15, -1e-30, 0, 1e-30, 1e-15, 1e-13, 1e-12, 1e-9, 1e-3, 1),
        (q, qp, p, pp, markMove, leverage, rateText, buy, slack) => {
          const qty = scaled(q, qp);
          const price = scaled(p, pp);
          const markF = price.toNumber() * (1 + markMove);
          const mark = dec(markF);
          const rate = dec(rateText);
          const side = buy ? 'BUY' : 'SELL';
          const cost = exactCost(qty, price, mark, side, leverage, rate);
          const wallet = cost.plus(cost.mul(slack));
          const withinCap = !qty.mul(price).gt(maxNotionalFor(ALT_BRACKETS, leverage));
          const fitsWith = (balance: Dec): boolean => {
            const account = newAccount('a', {
              wallet: balance,
              ledger: { deposits: balance, realizedPnl: ZERO, fees: ZERO, funding: ZERO },
              makerRate: rate,
              takerRate: rate,
            });
            const position = flat(account, book(markF), leverage);
            const yes = openingFits(account, position, { side, qty, price });
            if (yes) {
              expect(cost.gt(balance), `${qty} @ ${price} mark ${mark} ${leverage}x`).toBe(false);
              expect(withinCap).toBe(true);
            }
            return yes;
          };
          const fits = fitsWith(wallet);
          // A wallet as the engine keeps it (12 decimals: up to three words, read by nearFloat).
          fitsWith(wallet.toDecimalPlaces(12, Dec.ROUND_HALF_EVEN));
          fitsWith(wallet.toDecimalPlaces(12, Dec.ROUND_UP));
          // Room to spare: the floats must see it (or the shortcut is of no use).
          if (
            slack >= 1e-9 &&
            withinCap &&
            qty.mul(price).lt(maxNotionalFor(ALT_BRACKETS, leverage).mul(0.99))
          )
            expect(fits).toBe(true);
        },
      ),
      { numRuns: 30_000 },
    );
  });
});

describe('clearsMinNotional', () => {
  it('says yes only when qty x the decimal of the price is at least the minimum', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom(-1e-9, -1e-15, -(2 ** -52), 0, 2 ** -52, 1e-15, 1e-12, 1e-9, 1e-3, 1),
        (q, qp, slack) => {
          const qty = scaled(q, qp);
          // A price whose notional lands at the minimum, nudged by the slack.
          const price = (5 / qty.toNumber()) * (1 + slack);
          const clears = clearsMinNotional(SPEC, qty, price);
          const exactlyBelow = qty.mul(dec(price)).lt(SPEC.minNotional);
          if (clears) expect(exactlyBelow, `${qty} @ ${price}`).toBe(false);
          if (slack >= 1e-9) expect(clears).toBe(true);
        },
      ),
      { numRuns: 30_000 },
    );
  });
});
