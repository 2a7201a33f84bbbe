/**
 * Property: over any sequence of deposits and withdrawals, orders of every kind, cancels, leverage and margin-mode
 * changes, price ticks, ranges, candles, separate mark moves and funding, for every account:
 *   walletBalance = deposits + realised PnL − fees − funding         (ledger, and rebuilt from events)
 *   marginBalance (equity) = walletBalance + Σ amt × (mark − entry)   (rebuilt from positionRisk)
 *   each position = Σ signed fills of its symbol                      (rebuilt from trades)
 * and nothing is left inconsistent: no position is past its liquidation point at rest, isolated
 * wallets are never negative, a flat account's wallet is never negative, open orders are open.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dec, DomainError, ZERO } from '../../domain/index.js';
import { createTestSimulator } from './fixtures.js';
import { maintenanceMargin } from './margin.js';
import { ACCOUNTS, command, type Op, opArb, SYMBOLS } from './property-ops.js';
import type { Simulator } from './simulator.js';
import { rangeVolumeSlippage } from './slippage.js';
import type { EngineState } from './state.js';
import type { SimEvent } from './types.js';

/** One random operation on the simulator itself (its prices are the reference). */
const apply = (sim: Simulator, op: Op, time: { now: number }, seq: { n: number }) =>
  command(sim, op, time, seq)(sim);

interface Rebuilt {
  deposits: Dec;
  realized: Dec;
  fees: Dec;
  funding: Dec;
}

function rebuild(events: readonly SimEvent[], account: string): Rebuilt {
  const r: Rebuilt = { deposits: ZERO, realized: ZERO, fees: ZERO, funding: ZERO };
  for (const e of events) {
    if (e.accountId !== account) continue;
    if (
      e.type === 'ORDER_TRADE_UPDATE' &&
      (e.executionType === 'TRADE' || e.executionType === 'CALCULATED')
    ) {
      r.realized = r.realized.plus(e.realizedProfit);
      r.fees = r.fees.plus(e.commission);
    }
    if (e.type === 'ACCOUNT_UPDATE') {
      const change = e.balances[0]!.balanceChange;
      if (e.reason === 'DEPOSIT' || e.reason === 'WITHDRAW') r.deposits = r.deposits.plus(change);
      if (e.reason === 'FUNDING_FEE') r.funding = r.funding.minus(change);
    }
  }
  return r;
}

