import { expect, it } from 'vitest';
import { forEachStore } from '../../../test/support/stores.js';
import { dec } from '../../domain/index.js';
import { createRepositories, type Repositories } from '../index.js';

/** A position with an entry (two fills, the later trade written first), a stop with one fill and a target with none. */
async function tradedPosition(r: Repositories, userId: string, symbol: string) {
  const position = await r.positions.insert({
    userId,
    symbol,
    direction: 'LONG',
    mode: 'PAPER',
    qty: dec('2'),
    margin: dec('10'),
    leverage: 5,
  });
  const order = (leg: string, side: 'BUY' | 'SELL', type: string) =>
    r.orders.insertIntent({
      userId,
      positionId: position.id,
      clientOrderId: `${position.id}-${leg}`,
      family: leg === 'entry' ? 'REGULAR' : 'ALGO',
      leg,
      symbol,
      side,
      type,
    });
  const entry = await order('entry', 'BUY', 'MARKET');
  const sl = await order('sl', 'SELL', 'STOP_MARKET');
  await order('tp', 'SELL', 'TAKE_PROFIT_MARKET');
  const fill = (orderId: string, tradeId: string, qty: string, at: string) =>
    r.fills.insert({
      orderId,
      userId,
      tradeId,
      price: dec('100.5'),
      qty: dec(qty),
      fee: dec('0.01'),
      feeAsset: 'USDT',
      realizedPnl: dec('0'),
      tradeTime: new Date(at),
    });
  await fill(entry.id, 't2', '1.5', '2026-05-01T00:00:02.000Z');
  await fill(entry.id, 't1', '0.5', '2026-05-01T00:00:01.000Z');
  await fill(sl.id, 't3', '2', '2026-05-01T00:00:03.000Z');
  await r.positions.update(position.id, { status: 'OPEN', filledQty: dec('2') });
  return position;
}

forEachStore('position books', ({ store }) => {
  const repos = () => createRepositories(store().db);

  /** What the three separate reads answer, now. */
  const separately = async (r: Repositories, positionId: string) => ({
    position: await r.positions.findById(positionId),
    orders: await r.orders.listByPosition(positionId),
    fills: await r.fills.listByPosition(positionId),
  });

  it('reads a position with its orders and fills as the three separate reads do', async () => {
    const r = repos();
    const user = await r.users.create({ email: 'book@example.com', passwordHash: 'x' });
    const position = await tradedPosition(r, user.id, 'BTCUSDT');

    const byId = await r.positionBooks.findById(position.id);
    expect(byId).toEqual(await separately(r, position.id));
    expect(byId!.orders.map((o) => o.leg)).toEqual(['entry', 'sl', 'tp']);
    expect(byId!.fills.map((f) => [f.tradeId, f.leg, f.side])).toEqual([
      ['t1', 'entry', 'BUY'],
      ['t2', 'entry', 'BUY'],
      ['t3', 'sl', 'SELL'],
    ]);
    expect(await r.positionBooks.findLive(user.id, 'BTCUSDT')).toEqual(byId);
  });

  it('answers a position without orders, nothing for an unknown id, and only live positions by symbol', async () => {
    const r = repos();
    const user = await r.users.create({ email: 'book-empty@example.com', passwordHash: 'x' });
    const bare = await r.positions.insert({
      userId: user.id,
      symbol: 'ETHUSDT',
      direction: 'SHORT',
      mode: 'PAPER',
      qty: dec('1'),
      margin: dec('10'),
      leverage: 5,
    });
    expect(await r.positionBooks.findLive(user.id, 'ETHUSDT')).toEqual({
      position: bare,
      orders: [],
      fills: [],
    });
    expect(await r.positionBooks.findById('00000000-0000-4000-8000-000000000000')).toBeUndefined();

    await r.positions.update(bare.id, { status: 'CANCELLED' });
    expect(await r.positionBooks.findLive(user.id, 'ETHUSDT')).toBeUndefined();
    // By id, closed or not.
    expect((await r.positionBooks.findById(bare.id))?.position.status).toBe('CANCELLED');
  });

  it('answers each of many reads asked together with its own book', async () => {
    const r = repos();
    const users = await Promise.all(
      [1, 2, 3].map((n) => r.users.create({ email: `book-many-${n}@example.com`, passwordHash: 'x' })),
    );
    const positions = [];
    for (const u of users) positions.push(await tradedPosition(r, u.id, 'SOLUSDT'));
    // Asked at once: the reads after the first share a statement (../grouped.ts).
    const [byId, live] = await Promise.all([
      Promise.all([...positions, positions[0]!].map((p) => r.positionBooks.findById(p.id))),
      Promise.all(
        [...users.map((u) => [u.id, 'SOLUSDT']), [users[0]!.id, 'XRPUSDT']].map(([userId, symbol]) =>
          r.positionBooks.findLive(userId!, symbol!),
        ),
      ),
    ]);
    for (const [i, p] of [...positions, positions[0]!].entries()) {
      expect(byId[i]).toEqual(await separately(r, p.id));
    }
    expect(live.slice(0, 3)).toEqual(byId.slice(0, 3));
    expect(live[3]).toBeUndefined();
  });
});
