/**
 * Property: over any sequence of deposits, orders of every kind, cancels, leverage and margin-mode
 * changes, price ticks, ranges, candles, separate mark moves and funding, for every account:
 *   walletBalance = deposits + realised PnL − fees − funding         (ledger, and rebuilt from events)
 *   marginBalance (equity) = walletBalance + Σ amt × (mark − entry)   (rebuilt from positionRisk)
 *   each position = Σ signed fills of its symbol                      (rebuilt from trades)
 * and nothing is left inconsistent: no position is past its liquidation point at rest, isolated
 * wallets are never negative, a flat account's wallet is never negative, open orders are open.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Dec, DomainError, HOUR_MS, ZERO } from '../../domain/index.js';
import { createTestSimulator, d } from './fixtures.js';
import { maintenanceMargin } from './margin.js';
import type { Simulator } from './simulator.js';
import { rangeVolumeSlippage } from './slippage.js';
import type { SimEvent } from './types.js';

const SYMBOLS = ['BTCUSDT', 'DOGEUSDT'] as const;
const ACCOUNTS = ['a', 'b'] as const;
const TICK = { BTCUSDT: 0.1, DOGEUSDT: 0.00001 } as const;
// One "step" of size: 0.001 BTC (100 USDT) and 25 DOGE (5 USDT), so sizes clear the notional floor.
const STEP = { BTCUSDT: '0.001', DOGEUSDT: '25' } as const;

type Op =
  | { kind: 'deposit'; account: number; amount: number }
  | { kind: 'market'; account: number; symbol: number; buy: boolean; steps: number; reduceOnly: boolean }
  | {
      kind: 'limit';
      account: number;
      symbol: number;
      buy: boolean;
      steps: number;
      offsetPct: number;
      tif: 0 | 1 | 2;
      reduceOnly: boolean;
    }
  | {
      kind: 'stop';
      account: number;
      symbol: number;
      buy: boolean;
      takeProfit: boolean;
      offsetPct: number;
      mode: 0 | 1 | 2;
      steps: number;
      mark: boolean;
    }
  | { kind: 'cancelAll'; account: number; symbol: number }
  | { kind: 'leverage'; account: number; symbol: number; leverage: number }
  | { kind: 'marginType'; account: number; symbol: number; cross: boolean }
  | { kind: 'tick'; symbol: number; pct: number }
  | { kind: 'range'; symbol: number; pct: number; upPct: number; downPct: number; volume: number }
  | { kind: 'candle'; symbol: number; openPct: number; closePct: number; upPct: number; downPct: number }
  | { kind: 'mark'; symbol: number; pct: number; markPct: number }
  | { kind: 'time'; hours: number };

const idx = (n: number) => fc.integer({ min: 0, max: n - 1 });
const pct = (max: number) => fc.double({ min: -max, max, noNaN: true });

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  w(
    1,
    fc.record({
      kind: fc.constant('deposit' as const),
      account: idx(2),
      amount: fc.integer({ min: 1, max: 5_000 }),
    }),
  ),
  w(
    5,
    fc.record({
      kind: fc.constant('market' as const),
      account: idx(2),
      symbol: idx(2),
      buy: fc.boolean(),
      steps: fc.integer({ min: 1, max: 40 }),
      reduceOnly: fc.boolean(),
    }),
  ),
  w(
    4,
    fc.record({
      kind: fc.constant('limit' as const),
      account: idx(2),
      symbol: idx(2),
      buy: fc.boolean(),
      steps: fc.integer({ min: 1, max: 40 }),
      offsetPct: pct(4),
      tif: fc.constantFrom(0 as const, 0 as const, 1 as const, 2 as const),
      reduceOnly: fc.boolean(),
    }),
  ),
  w(
    4,
    fc.record({
      kind: fc.constant('stop' as const),
      account: idx(2),
      symbol: idx(2),
      buy: fc.boolean(),
      takeProfit: fc.boolean(),
      // Mostly on the side that does not trigger at once; sometimes the wrong side (-2021).
      offsetPct: fc.oneof(
        { weight: 5, arbitrary: fc.double({ min: 0.1, max: 2.5, noNaN: true }) },
        { weight: 1, arbitrary: fc.double({ min: -2, max: 0, noNaN: true }) },
      ),
      mode: fc.constantFrom(0 as const, 1 as const, 2 as const),
      steps: fc.integer({ min: 1, max: 40 }),
      mark: fc.boolean(),
    }),
  ),
  w(1, fc.record({ kind: fc.constant('cancelAll' as const), account: idx(2), symbol: idx(2) })),
  w(
    1,
    fc.record({
      kind: fc.constant('leverage' as const),
      account: idx(2),
      symbol: idx(2),
      leverage: fc.constantFrom(1, 2, 5, 10, 20, 50, 75, 100, 125),
    }),
  ),
  w(
    1,
    fc.record({
      kind: fc.constant('marginType' as const),
      account: idx(2),
      symbol: idx(2),
      cross: fc.boolean(),
    }),
  ),
  w(4, fc.record({ kind: fc.constant('tick' as const), symbol: idx(2), pct: pct(8) })),
  w(
    3,
    fc.record({
      kind: fc.constant('range' as const),
      symbol: idx(2),
      pct: pct(5),
      upPct: fc.double({ min: 0, max: 5, noNaN: true }),
      downPct: fc.double({ min: 0, max: 5, noNaN: true }),
      volume: fc.double({ min: 0, max: 50, noNaN: true }),
    }),
  ),
  w(
    3,
    fc.record({
      kind: fc.constant('candle' as const),
      symbol: idx(2),
      openPct: pct(3),
      closePct: pct(5),
      upPct: fc.double({ min: 0, max: 5, noNaN: true }),
      downPct: fc.double({ min: 0, max: 5, noNaN: true }),
    }),
  ),
  w(2, fc.record({ kind: fc.constant('mark' as const), symbol: idx(2), pct: pct(3), markPct: pct(3) })),
  w(1, fc.record({ kind: fc.constant('time' as const), hours: fc.integer({ min: 1, max: 20 }) })),
);

const onTick = (symbol: (typeof SYMBOLS)[number], x: number) => {
  const t = TICK[symbol];
  return Math.max(t, Math.round(x / t) * t);
};
const priceStr = (symbol: (typeof SYMBOLS)[number], x: number) =>
  onTick(symbol, x).toFixed(symbol === 'BTCUSDT' ? 1 : 5);

function apply(sim: Simulator, op: Op, time: { now: number }, seq: { n: number }): void {
  const account = 'account' in op ? ACCOUNTS[op.account]! : 'a';
  const symbol = 'symbol' in op ? SYMBOLS[op.symbol]! : 'BTCUSDT';
  const last = sim.marketState(symbol).lastPrice.toNumber();
  const qty = (steps: number) => d(STEP[symbol]).mul(steps);
  const move = (p: number) => onTick(symbol, last * (1 + p / 100));
  const id = () => `o${++seq.n}`;
  switch (op.kind) {
    case 'deposit':
      sim.deposit(account, op.amount);
      return;
    case 'market':
      sim.placeOrder(account, {
        symbol,
        side: op.buy ? 'BUY' : 'SELL',
        type: 'MARKET',
        quantity: qty(op.steps),
        reduceOnly: op.reduceOnly,
        newClientOrderId: id(),
      });
      return;
    case 'limit':
      sim.placeOrder(account, {
        symbol,
        side: op.buy ? 'BUY' : 'SELL',
        type: 'LIMIT',
        timeInForce: (['GTC', 'IOC', 'GTX'] as const)[op.tif],
        price: d(priceStr(symbol, last * (1 + op.offsetPct / 100))),
        quantity: qty(op.steps),
        reduceOnly: op.reduceOnly,
        newClientOrderId: id(),
      });
      return;
    case 'stop': {
      // A positive offset is the side that waits: above for BUY stops / SELL take-profits.
      const waitsAbove = op.takeProfit ? !op.buy : op.buy;
      const trigger = last * (1 + ((waitsAbove ? 1 : -1) * op.offsetPct) / 100);
      sim.placeAlgoOrder(account, {
        symbol,
        side: op.buy ? 'BUY' : 'SELL',
        type: op.takeProfit ? 'TAKE_PROFIT_MARKET' : 'STOP_MARKET',
        triggerPrice: d(priceStr(symbol, trigger)),
        closePosition: op.mode === 0,
        reduceOnly: op.mode === 1,
        quantity: op.mode === 0 ? undefined : qty(op.steps),
        workingType: op.mark ? 'MARK_PRICE' : 'CONTRACT_PRICE',
        clientAlgoId: id(),
      });
      return;
    }
    case 'cancelAll':
      sim.cancelAllOpenOrders(account, symbol);
      sim.cancelAllAlgoOpenOrders(account, symbol);
      return;
    case 'leverage':
      sim.setLeverage(account, symbol, Math.min(op.leverage, sim.symbol(symbol).maxLeverage));
      return;
    case 'marginType':
      sim.setMarginType(account, symbol, op.cross ? 'CROSSED' : 'ISOLATED');
      return;
    case 'tick':
      sim.onPrice(symbol, { last: move(op.pct), time: ++time.now });
      return;
    case 'range': {
      const close = move(op.pct);
      const high = Math.max(close, last) * (1 + op.upPct / 100);
      const low = Math.min(close, last) * (1 - op.downPct / 100);
      sim.onPrice(symbol, {
        last: close,
        high: onTick(symbol, high),
        low: onTick(symbol, low),
        volume: op.volume,
        time: ++time.now,
      });
      return;
    }
    case 'candle': {
      const open = move(op.openPct);
      const close = move(op.closePct);
      const high = onTick(symbol, Math.max(open, close) * (1 + op.upPct / 100));
      const low = onTick(symbol, Math.min(open, close) * (1 - op.downPct / 100));
      sim.onCandle(symbol, { open, high, low, close, volume: 5 }, ++time.now);
      return;
    }
    case 'mark':
      sim.onPrice(symbol, { last: move(op.pct), mark: move(op.markPct), time: ++time.now });
      return;
    case 'time':
      time.now += op.hours * HOUR_MS;
      for (const s of SYMBOLS)
        sim.onPrice(s, { last: sim.marketState(s).lastPrice.toNumber(), time: time.now });
      return;
  }
}

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
