import { expect, it } from 'vitest';
import { forEachStore } from '../../../test/support/stores.js';
import { dec } from '../../domain/index.js';
import { createRepositories } from '../index.js';

forEachStore('entry facts', ({ store }) => {
  const repos = () => createRepositories(store().db);

  it('answers the user, the duplicate check and the risk gate’s facts in one read', async () => {
    const r = repos();
    const user = await r.users.create({ email: 'facts@example.com', passwordHash: 'x' });
    const other = await r.users.create({ email: 'facts-other@example.com', passwordHash: 'x' });
    const dayStart = new Date('2026-05-01T00:00:00.000Z');
    const open = (userId: string, symbol: string) =>
      r.positions.insert({
        userId,
        symbol,
        direction: 'LONG',
        mode: 'PAPER',
        qty: dec('1'),
        margin: dec('10'),
        leverage: 5,
      });
    const close = async (userId: string, symbol: string, reason: string, pnl: string, closedAt: string) => {
      const p = await open(userId, symbol);
      await r.positions.update(p.id, {
        status: dec(pnl).gte(0) ? 'CLOSED_WIN' : 'CLOSED_LOSS',
        pnl: dec(pnl),
        closeReason: reason,
        closedAt: new Date(closedAt),
      });
      return p;
    };
    // Nothing yet: no entry, nothing live, no stop-out, no PnL.
    const empty = await r.executionQueries.entryFacts(user.id, 'BTCUSDT', 'nt-entry-1', dayStart);
    expect(empty).toMatchObject({ entry: undefined, hasLivePosition: false, lastStopOutAt: null });
    expect(empty.user).toEqual(await r.users.findById(user.id));
    expect(empty.realisedPnlSince.toFixed()).toBe('0');

    await close(user.id, 'BTCUSDT', 'STOP_LOSS', '-12.5', '2026-04-30T23:00:00.000Z'); // before the day
    await close(user.id, 'BTCUSDT', 'STOP_LOSS', '-3.25', '2026-05-01T02:00:00.000Z');
    await close(user.id, 'BTCUSDT', 'TAKE_PROFIT', '7.125', '2026-05-01T03:00:00.000Z'); // not a stop-out
    await close(user.id, 'ETHUSDT', 'STOP_LOSS', '-1', '2026-05-01T04:00:00.000Z'); // another symbol
    await close(other.id, 'BTCUSDT', 'STOP_LOSS', '-100', '2026-05-01T05:00:00.000Z'); // another user
    const live = await open(user.id, 'BTCUSDT');
    await r.orders.insertIntent({
      userId: user.id,
      positionId: live.id,
      clientOrderId: 'nt-entry-1',
      family: 'REGULAR',
      leg: 'entry',
      symbol: 'BTCUSDT',
      side: 'BUY',
      type: 'MARKET',
    });

    const facts = await r.executionQueries.entryFacts(user.id, 'BTCUSDT', 'nt-entry-1', dayStart);
    expect(facts.user?.id).toBe(user.id);
    expect(facts.entry).toEqual({ positionId: live.id });
    expect(facts.hasLivePosition).toBe(true);
    expect(facts.lastStopOutAt?.toISOString()).toBe('2026-05-01T02:00:00.000Z');
    expect(facts.realisedPnlSince.toFixed()).toBe(dec('-3.25').add('7.125').add('-1').toFixed());

    const elsewhere = await r.executionQueries.entryFacts(user.id, 'SOLUSDT', 'nt-entry-2', dayStart);
    expect(elsewhere).toMatchObject({ entry: undefined, hasLivePosition: false, lastStopOutAt: null });
    expect(elsewhere.realisedPnlSince.toFixed()).toBe(facts.realisedPnlSince.toFixed());

    const nobody = await r.executionQueries.entryFacts(
      '00000000-0000-4000-8000-000000000000',
      'BTCUSDT',
      'x',
      dayStart,
    );
    expect(nobody.user).toBeUndefined();
  });
});