function checkInvariants(sim: Simulator, events: readonly SimEvent[]): void {
  for (const account of ACCOUNTS) {
    // The account's open cross positions, kept as positions change (availableBalance reads it).
    const record = (sim as unknown as { state: EngineState }).state.accounts.get(account)!;
    const openCross = [...record.positions.values()].filter(
      (p) => p.marginType === 'CROSSED' && !p.amt.isZero(),
    );
    expect(record.crossPositions).toEqual(new Set(openCross));
    // Only open cross positions carry cross figures (what refreshCrossAggregates' shortcut for
    // accounts without any relies on).
    for (const p of record.positions.values())
      if (!record.crossPositions.has(p)) expect([p.upnlF, p.mmF]).toEqual([0, 0]);
    if (record.crossPositions.size === 0) expect([record.crossUpnlF, record.crossMmF]).toEqual([0, 0]);
    const s = sim.accountSummary(account);
    const l = sim.ledger(account);
    const wallet = s.walletBalance;
    expect(wallet.eq(l.deposits.plus(l.realizedPnl).minus(l.fees).minus(l.funding))).toBe(true);
    const r = rebuild(events, account);
    // The fixture funds account a before the event capture starts.
    expect(r.deposits.plus(account === 'a' ? 2_000 : 0).eq(l.deposits)).toBe(true);
    expect(r.realized.eq(l.realizedPnl)).toBe(true);
    expect(r.fees.eq(l.fees)).toBe(true);
    expect(r.funding.eq(l.funding)).toBe(true);
    const lastUpdate = [...events]
      .reverse()
      .find((e) => e.type === 'ACCOUNT_UPDATE' && e.accountId === account);
    if (lastUpdate?.type === 'ACCOUNT_UPDATE')
      expect(lastUpdate.balances[0]!.walletBalance.eq(wallet)).toBe(true);

    const positions = sim.positionRisk(account);
    let upnl = ZERO;
    let crossBalance = s.crossWalletBalance;
    let crossMaint = ZERO;
    let isolatedSum = ZERO;
    for (const p of positions) {
      const spec = sim.symbol(p.symbol);
      expect(p.positionAmt.isZero()).toBe(false);
      expect(p.positionAmt.mod(spec.stepSize).isZero()).toBe(true);
      expect(p.entryPrice.gt(0)).toBe(true);
      const u = p.positionAmt.mul(p.markPrice.minus(p.entryPrice));
      upnl = upnl.plus(u);
      const mm = maintenanceMargin(spec.brackets, p.positionAmt.abs().mul(p.markPrice));
      // From the trades: the position is the sum of its signed fills.
      const net = sim
        .trades(account, p.symbol)
        .reduce((acc, t) => (t.side === 'BUY' ? acc.plus(t.qty) : acc.minus(t.qty)), ZERO);
      expect(net.eq(p.positionAmt)).toBe(true);
      if (p.marginType === 'ISOLATED') {
        expect(p.isolatedWallet.gte(0)).toBe(true);
        isolatedSum = isolatedSum.plus(p.isolatedWallet);
        // At rest no isolated position is past its liquidation point.
        expect(p.isolatedWallet.plus(u).gt(mm)).toBe(true);
      } else {
        expect(p.isolatedWallet.isZero()).toBe(true);
        crossBalance = crossBalance.plus(u);
        crossMaint = crossMaint.plus(mm);
      }
    }
    if (positions.some((p) => p.marginType === 'CROSSED')) expect(crossBalance.gt(crossMaint)).toBe(true);
    expect(s.crossWalletBalance.eq(wallet.minus(isolatedSum))).toBe(true);
    expect(s.marginBalance.minus(wallet.plus(upnl)).abs().lte('1e-11')).toBe(true);
    if (positions.length === 0) expect(wallet.gte(0)).toBe(true);
    for (const symbol of SYMBOLS) {
      const flat = !positions.some((p) => p.symbol === symbol);
      for (const o of sim.openOrders(account, symbol)) {
        expect(['NEW', 'PARTIALLY_FILLED']).toContain(o.status);
        expect(o.executedQty.lt(o.origQty)).toBe(true);
        if (o.reduceOnly) expect(flat).toBe(false);
      }
      for (const a of sim.openAlgoOrders(account, symbol)) expect(a.algoStatus).toBe('NEW');
    }
  }
}

describe('accounting invariant (property)', () => {
  it('holds over random order and price sequences, with margin and positions consistent', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 10, maxLength: 60 }),
        fc.boolean(),
        fc.boolean(),
        (ops, slippage, volumeCap) => {
          const { sim, clock, events } = createTestSimulator({
            deposit: 2_000,
            funding: { rate: 0.0004 },
            slippage: slippage ? rangeVolumeSlippage({ rangeShare: 0.2, jitter: 0.5 }) : undefined,
            limitFillVolumeShare: volumeCap ? 0.05 : undefined,
          });
          sim.createAccount('b', { deposit: 1_000 });
          const time = { now: clock.now() };
          const seq = { n: 0 };
          for (const op of ops) {
            try {
              apply(sim, op, time, seq);
            } catch (err) {
              // Rejections are part of the game; anything else is a bug.
              if (!(err instanceof DomainError)) throw err;
            }
            checkInvariants(sim, events);
          }
        },
      ),
      { numRuns: 120, seed: 20_260_105 },
    );
  });
});
