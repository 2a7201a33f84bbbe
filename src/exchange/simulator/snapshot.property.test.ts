/**
 * Property: after any sequence of deposits, withdrawals, orders of every kind, cancels, leverage and
 * margin-mode changes, price ticks, ranges, candles, separate mark moves and funding, exporting every
 * account (through JSON text) and importing them into a fresh simulator gives a simulator that
 * cannot be told apart from the original: on the same subsequent commands and price path both
 * answer the same (results and rejections), emit the same events, and hold the same balances,
 * positions, open orders, history and snapshots. With a limited history (as paper trading saves
 * accounts) everything but the left-out closed orders and fills is the same.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock, DomainError } from '../../domain/index.js';
import { createTestSimulator, TEST_SYMBOLS } from './fixtures.js';
import { ACCOUNTS, command, opArb, restingArb, SYMBOLS } from './property-ops.js';
import { Simulator, type SimulatorOptions } from './simulator.js';
import { noSlippage, rangeVolumeSlippage } from './slippage.js';
import type { EngineState } from './state.js';
import type { SimEvent } from './types.js';

/** Result or rejection, as comparable text. */
function outcome(run: () => unknown): string {
  try {
    return `ok ${JSON.stringify(run() ?? null)}`;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    return `error ${err.code} ${err.message} ${JSON.stringify(err.details ?? {})}`;
  }
}

/**
 * Everything observable about every account, as JSON (decimals through their canonical strings);
 * with `withHistory` false, what a limited history leaves out (closed orders, old fills) is not asked.
 */
function observe(sim: Simulator, withHistory: boolean): unknown {
  return JSON.parse(
    JSON.stringify(
      ACCOUNTS.map((a) => ({
        summary: sim.accountSummary(a),
        ledger: sim.ledger(a),
        positions: sim.positionRisk(a),
        config: sim.symbolConfig(a),
        openOrders: sim.openOrders(a),
        openAlgoOrders: sim.openAlgoOrders(a),
        ...(withHistory
          ? {
              orders: SYMBOLS.map((s) => sim.allOrders(a, s)),
              algoOrders: sim.allAlgoOrders(a),
              trades: sim.trades(a),
              snapshot: sim.exportAccount(a),
            }
          : {}),
      })),
    ),
  );
}

function freshCopy(
  original: Simulator,
  options: Partial<SimulatorOptions>,
  historyLimit: number | undefined,
): Simulator {
  const copy = new Simulator({ ...options, symbols: TEST_SYMBOLS, clock: createManualClock(original.now()) });
  for (const a of ACCOUNTS) {
    // Through JSON text, as the store keeps it.
    const saved = JSON.parse(JSON.stringify(original.exportAccount(a, { historyLimit }))) as unknown;
    copy.importAccount(saved);
  }
  return copy;
}

describe('account snapshot round trip (property)', () => {
  it('a restored simulator behaves exactly like the original on the same commands and prices', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 5, maxLength: 50 }),
        fc.array(restingArb, { maxLength: 8 }),
        fc.array(opArb, { minLength: 5, maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        // Paper trading keeps only the recent closed orders: the account must behave the same.
        fc.option(fc.integer({ min: 0, max: 6 }), { freq: 3, nil: undefined }),
        (before, resting, after, slippage, volumeCap, cross, historyLimit) => {
          const options: Partial<SimulatorOptions> = {
            funding: { rate: 0.0004 },
            // Jitter-free: the slippage generator is the simulator's, not an account's.
            slippage: slippage ? rangeVolumeSlippage({ rangeShare: 0.2 }) : noSlippage,
            limitFillVolumeShare: volumeCap ? 0.05 : undefined,
          };
          const { sim: original, clock } = createTestSimulator({ deposit: 2_000, ...options });
          original.createAccount('b', { deposit: 1_000 });
          if (cross) {
            original.setMarginType('a', 'DOGEUSDT', 'CROSSED');
            original.setMarginType('b', 'BTCUSDT', 'CROSSED');
          }
          const time = { now: clock.now() };
          const seq = { n: 0 };
          for (const op of [...before, ...resting]) outcome(() => command(original, op, time, seq)(original));

          const copy = freshCopy(original, options, historyLimit);
          // The restored account knows its open cross positions (availableBalance reads them).
          for (const a of ACCOUNTS) {
            const record = (copy as unknown as { state: EngineState }).state.accounts.get(a)!;
            const openCross = [...record.positions.values()].filter(
              (p) => p.marginType === 'CROSSED' && !p.amt.isZero(),
            );
            expect(record.crossPositions).toEqual(new Set(openCross));
          }
          expect(ACCOUNTS.map((a) => copy.exportAccount(a, { historyLimit }))).toEqual(
            ACCOUNTS.map((a) => original.exportAccount(a, { historyLimit })),
          );
          const seen: [SimEvent[], SimEvent[]] = [[], []];
          original.subscribe((e) => seen[0].push(e));
          copy.subscribe((e) => seen[1].push(e));
          // The copy has no prices yet: both get the market as it stands, then the same path.
          for (const s of SYMBOLS) {
            const m = original.marketState(s);
            const update = { last: m.lastPrice.toNumber(), mark: m.markPrice.toNumber(), time: time.now };
            original.onPrice(s, update);
            copy.onPrice(s, update);
          }
          for (const op of after) {
            const run = command(original, op, time, seq);
            expect(outcome(() => run(copy))).toBe(outcome(() => run(original)));
          }
          expect(JSON.stringify(seen[1])).toBe(JSON.stringify(seen[0]));
          expect(observe(copy, historyLimit === undefined)).toEqual(
            observe(original, historyLimit === undefined),
          );
        },
      ),
      { numRuns: 300, seed: 20_260_301 },
    );
  });
});
