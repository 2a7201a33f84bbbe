import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock, type Dec, dec, type MarketSymbol } from '../domain/index.js';
import { noSlippage, Simulator, TEST_SYMBOLS } from '../exchange/index.js';
import { createTradeLedger } from './ledger.js';

const BTC = 'BTCUSDT' as MarketSymbol;

describe('trade ledger', () => {
  it("reports a trade's entry and exit prices as the averages of its fills, one fill a side or several", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 2, max: 50 }), fc.integer({ min: 900_000, max: 1_100_000 })), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(fc.integer({ min: 900_000, max: 1_100_000 }), { minLength: 1, maxLength: 3 }),
        (entries, exitPrices) => {
          const clock = createManualClock(Date.UTC(2026, 0, 5));
          const sim = new Simulator({ clock, symbols: TEST_SYMBOLS, slippage: noSlippage });
          sim.createAccount('u', { deposit: 1e9 });
          // At 1x the position cannot be liquidated on the way.
          sim.setLeverage('u', BTC, 1);
          const exchange = sim.account('u');
          const ledger = createTradeLedger(exchange, 1e9);
          let qty: Dec = dec(0);
          let value: Dec = dec(0);
          for (const [thousandths, tenths] of entries) {
            sim.onPrice(BTC, { last: tenths / 10 });
            const q = dec(thousandths).div(1000);
            sim.placeOrder('u', { symbol: BTC, side: 'BUY', type: 'MARKET', quantity: q });
            qty = qty.plus(q);
            value = value.plus(q.mul(dec(tenths).div(10)));
          }
          // The exit in parts: all but the last part a thousandth each, the last one the rest.
          let left = qty;
          let exitValue: Dec = dec(0);
          exitPrices.forEach((tenths, i) => {
            const q = i === exitPrices.length - 1 ? left : dec('0.001');
            if (q.lte(0)) return;
            sim.onPrice(BTC, { last: tenths / 10 });
            sim.placeOrder('u', { symbol: BTC, side: 'SELL', type: 'MARKET', quantity: q, reduceOnly: true });
            left = left.minus(q);
            exitValue = exitValue.plus(q.mul(dec(tenths).div(10)));
          });
          const [trade] = ledger.take();
          expect(trade!.entryPrice).toBe(value.div(qty).toNumber());
          expect(trade!.exitPrice).toBe(exitValue.div(qty).toNumber());
          expect(trade!.qty).toBe(qty.toNumber());
          ledger.close();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('names the exit from the conditional order that closed the trade: stop, target, else market', () => {
    const clock = createManualClock(Date.UTC(2026, 0, 5));
    const sim = new Simulator({ clock, symbols: TEST_SYMBOLS, slippage: noSlippage });
    sim.createAccount('u', { deposit: 100_000 });
    const ledger = createTradeLedger(sim.account('u'), 100_000);
    const trade = (exitAt: number, protect: boolean) => {
      sim.onPrice(BTC, { last: 100_000 });
      sim.placeOrder('u', { symbol: BTC, side: 'BUY', type: 'MARKET', quantity: dec('0.01') });
      if (protect) {
        for (const [type, trigger] of [
          ['STOP_MARKET', '99000'],
          ['TAKE_PROFIT_MARKET', '102000'],
        ] as const)
          sim.placeAlgoOrder('u', {
            symbol: BTC,
            side: 'SELL',
            type,
            triggerPrice: dec(trigger),
            closePosition: true,
          });
      }
      sim.onPrice(BTC, { last: exitAt });
      if (!protect) sim.placeOrder('u', { symbol: BTC, side: 'SELL', type: 'MARKET', quantity: dec('0.01') });
    };
    trade(98_000, true);
    trade(103_000, true);
    trade(100_500, false);
    trade(103_000, true);
    expect(ledger.take().map((t) => t.reason)).toEqual(['stop', 'target', 'market', 'target']);
    ledger.close();
  });

  it('keeps the wallet of the latest balance, however many fills came before it is read', () => {
    const clock = createManualClock(Date.UTC(2026, 0, 5));
    // A fee rate of nine decimals: fees, and so the wallet, of twelve.
    const sim = new Simulator({
      clock,
      symbols: TEST_SYMBOLS,
      slippage: noSlippage,
      takerFeeRate: '0.000456789',
    });
    sim.createAccount('u', { deposit: 10_000 });
    const ledger = createTradeLedger(sim.account('u'), 10_000);
    expect(ledger.wallet).toBe(10_000);
    sim.onPrice(BTC, { last: 100_000.1 });
    for (const side of ['BUY', 'SELL', 'SELL', 'BUY'] as const)
      sim.placeOrder('u', { symbol: BTC, side, type: 'MARKET', quantity: dec('0.013') });
    // A wallet of more digits than a double's 15, read once after four fills.
    const wallet = sim.accountSummary('u').walletBalance;
    expect(wallet.d!.length).toBeGreaterThan(2);
    expect(ledger.equity(() => Number.NaN)).toBe(wallet.toNumber());
    expect(ledger.wallet).toBe(wallet.toNumber());
    ledger.close();
  });
});
