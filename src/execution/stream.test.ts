import { describe, expect, it } from 'vitest';
import { forEachStore } from '../../test/support/stores.js';
import { ZERO } from '../domain/index.js';
import type { Exchange, UserStreamEvent, UserStreamListener } from '../exchange/index.js';
import { createEngineFixture, type EngineFixture } from './fixture.js';

/** A long at 100,000 with its stop at 98,000, opened and then stopped out at 97,500: its id. */
async function stopOut(f: EngineFixture): Promise<string> {
  const out = await f.engine.executeSignal(
    f.user.id,
    await f.signal({ entry: 100_000, stopLoss: 98_000, takeProfit: 104_000 }),
  );
  expect(out.status).toBe('OPEN');
  f.price('BTCUSDT', 97_500);
  await f.engine.idle();
  return out.positionId!;
}

forEachStore('execution engine, user stream', ({ store }) => {
  describe('updates that arrive while their send is out', () => {
    it('records a fill the stream reports before the send answered, when the answer said less', async () => {
      // The send is answered like Binance's ACK (NEW, nothing filled) while the simulator's stream
      // has already reported the fill; no fill poll, so only the stream can tell the books.
      const f = await createEngineFixture(store(), { engine: { marketFillPolls: 0 } });
      const port = f.sim.account(f.accountId);
      const ack: Exchange = {
        ...port,
        async createOrder(request) {
          const order = await port.createOrder(request);
          return order.family === 'regular' && order.type === 'MARKET'
            ? { ...order, status: 'NEW', filledQty: ZERO as typeof order.filledQty, avgFillPrice: null }
            : order;
        },
      };
      await f.engine.detachAccount(f.user.id);
      await f.engine.attachAccount(f.user.id, ack);

      const out = await f.engine.executeSignal(f.user.id, await f.signal());
      expect(out.status).toBe('WORKING');
      await f.engine.idle();

      const orders = await f.repos.orders.listByPosition(out.positionId!);
      const entry = orders.find((o) => o.leg === 'entry')!;
      expect(entry.status).toBe('FILLED');
      expect(entry.filledQty.gt(0)).toBe(true);
      expect(entry.answers.map((a) => (a as { status?: string }).status)).toEqual(['NEW', 'FILLED']);
      // ...and the lane acted on it: the position is open and protected.
      const position = await f.repos.positions.findById(out.positionId!);
      expect(position).toMatchObject({ status: 'OPEN', unprotectedSince: null });
      expect(orders.map((o) => o.leg)).toEqual(['entry', 'sl', 'tp']);
      await f.close();
    });

    it("keeps the send's answer as the record when the stream only echoes it", async () => {
      const f = await createEngineFixture(store());
      const out = await f.engine.executeSignal(f.user.id, await f.signal());
      expect(out.status).toBe('OPEN');
      await f.engine.idle();
      const orders = await f.repos.orders.listByPosition(out.positionId!);
      expect(orders.map((o) => [o.leg, o.status])).toEqual([
        ['entry', 'FILLED'],
        ['sl', 'NEW'],
        ['tp', 'NEW'],
      ]);
      for (const o of orders) {
        const answers = o.answers as Array<{ outcome: string; status?: string }>;
        expect(answers[0]).toMatchObject({ outcome: 'ACCEPTED', status: o.status });
        // Nothing later says less than the books hold.
        expect(answers.every((a) => a.status === o.status)).toBe(true);
      }
      await f.close();
    });
  });

  describe('the order a triggered stop becomes', () => {
    it('books its fill on the stop, without looking its exchange-made id up in the books', async () => {
      const f = await createEngineFixture(store());
      const read: string[] = [];
      const orders = f.repos.orders;
      const findByClientOrderId = orders.findByClientOrderId;
      orders.findByClientOrderId = (clientOrderId) => {
        read.push(clientOrderId);
        return findByClientOrderId(clientOrderId);
      };
      const positionId = await stopOut(f);
      orders.findByClientOrderId = findByClientOrderId;

      const position = await f.repos.positions.findById(positionId);
      expect(position).toMatchObject({ status: 'CLOSED_LOSS', closeReason: 'STOP_LOSS' });
      const fills = await f.repos.fills.listByPosition(positionId);
      expect(fills.map((x) => x.leg)).toEqual(['entry', 'sl']);
      // The child reported itself (new, then filled) and its fill: none of it was a read.
      const child = f.sim.allOrders(f.accountId, 'BTCUSDT').find((o) => o.reduceOnly && o.type === 'MARKET');
      expect(child).toBeDefined();
      expect(read).not.toContain(child!.clientOrderId);
      await f.close();
    });
  });

  describe('a fill that comes after its position was booked closed', () => {
    it('refreshes the closed position’s figures from it', async () => {
      const f = await createEngineFixture(store());
      const port = f.sim.account(f.accountId);
      // The stop's fill is held back: the engine sees the position flat without it.
      let holding = true;
      const held: UserStreamEvent[] = [];
      let deliver: UserStreamListener = () => undefined;
      const late: Exchange = {
        ...port,
        subscribe(listener) {
          deliver = listener;
          return port.subscribe((event) => {
            if (holding && event.type === 'fill' && event.fill.side === 'SELL') held.push(event);
            else listener(event);
          });
        },
      };
      await f.engine.detachAccount(f.user.id);
      await f.engine.attachAccount(f.user.id, late);
      const positionId = await stopOut(f);
      const booked = await f.repos.positions.findById(positionId);
      expect(booked).toMatchObject({ status: 'CLOSED_LOSS', closeReason: 'STOP_LOSS' });
      expect(held).toHaveLength(1);
      const wallet = f.sim.accountSummary(f.accountId).walletBalance.sub(10_000);
      // Booked from the stop's price, without the exit's fee: not yet what the wallet says.
      expect(booked!.pnl!.eq(wallet)).toBe(false);

      holding = false;
      for (const event of held) deliver(event);
      await f.engine.idle();
      const refreshed = await f.repos.positions.findById(positionId);
      expect(refreshed).toMatchObject({ status: 'CLOSED_LOSS', closeReason: 'STOP_LOSS' });
      expect(refreshed!.pnl!.toFixed()).toBe(wallet.toFixed());
      await f.close();
    });
  });
});
