/**
 * Random simulator workloads for the property tests (accounting invariants, snapshot round trips):
 * the operations (deposits and withdrawals, orders of every kind, cancels, leverage and margin-mode
 * changes, price ticks, ranges, candles, separate mark moves, time for funding), their generators,
 * and `command`, which turns one into a call on any simulator with every price fixed from a
 * reference one, so that two simulators can be driven identically.
 */
import fc from 'fast-check';
import { HOUR_MS } from '../../domain/index.js';
import { d } from './fixtures.js';
import type { Simulator } from './simulator.js';

export const SYMBOLS = ['BTCUSDT', 'DOGEUSDT'] as const;
export const ACCOUNTS = ['a', 'b'] as const;
const TICK = { BTCUSDT: 0.1, DOGEUSDT: 0.00001 } as const;
const STEP = { BTCUSDT: '0.001', DOGEUSDT: '25' } as const;

export type Op =
  | { kind: 'deposit'; account: number; amount: number; withdraw: boolean }
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
      limit: boolean;
      /** STOP / TAKE_PROFIT: the limit price, away from the trigger (positive: better for the order). */
      limitOffsetPct: number;
      offsetPct: number;
      mode: 0 | 1 | 2;
      steps: number;
      mark: boolean;
    }
  | { kind: 'rest'; account: number; symbol: number; buy: boolean; steps: number; awayPct: number }
  | { kind: 'cancel'; account: number; symbol: number; back: number; algo: boolean }
  | { kind: 'cancelAll'; account: number; symbol: number }
  | { kind: 'leverage'; account: number; symbol: number; leverage: number }
  | { kind: 'marginType'; account: number; symbol: number; cross: boolean }
  | { kind: 'tick'; symbol: number; pct: number }
  | { kind: 'range'; symbol: number; pct: number; upPct: number; downPct: number; volume: number }
  | { kind: 'candle'; symbol: number; openPct: number; closePct: number; upPct: number; downPct: number }
  | { kind: 'mark'; symbol: number; pct: number; markPct: number }
  | { kind: 'time'; hours: number };

const idx = (n: number) => fc.integer({ min: 0, max: n - 1 });
// Hundredths, not fc.double: doubles are drawn uniformly over their bit patterns, mostly tiny.
const hundredths = (min: number, max: number) =>
  fc.integer({ min: Math.round(min * 100), max: Math.round(max * 100) }).map((n) => n / 100);
const pct = (max: number) => hundredths(-max, max);
const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
const positive = (max: number) => hundredths(0, max);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  w(
    1,
    fc.record({
      kind: fc.constant('deposit' as const),
      account: idx(2),
      amount: fc.integer({ min: 1, max: 3_000 }),
      withdraw: fc.boolean(),
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
      limit: fc.boolean(),
      limitOffsetPct: pct(1),
      offsetPct: fc.oneof(
        { weight: 5, arbitrary: hundredths(0.1, 2.5) },
        { weight: 1, arbitrary: hundredths(-2, 0) },
      ),
      mode: fc.constantFrom(0 as const, 1 as const, 2 as const),
      steps: fc.integer({ min: 1, max: 40 }),
      mark: fc.boolean(),
    }),
  ),
  w(
    2,
    fc.record({
      kind: fc.constant('cancel' as const),
      account: idx(2),
      symbol: idx(2),
      back: fc.integer({ min: 0, max: 5 }),
      algo: fc.boolean(),
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
      upPct: positive(5),
      downPct: positive(5),
      volume: positive(50),
    }),
  ),
  w(
    3,
    fc.record({
      kind: fc.constant('candle' as const),
      symbol: idx(2),
      openPct: pct(3),
      closePct: pct(5),
      upPct: positive(5),
      downPct: positive(5),
    }),
  ),
  w(2, fc.record({ kind: fc.constant('mark' as const), symbol: idx(2), pct: pct(3), markPct: pct(3) })),
  w(1, fc.record({ kind: fc.constant('time' as const), hours: fc.integer({ min: 1, max: 20 }) })),
);

/** What a book holds at the moment of the export: resting limits, stops, a thin range (partial fills). */
export const restingArb: fc.Arbitrary<Op> = fc.oneof(
  w(
    3,
    fc.record({
      kind: fc.constant('rest' as const),
      account: idx(2),
      symbol: idx(2),
      buy: fc.boolean(),
      steps: fc.integer({ min: 1, max: 40 }),
      awayPct: hundredths(0.05, 3),
    }),
  ),
  w(
    2,
    fc.record({
      kind: fc.constant('market' as const),
      account: idx(2),
      symbol: idx(2),
      buy: fc.boolean(),
      steps: fc.integer({ min: 1, max: 40 }),
      reduceOnly: fc.constant(false),
    }),
  ),
  w(
    3,
    fc.record({
      kind: fc.constant('stop' as const),
      account: idx(2),
      symbol: idx(2),
      buy: fc.boolean(),
      takeProfit: fc.boolean(),
      limit: fc.boolean(),
      limitOffsetPct: pct(1),
      offsetPct: hundredths(0.05, 2),
      mode: fc.constantFrom(0 as const, 1 as const, 2 as const),
      steps: fc.integer({ min: 1, max: 40 }),
      mark: fc.boolean(),
    }),
  ),
  w(
    1,
    fc.record({
      kind: fc.constant('range' as const),
      symbol: idx(2),
      pct: pct(2),
      upPct: positive(2),
      downPct: positive(2),
      volume: positive(400),
    }),
  ),
);

const onTick = (symbol: (typeof SYMBOLS)[number], x: number) => {
  const t = TICK[symbol];
  return Math.max(t, Math.round(x / t) * t);
};
const priceStr = (symbol: (typeof SYMBOLS)[number], x: number) =>
  onTick(symbol, x).toFixed(symbol === 'BTCUSDT' ? 1 : 5);

