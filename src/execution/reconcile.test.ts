import { expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import { dec } from '../domain/index.js';
import { createEngineFixture } from './fixture.js';

const flat = (
  f: { sim: { positionRisk(a: string): Array<{ positionAmt: { isZero(): boolean } }> } },
  id: string,
) => f.sim.positionRisk(id).filter((p) => !p.positionAmt.isZero()).length === 0;

forEachStore('execution: reconciliation and real-time state', ({ store }) => {
  it('adopts a position the books do not have: recorded, flagged, protected, audited', async () => {
    const f = await createEngineFixture(store());
    f.sim.placeOrder(f.accountId, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: dec('0.005'),
    });
    const report = await f.engine.reconcile(f.user.id);
    expect(report.passed).toBe(true);
    expect(report.actions.map((a) => a.kind)).toContain('adopt');
    const [p] = await f.repos.positions.listLive(f.user.id);
    expect(p).toMatchObject({ symbol: 'BTCUSDT', direction: 'SHORT', adopted: true, status: 'OPEN' });
    expect(p!.stopLoss!.toFixed()).toBe('102000');
    const stops = f.sim.openAlgoOrders(f.accountId).filter((a) => a.orderType === 'STOP_MARKET');
    expect(stops).toHaveLength(1);
    const audit = await f.repos.audit.listByUser(f.user.id);
    expect(audit.map((a) => a.kind)).toContain('adopted');
    // A second pass finds nothing to do.
    expect((await f.engine.reconcile(f.user.id)).actions).toEqual([]);
    await f.close();
  });

  it('books a position that vanished from the exchange, re-places a missing stop, cancels orphans', async () => {
    const f = await createEngineFixture(store());
    const a = await f.engine.executeSignal(f.user.id, await f.signal({ symbol: 'BTCUSDT' }));
    const b = await f.engine.executeSignal(
      f.user.id,
      await f.signal({ symbol: 'DOGEUSDT', entry: 0.2, stopLoss: 0.19, takeProfit: 0.22 }),
    );
    // Behind the engine's back: BTC closed by hand, DOGE's stop cancelled, a stray stop placed.
    await f.engine.stop();
    f.sim.placeOrder(f.accountId, {
      symbol: 'BTCUSDT',
      side: 'SELL',
      type: 'MARKET',
      quantity: dec('0.01'),
      reduceOnly: true,
    });
    const dogeStop = f.sim
      .openAlgoOrders(f.accountId, 'DOGEUSDT')
      .find((o) => o.orderType === 'STOP_MARKET')!;
    f.sim.cancelAlgoOrder(f.accountId, { algoId: dogeStop.algoId });
    f.sim.placeAlgoOrder(f.accountId, {
      symbol: 'DOGEUSDT',
      side: 'SELL',
      type: 'STOP_MARKET',
      triggerPrice: dec('0.1'),
      closePosition: true,
      clientAlgoId: 'stray-1',
    });
    const before = f.clock.now();
    await f.engine.start();
    // The close happened while the engine was stopped: its fills will never come on the stream,
    // so the books do not wait fillSettleMs (300 ms in the fixture) for them.
    expect(f.clock.now() - before).toBeLessThan(300);
    const kinds = (await f.repos.audit.listByUser(f.user.id)).find((e) => e.kind === 'reconciliation')
      ?.data as {
      actions: Array<{ kind: string; symbol: string }>;
    };
    expect(kinds.actions).toEqual(
      expect.arrayContaining([
        { kind: 'confirm_vanished', symbol: 'BTCUSDT' },
        { kind: 'protect', symbol: 'DOGEUSDT' },
        { kind: 'cancel_order', symbol: 'DOGEUSDT' },
      ]),
    );
    expect((await f.repos.positions.findById(a.positionId!))?.status).toMatch(/^CLOSED_/);
    const doge = await f.repos.positions.findById(b.positionId!);
    expect(doge?.status).toBe('OPEN');
    const algos = f.sim.openAlgoOrders(f.accountId);
    expect(algos.map((o) => o.clientAlgoId)).not.toContain('stray-1');
    expect(algos.filter((o) => o.symbol === 'DOGEUSDT' && o.orderType === 'STOP_MARKET')).toHaveLength(1);
    expect(algos.filter((o) => o.symbol === 'BTCUSDT')).toHaveLength(0);
    await f.close();
  });

  it('rests a LIMIT entry, protects a partial fill, and cancels the rest when it expires', async () => {
    const f = await createEngineFixture(store(), {
      sim: { limitFillVolumeShare: 0.5 },
      engine: { limitEntryTtlMs: 60_000 },
    });
    const out = await f.engine.executeSignal(
      f.user.id,
      await f.signal({ entryType: 'LIMIT', entry: 99_000, stopLoss: 97_000, takeProfit: 103_000 }),
    );
    expect(out.status).toBe('WORKING');
    f.clock.advance(1_000);
    f.sim.onPrice('BTCUSDT', { last: 98_900, volume: 0.008, time: f.clock.now() });
    await f.engine.idle();
    let p = await f.repos.positions.findById(out.positionId!);
    expect(p?.status).toBe('OPEN');
    expect(p!.filledQty.toFixed()).toBe('0.004');
    expect(
      f.sim
        .openAlgoOrders(f.accountId)
        .map((o) => o.orderType)
        .sort(),
    ).toEqual(['STOP_MARKET', 'TAKE_PROFIT_MARKET']);
    f.clock.advance(61_000);
    await f.engine.tick();
    expect(f.sim.openOrders(f.accountId)).toHaveLength(0);
    p = await f.repos.positions.findById(out.positionId!);
    expect(p?.status).toBe('OPEN');
    expect(p!.filledQty.toFixed()).toBe('0.004');
    await f.close();
  });

  it('cancels a LIMIT entry that expires without a fill', async () => {
    const f = await createEngineFixture(store(), { engine: { limitEntryTtlMs: 60_000 } });
    const out = await f.engine.executeSignal(
      f.user.id,
      await f.signal({ entryType: 'LIMIT', entry: 90_000, stopLoss: 88_000, takeProfit: 95_000 }),
    );
    f.clock.advance(61_000);
    await f.engine.tick();
    expect(await f.repos.positions.findById(out.positionId!)).toMatchObject({
      status: 'CANCELLED',
      closeReason: 'LIMIT_EXPIRED',
    });
    expect(f.sim.openOrders(f.accountId)).toHaveLength(0);
    await f.close();
  });

  it('keeps the balance from the user stream (event to cache well under 50 ms), REST as fallback', async () => {
    const f = await createEngineFixture(store());
    const rest = await f.engine.balance(f.user.id);
    expect(rest).toMatchObject({ source: 'rest' });
    expect(rest.wallet?.toFixed()).toBe('10000');
    await f.engine.executeSignal(f.user.id, await f.signal());
    await f.engine.idle();
    const cached = await f.engine.balance(f.user.id);
    expect(cached.source).toBe('user-stream');
    expect(cached.wallet!.lt(10_000)).toBe(true); // the entry's fee
    expect(f.engine.stats.latencies.length).toBeGreaterThan(0);
    for (const l of f.engine.stats.latencies) expect(l.toCacheMs).toBeLessThan(50);
    expect(f.delivered.some((d) => d.event.type === 'balance')).toBe(true);
    await f.close();
  });

  it('moves the account to REDUCING when the daily loss limit is reached', async () => {
    const f = await createEngineFixture(store(), {
      engine: { risk: { cooldownAfterStopOutMs: 0, dailyLossLimit: dec(10) } },
    });
    await f.engine.executeSignal(
      f.user.id,
      await f.signal({ entry: 100_000, stopLoss: 98_000, takeProfit: 104_000 }),
    );
    f.price('BTCUSDT', 97_000);
    await f.engine.idle();
    expect((await f.repos.users.findById(f.user.id))?.riskState).toBe('REDUCING');
    f.price('BTCUSDT', 100_000);
    const next = await f.engine.executeSignal(f.user.id, await f.signal());
    expect(next).toMatchObject({ status: 'DENIED', reason: 'ACCOUNT_REDUCING' });
    expect(flat(f, f.accountId)).toBe(true);
    await f.close();
  });
});
