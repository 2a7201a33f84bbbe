import { describe, expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import { dec } from '../domain/index.js';
import { createEngineFixture } from './fixture.js';

const openAlgos = (f: { sim: { openAlgoOrders(a: string, s?: string): unknown[] } }, id: string) =>
  f.sim.openAlgoOrders(id) as Array<{
    orderType: string;
    closePosition: boolean;
    reduceOnly: boolean;
    clientAlgoId: string;
  }>;

forEachStore('execution engine', ({ store }) => {
  describe('entry protocol', () => {
    it('fills a MARKET entry, saves it OPEN and protects it with a closePosition stop and a target', async () => {
      const f = await createEngineFixture(store());
      const signal = await f.signal({ entry: 100_000, stopLoss: 98_000, takeProfit: 104_000 });
      const out = await f.engine.executeSignal(f.user.id, signal);
      expect(out.status).toBe('OPEN');
      expect(out.path).toEqual([
        'CHECKING',
        'CONFIGURING',
        'PENDING_ENTRY',
        'SENDING',
        'FILLED',
        'PROTECTING',
        'PROTECTED',
      ]);
      const position = await f.repos.positions.findById(out.positionId!);
      expect(position).toMatchObject({ status: 'OPEN', unprotectedSince: null });
      expect(position!.filledQty.toFixed()).toBe('0.01');
      const algos = openAlgos(f, f.accountId);
      expect(algos.map((a) => a.orderType).sort()).toEqual(['STOP_MARKET', 'TAKE_PROFIT_MARKET']);
      for (const a of algos) expect(a).toMatchObject({ closePosition: true, reduceOnly: false });
      const orders = await f.repos.orders.listByPosition(out.positionId!);
      expect(orders.map((o) => [o.leg, o.status])).toEqual([
        ['entry', 'FILLED'],
        ['sl', 'NEW'],
        ['tp', 'NEW'],
      ]);
      for (const o of orders) expect(o.answers.length).toBeGreaterThan(0);
      const [risk] = f.sim.positionRisk(f.accountId, 'BTCUSDT');
      expect(risk?.marginType).toBe('ISOLATED');
      expect(risk?.leverage).toBe(10);
      await f.close();
    });

    it('never executes one signal twice, and a second signal on the same symbol is denied', async () => {
      const f = await createEngineFixture(store());
      const signal = await f.signal();
      await f.engine.executeSignal(f.user.id, signal);
      const again = await f.engine.executeSignal(f.user.id, signal);
      expect(again.status).toBe('DUPLICATE');
      const next = await f.engine.executeSignal(f.user.id, await f.signal());
      expect(next).toMatchObject({ status: 'DENIED', reason: 'POSITION_ALREADY_OPEN' });
      const entries = f.sim
        .allOrders(f.accountId, 'BTCUSDT')
        .filter((o) => !o.reduceOnly && o.type === 'MARKET');
      expect(entries).toHaveLength(1);
      await f.close();
    });

    it('books a stop-out: PnL net of fees, CLOSED_LOSS, target cancelled, outcome recorded, cooldown', async () => {
      const f = await createEngineFixture(store());
      const signal = await f.signal({ entry: 100_000, stopLoss: 98_000, takeProfit: 104_000 });
      const out = await f.engine.executeSignal(f.user.id, signal);
      f.price('BTCUSDT', 97_500);
      await f.engine.idle();
      const closed = await f.repos.positions.findById(out.positionId!);
      expect(closed).toMatchObject({ status: 'CLOSED_LOSS', closeReason: 'STOP_LOSS' });
      const ledger = f.sim.ledger(f.accountId);
      const wallet = f.sim.accountSummary(f.accountId).walletBalance;
      // The books' PnL is exactly what the exchange's wallet moved by.
      expect(closed!.pnl!.toFixed()).toBe(wallet.sub(10_000).toFixed());
      expect(closed!.pnlPercent!.toFixed()).toBe(closed!.pnl!.div(100).mul(100).toDecimalPlaces(6).toFixed());
      expect(ledger).toBeDefined();
      expect(openAlgos(f, f.accountId)).toHaveLength(0);
      expect((await f.repos.signals.findById(signal.id))?.outcome).toBe('LOSS');
      f.price('BTCUSDT', 100_000);
      const next = await f.engine.executeSignal(f.user.id, await f.signal());
      expect(next).toMatchObject({ status: 'DENIED', reason: 'COOLDOWN_ACTIVE' });
      await f.close();
    });

    it('books a target hit as CLOSED_WIN and cancels the stop', async () => {
      const f = await createEngineFixture(store());
      const out = await f.engine.executeSignal(
        f.user.id,
        await f.signal({ direction: 'SHORT', entry: 100_000, stopLoss: 102_000, takeProfit: 96_000 }),
      );
      expect(out.status).toBe('OPEN');
      f.price('BTCUSDT', 95_000);
      await f.engine.idle();
      const closed = await f.repos.positions.findById(out.positionId!);
      expect(closed).toMatchObject({ status: 'CLOSED_WIN', closeReason: 'TAKE_PROFIT' });
      expect(closed!.pnl!.gt(0)).toBe(true);
      expect(openAlgos(f, f.accountId)).toHaveLength(0);
      expect(f.sim.positionRisk(f.accountId, 'BTCUSDT').filter((p) => !p.positionAmt.isZero())).toHaveLength(
        0,
      );
      await f.close();
    });

    it('closes at market when the price is already past the stop (-2021)', async () => {
      const f = await createEngineFixture(store());
      const out = await f.engine.executeSignal(
        f.user.id,
        await f.signal({ entry: 100_000, stopLoss: 100_500, takeProfit: 104_000 }),
      );
      expect(out.status).toBe('CLOSED');
      const closed = await f.repos.positions.findById(out.positionId!);
      expect(closed?.closeReason).toBe('STOP_PASSED');
      expect(f.sim.positionRisk(f.accountId, 'BTCUSDT').filter((p) => !p.positionAmt.isZero())).toHaveLength(
        0,
      );
      await f.close();
    });

    it('denies below the minimum notional with the smallest margin that works', async () => {
      const f = await createEngineFixture(store(), { user: { fixedMargin: 1, leverage: 2 } });
      const out = await f.engine.executeSignal(f.user.id, await f.signal({ symbol: 'DOGEUSDT' }));
      expect(out).toMatchObject({ status: 'DENIED', reason: 'BELOW_MIN_NOTIONAL' });
      expect(out.message).toContain('The smallest margin that works at 2x is 2.50 USDT');
      expect(f.sim.allOrders(f.accountId, 'DOGEUSDT')).toHaveLength(0);
      await f.close();
    });
  });

  describe('exits and panic', () => {
    it('closes one position by hand and cancels its protection', async () => {
      const f = await createEngineFixture(store());
      const out = await f.engine.executeSignal(f.user.id, await f.signal());
      const r = await f.engine.closePosition(f.user.id, out.positionId!);
      expect(r.outcome).toBe('CLOSED');
      const closed = await f.repos.positions.findById(out.positionId!);
      expect(closed?.closeReason).toBe('MANUAL');
      expect(openAlgos(f, f.accountId)).toHaveLength(0);
      await f.close();
    });

    it('panics: auto-trading off, REDUCING, everything closed and cancelled; again is harmless', async () => {
      const f = await createEngineFixture(store());
      const btc = await f.engine.executeSignal(f.user.id, await f.signal());
      const doge = await f.engine.executeSignal(f.user.id, await f.signal({ symbol: 'DOGEUSDT' }));
      const report = await f.engine.panic(f.user.id);
      expect(report.riskState).toBe('REDUCING');
      expect(report.results.map((r) => [r.symbol, r.outcome])).toEqual([
        ['BTCUSDT', 'CLOSED'],
        ['DOGEUSDT', 'CLOSED'],
      ]);
      expect(f.sim.positionRisk(f.accountId).filter((p) => !p.positionAmt.isZero())).toHaveLength(0);
      expect(openAlgos(f, f.accountId)).toHaveLength(0);
      const user = await f.repos.users.findById(f.user.id);
      expect(user).toMatchObject({ autoTrade: false, riskState: 'REDUCING' });
      expect(await f.repos.positions.listLive(f.user.id)).toHaveLength(0);
      await f.engine.idle();
      // Booked as what they were: panic closes, whichever path saw the fill first.
      for (const id of [btc.positionId!, doge.positionId!]) {
        expect((await f.repos.positions.findById(id))?.closeReason).toBe('PANIC');
      }
      const again = await f.engine.panic(f.user.id);
      expect(again.results).toEqual([]);
      const denied = await f.engine.executeSignal(f.user.id, await f.signal({ symbol: 'BTCUSDT' }));
      expect(denied.status).toBe('DENIED');
      await f.close();
    });
  });

  it('keeps money decimal: no float in the stored figures', async () => {
    const f = await createEngineFixture(store());
    const out = await f.engine.executeSignal(
      f.user.id,
      await f.signal({ symbol: 'DOGEUSDT', entry: 0.2, stopLoss: 0.19, takeProfit: 0.23 }),
    );
    const p = await f.repos.positions.findById(out.positionId!);
    expect(p!.filledQty.toFixed()).toBe(dec(1000 / 0.2).toFixed());
    await f.close();
  });
});