/** Turn an op into a command on a simulator, with every price taken from `ref` (the original). */
export function command(
  ref: Simulator,
  op: Op,
  time: { now: number },
  seq: { n: number },
): (sim: Simulator) => unknown {
  const account = 'account' in op ? ACCOUNTS[op.account]! : 'a';
  const symbol = 'symbol' in op ? SYMBOLS[op.symbol]! : 'BTCUSDT';
  const last = ref.marketState(symbol).lastPrice.toNumber();
  const qty = (steps: number) => d(STEP[symbol]).mul(steps);
  const move = (p: number) => onTick(symbol, last * (1 + p / 100));
  switch (op.kind) {
    case 'deposit':
      return (sim) => (op.withdraw ? sim.withdraw(account, op.amount) : sim.deposit(account, op.amount));
    case 'market': {
      const id = `o${++seq.n}`;
      return (sim) =>
        sim.placeOrder(account, {
          symbol,
          side: op.buy ? 'BUY' : 'SELL',
          type: 'MARKET',
          quantity: qty(op.steps),
          reduceOnly: op.reduceOnly,
          newClientOrderId: id,
        });
    }
    case 'limit': {
      const id = `o${++seq.n}`;
      const price = d(priceStr(symbol, last * (1 + op.offsetPct / 100)));
      return (sim) =>
        sim.placeOrder(account, {
          symbol,
          side: op.buy ? 'BUY' : 'SELL',
          type: 'LIMIT',
          timeInForce: (['GTC', 'IOC', 'GTX'] as const)[op.tif],
          price,
          quantity: qty(op.steps),
          reduceOnly: op.reduceOnly,
          newClientOrderId: id,
        });
    }
    case 'stop': {
      const id = `o${++seq.n}`;
      const waitsAbove = op.takeProfit ? !op.buy : op.buy;
      const trigger = last * (1 + ((waitsAbove ? 1 : -1) * op.offsetPct) / 100);
      const limit = op.limit && op.mode !== 0;
      const type = op.takeProfit
        ? limit
          ? 'TAKE_PROFIT'
          : 'TAKE_PROFIT_MARKET'
        : limit
          ? 'STOP'
          : 'STOP_MARKET';
      return (sim) =>
        sim.placeAlgoOrder(account, {
          symbol,
          side: op.buy ? 'BUY' : 'SELL',
          type,
          triggerPrice: d(priceStr(symbol, trigger)),
          price: limit
            ? d(priceStr(symbol, trigger * (1 + ((op.buy ? -1 : 1) * op.limitOffsetPct) / 100)))
            : undefined,
          closePosition: op.mode === 0,
          reduceOnly: op.mode === 1,
          quantity: op.mode === 0 ? undefined : qty(op.steps),
          workingType: op.mark ? 'MARK_PRICE' : 'CONTRACT_PRICE',
          clientAlgoId: id,
        });
    }
    case 'rest': {
      const id = `o${++seq.n}`;
      const price = d(priceStr(symbol, last * (1 + ((op.buy ? -1 : 1) * op.awayPct) / 100)));
      return (sim) =>
        sim.placeOrder(account, {
          symbol,
          side: op.buy ? 'BUY' : 'SELL',
          type: 'LIMIT',
          timeInForce: 'GTC',
          price,
          quantity: qty(op.steps),
          newClientOrderId: id,
        });
    }
    case 'cancel': {
      const id = `o${Math.max(1, seq.n - op.back)}`;
      return (sim) =>
        op.algo
          ? sim.cancelAlgoOrder(account, { clientAlgoId: id })
          : sim.cancelOrder(account, symbol, { origClientOrderId: id });
    }
    case 'cancelAll':
      return (sim) => [
        sim.cancelAllOpenOrders(account, symbol),
        sim.cancelAllAlgoOpenOrders(account, symbol),
      ];
    case 'leverage':
      return (sim) => sim.setLeverage(account, symbol, Math.min(op.leverage, sim.symbol(symbol).maxLeverage));
    case 'marginType':
      return (sim) => sim.setMarginType(account, symbol, op.cross ? 'CROSSED' : 'ISOLATED');
    case 'tick': {
      const update = { last: move(op.pct), time: ++time.now };
      return (sim) => sim.onPrice(symbol, update);
    }
    case 'range': {
      const close = move(op.pct);
      const update = {
        last: close,
        high: onTick(symbol, Math.max(close, last) * (1 + op.upPct / 100)),
        low: onTick(symbol, Math.min(close, last) * (1 - op.downPct / 100)),
        volume: op.volume,
        time: ++time.now,
      };
      return (sim) => sim.onPrice(symbol, update);
    }
    case 'candle': {
      const open = move(op.openPct);
      const close = move(op.closePct);
      const candle = {
        open,
        high: onTick(symbol, Math.max(open, close) * (1 + op.upPct / 100)),
        low: onTick(symbol, Math.min(open, close) * (1 - op.downPct / 100)),
        close,
        volume: 5,
      };
      const at = ++time.now;
      return (sim) => sim.onCandle(symbol, candle, at);
    }
    case 'mark': {
      const update = { last: move(op.pct), mark: move(op.markPct), time: ++time.now };
      return (sim) => sim.onPrice(symbol, update);
    }
    case 'time': {
      time.now += op.hours * HOUR_MS;
      const at = time.now;
      const lasts = SYMBOLS.map((s) => ref.marketState(s).lastPrice.toNumber());
      return (sim) => {
        for (const [i, s] of SYMBOLS.entries()) sim.onPrice(s, { last: lasts[i]!, time: at });
      };
    }
  }
}
