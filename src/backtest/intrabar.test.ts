import { describe, expect, it } from 'vitest';
import { type Candle, createManualClock, dec, type MarketSymbol, MINUTE_MS } from '../domain/index.js';
import { type Exchange, noSlippage, Simulator, TEST_SYMBOLS } from '../exchange/index.js';
import { createDirectExecutor } from './executor.js';
import { driveCandle, drivePlainCandle } from './intrabar.js';
import { createTradeLedger } from './ledger.js';
import type { BacktestSignal } from './seam.js';

const T0 = Date.UTC(2026, 0, 5, 12);
const BTC = 'BTCUSDT' as MarketSymbol;

function setup() {
  const clock = createManualClock(T0);
  const sim = new Simulator({
    clock,
    symbols: TEST_SYMBOLS,
    slippage: noSlippage,
    makerFeeRate: 0,
    takerFeeRate: 0,
  });
  sim.createAccount('u', { deposit: 10_000 });
  sim.onPrice(BTC, { last: 100_000, time: T0 });
  const exchange = sim.account('u');
  const ledger = createTradeLedger(exchange, 10_000);
  const executor = createDirectExecutor({
    exchange,
    clock,
    userId: 'u',
    rules: new Map(sim.symbols().map((s) => [s.symbol as string, s])),
    margin: dec(200),
    leverage: 5,
    minConfidence: 0,
    risk: { cooldownAfterStopOutMs: 30 * MINUTE_MS, dailyLossLimit: dec('1e15') },
    ledger,
  });
  const deps = { sim, executor, ledger };
  /** The next 5m candle, driven as the runner drives it (at its close on the clock). */
  const candle = async (open: number, high: number, low: number, close: number) => {
    clock.advance(5 * MINUTE_MS);
    const c: Candle = { openTime: clock.now() - 5 * MINUTE_MS, open, high, low, close, volume: 1000 };
    return driveCandle(deps, BTC, c, clock.now());
  };
  return { clock, sim, ledger, executor, candle };
}

/** A direct executor on the simulator's port refusing every reduce-only order (as Binance may: -2022). */
function refusingExecutor(b: ReturnType<typeof setup>, userId: string) {
  const port = b.sim.account('u');
  const refusing: Exchange = {
    ...port,
    async createOrder(request) {
      if (request.reduceOnly) throw new Error('-2022 ReduceOnly Order is rejected');
      return port.createOrder(request);
    },
  };
  return createDirectExecutor({
    exchange: refusing,
    clock: b.clock,
    userId,
    rules: new Map(b.sim.symbols().map((s) => [s.symbol as string, s])),
    margin: dec(200),
    leverage: 5,
    minConfidence: 0,
    risk: { cooldownAfterStopOutMs: 0, dailyLossLimit: dec('1e15') },
  });
}

let n = 0;
const signal = (over: Partial<BacktestSignal> = {}): BacktestSignal => ({
  id: `s${++n}`,
  symbol: BTC,
  direction: 'LONG',
  entryType: 'MARKET',
  entry: dec(100_000),
  stopLoss: dec(99_000),
  takeProfit: dec(102_000),
  combinedConfidence: 80,
  createdAt: T0,
  expiresAt: T0 + 60 * MINUTE_MS,
  ...over,
});

describe('the conservative intrabar rule', () => {
  it('assumes the stop when a down candle reaches both (the plain path would take the target)', async () => {
    const plain = setup();
    await plain.executor.execute(signal());
    plain.clock.advance(5 * MINUTE_MS);
    plain.sim.onCandle(BTC, { open: 100_000, high: 102_500, low: 98_500, close: 99_500 }, plain.clock.now());
    expect(plain.ledger.take().map((t) => t.reason)).toEqual(['target']);

    const b = setup();
    await b.executor.execute(signal());
    expect(b.executor.levels(BTC)).toEqual({
      direction: 'LONG',
      pendingEntry: null,
      stop: 99_000,
      target: 102_000,
    });
    expect(await b.candle(100_000, 102_500, 98_500, 99_500)).toBe(true);
    const [trade] = b.ledger.take();
    expect(trade).toMatchObject({ reason: 'stop', exitPrice: 99_000, ambiguous: true, pnl: -10 });
    expect(b.executor.levels(BTC)).toBeUndefined();
  });

  it('assumes the stop on an up candle too, and for a short the high comes first', async () => {
    const up = setup();
    await up.executor.execute(signal());
    expect(await up.candle(100_000, 102_500, 98_500, 101_000)).toBe(true);
    expect(up.ledger.take()[0]).toMatchObject({ reason: 'stop', ambiguous: true });

    const short = setup();
    await short.executor.execute(
      signal({ direction: 'SHORT', stopLoss: dec(101_000), takeProfit: dec(98_000) }),
    );
    expect(await short.candle(100_000, 101_500, 97_500, 98_500)).toBe(true);
    expect(short.ledger.take()[0]).toMatchObject({ reason: 'stop', exitPrice: 101_000, pnl: -10 });
  });

  it('takes the target when only the target is in range, and a gap fills the stop at the open', async () => {
    const t = setup();
    await t.executor.execute(signal());
    expect(await t.candle(100_000, 102_100, 99_500, 101_500)).toBe(false);
    expect(t.ledger.take()[0]).toMatchObject({
      reason: 'target',
      exitPrice: 102_000,
      pnl: 20,
      ambiguous: false,
    });

    const g = setup();
    await g.executor.execute(signal());
    await g.candle(100_000, 100_100, 99_800, 99_900);
    expect(g.ledger.take()).toEqual([]);
    await g.candle(98_000, 98_200, 97_800, 98_100);
    expect(g.ledger.take()[0]).toMatchObject({ reason: 'stop', exitPrice: 98_000, pnl: -20 });
  });

  it('protects a LIMIT entry the moment it fills, so the rest of the candle can stop it out', async () => {
    const b = setup();
    await b.executor.execute(
      signal({ entryType: 'LIMIT', entry: dec(99_500), stopLoss: dec(98_800), takeProfit: dec(101_000) }),
    );
    expect(b.executor.levels(BTC)).toMatchObject({ pendingEntry: 99_500, stop: null });
    // Down candle: 100000 -> 100200 -> 98500 (fills at 99500, then the stop at 98800) -> 99000.
    await b.candle(100_000, 100_200, 98_500, 99_000);
    const [trade] = b.ledger.take();
    // 1000 USDT of notional at 99500 is 0.01005 BTC, floored to the 0.001 step: 0.010.
    expect(trade).toMatchObject({
      entryPrice: 99_500,
      exitPrice: 98_800,
      reason: 'stop',
      qty: 0.01,
      pnl: -7,
    });
  });

  it('cancels a LIMIT entry still resting at the signal expiry', async () => {
    const b = setup();
    // Nothing working: no deadline, no levels.
    expect(b.executor.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    expect(b.executor.levels(BTC)).toBeUndefined();
    await b.executor.execute(signal({ entryType: 'LIMIT', entry: dec(99_000), stopLoss: dec(98_000) }));
    await b.candle(100_000, 100_300, 99_800, 100_100);
    expect(b.executor.nextDeadline()).toBe(T0 + 60 * MINUTE_MS);
    b.clock.set(T0 + 60 * MINUTE_MS);
    await b.executor.onTime(b.clock.now());
    expect(b.executor.levels(BTC)).toBeUndefined();
    expect(b.executor.nextDeadline()).toBe(Number.POSITIVE_INFINITY);
    expect(b.executor.stats().expiredEntries).toBe(1);
    expect(b.sim.openOrders('u')).toEqual([]);
  });
});

describe('the direct executor', () => {
  it('refuses through the risk gate and the sizing rules, with their codes', async () => {
    const b = setup();
    expect(await b.executor.execute(signal())).toEqual({ status: 'placed' });
    expect(await b.executor.execute(signal())).toMatchObject({
      status: 'refused',
      code: 'POSITION_ALREADY_OPEN',
    });
    await b.candle(100_000, 100_100, 98_900, 99_000);
    expect(b.ledger.take()[0]).toMatchObject({ reason: 'stop' });
    // Stopped out: the symbol cools down for 30 minutes.
    expect(await b.executor.execute(signal())).toMatchObject({ status: 'refused', code: 'COOLDOWN_ACTIVE' });
    b.clock.advance(30 * MINUTE_MS);
    b.sim.onPrice(BTC, { last: 100_000, time: b.clock.now() });
    expect(await b.executor.execute(signal())).toEqual({ status: 'placed' });
    expect(b.executor.stats().refused).toEqual({ POSITION_ALREADY_OPEN: 1, COOLDOWN_ACTIVE: 1 });
  });

  it('refuses an order below the minimum notional before sending it', async () => {
    const b = setup();
    const small = createDirectExecutor({
      exchange: b.sim.account('u'),
      clock: b.clock,
      userId: 'u2',
      rules: new Map(b.sim.symbols().map((s) => [s.symbol as string, s])),
      margin: dec(10),
      leverage: 5,
      minConfidence: 0,
      risk: { cooldownAfterStopOutMs: 0, dailyLossLimit: dec('1e15') },
    });
    expect(await small.execute(signal())).toMatchObject({ status: 'refused', code: 'BELOW_MIN_QTY' });
    expect(b.sim.openOrders('u')).toEqual([]);
  });

  it('closes at market when the stop cannot be placed because the price is already past it', async () => {
    const b = setup();
    await b.executor.execute(signal({ stopLoss: dec(100_500), takeProfit: dec(102_000) }));
    const [trade] = b.ledger.take();
    expect(trade).toMatchObject({ reason: 'protection', entryPrice: 100_000, exitPrice: 100_000 });
    expect(b.executor.stats().protectionFailures).toBe(1);
    expect(b.sim.positionRisk('u')).toEqual([]);
  });

  it('fails the run, saying why, when a position it could not protect cannot be closed either', async () => {
    const b = setup();
    const executor = refusingExecutor(b, 'u3');
    // The stop is already past the price: refused, so the entry must be closed, and that is refused too.
    await expect(executor.execute(signal({ stopLoss: dec(100_500) }))).rejects.toThrow(
      /could not close BTCUSDT at market \(Error: -2022 ReduceOnly Order is rejected\) after WOULD_TRIGGER_IMMEDIATELY/,
    );
    expect(b.sim.positionRisk('u')).toHaveLength(1);
    // Nothing later can go on as if it had been closed.
    await expect(executor.settle()).rejects.toThrow(/could not close BTCUSDT/);

    // The same for a LIMIT entry that fills inside a candle (protected by a queued reaction).
    const c = setup();
    const limit = refusingExecutor(c, 'u4');
    await limit.execute(signal({ entryType: 'LIMIT', entry: dec(99_500), stopLoss: dec(99_600) }));
    c.clock.advance(5 * MINUTE_MS);
    const candle: Candle = {
      openTime: c.clock.now() - 5 * MINUTE_MS,
      open: 100_000,
      high: 100_000,
      low: 99_400,
      close: 99_450,
      volume: 1000,
    };
    const deps = { sim: c.sim, executor: limit, ledger: c.ledger };
    await expect(driveCandle(deps, BTC, candle, c.clock.now())).rejects.toThrow(/could not close BTCUSDT/);
  });

  it('drives the plain case synchronously and leaves the rest to driveCandle', async () => {
    const b = setup();
    const deps = { sim: b.sim, executor: b.executor, ledger: b.ledger };
    const at = (open: number, high: number, low: number, close: number): Candle => {
      b.clock.advance(5 * MINUTE_MS);
      return { openTime: b.clock.now() - 5 * MINUTE_MS, open, high, low, close, volume: 1000 };
    };
    // Nothing working on the symbol, or a LIMIT entry resting: not the plain case.
    expect(drivePlainCandle(deps, BTC, at(100_000, 100_100, 99_900, 100_050), b.clock.now())).toBe(false);
    await b.executor.execute(signal({ entryType: 'LIMIT', entry: dec(99_500) }));
    expect(drivePlainCandle(deps, BTC, at(100_000, 100_100, 99_900, 100_050), b.clock.now())).toBe(false);
    await b.executor.onTime(T0 + 61 * MINUTE_MS);
    await b.executor.execute(signal());
    // Stop and target both inside the range: the conservative rule's business.
    expect(drivePlainCandle(deps, BTC, at(100_000, 102_500, 98_500, 99_500), b.clock.now())).toBe(false);
    // An open position that only moves: done, nothing to wait for.
    expect(drivePlainCandle(deps, BTC, at(100_000, 100_500, 99_800, 100_400), b.clock.now())).toBeNull();
    expect(b.sim.marketState(BTC).lastPrice.toNumber()).toBe(100_400);
    // It reaches the target: the trade closes in the candle, as the plain path closes it.
    const settled = drivePlainCandle(deps, BTC, at(100_400, 102_100, 100_300, 102_050), b.clock.now());
    expect(settled).not.toBe(false);
    await settled;
    expect(b.ledger.take().map((t) => [t.reason, t.exitPrice, t.ambiguous])).toEqual([
      ['target', 102_000, false],
    ]);
    expect(b.executor.levels(BTC)).toBeUndefined();
  });
});
